//===- CompileCommand.cpp - `duplexc compile` -----------------------------===//

#include "DriverContext.h"
#include "duplex/Compiler/StagePolicy.h"
#include "duplex/Dialect/Dx/IR/DxOps.h"
#include "duplex/Driver/Commands.h"
#include "duplex/Import/ModelLoader.h"
#include "duplex/InitAllDialects.h"
#include "duplex/Sim/TraceExport.h"
#include "duplex/Support/FiniteJSON.h"
#include "duplex/Support/Output.h"
#include "duplex/Support/Stage.h"
#include "duplex/Transforms/Partition.h"
#include "duplex/Transforms/ScheduleIR.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;
using namespace duplex;

static constexpr StringLiteral kTool = "duplexc compile";

namespace {
/// Collects MLIR diagnostics so they can be reported as the tool's errors.
struct DiagnosticCollector {
  explicit DiagnosticCollector(mlir::MLIRContext &context)
      : handler(&context, [this](mlir::Diagnostic &diagnostic) {
          if (diagnostic.getSeverity() == mlir::DiagnosticSeverity::Error)
            messages.push_back(diagnostic.str());
          return mlir::success();
        }) {}
  Error takeError() const {
    std::string text = join(messages, "\n");
    return createStringError(inconvertibleErrorCode(), text);
  }
  mlir::ScopedDiagnosticHandler handler;
  std::vector<std::string> messages;
};
} // namespace

static json::Array recordsJSON(ArrayRef<WorkRecord> records) {
  json::Array array;
  for (const WorkRecord &record : records)
    array.push_back(toJSON(record));
  return array;
}

static json::Array placedJSON(const PlacementPlan &plan) {
  json::Array array;
  for (const PlacedRecord &placed : plan.records)
    array.push_back(toJSON(placed));
  return array;
}

namespace {
/// The context and model that a compile output prints from; the output
/// owns them.
struct CompileSession {
  std::unique_ptr<mlir::MLIRContext> context;
  LoadedModel loaded;
};
} // namespace

/// Builds and evaluates the stage's co-processing schedule and returns what
/// prints it: the dx.schedule IR, a Chrome trace or the schedule JSON.
static Expected<CommandOutput>
makeScheduleWriter(const CompileOptions &options,
                   std::shared_ptr<CompileSession> session) {
  Expected<Stage> stage = parseStageSpec(options.stage);
  if (!stage)
    return stage.takeError();
  auto system = loadScaledSystem(options.device, options.devices, options.nodes,
                                 /*replicasPerNode=*/0, options.calibration,
                                 options.deviceOverrides);
  if (!system)
    return system.takeError();
  Expected<PolicyOptions> policyOptions =
      makePolicyOptions(options.coprocess, options.routing, options.seed);
  if (!policyOptions)
    return policyOptions.takeError();
  auto policy = StagePolicy::create(session->loaded.model, std::move(*system),
                                    *policyOptions);
  if (!policy)
    return policy.takeError();
  auto schedule = (*policy)->buildSchedule(*stage);
  if (!schedule)
    return schedule.takeError();
  sim::StageEvaluator evaluator((*policy)->getSystem());
  auto result = evaluator.evaluate(*schedule);
  if (!result)
    return result.takeError();
  if (Error error = requireFiniteJSON(
          sim::scheduleJSON((*policy)->getSystem(), *schedule, *result),
          "the stage schedule"))
    return std::move(error);

  // Shared by the writer, which outlives this function.
  struct State {
    std::unique_ptr<StagePolicy> policy;
    sim::Schedule schedule;
    sim::StageResult result;
    std::string emit, mode, stage;
  };
  auto state = std::make_shared<State>(
      State{std::move(*policy), std::move(*schedule), std::move(*result),
            options.emit, options.coprocess, stage->str()});
  return [state, session](raw_ostream &os) {
    const hw::System &system = state->policy->getSystem();
    if (state->emit == "trace") {
      sim::writeChromeTrace(os, system, state->schedule, state->result);
      return;
    }
    if (state->emit == "json") {
      sim::writeScheduleJSON(os, system, state->schedule, state->result);
      return;
    }
    mlir::MLIRContext *context = session->context.get();
    mlir::OpBuilder builder(context);
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::ModuleOp::create(builder.getUnknownLoc());
    (*module)->setAttr(
        dx::kStageAttrName,
        dx::StageAttr::get(context, builder.getStringAttr(state->stage)));
    builder.setInsertionPointToEnd(module->getBody());
    emitScheduleIR(builder, builder.getUnknownLoc(), system, state->schedule,
                   &state->result, {"stage", state->mode, state->stage});
    module->print(os);
    os << "\n";
  };
}

