//===- SimulateCommand.cpp - `duplexc simulate` ---------------------------===//

#include "DriverContext.h"
#include "Replicas.h"
#include "duplex/Compiler/StagePolicy.h"
#include "duplex/Dialect/LLM/IR/LLMOps.h"
#include "duplex/Driver/Commands.h"
#include "duplex/Hardware/CalibrationProfile.h"
#include "duplex/Import/ModelLoader.h"
#include "duplex/InitAllDialects.h"
#include "duplex/Serving/Report.h"
#include "duplex/Serving/SchedulerPolicy.h"
#include "duplex/Serving/Simulator.h"
#include "duplex/Serving/Timeline.h"
#include "duplex/Serving/Workload.h"
#include "duplex/Support/FiniteJSON.h"
#include "duplex/Support/Output.h"
#include "duplex/Support/Progress.h"
#include "duplex/Support/Provenance.h"
#include "duplex/Transforms/Partition.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/WithColor.h"

#include <chrono>
#include <limits>

using namespace llvm;
using namespace duplex;
using namespace duplex::serving;

static constexpr StringLiteral kTool = "duplexc simulate";

static Error usageError(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

/// The requests of the run: a trace (lengths optionally redrawn) or a
/// synthetic stream.
static Expected<std::vector<RequestSpec>>
makeRequests(const SimulateOptions &options) {
  bool lengthsGiven = options.inputTokens || options.outputTokens;
  double lengthStd = options.lengthStd.value_or(0.1);
  if (!(lengthStd >= 0 && lengthStd <= 1))
    return usageError("--len-std is the standard deviation as a fraction of "
                      "the mean lengths, between 0 and 1 (got " +
                      formatv("{0}", lengthStd) + ")");
  if (options.requests && *options.requests == 0)
    return usageError("--requests must be at least 1 (leave it out for the "
                      "whole trace, or 256 synthetic requests)");
  bool trace = !options.traceFile.empty();
  if (trace && options.lengthStd && !lengthsGiven)
    WithColor::warning(errs(), kTool)
        << "--len-std is ignored: the trace's lengths are used as they are "
           "(give --lin and/or --lout to redraw them)\n";
  // Each length has its own default; with a trace, one not given keeps the
  // trace's.
  LengthDistribution lengths{options.inputTokens.value_or(trace ? 0 : 1024),
                             options.outputTokens.value_or(trace ? 0 : 256),
                             lengthStd};
  Expected<std::vector<RequestSpec>> requests = std::vector<RequestSpec>();
  std::optional<TraceColumns> columns;
  if (!options.traceColumns.empty()) {
    if (!trace)
      return usageError("--trace-columns names the columns of --trace FILE");
    Expected<TraceColumns> parsed = parseTraceColumns(options.traceColumns);
    if (!parsed)
      return parsed.takeError();
    columns = std::move(*parsed);
  }
  if (options.traceQPS && !trace)
    return usageError("--trace-qps rescales the arrivals of --trace FILE");
  if (!options.arrivals.empty() && !options.qps)
    return usageError("--arrivals is how requests arrive at --qps Q; give "
                      "--qps");
  ArrivalProcess arrivals = ArrivalProcess::Poisson;
  if (!options.arrivals.empty()) {
    Expected<ArrivalProcess> parsed = parseArrivalProcess(options.arrivals);
    if (!parsed)
      return parsed.takeError();
    arrivals = *parsed;
  }
  if (trace) {
    requests = readTraceCSV(options.traceFile, options.requests.value_or(0),
                            options.limits.maxRequests, columns);
    if (requests && requests->empty())
      return usageError("trace '" + options.traceFile + "' has no requests");
    if (requests && lengthsGiven)
      redrawLengths(*requests, lengths, options.seed);
    if (requests && options.traceQPS)
      if (Error error = rescaleArrivals(*requests, *options.traceQPS))
        return createStringError(
            inconvertibleErrorCode(), "--trace-qps: trace '%s': %s",
            options.traceFile.c_str(), toString(std::move(error)).c_str());
  } else {
    SyntheticWorkload workload;
    workload.requests = options.requests.value_or(256);
    workload.lengths = lengths;
    workload.queriesPerSecond = options.qps;
    workload.arrivals = arrivals;
    workload.seed = options.seed;
    requests = generateRequests(workload, options.limits);
  }
  if (!requests)
    return requests.takeError();
  if (Error error = checkWorkLimits(*requests, options.limits))
    return std::move(error);
  return requests;
}

/// Requests whose prompt plus output run past the positions the model was
/// trained for: an error unless --allow-long-context, then a warning. The
/// count goes into the report either way.
static Expected<uint64_t> checkContextLengths(llm::ModelOp model,
                                              ArrayRef<RequestSpec> requests,
                                              bool allow) {
  std::optional<uint64_t> positions = model.getMaxPositionEmbeddings();
  if (!positions) // The llm.model verifier holds it positive.
    return 0;
  uint64_t past = 0;
  const RequestSpec *longest = nullptr;
  size_t longestIndex = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    const RequestSpec &request = requests[i];
    uint64_t context = request.inputTokens + request.outputTokens;
    if (context <= *positions)
      continue;
    ++past;
    if (!longest || context > longest->inputTokens + longest->outputTokens) {
      longest = &request;
      longestIndex = i;
    }
  }
  if (!past)
    return 0;
  std::string what = formatv(
      "{0} of {1} requests run past the max_position_embeddings ({3}) of "
      "model '{2}'; the longest, request {4}, needs {5} positions ({6} "
      "prompt + {7} generated)",
      past, requests.size(), model.getSymName(), *positions, longestIndex,
      longest->inputTokens + longest->outputTokens, longest->inputTokens,
      longest->outputTokens);
  if (!allow)
    return usageError(what + "; shorten --lin/--lout or the trace's lengths, "
                             "or pass --allow-long-context to simulate them "
                             "anyway");
  WithColor::warning(errs(), kTool)
      << what << " (--allow-long-context: simulated anyway)\n";
  return past;
}

