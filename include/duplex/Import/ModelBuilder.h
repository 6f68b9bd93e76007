//===- ModelBuilder.h - ModelDescription -> llm IR --------------*- C++ -*-===//

#ifndef DUPLEX_IMPORT_MODELBUILDER_H
#define DUPLEX_IMPORT_MODELBUILDER_H

#include "duplex/Import/ModelDescription.h"

#include "mlir/IR/Builders.h"

namespace duplex {

/// Splits the layer sequence (dense or MoE per layer) into `llm.repeat`
/// runs: the shortest period that tiles all layers (one run), else maximal
/// runs of identical layers. Each entry is {count, pattern of one period}.
struct LayerRun {
  int64_t count;
  std::vector<bool> pattern;
};
std::vector<LayerRun> groupLayers(const std::vector<bool> &moeLayers);

/// Builds `llm.model @<name>` at the builder's insertion point.
llm::ModelOp buildModel(mlir::OpBuilder &builder, mlir::Location loc,
                        const ModelDescription &model);

} // namespace duplex

#endif // DUPLEX_IMPORT_MODELBUILDER_H
