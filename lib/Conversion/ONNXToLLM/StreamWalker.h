//===- StreamWalker.h - follow the residual stream of a graph ---*- C++ -*-===//
//
// Walks an onnx.graph along its residual stream: token embedding, one
// residual block after another (each classified as attention or
// feed-forward), final norm and LM head. Every op it recognises is marked
// as accounted for; what is left is reported.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_LIB_CONVERSION_ONNXTOLLM_STREAMWALKER_H
#define DUPLEX_LIB_CONVERSION_ONNXTOLLM_STREAMWALKER_H

#include "RaisedModel.h"
#include "ResidualBlock.h"

#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/DenseSet.h"

namespace duplex::raise {

class StreamWalker {
public:
  explicit StreamWalker(ox::GraphOp graph) : graph(graph) {}

  /// Fills `model` (all but its name and source). Emits warnings for
  /// blocks it cannot classify and errors when there is no decoder to
  /// follow.
  mlir::LogicalResult walk(RaisedModel &model);

  /// Ops of the graph (weights and constants aside) that no recognised part
  /// of the model accounts for, in graph order.
  llvm::SmallVector<mlir::Operation *> getUnaccountedOps();

  /// Initializers that the weight-holding ops of two different blocks read
  /// (layers sharing a weight): the raised layers would count them twice.
  llvm::ArrayRef<ox::WeightOp> getSharedWeights() const {
    return sharedWeights.getArrayRef();
  }

private:
  /// A normalised copy of the stream produced by a fused op
  /// (Skip*LayerNormalization, EmbedLayerNormalization) ahead of its block.
  struct PendingNorm {
    mlir::Value output;
    NormInfo info;
  };

  mlir::LogicalResult findEmbedding(RaisedModel &model);
  /// The residual add consuming `stream`, with the block output it adds.
  bool findResidual(mlir::Value stream, ResidualBlock &block);
  /// Ops `roots` depend on, not crossing `stops` or accounted ops.
  void collectCone(llvm::ArrayRef<mlir::Value> roots,
                   llvm::ArrayRef<mlir::Value> stops,
                   llvm::SetVector<mlir::Operation *> &cone);
  void claim(llvm::ArrayRef<mlir::Operation *> ops) {
    claimed.insert(ops.begin(), ops.end());
  }
  /// Classifies one block and adds it to `layers`.
  void raiseBlock(ResidualBlock &block, std::optional<NormInfo> norm,
                  RaisedModel &model, LayerInfo &layer);
  mlir::LogicalResult finish(RaisedModel &model, LayerInfo &layer);
  bool findLMHead(mlir::Value hidden, RaisedModel &model);

  ox::GraphOp graph;
  llvm::DenseSet<mlir::Operation *> claimed;
  /// The block (in walk order) whose matched ops read each initializer.
  llvm::DenseMap<mlir::Operation *, unsigned> weightBlock;
  llvm::SetVector<ox::WeightOp> sharedWeights;
  unsigned blocksRaised = 0;
  mlir::Value stream;
  std::optional<PendingNorm> pending;
};

} // namespace duplex::raise

#endif // DUPLEX_LIB_CONVERSION_ONNXTOLLM_STREAMWALKER_H