namespace {
/// The system's maximum batch dealt over its data-parallel replicas: the
/// first `system % replicas` replicas take one more.
struct BatchLimit {
  uint64_t system = 0;
  unsigned replicas = 1;
  uint64_t forReplica(unsigned replica) const {
    return system / replicas + (replica < system % replicas ? 1 : 0);
  }
  std::string describe() const {
    if (replicas == 1)
      return std::to_string(system);
    uint64_t low = forReplica(replicas - 1), high = forReplica(0);
    return formatv("{0} ({1}{2} per replica x {3})", system, low,
                   low == high ? "" : formatv("-{0}", high).str(), replicas)
        .str();
  }
};
} // namespace

/// --batch (the system's) or --batch-per-replica, over `replicas`.
static Expected<BatchLimit> dealBatch(const SimulateOptions &options,
                                      unsigned replicas) {
  BatchLimit limit;
  limit.replicas = std::max(1u, replicas);
  if (options.batchPerReplica) {
    if (*options.batchPerReplica == 0)
      return usageError("--batch-per-replica must be at least 1");
    // In 64 bits the product must not wrap to a smaller batch.
    if (*options.batchPerReplica >
        std::numeric_limits<uint64_t>::max() / limit.replicas)
      return usageError(formatv("--batch-per-replica {0} over {1} replicas "
                                "is past 2^64 requests",
                                *options.batchPerReplica, limit.replicas));
    limit.system = *options.batchPerReplica * limit.replicas;
    return limit;
  }
  if (options.batch == 0)
    return usageError("--batch must be at least 1");
  if (options.batch < limit.replicas)
    return usageError(formatv(
        "--batch {0} is the whole system's maximum batch, dealt over its {1} "
        "data-parallel replicas (nodes x replicas per node): some would "
        "serve nothing; give --batch {1} or more, or --batch-per-replica",
        options.batch, limit.replicas));
  limit.system = options.batch;
  return limit;
}

/// A runtime section of the calibration profile applies when --scheduler
/// names its runtime: one named after no policy would never apply.
static Error checkCalibrationRuntimes(StringRef calibration) {
  Expected<hw::CalibrationProfile> profile =
      hw::loadCalibrationProfile(calibration);
  if (!profile)
    return profile.takeError();
  for (const auto &entry : profile->runtimes)
    if (llvm::none_of(getSchedulerPolicies(),
                      [&](const SchedulerPolicy &policy) {
                        return policy.name == entry.first;
                      }))
      return createStringError(
          inconvertibleErrorCode(),
          "%s: $.runtimes.%s: no --scheduler policy has this name (known: %s)",
          profile->fileName.c_str(), entry.first.c_str(),
          schedulerPolicySpellings().c_str());
  return Error::success();
}

