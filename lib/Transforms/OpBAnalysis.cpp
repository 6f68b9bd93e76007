//===- OpBAnalysis.cpp - --dx-opb-analysis --------------------------------===//

#include "duplex/Transforms/Partition.h"
#include "duplex/Transforms/Passes.h"

namespace duplex {
#define GEN_PASS_DEF_DXOPBANALYSIS
#include "duplex/Transforms/Passes.h.inc"
} // namespace duplex

using namespace mlir;
using namespace duplex;

namespace {
struct DxOpBAnalysisPass
    : public duplex::impl::DxOpBAnalysisBase<DxOpBAnalysisPass> {
  using DxOpBAnalysisBase::DxOpBAnalysisBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<llm::ModelOp> model = findSingleModel(module);
    if (failed(model))
      return signalPassFailure();
    FailureOr<Stage> resolved = resolveStage(module, {stage, routing, seed});
    if (failed(resolved))
      return signalPassFailure();
    llvm::Expected<RoutingOptions> routingOptions =
        parseRoutingMode(routing, seed);
    if (!routingOptions) {
      module.emitError(llvm::toString(routingOptions.takeError()));
      return signalPassFailure();
    }
    llm::WorkContext context = makeWorkContext(
        *model, *resolved, *routingOptions, tensorParallel, tensorParallel);
    FailureOr<std::vector<WorkRecord>> records =
        annotateStageWork(*model, context);
    if (failed(records))
      return signalPassFailure();
    if (print)
      printWorkTable(*records, llvm::errs());
  }
};
} // namespace
