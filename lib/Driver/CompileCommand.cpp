//===- CompileCommand.cpp - `duplexc compile` -----------------------------===//

#include "DriverContext.h"
#include "duplex/Compiler/StagePolicy.h"
#include "duplex/Dialect/Dx/IR/DxOps.h"
#include "duplex/Driver/Commands.h"
#include "duplex/Import/ModelLoader.h"
#include "duplex/InitAllDialects.h"
#include "duplex/Sim/TraceExport.h"
#include "duplex/Support/Output.h"
#include "duplex/Transforms/Partition.h"
#include "duplex/Transforms/ScheduleIR.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

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

/// Builds and evaluates the stage's co-processing schedule and returns what
/// prints it: the dx.schedule IR, a Chrome trace or the schedule JSON.
static Expected<std::function<void(raw_ostream &)>>
makeScheduleWriter(const CompileOptions &options, llm::ModelOp model) {
  Expected<Stage> stage = parseStageSpec(options.stage);
  if (!stage)
    return stage.takeError();
  auto system =
      loadScaledSystem(options.device, options.devices, options.nodes);
  if (!system)
    return system.takeError();
  Expected<PolicyOptions> policyOptions =
      makePolicyOptions(options.coprocess, options.routing, options.seed);
  if (!policyOptions)
    return policyOptions.takeError();
  auto policy = StagePolicy::create(model, std::move(*system), *policyOptions);
  if (!policy)
    return policy.takeError();
  auto schedule = (*policy)->buildSchedule(*stage);
  if (!schedule)
    return schedule.takeError();
  sim::StageEvaluator evaluator((*policy)->getSystem());
  auto result = evaluator.evaluate(*schedule);
  if (!result)
    return result.takeError();

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
  mlir::MLIRContext *context = model.getContext();
  return [state, context](raw_ostream &os) {
    const hw::System &system = state->policy->getSystem();
    if (state->emit == "trace") {
      sim::writeChromeTrace(os, system, state->schedule, state->result);
      return;
    }
    if (state->emit == "json") {
      sim::writeScheduleJSON(os, system, state->schedule, state->result);
      return;
    }
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

int duplex::runCompileCommand(const CompileOptions &options) {
  if (!is_contained({"opb", "placed", "placement", "schedule", "trace", "json"},
                    options.emit))
    return reportError(kTool,
                       createStringError(inconvertibleErrorCode(),
                                         "--emit=%s is not one of opb, placed, "
                                         "placement, schedule, trace, json",
                                         options.emit.c_str()));
  if (options.device.empty() && options.emit != "opb")
    return reportError(kTool,
                       createStringError(inconvertibleErrorCode(),
                                         "--device is required for "
                                         "--emit=%s (e.g. --device duplex)",
                                         options.emit.c_str()));
  if (options.stage.empty())
    return reportError(kTool,
                       createStringError(inconvertibleErrorCode(),
                                         "--stage is required (e.g. --stage "
                                         "decode=64@1024 or prefill=2@4096,"
                                         "decode=62@1024)"));

  std::unique_ptr<mlir::MLIRContext> contextOwner = createDriverContext();
  mlir::MLIRContext &context = *contextOwner;
  Expected<LoadedModel> loaded =
      loadModel(options.model, &context, options.import);
  if (!loaded)
    return reportError(kTool, loaded.takeError());
  mlir::ModuleOp module = *loaded->module;

  DiagnosticCollector diagnostics(context);
  StageOptions stage{options.stage, options.routing, options.seed};
  std::function<void(raw_ostream &)> write;
  if (is_contained({"schedule", "trace", "json"}, options.emit)) {
    Expected<std::function<void(raw_ostream &)>> scheduleWriter =
        makeScheduleWriter(options, loaded->model);
    if (!scheduleWriter)
      return reportError(kTool, scheduleWriter.takeError());
    write = std::move(*scheduleWriter);
  } else if (options.emit == "opb") {
    // Per device: the --device topology (if any) sets the tensor and expert
    // parallelism, as the partitioner does.
    std::unique_ptr<hw::System> system;
    if (!options.device.empty()) {
      auto loadedSystem =
          loadScaledSystem(options.device, options.devices, options.nodes);
      if (!loadedSystem)
        return reportError(kTool, loadedSystem.takeError());
      system = std::move(*loadedSystem);
    }
    unsigned perNode = system ? system->topology.devicesPerNode : 1;
    mlir::FailureOr<Stage> resolved = resolveStage(module, stage);
    Expected<RoutingOptions> routing =
        parseRoutingMode(options.routing, options.seed);
    if (!routing)
      return reportError(kTool, routing.takeError());
    if (mlir::failed(resolved))
      return reportError(kTool, diagnostics.takeError());
    llm::WorkContext workContext =
        makeWorkContext(loaded->model, *resolved, *routing, perNode,
                        options.expertTensorParallel ? 1 : perNode);
    if (system)
      applyExpertParallelism(workContext, *system,
                             options.expertTensorParallel);
    auto records = annotateStageWork(loaded->model, workContext);
    if (mlir::failed(records))
      return reportError(kTool, diagnostics.takeError());
    write = [records = std::move(*records),
             json = options.json](raw_ostream &os) {
      if (json)
        os << formatv("{0:2}", json::Value(recordsJSON(records))) << "\n";
      else
        printWorkTable(records, os);
    };
  } else {
    PartitionOptions partition;
    partition.stage = stage;
    partition.system = options.device;
    partition.devices = options.devices;
    partition.nodes = options.nodes;
    partition.expertTensorParallel = options.expertTensorParallel;
    partition.overridesFile = options.placementFile;
    mlir::FailureOr<PartitionResult> result =
        partitionModule(module, partition);
    if (mlir::failed(result))
      return reportError(kTool, diagnostics.takeError());
    if (!options.savePlacementFile.empty())
      if (Error error =
              writeOutput(options.savePlacementFile, [&](raw_ostream &os) {
                os << formatv("{0:2}", toOverrideJSON(result->plan)) << "\n";
              }))
        return reportError(kTool, std::move(error));
    auto shared = std::make_shared<PartitionResult>(std::move(*result));
    bool json = options.json;
    if (options.emit == "placement")
      write = [shared, json](raw_ostream &os) {
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
    else
      write = [shared, json, module](raw_ostream &os) {
        if (json) {
          os << formatv("{0:2}", json::Value(placedJSON(shared->plan))) << "\n";
          return;
        }
        std::string ridges;
        raw_string_ostream ridgeStream(ridges);
        printRidgePoints(shared->plan, ridgeStream);
        for (StringRef line : split(StringRef(ridges).rtrim(), '\n'))
          os << "// " << line << "\n";
        module->print(os);
        os << "\n";
      };
  }
  if (Error error = writeOutput(options.outputFile, write))
    return reportError(kTool, std::move(error));
  return 0;
}