/// --set as {"PATH": "VALUE", ...}.
static json::Object setsJSON(ArrayRef<hw::DeviceOverride> overrides) {
  json::Object object;
  for (const hw::DeviceOverride &override : overrides)
    object[override.path] = override.value;
  return object;
}

namespace {
/// What the run resolved from the options and their defaults, so that the
/// same run records the same inputs however it was spelled.
struct ResolvedRun {
  const hw::System *system = nullptr;
  bool closedLoop = false;
  const ReportOptions *report = nullptr;
  const ServingOptions *serving = nullptr;
};
} // namespace

/// Every option of the run as it ran (defaults filled in, spellings
/// normalised: 200ms is 0.2), under the Python API's argument names.
static json::Object optionsJSON(const SimulateOptions &options,
                                const ResolvedRun &run) {
  auto optional = [](const auto &value) -> json::Value {
    if (!value)
      return nullptr;
    return *value;
  };
  auto dtype = [](std::optional<llm::DType> type) -> json::Value {
    if (!type)
      return nullptr;
    return llm::stringifyDType(*type);
  };
  bool trace = !options.traceFile.empty();
  // A trace's own lengths are kept unless redrawn.
  auto length = [&](std::optional<double> given, double fallback) {
    return given   ? json::Value(*given)
           : trace ? json::Value(nullptr)
                   : json::Value(fallback);
  };
  json::Array percentiles;
  for (double percent : run.report->percentiles)
    percentiles.push_back(percent);
  json::Object slo;
  if (run.report->slo.ttft)
    slo["ttft_s"] = *run.report->slo.ttft;
  if (run.report->slo.tpot)
    slo["tpot_s"] = *run.report->slo.tpot;
  if (run.report->slo.e2e)
    slo["e2e_s"] = *run.report->slo.e2e;
  const hw::Topology &topology = run.system->topology;
  return json::Object{
      {"devices", topology.devicesPerNode},
      {"nodes", topology.nodes},
      {"replicas_per_node", topology.replicasPerNode},
      {"coprocess", options.coprocess},
      {"closed_loop", run.closedLoop},
      {"qps", optional(options.qps)},
      {"arrivals",
       options.qps ? json::Value(options.arrivals.empty() ? "poisson"
                                                          : options.arrivals)
                   : json::Value(nullptr)},
      {"trace_qps", optional(options.traceQPS)},
      {"batch", options.batchPerReplica ? json::Value(nullptr)
                                        : json::Value(options.batch)},
      {"batch_per_replica", optional(options.batchPerReplica)},
      {"calibration", options.calibration},
      {"requests", optional(options.requests)},
      {"lin", length(options.inputTokens, 1024)},
      {"lout", length(options.outputTokens, 256)},
      {"len_std", trace && !options.inputTokens && !options.outputTokens
                      ? json::Value(nullptr)
                      : json::Value(options.lengthStd.value_or(0.1))},
      {"scheduler", options.scheduler},
      {"max_batched_tokens", run.serving->maxTokensPerStage},
      {"chunked_prefill", run.serving->chunkedPrefill},
      {"routing", options.routing},
      {"trace_columns", options.traceColumns},
      {"seed", options.seed},
      {"set", setsJSON(options.deviceOverrides)},
      {"percentiles", std::move(percentiles)},
      {"slo", std::move(slo)},
      {"weight_dtype", dtype(options.import.weightDType)},
      {"kv_dtype", dtype(options.import.kvDType)},
      {"allow_partial", options.import.allowPartial},
      {"tied_embeddings", optional(options.import.tiedEmbeddings)},
      {"allow_long_context", options.allowLongContext},
      {"limit_requests", options.limits.maxRequests},
      {"limit_tokens", options.limits.maxGeneratedTokens},
      {"limit_prompt_tokens", options.limits.maxPromptTokens}};
}

