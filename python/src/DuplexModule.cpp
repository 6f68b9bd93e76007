//===- DuplexModule.cpp - the duplex._duplex Python extension -------------===//
//
// Each function runs the `duplexc` subcommand of the same name through the
// driver library and returns what the command prints (with `json`, the text
// `duplexc ... --json` prints); duplex/__init__.py parses it. An llvm::Error
// becomes duplex.DuplexError with the message duplexc prints after
// "duplexc <command>: error: ".
//
//===----------------------------------------------------------------------===//

#include "duplex/Driver/Commands.h"
#include "duplex/Driver/Plan.h"
#include "duplex/Driver/SweepRun.h"
#include "duplex/Hardware/Summary.h"
#include "duplex/Support/Output.h"
#include "duplex/Transforms/Partition.h"

#include "llvm/Support/FormatVariadic.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <clocale>
#include <locale.h>
#include <optional>
#include <stdexcept>
#include <string>

namespace py = pybind11;
using namespace duplex;

namespace {
/// Thrown for an llvm::Error; registered as duplex.DuplexError.
struct DuplexFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};
} // namespace

static void check(llvm::Error error) {
  if (error)
    throw DuplexFailure(llvm::toString(std::move(error)));
}

/// The C++ side parses and prints numbers with the C library, which follows
/// the process locale: Python code may have set LC_NUMERIC to one with a
/// decimal comma ("1,5"), and every JSON number would break. Each call runs
/// in the "C" locale, for its thread only.
class CLocaleScope {
public:
  CLocaleScope()
      : cLocale(newlocale(LC_ALL_MASK, "C", locale_t())),
        previous(uselocale(cLocale)) {}
  ~CLocaleScope() {
    uselocale(previous);
    freelocale(cLocale);
  }
  CLocaleScope(const CLocaleScope &) = delete;
  CLocaleScope &operator=(const CLocaleScope &) = delete;

private:
  locale_t cLocale;
  locale_t previous;
};

/// Runs a command and returns its output as a string.
static std::string render(llvm::Expected<CommandOutput> output) {
  if (!output)
    throw DuplexFailure(llvm::toString(output.takeError()));
  std::string text;
  llvm::raw_string_ostream os(text);
  (*output)(os);
  return text;
}

static std::string stats(const std::string &model, bool json,
                         const std::string &weightDType,
                         const std::string &kvDType, bool allowPartial,
                         const std::string &modelTypeAs) {
  CLocaleScope cLocale;
  StatsOptions options;
  options.import.allowPartial = allowPartial;
  options.import.modelTypeAs = modelTypeAs;
  options.model = model;
  options.json = json;
  check(setImportTypes(options.import, weightDType, kvDType));
  return render(makeStatsOutput(options));
}

static std::string
compile(const std::string &model, const std::string &device, unsigned devices,
        unsigned nodes, const std::string &stage, const std::string &emit,
        bool json, const std::string &coprocess, const std::string &routing,
        uint64_t seed, bool expertTensorParallel, const std::string &placement,
        const std::string &savePlacement, const std::string &weightDType,
        const std::string &kvDType, bool allowPartial, bool allowLongContext,
        const std::string &calibration, const std::string &modelTypeAs) {
  CLocaleScope cLocale;
  CompileOptions options;
  options.calibration = calibration;
  options.import.allowPartial = allowPartial;
  options.import.modelTypeAs = modelTypeAs;
  options.allowLongContext = allowLongContext;
  options.model = model;
  options.device = device;
  options.devices = devices;
  options.nodes = nodes;
  options.stage = stage;
  options.emit = emit;
  options.json = json;
  options.coprocess = coprocess;
  options.routing = routing;
  options.seed = seed;
  options.expertTensorParallel = expertTensorParallel;
  options.placementFile = placement;
  options.savePlacementFile = savePlacement;
  check(setImportTypes(options.import, weightDType, kvDType));
  return render(makeCompileOutput(options));
}