/// `--emit=opb`: FLOPs, bytes and Op/B of every op part for the stage.
static Expected<CommandOutput> makeOpBWriter(const CompileOptions &options,
                                             CompileSession &session,
                                             DiagnosticCollector &diagnostics) {
  // Per device: the --device topology (if any) sets the tensor and expert
  // parallelism, as the partitioner does.
  std::unique_ptr<hw::System> system;
  if (!options.device.empty()) {
    auto loadedSystem = loadScaledSystem(
        options.device, options.devices, options.nodes,
        /*replicasPerNode=*/0, options.calibration, options.deviceOverrides);
    if (!loadedSystem)
      return loadedSystem.takeError();
    system = std::move(*loadedSystem);
  }
  unsigned perNode = system ? system->topology.devicesPerNode : 1;
  StageOptions stage{options.stage, options.routing, options.seed};
  mlir::FailureOr<Stage> resolved = resolveStage(*session.loaded.module, stage);
  Expected<RoutingOptions> routing =
      parseRoutingMode(options.routing, options.seed);
  if (!routing)
    return routing.takeError();
  if (mlir::failed(resolved))
    return diagnostics.takeError();
  llm::WorkContext workContext =
      makeWorkContext(session.loaded.model, *resolved, *routing, perNode,
                      options.expertTensorParallel ? 1 : perNode);
  if (system) {
    applyExpertParallelism(workContext, *system, options.expertTensorParallel);
    workContext.expertRidgeOpB = lowestRidgeOpB(*system);
  }
  auto records = annotateStageWork(session.loaded.model, workContext);
  if (mlir::failed(records))
    return diagnostics.takeError();
  if (Error error = requireFiniteJSON(recordsJSON(*records), "the Op/B table"))
    return std::move(error);
  return [records = std::move(*records), json = options.json](raw_ostream &os) {
    if (json)
      os << formatv("{0:2}", json::Value(recordsJSON(records))) << "\n";
    else
      printWorkTable(records, os);
  };
}

/// `--emit=placed|placement`: the placement of every op part by the cost
/// model, as IR or as a table.
static Expected<CommandOutput>
makePlacementWriter(const CompileOptions &options,
                    std::shared_ptr<CompileSession> session,
                    DiagnosticCollector &diagnostics) {
  PartitionOptions partition;
  partition.stage = {options.stage, options.routing, options.seed};
  partition.system = options.device;
  partition.calibration = options.calibration;
  partition.deviceOverrides = options.deviceOverrides;
  partition.devices = options.devices;
  partition.nodes = options.nodes;
  partition.expertTensorParallel = options.expertTensorParallel;
  partition.overridesFile = options.placementFile;
  mlir::FailureOr<PartitionResult> result =
      partitionModule(*session->loaded.module, partition);
  if (mlir::failed(result))
    return diagnostics.takeError();
  if (Error error =
          requireFiniteJSON(placedJSON(result->plan), "the placement"))
    return std::move(error);
  if (!options.savePlacementFile.empty())
    if (Error error =
            writeOutput(options.savePlacementFile, [&](raw_ostream &os) {
              os << formatv("{0:2}", toOverrideJSON(result->plan)) << "\n";
            }))
      return std::move(error);
  auto shared = std::make_shared<PartitionResult>(std::move(*result));
  bool json = options.json;
  if (options.emit == "placement")
    return [shared, json](raw_ostream &os) {
      if (json) {
        json::Object object{{"ridge_points", ridgePointsToJSON(shared->plan)},
                            {"records", placedJSON(shared->plan)}};
        os << formatv("{0:2}", json::Value(std::move(object))) << "\n";
        return;
      }
      printRidgePoints(shared->plan, os);
      os << "\n";
      printPlacementTable(shared->plan, os);
    };
  return [shared, json, session](raw_ostream &os) {
    if (json) {
      os << formatv("{0:2}", json::Value(placedJSON(shared->plan))) << "\n";
      return;
    }
    std::string ridges;
    raw_string_ostream ridgeStream(ridges);
    printRidgePoints(shared->plan, ridgeStream);
    for (StringRef line : split(StringRef(ridges).rtrim(), '\n'))
      os << "// " << line << "\n";
    session->loaded.module->print(os);
    os << "\n";
  };
}