/// What the report was computed from: the tool, fingerprints of the model,
/// device, calibration and trace files, and every option.
static json::Object inputsJSON(const SimulateOptions &options,
                               const ResolvedRun &run) {
  json::Object inputs{
      {"tool", "duplexc simulate"},
      {"version", getDuplexVersion()},
      {"git_revision", getDuplexGitRevision()},
      {"model", describeInput(options.model, getBundledModels())},
      {"device", describeInput(options.device, getBundledDevices())},
      {"calibration",
       describeInput(options.calibration, getBundledCalibrations())},
      {"options", optionsJSON(options, run)}};
  if (!options.traceFile.empty())
    inputs["trace"] = describeInput(options.traceFile, {});
  if (StringRef routing = options.routing; routing.consume_front("trace:"))
    inputs["routing_trace"] = describeInput(routing, {});
  return inputs;
}

/// Options the run ignores, each named in a warning (an error where it
/// cannot mean anything is raised elsewhere).
static void warnIgnoredOptions(const SimulateOptions &options,
                               llm::ModelOp model,
                               const ServingOptions &serving) {
  // Resolved values: a calibrated chunking meets `--max-batched-tokens 0`.
  if (serving.chunkedPrefill && serving.maxTokensPerStage == 0)
    WithColor::warning(errs(), kTool)
        << (options.chunkedPrefill ? "--chunked-prefill" : "chunked prefill")
        << " does nothing without a stage token budget "
           "(--max-batched-tokens, or a --scheduler policy or calibration "
           "with one)\n";
  bool hasExperts = false;
  model.walk([&](llm::MoEOp) { hasExperts = true; });
  if (!hasExperts && options.routing != SimulateOptions().routing)
    WithColor::warning(errs(), kTool)
        << "--routing is ignored: model '" << model.getSymName()
        << "' has no experts\n";
}

namespace {
/// A run's report and what each request experienced.
struct SimulationOutcome {
  ServingReport report;
  std::vector<RequestRecord> records;
  /// With --timeline: the replicas' results and what the trace needs.
  std::vector<ServingResult> replicaResults;
  std::vector<std::string> resources;
  uint64_t kvCapacityTokens = 0;
};
} // namespace

/// --percentiles and --slo.
static Expected<ReportOptions>
makeReportOptions(const SimulateOptions &options) {
  ReportOptions reportOptions;
  if (!options.percentiles.empty()) {
    Expected<std::vector<double>> percents =
        parsePercentiles(options.percentiles);
    if (!percents)
      return percents.takeError();
    reportOptions.percentiles = std::move(*percents);
  }
  if (!options.slo.empty()) {
    Expected<ServiceLevelObjectives> slo = parseSLO(options.slo);
    if (!slo)
      return slo.takeError();
    reportOptions.slo = *slo;
  }
  return reportOptions;
}