static std::string
simulate(const std::string &model, const std::string &device, unsigned devices,
         unsigned nodes, unsigned replicasPerNode, const std::string &coprocess,
         bool closedLoop, std::optional<double> qps, const std::string &trace,
         uint64_t batch, std::optional<uint64_t> batchPerReplica,
         const std::string &calibration, std::optional<uint64_t> requests,
         std::optional<double> lin, std::optional<double> lout,
         std::optional<double> lenStd, std::optional<uint64_t> maxTokens,
         std::optional<bool> chunkedPrefill, const std::string &scheduler,
         const std::string &routing, uint64_t seed, bool json,
         const std::string &weightDType, const std::string &kvDType,
         const std::string &percentiles, const std::string &slo,
         unsigned threads, const std::string &requestsOut,
         const std::string &timeline, const std::string &timelineWindow,
         const std::string &traceColumns, bool requestTable, bool allowPartial,
         bool allowLongContext, std::optional<uint64_t> limitRequests,
         std::optional<uint64_t> limitTokens,
         std::optional<uint64_t> limitPromptTokens, const std::string &arrivals,
         std::optional<double> traceQPS, const std::string &modelTypeAs) {
  CLocaleScope cLocale;
  SimulateOptions options;
  options.import.modelTypeAs = modelTypeAs;
  options.arrivals = arrivals;
  options.traceQPS = traceQPS;
  options.allowLongContext = allowLongContext;
  // None keeps the defaults of serving::WorkLimits, as the flags do.
  serving::WorkLimits &limits = options.limits;
  limits.maxRequests = limitRequests.value_or(limits.maxRequests);
  limits.maxGeneratedTokens = limitTokens.value_or(limits.maxGeneratedTokens);
  limits.maxPromptTokens = limitPromptTokens.value_or(limits.maxPromptTokens);
  options.import.allowPartial = allowPartial;
  options.model = model;
  options.device = device;
  options.devices = devices;
  options.nodes = nodes;
  options.replicasPerNode = replicasPerNode;
  options.coprocess = coprocess;
  options.closedLoop = closedLoop;
  options.qps = qps;
  options.traceFile = trace;
  options.batch = batch;
  options.batchPerReplica = batchPerReplica;
  options.calibration = calibration;
  options.requests = requests;
  options.inputTokens = lin;
  options.outputTokens = lout;
  options.lengthStd = lenStd;
  options.maxTokensPerStage = maxTokens;
  options.chunkedPrefill = chunkedPrefill;
  options.scheduler = scheduler;
  options.routing = routing;
  options.seed = seed;
  options.json = json;
  options.quiet = true;
  options.percentiles = percentiles;
  options.slo = slo;
  options.threads = threads;
  options.requestsOutFile = requestsOut;
  options.timelineFile = timeline;
  options.timelineWindow = timelineWindow;
  options.traceColumns = traceColumns;
  options.embedRequestTable = requestTable;
  check(setImportTypes(options.import, weightDType, kvDType));
  return render(makeSimulateOutput(options));
}

static std::string models(bool json) {
  CLocaleScope cLocale;
  ModelsOptions options;
  options.json = json;
  return render(makeModelsOutput(options));
}

static std::string deviceSummary(const std::string &device, unsigned devices,
                                 unsigned nodes) {
  CLocaleScope cLocale;
  auto system = loadScaledSystem(device, devices, nodes);
  if (!system)
    throw DuplexFailure(llvm::toString(system.takeError()));
  return llvm::formatv("{0:2}", hw::summaryJSON(**system)).str();
}

/// The tools' output writer (duplex/Support/Output.h) for files the Python
/// package writes: the same refusals, the same atomic replacement.
static void writeFile(const std::string &path, const py::bytes &content) {
  CLocaleScope cLocale;
  std::string data = content;
  if (llvm::Error error =
          writeOutput(path, [&](llvm::raw_ostream &os) { os << data; }))
    throw DuplexFailure(llvm::toString(std::move(error)));
}

/// A sweep spec's size, axes and CSV header, as JSON.
static std::string sweepInfo(const std::string &text, const std::string &name) {
  CLocaleScope cLocale;
  llvm::Expected<SweepSpec> spec = parseSweepSpec(text, name);
  if (!spec)
    throw DuplexFailure(llvm::toString(spec.takeError()));
  llvm::json::Array axes;
  for (const std::string &axis : spec->axes)
    axes.push_back(axis);
  return llvm::formatv("{0}", llvm::json::Value(llvm::json::Object{
                                  {"points", int64_t(spec->points.size())},
                                  {"axes", std::move(axes)},
                                  {"header", sweepHeaderLine(*spec)}}))
      .str();
}

