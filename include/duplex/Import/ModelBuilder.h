//===- ModelBuilder.h - ModelDescription -> llm IR --------------*- C++ -*-===//

#ifndef DUPLEX_IMPORT_MODELBUILDER_H
#define DUPLEX_IMPORT_MODELBUILDER_H

#include "duplex/Import/ModelDescription.h"

#include "mlir/IR/Builders.h"

namespace duplex {

/// Splits a sequence of per-layer kinds into `llm.repeat` runs: the
/// shortest period that tiles all layers (one run), else maximal runs of
/// identical layers. Each entry is {count, pattern of one period}.
template <typename Kind> struct LayerRunOf {
  int64_t count;
  std::vector<Kind> pattern;
};
template <typename Kind>
std::vector<LayerRunOf<Kind>> groupLayers(const std::vector<Kind> &layers) {
  size_t n = layers.size();
  // Shortest period p (dividing n) with layer i == layer i % p for all i.
  for (size_t period = 1; period <= n; ++period) {
    if (n % period != 0)
      continue;
    bool tiles = true;
    for (size_t i = period; i < n && tiles; ++i)
      tiles = layers[i] == layers[i % period];
    if (tiles && (period == 1 || period * 2 <= n))
      return {LayerRunOf<Kind>{
          int64_t(n / period),
          std::vector<Kind>(layers.begin(), layers.begin() + period)}};
  }
  // No period: maximal runs of identical layers.
  std::vector<LayerRunOf<Kind>> runs;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && layers[j] == layers[i])
      ++j;
    runs.push_back(LayerRunOf<Kind>{int64_t(j - i), {layers[i]}});
    i = j;
  }
  return runs;
}
/// Dense (false) or MoE (true) per layer.
using LayerRun = LayerRunOf<bool>;

/// Builds `llm.model @<name>` at the builder's insertion point.
llm::ModelOp buildModel(mlir::OpBuilder &builder, mlir::Location loc,
                        const ModelDescription &model);

} // namespace duplex

#endif // DUPLEX_IMPORT_MODELBUILDER_H