static Expected<SimulationOutcome> simulate(const SimulateOptions &options) {
  int modes = int(options.closedLoop) + int(options.qps.has_value()) +
              int(!options.traceFile.empty());
  if (modes > 1)
    return usageError("--closed-loop, --qps and --trace are alternatives; "
                      "give one");
  if (options.device.empty())
    return usageError("--device is required (e.g. --device duplex)");
  Expected<ReportOptions> reportOptions = makeReportOptions(options);
  if (!reportOptions)
    return reportOptions.takeError();
  StringRef routingTrace = options.routing;
  if (!routingTrace.consume_front("trace:"))
    routingTrace = "";
  if (Error error =
          checkDistinctOutputs({{"-o", options.outputFile},
                                {"--requests-out", options.requestsOutFile},
                                {"--timeline", options.timelineFile}},
                               {{"--trace", options.traceFile},
                                {"model", options.model},
                                {"--device", options.device},
                                {"--calibration", options.calibration},
                                {"--routing", routingTrace}}))
    return std::move(error);
  if (!options.requestsOutFile.empty()) {
    if (Expected<RequestTableFormat> format =
            requestTableFormatFor(options.requestsOutFile);
        !format)
      return format.takeError();
    // Refuse a device, directory or link before minutes of simulation.
    if (Error error = checkOutputPath(options.requestsOutFile))
      return std::move(error);
  }
  if (!options.timelineFile.empty())
    if (Error error = checkOutputPath(options.timelineFile))
      return std::move(error);
  if (!options.timelineWindow.empty()) {
    if (options.timelineFile.empty())
      return usageError("--timeline-window needs --timeline FILE");
    TimelineInput check;
    if (Error error = parseTimelineWindow(options.timelineWindow, check))
      return std::move(error);
  }

  std::unique_ptr<mlir::MLIRContext> contextOwner = createDriverContext();
  mlir::MLIRContext &context = *contextOwner;
  Expected<LoadedModel> loaded =
      loadModel(options.model, &context, options.import);
  if (!loaded)
    return loaded.takeError();
  Expected<const SchedulerPolicy &> scheduler =
      findSchedulerPolicy(options.scheduler);
  if (!scheduler)
    return scheduler.takeError();
  if (Error error = checkCalibrationRuntimes(options.calibration))
    return std::move(error);
  // The calibration's section for the scheduler's runtime applies on top.
  StringRef runtime = scheduler->name;
  auto system = loadScaledSystem(options.device, options.devices, options.nodes,
                                 options.replicasPerNode, options.calibration,
                                 options.deviceOverrides, runtime);
  if (!system)
    return system.takeError();
  unsigned replicas =
      (*system)->topology.nodes * (*system)->topology.replicasPerNode;
  Expected<BatchLimit> batch = dealBatch(options, replicas);
  if (!batch)
    return batch.takeError();

  Expected<PolicyOptions> policyOptions =
      makePolicyOptions(options.coprocess, options.routing, options.seed);
  if (!policyOptions)
    return policyOptions.takeError();
  policyOptions->kvMemory = {scheduler->memoryUtilization,
                             scheduler->kvFreeFraction};
  // Each replica gets its own policy (and memo): see Replicas.h. The first
  // is made now, so a model that does not fit fails before the requests
  // are read.
  std::unique_ptr<hw::System> firstSystem = std::move(*system);
  auto makePolicy = [&]() -> Expected<std::unique_ptr<StagePolicy>> {
    std::unique_ptr<hw::System> replicaSystem = std::move(firstSystem);
    if (!replicaSystem) {
      auto loadedSystem =
          loadScaledSystem(options.device, options.devices, options.nodes,
                           options.replicasPerNode, options.calibration,
                           options.deviceOverrides, runtime);
      if (!loadedSystem)
        return loadedSystem.takeError();
      replicaSystem = std::move(*loadedSystem);
    }
    return StagePolicy::create(loaded->model, std::move(replicaSystem),
                               *policyOptions);
  };
  Expected<std::unique_ptr<StagePolicy>> firstPolicy = makePolicy();
  if (!firstPolicy)
    return firstPolicy.takeError();

  Expected<std::vector<RequestSpec>> requests = makeRequests(options);
  if (!requests)
    return requests.takeError();
  Expected<uint64_t> longContext =
      checkContextLengths(loaded->model, *requests, options.allowLongContext);
  if (!longContext)
    return longContext.takeError();

  // The stage budget: the policy's documented default, replaced by the one
  // the calibration's runtime section was measured with (a deployment may
  // differ from its framework's defaults), replaced by the command line.
  // Each half is replaced on its own (and the title says which came from
  // the calibration).
  std::optional<uint64_t> calibratedBudget =
      (*firstPolicy)->getSystem().runtimeChunkedStageTokens;
  bool budgetCalibrated = calibratedBudget && !options.maxTokensPerStage;
  bool chunkingCalibrated = calibratedBudget && !options.chunkedPrefill;
  ServingOptions serving;
  serving.maxTokensPerStage = options.maxTokensPerStage.value_or(
      calibratedBudget.value_or(scheduler->tokenBudget));
  serving.chunkedPrefill = options.chunkedPrefill.value_or(
      calibratedBudget ? true : scheduler->chunkedPrefill);
  warnIgnoredOptions(options, loaded->model, serving);
  serving.mixPrefillAndDecode = scheduler->mixPrefillAndDecode;
  serving.reserveWholeRequest = scheduler->reserveWholeRequest;
  serving.closedLoop = modes == 0 || options.closedLoop;
  serving.recordStages = !options.timelineFile.empty();

  auto start = std::chrono::steady_clock::now();
  ProgressBar progress("simulating", !options.quiet);
  ReplicaRun run;
  run.replicas = replicas;
  run.threads = options.threads;
  // The first replica takes the policy made above (std::function needs a
  // copyable holder).
  auto first =
      std::make_shared<std::unique_ptr<StagePolicy>>(std::move(*firstPolicy));
  run.makePolicy = [&, first]() -> Expected<std::unique_ptr<StagePolicy>> {
    if (*first)
      return std::move(*first);
    return makePolicy();
  };
  run.serving = serving;
  run.batchFor = [&](unsigned replica) { return batch->forReplica(replica); };
  run.progress = &progress;
  Expected<ReplicaResults> ran = runReplicas(*requests, run);
  if (!ran)
    return ran.takeError();
  std::vector<ServingResult> &results = ran->results;
  const StagePolicy &policy = *ran->policies.front();
  uint64_t evaluations = 0, queries = 0;
  for (const std::unique_ptr<StagePolicy> &each : ran->policies) {
    evaluations += each->getEvaluations();
    queries += each->getQueries();
  }
  progress.finish();
  double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  SimulationOutcome outcome;
  ServingReport &report = outcome.report;
  report = makeReport(results, wall, *reportOptions);
  for (ServingResult &result : results)
    llvm::append_range(outcome.records, result.requests);
  if (serving.recordStages) {
    outcome.resources = policy.resourceNames();
    outcome.kvCapacityTokens = policy.kvCapacityTokens();
    outcome.replicaResults = std::move(results);
  }
  report.partialModel = loaded->model->hasAttr("llm.partial");
  ResolvedRun resolved;
  resolved.system = &policy.getSystem();
  resolved.closedLoop = serving.closedLoop;
  resolved.report = &*reportOptions;
  resolved.serving = &serving;
  report.inputs = inputsJSON(options, resolved);
  report.longContextRequests = *longContext;
  const hw::System &target = policy.getSystem();
  report.calibration = target.calibrationProfile;
  report.scheduler = scheduler->name.str();
  report.stageTokenBudget = serving.maxTokensPerStage;
  report.chunkedPrefill = serving.chunkedPrefill;
  // The policy as run: the calibration's runtime budget, --max-batched-tokens
  // and --chunked-prefill override it.
  std::string schedulerText = scheduler->name.str();
  if (serving.maxTokensPerStage != scheduler->tokenBudget ||
      serving.chunkedPrefill != scheduler->chunkedPrefill) {
    std::string budgetText =
        serving.maxTokensPerStage
            ? formatv("token budget {0}", serving.maxTokensPerStage).str()
            : std::string("no token budget");
    std::string chunkingText =
        serving.chunkedPrefill ? "chunked prefill" : "whole prompts";
    if (budgetCalibrated && chunkingCalibrated)
      chunkingText += ", as calibrated";
    else if (budgetCalibrated)
      budgetText += " as calibrated";
    else if (chunkingCalibrated)
      chunkingText += " as calibrated";
    schedulerText += formatv(" ({0}, {1})", budgetText, chunkingText).str();
  }
  report.batchLimit = batch->system;
  report.batchLimitPerReplica = batch->forReplica(0);
  report.replicas = replicas;
  report.kvCapacityTokens = policy.kvCapacityTokens();
  report.runtimeReservedBytes = target.runtimeReservedBytes;
  report.kvWholeRequestAdmission = serving.reserveWholeRequest;
  report.title = formatv(
      "{0} on {1}: {2} device(s) x {3} node(s){9}, coprocess {4}, {5}, max "
      "batch {6}, calibration {10}, scheduler {11}; {7} of {8} stages "
      "evaluated",
      loaded->model.getSymName(), target.name, target.topology.devicesPerNode,
      target.topology.nodes, options.coprocess,
      !options.traceFile.empty()
          ? "trace " + options.traceFile +
                (options.traceQPS
                     ? formatv(" at {0} req/s", *options.traceQPS).str()
                     : std::string())
      : options.qps
          ? formatv("{0} {1} req/s",
                    options.arrivals == "uniform" ? "uniform" : "Poisson",
                    *options.qps)
                .str()
          : std::string("closed loop"),
      batch->describe(), evaluations, queries,
      target.topology.replicasPerNode > 1
          ? formatv(" x {0} replicas per node", target.topology.replicasPerNode)
                .str()
          : std::string(),
      target.calibrationProfile, schedulerText);
  return outcome;
}