/// The CSV lines of the points `indices` (a Dask task runs a batch).
static std::vector<std::string> sweepRows(const std::string &text,
                                          const std::string &name,
                                          const std::vector<size_t> &indices,
                                          unsigned threads) {
  CLocaleScope cLocale;
  llvm::Expected<SweepSpec> spec = parseSweepSpec(text, name);
  if (!spec)
    throw DuplexFailure(llvm::toString(spec.takeError()));
  for (size_t index : indices)
    if (index >= spec->points.size())
      throw DuplexFailure("sweep point " + std::to_string(index) +
                          " is past the spec's " +
                          std::to_string(spec->points.size()));
  return runSweepPoints(*spec, indices, threads);
}

/// `duplexc sweep` into `output`: the number of failed points.
static size_t sweepFile(const std::string &text, const std::string &name,
                        const std::string &output, unsigned threads,
                        bool resume) {
  CLocaleScope cLocale;
  llvm::Expected<SweepSpec> spec = parseSweepSpec(text, name);
  if (!spec)
    throw DuplexFailure(llvm::toString(spec.takeError()));
  SweepRunOptions options;
  options.threads = threads;
  options.resume = resume;
  options.quiet = true;
  llvm::Expected<size_t> failed = runSweep(*spec, output, options);
  if (!failed)
    throw DuplexFailure(llvm::toString(failed.takeError()));
  return *failed;
}

/// A plan from the candidates' text and its settings as JSON:
/// {"workload": {...}, "attainment": A, "tolerance": T}.
static Plan parsePlanOrThrow(const std::string &text, const std::string &name,
                             const std::string &settingsJSON) {
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(settingsJSON);
  if (!parsed)
    throw DuplexFailure(llvm::toString(parsed.takeError()));
  const llvm::json::Object *object = parsed->getAsObject();
  if (!object || !object->getObject("workload"))
    throw DuplexFailure("plan settings: an object with workload");
  PlanSettings settings;
  settings.workload = *object->getObject("workload");
  settings.attainment =
      object->getNumber("attainment").value_or(settings.attainment);
  settings.tolerance =
      object->getNumber("tolerance").value_or(settings.tolerance);
  llvm::Expected<Plan> plan = parsePlan(text, name, settings);
  if (!plan)
    throw DuplexFailure(llvm::toString(plan.takeError()));
  return std::move(*plan);
}

/// The plan's candidate count and target rate, as JSON.
static std::string planInfo(const std::string &text, const std::string &name,
                            const std::string &settings) {
  CLocaleScope cLocale;
  Plan plan = parsePlanOrThrow(text, name, settings);
  return llvm::formatv(
             "{0}", llvm::json::Value(llvm::json::Object{
                        {"candidates", int64_t(plan.candidates.points.size())},
                        {"target_qps", plan.targetQPS}}))
      .str();
}

/// The rows (JSON) of candidates `indices`: a Dask task runs one or more.
static std::vector<std::string> planRows(const std::string &text,
                                         const std::string &name,
                                         const std::string &settings,
                                         const std::vector<size_t> &indices) {
  CLocaleScope cLocale;
  Plan plan = parsePlanOrThrow(text, name, settings);
  std::vector<std::string> rows;
  for (size_t index : indices) {
    if (index >= plan.candidates.points.size())
      throw DuplexFailure("candidate " + std::to_string(index) +
                          " is past the plan's " +
                          std::to_string(plan.candidates.points.size()));
    rows.push_back(
        llvm::formatv("{0}", llvm::json::Value(runPlanCandidate(plan, index)))
            .str());
  }
  return rows;
}

/// Every candidate on `threads` threads, as JSON rows.
static std::vector<std::string> planRun(const std::string &text,
                                        const std::string &name,
                                        const std::string &settings,
                                        unsigned threads) {
  CLocaleScope cLocale;
  Plan plan = parsePlanOrThrow(text, name, settings);
  std::vector<std::string> rows;
  for (llvm::json::Object &row : runPlanCandidates(plan, threads, true))
    rows.push_back(
        llvm::formatv("{0}", llvm::json::Value(std::move(row))).str());
  return rows;
}

