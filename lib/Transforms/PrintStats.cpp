//===- PrintStats.cpp - --llm-print-stats ---------------------------------===//

#include "duplex/Analysis/ModelStats.h"
#include "duplex/Transforms/Passes.h"

#include "llvm/Support/FormatVariadic.h"

namespace duplex {
#define GEN_PASS_DEF_LLMPRINTSTATS
#include "duplex/Transforms/Passes.h.inc"
} // namespace duplex

using namespace duplex;

namespace {
struct LLMPrintStatsPass
    : public duplex::impl::LLMPrintStatsBase<LLMPrintStatsPass> {
  using LLMPrintStatsBase::LLMPrintStatsBase;

  void runOnOperation() override {
    getOperation().walk([&](llm::ModelOp model) {
      ModelStats stats = computeModelStats(model);
      if (json)
        llvm::errs() << llvm::formatv("{0:2}", toJSON(stats)) << "\n";
      else
        printModelStats(stats, llvm::errs());
    });
    markAllAnalysesPreserved();
  }
};
} // namespace