/// The per-request table as JSON columns, in order: {"columns": ["request_id",
/// ...], "data": [[ids...], ...]} (a JSON object's keys print sorted).
static json::Object requestTableJSON(ArrayRef<RequestRecord> records) {
  ArrayRef<StringRef> names = getRequestTableColumns();
  std::vector<json::Array> columns(names.size());
  for (const RequestRecord *record : sortedByRequestId(records)) {
    std::vector<json::Value> cells = requestTableRow(*record);
    for (size_t c = 0; c < names.size(); ++c)
      columns[c].push_back(std::move(cells[c]));
  }
  json::Array header, data;
  for (size_t c = 0; c < names.size(); ++c) {
    header.push_back(names[c]);
    data.push_back(std::move(columns[c]));
  }
  return json::Object{{"columns", std::move(header)},
                      {"data", std::move(data)}};
}

namespace {
/// A finished run: its report, and the same as the JSON `--json` prints.
struct SimulatedReport {
  ServingReport report;
  json::Value json = nullptr;
};
} // namespace

/// Runs the simulation, writes --requests-out and --timeline, and returns
/// the report in both forms.
static Expected<SimulatedReport> runSimulation(const SimulateOptions &options) {
  Expected<SimulationOutcome> outcome = simulate(options);
  if (!outcome)
    return outcome.takeError();
  // The text report prints the same numbers: check them in either form.
  json::Object reportObject = toJSON(outcome->report);
  if (options.embedRequestTable)
    reportObject["request_table"] = requestTableJSON(outcome->records);
  json::Value reportJSON = std::move(reportObject);
  if (Error error = requireFiniteJSON(reportJSON, "the serving report"))
    return std::move(error);
  if (!options.requestsOutFile.empty()) {
    RequestTableFormat format =
        cantFail(requestTableFormatFor(options.requestsOutFile));
    if (Error error =
            writeOutput(options.requestsOutFile, [&](raw_ostream &os) {
              writeRequestTable(outcome->records, format, os);
            }))
      return std::move(error);
  }
  if (!options.timelineFile.empty()) {
    TimelineInput timeline;
    timeline.replicas = outcome->replicaResults;
    timeline.resources = outcome->resources;
    timeline.kvCapacityTokens = outcome->kvCapacityTokens;
    timeline.title = outcome->report.title;
    if (!options.timelineWindow.empty()) {
      cantFail(parseTimelineWindow(options.timelineWindow, timeline));
      if (timeline.windowStart > outcome->report.simulatedSeconds)
        WithColor::warning(errs(), kTool)
            << "--timeline-window starts after the run ends ("
            << formatv("{0:g}", outcome->report.simulatedSeconds)
            << " s simulated): the timeline holds no stage\n";
    }
    if (Error error = writeOutput(options.timelineFile, [&](raw_ostream &os) {
          writeTimeline(timeline, os);
        }))
      return std::move(error);
  }
  return SimulatedReport{std::move(outcome->report), std::move(reportJSON)};
}

Expected<json::Value>
duplex::makeSimulateReport(const SimulateOptions &options) {
  Expected<SimulatedReport> simulated = runSimulation(options);
  if (!simulated)
    return simulated.takeError();
  return std::move(simulated->json);
}

Expected<CommandOutput>
duplex::makeSimulateOutput(const SimulateOptions &options) {
  Expected<SimulatedReport> simulated = runSimulation(options);
  if (!simulated)
    return simulated.takeError();
  return [simulated = std::move(*simulated),
          json = options.json](raw_ostream &os) {
    if (json)
      os << formatv("{0:2}", simulated.json) << "\n";
    else
      printReport(simulated.report, os);
  };
}

int duplex::runSimulateCommand(const SimulateOptions &options) {
  return emitCommandOutput(kTool, makeSimulateOutput(options),
                           options.outputFile);
}