/// The ranked table (csv, json or text) from every candidate's row.
static std::string planTable(const std::string &text, const std::string &name,
                             const std::string &settings,
                             const std::vector<std::string> &rowTexts,
                             const std::string &format) {
  CLocaleScope cLocale;
  Plan plan = parsePlanOrThrow(text, name, settings);
  if (rowTexts.size() != plan.candidates.points.size())
    throw DuplexFailure("plan_table needs a row for each candidate");
  std::vector<llvm::json::Object> rows;
  for (const std::string &rowText : rowTexts) {
    llvm::Expected<llvm::json::Value> row = llvm::json::parse(rowText);
    if (!row || !row->getAsObject())
      throw DuplexFailure("plan_table: a row is not a JSON object");
    rows.push_back(std::move(*row->getAsObject()));
  }
  PlanFormat kind = format == "json"  ? PlanFormat::JSON
                    : format == "csv" ? PlanFormat::CSV
                                      : PlanFormat::Text;
  return formatPlan(plan, rankPlanRows(plan, std::move(rows)), kind);
}

PYBIND11_MODULE(_duplex, m) {
  m.doc() = "The duplexc subcommands as functions returning their output "
            "text; use the wrappers in the duplex package.";
  py::register_exception<DuplexFailure>(m, "DuplexError", PyExc_RuntimeError);
  // Simulations can run for seconds: let other Python threads run.
  using release = py::call_guard<py::gil_scoped_release>;
  m.def("stats", &stats, py::arg("model"), py::arg("json"),
        py::arg("weight_dtype"), py::arg("kv_dtype"), py::arg("allow_partial"),
        py::arg("model_type_as"), release());
  m.def("compile", &compile, py::arg("model"), py::arg("device"),
        py::arg("devices"), py::arg("nodes"), py::arg("stage"), py::arg("emit"),
        py::arg("json"), py::arg("coprocess"), py::arg("routing"),
        py::arg("seed"), py::arg("expert_tensor_parallel"),
        py::arg("placement"), py::arg("save_placement"),
        py::arg("weight_dtype"), py::arg("kv_dtype"), py::arg("allow_partial"),
        py::arg("allow_long_context"), py::arg("calibration"),
        py::arg("model_type_as"), release());
  m.def("simulate", &simulate, py::arg("model"), py::arg("device"),
        py::arg("devices"), py::arg("nodes"), py::arg("replicas_per_node"),
        py::arg("coprocess"), py::arg("closed_loop"), py::arg("qps"),
        py::arg("trace"), py::arg("batch"), py::arg("batch_per_replica"),
        py::arg("calibration"), py::arg("requests"), py::arg("lin"),
        py::arg("lout"), py::arg("len_std"), py::arg("max_tokens"),
        py::arg("chunked_prefill"), py::arg("scheduler"), py::arg("routing"),
        py::arg("seed"), py::arg("json"), py::arg("weight_dtype"),
        py::arg("kv_dtype"), py::arg("percentiles"), py::arg("slo"),
        py::arg("threads"), py::arg("requests_out"), py::arg("timeline"),
        py::arg("timeline_window"), py::arg("trace_columns"),
        py::arg("request_table"), py::arg("allow_partial"),
        py::arg("allow_long_context"), py::arg("limit_requests"),
        py::arg("limit_tokens"), py::arg("limit_prompt_tokens"),
        py::arg("arrivals"), py::arg("trace_qps"), py::arg("model_type_as"),
        release());
  m.def("models", &models, py::arg("json"), release());
  m.def("sweep_info", &sweepInfo, py::arg("text"), py::arg("name"), release());
  m.def("sweep_rows", &sweepRows, py::arg("text"), py::arg("name"),
        py::arg("indices"), py::arg("threads"), release());
  m.def("sweep_file", &sweepFile, py::arg("text"), py::arg("name"),
        py::arg("output"), py::arg("threads"), py::arg("resume"), release());
  m.def("plan_info", &planInfo, py::arg("text"), py::arg("name"),
        py::arg("settings"), release());
  m.def("plan_rows", &planRows, py::arg("text"), py::arg("name"),
        py::arg("settings"), py::arg("indices"), release());
  m.def("plan_run", &planRun, py::arg("text"), py::arg("name"),
        py::arg("settings"), py::arg("threads"), release());
  m.def("plan_table", &planTable, py::arg("text"), py::arg("name"),
        py::arg("settings"), py::arg("rows"), py::arg("format"), release());
  m.def("write_file", &writeFile, py::arg("path"), py::arg("content"));
  m.def("device_summary", &deviceSummary, py::arg("device"), py::arg("devices"),
        py::arg("nodes"), release());
}
