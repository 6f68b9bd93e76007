//===- NormalizePass.cpp - the --onnx-normalize pass ----------------------===//

#include "duplex/Dialect/ONNX/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"

namespace duplex::onnx {
#define GEN_PASS_DEF_ONNXNORMALIZE
#include "duplex/Dialect/ONNX/Transforms/Passes.h.inc"
} // namespace duplex::onnx

using namespace mlir;
using namespace duplex::onnx;

ArrayRef<StringLiteral> duplex::onnx::getNormalizationGroups() {
  static const StringLiteral groups[] = {"cleanup", "shapes", "activations",
                                         "norms"};
  return groups;
}

bool duplex::onnx::populateNormalizationGroup(StringRef name,
                                              RewritePatternSet &patterns) {
  using Populate = void (*)(RewritePatternSet &);
  Populate populate = llvm::StringSwitch<Populate>(name)
                          .Case("cleanup", populateCleanupPatterns)
                          .Case("shapes", populateShapeFoldingPatterns)
                          .Case("activations", populateActivationPatterns)
                          .Case("norms", populateNormPatterns)
                          .Default(nullptr);
  if (!populate)
    return false;
  populate(patterns);
  return true;
}

/// Applies `patterns` to the body of `graph` until nothing changes.
static LogicalResult applyToGraph(GraphOp graph,
                                  const FrozenRewritePatternSet &patterns) {
  GreedyRewriteConfig config;
  // Graphs are in topological order; visiting producers first lets a
  // LayerNorm's first mean be seen before its variance.
  config.setUseTopDownTraversal(true);
  config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
  // Constants keep their ONNX names: no folding or uniquing by the driver
  // (the shape patterns fold what can be folded). Every pattern removes or
  // fuses ops, so the rewrite terminates without an iteration cap.
  config.enableFolding(false);
  config.enableConstantCSE(false);
  config.setMaxIterations(GreedyRewriteConfig::kNoLimit);
  return applyPatternsGreedily(graph.getBody(), patterns, config);
}

LogicalResult duplex::onnx::normalizeGraph(GraphOp graph) {
  RewritePatternSet patterns(graph.getContext());
  for (StringLiteral group : getNormalizationGroups())
    populateNormalizationGroup(group, patterns);
  FrozenRewritePatternSet frozen(std::move(patterns));
  if (failed(applyToGraph(graph, frozen)))
    return graph.emitError("the normalisation of the graph did not converge");
  return success();
}

namespace {
struct ONNXNormalizePass
    : public duplex::onnx::impl::ONNXNormalizeBase<ONNXNormalizePass> {
  using Base::Base;

  LogicalResult initialize(MLIRContext *context) override {
    RewritePatternSet set(context);
    SmallVector<std::string> chosen(groups.begin(), groups.end());
    if (chosen.empty())
      for (StringLiteral group : getNormalizationGroups())
        chosen.push_back(group.str());
    for (const std::string &group : chosen)
      if (!populateNormalizationGroup(group, set))
        return emitError(UnknownLoc::get(context))
               << "--onnx-normalize: unknown group '" << group
               << "' (known: " << llvm::join(getNormalizationGroups(), ", ")
               << ")";
    patterns = FrozenRewritePatternSet(std::move(set));
    return success();
  }

  void runOnOperation() override {
    for (GraphOp graph : getOperation().getBody()->getOps<GraphOp>())
      if (failed(applyToGraph(graph, patterns))) {
        graph.emitError("the normalisation of the graph did not converge");
        return signalPassFailure();
      }
  }

  FrozenRewritePatternSet patterns;
};
} // namespace
