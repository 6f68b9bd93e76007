//===- PartitionPass.cpp - --dx-partition ---------------------------------===//

#include "duplex/Support/Output.h"
#include "duplex/Transforms/Partition.h"
#include "duplex/Transforms/Passes.h"

#include "llvm/Support/FormatVariadic.h"

namespace duplex {
#define GEN_PASS_DEF_DXPARTITION
#include "duplex/Transforms/Passes.h.inc"
} // namespace duplex

using namespace mlir;
using namespace duplex;

namespace {
struct DxPartitionPass : public duplex::impl::DxPartitionBase<DxPartitionPass> {
  using DxPartitionBase::DxPartitionBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    PartitionOptions options;
    options.stage = {stage, routing, seed};
    options.system = system;
    options.devices = devices;
    options.nodes = nodes;
    options.expertTensorParallel = expertTensorParallel;
    options.overridesFile = overrides;
    FailureOr<PartitionResult> result = partitionModule(module, options);
    if (failed(result))
      return signalPassFailure();
    if (printRidgePoints)
      duplex::printRidgePoints(result->plan, llvm::errs());
    if (!saveOverrides.empty()) {
      llvm::Error error =
          writeOutput(saveOverrides, [&](llvm::raw_ostream &os) {
            os << llvm::formatv("{0:2}", toOverrideJSON(result->plan)) << "\n";
          });
      if (error) {
        module.emitError(llvm::toString(std::move(error)));
        return signalPassFailure();
      }
    }
  }
};
} // namespace