/// The stage's longest context (a prompt, or a decode context plus its new
/// token) against the model's max_position_embeddings: an error unless
/// --allow-long-context, then a warning (as simulate does for requests).
static Error checkStageContext(llm::ModelOp model, StringRef spec, bool allow) {
  std::optional<uint64_t> positions = model.getMaxPositionEmbeddings();
  Expected<Stage> stage = parseStageSpec(spec);
  if (!positions || !stage) {
    consumeError(stage.takeError()); // Reported where the stage is used.
    return Error::success();
  }
  uint64_t longest = 0;
  for (uint64_t prompt : stage->prefillTokens)
    longest = std::max(longest, prompt);
  for (uint64_t context : stage->decodeContexts)
    longest = std::max(longest, context + 1);
  if (longest <= *positions)
    return Error::success();
  std::string what = formatv("stage '{0}' needs {1} positions, past the "
                             "max_position_embeddings ({2}) of model '{3}'",
                             spec, longest, *positions, model.getSymName())
                         .str();
  if (!allow)
    return createStringError(inconvertibleErrorCode(),
                             "%s; pass --allow-long-context to compile it "
                             "anyway",
                             what.c_str());
  WithColor::warning(errs(), kTool)
      << what << " (--allow-long-context: compiled anyway)\n";
  return Error::success();
}

ArrayRef<EmitKind> duplex::getEmitKinds() {
  static const EmitKind kinds[] = {
      {"opb", "FLOPs, bytes and Op/B per op"},
      {"placed", "IR with dx.placement and dx.transfer; the default"},
      {"placement", "a table of units, times and ridge points"},
      {"schedule", "the dx.schedule IR of the stage", /*schedules=*/true},
      {"trace",
       "a Chrome trace-event timeline, one track per unit, for Perfetto",
       /*schedules=*/true},
      {"json", "the schedule with start/end per task", /*schedules=*/true}};
  return kinds;
}

const EmitKind *duplex::findEmitKind(StringRef name) {
  for (const EmitKind &kind : getEmitKinds())
    if (kind.name == name)
      return &kind;
  return nullptr;
}

Expected<CommandOutput>
duplex::makeCompileOutput(const CompileOptions &options) {
  if (!findEmitKind(options.emit))
    return createStringError(
        inconvertibleErrorCode(), "--emit=%s is not one of %s",
        options.emit.c_str(),
        join(map_range(getEmitKinds(),
                       [](const EmitKind &kind) { return kind.name; }),
             ", ")
            .c_str());
  if (options.json && options.emit == "schedule")
    return createStringError(inconvertibleErrorCode(),
                             "--emit=schedule prints IR, not JSON: drop "
                             "--json, or use --emit=json for the schedule as "
                             "JSON");
  if (options.device.empty() && options.emit != "opb")
    return createStringError(inconvertibleErrorCode(),
                             "--device is required for "
                             "--emit=%s (e.g. --device duplex)",
                             options.emit.c_str());
  // Both outputs are checked before any work: --save-placement is written
  // while the output is prepared, and must not stay behind when -o is then
  // refused, nor be overwritten by it.
  if (!options.savePlacementFile.empty()) {
    if (Error error = checkOutputPath(options.outputFile))
      return std::move(error);
    if (Error error = checkOutputPath(options.savePlacementFile))
      return std::move(error);
  }
  if (Error error = checkDistinctOutputs(
          {{"-o", options.outputFile},
           {"--save-placement", options.savePlacementFile}},
          {{"model", options.model},
           {"--device", options.device},
           {"--placement", options.placementFile}}))
    return std::move(error);
  if (options.stage.empty())
    return createStringError(inconvertibleErrorCode(),
                             "--stage is required (e.g. --stage "
                             "decode=64@1024 or prefill=2@4096,"
                             "decode=62@1024)");

  auto session = std::make_shared<CompileSession>();
  session->context = createDriverContext();
  Expected<LoadedModel> loaded =
      loadModel(options.model, session->context.get(), options.import);
  if (!loaded)
    return loaded.takeError();
  session->loaded = std::move(*loaded);

  if (Error error = checkStageContext(session->loaded.model, options.stage,
                                      options.allowLongContext))
    return std::move(error);

  DiagnosticCollector diagnostics(*session->context);
  if (findEmitKind(options.emit)->schedules)
    return makeScheduleWriter(options, session);
  if (options.emit == "opb")
    return makeOpBWriter(options, *session, diagnostics);
  return makePlacementWriter(options, session, diagnostics);
}

int duplex::runCompileCommand(const CompileOptions &options) {
  return emitCommandOutput(kTool, makeCompileOutput(options),
                           options.outputFile);
}
