//===- SchedulePasses.cpp - --dx-schedule, --dx-evaluate-schedule ---------===//

#include "duplex/Compiler/StagePolicy.h"
#include "duplex/Hardware/Loader.h"
#include "duplex/Transforms/Partition.h"
#include "duplex/Transforms/Passes.h"
#include "duplex/Transforms/ScheduleIR.h"

namespace duplex {
#define GEN_PASS_DEF_DXSCHEDULE
#define GEN_PASS_DEF_DXEVALUATESCHEDULE
#include "duplex/Transforms/Passes.h.inc"
} // namespace duplex

using namespace mlir;
using namespace duplex;

namespace {

struct DxSchedulePass : public duplex::impl::DxScheduleBase<DxSchedulePass> {
  using DxScheduleBase::DxScheduleBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<llm::ModelOp> model = findSingleModel(module);
    if (failed(model))
      return signalPassFailure();
    FailureOr<Stage> resolved = resolveStage(module, {stage, routing, seed});
    if (failed(resolved))
      return signalPassFailure();
    auto fail = [&](llvm::Error error) {
      module.emitError(llvm::toString(std::move(error)));
      signalPassFailure();
    };
    if (system.empty())
      return fail(
          llvm::createStringError(llvm::inconvertibleErrorCode(),
                                  "no system: give one (e.g. system=duplex)"));
    auto loaded = loadScaledSystem(system, devices, nodes);
    if (!loaded)
      return fail(loaded.takeError());
    PolicyOptions options;
    auto parsedMode = parseScheduleMode(mode);
    if (!parsedMode)
      return fail(parsedMode.takeError());
    options.mode = *parsedMode;
    auto parsedRouting = parseRoutingMode(routing, seed);
    if (!parsedRouting)
      return fail(parsedRouting.takeError());
    options.routing = *parsedRouting;
    auto policy = StagePolicy::create(*model, std::move(*loaded), options);
    if (!policy)
      return fail(policy.takeError());
    auto schedule = (*policy)->buildSchedule(*resolved);
    if (!schedule)
      return fail(schedule.takeError());
    sim::StageEvaluator evaluator((*policy)->getSystem());
    auto result = evaluator.evaluate(*schedule);
    if (!result)
      return fail(result.takeError());
    OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
    emitScheduleIR(builder, module.getLoc(), (*policy)->getSystem(), *schedule,
                   &*result, {"stage", mode, resolved->str()});
  }
};

struct DxEvaluateSchedulePass
    : public duplex::impl::DxEvaluateScheduleBase<DxEvaluateSchedulePass> {
  using DxEvaluateScheduleBase::DxEvaluateScheduleBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::string name = system;
    if (name.empty())
      if (auto target =
              module->getAttrOfType<dx::SystemAttr>(dx::kTargetAttrName))
        name = target.getName().str();
    if (name.empty()) {
      module.emitError("no system: give one (e.g. system=duplex) or set the "
                       "module's 'dx.target'");
      return signalPassFailure();
    }
    auto loaded = hw::loadSystem(name);
    if (!loaded) {
      module.emitError(llvm::toString(loaded.takeError()));
      return signalPassFailure();
    }
    sim::EvaluateOptions options;
    options.includeOverheads = overheads;
    sim::StageEvaluator evaluator(*loaded, options);
    WalkResult walk = module.walk([&](dx::ScheduleOp op) {
      FailureOr<sim::Schedule> schedule = scheduleFromIR(op);
      if (failed(schedule))
        return WalkResult::interrupt();
      auto result = evaluator.evaluate(*schedule);
      if (!result) {
        op.emitOpError(llvm::toString(result.takeError()));
        return WalkResult::interrupt();
      }
      annotateTiming(op, *result);
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
