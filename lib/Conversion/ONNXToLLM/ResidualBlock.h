//===- ResidualBlock.h - one residual block of a layer ----------*- C++ -*-===//

#ifndef DUPLEX_LIB_CONVERSION_ONNXTOLLM_RESIDUALBLOCK_H
#define DUPLEX_LIB_CONVERSION_ONNXTOLLM_RESIDUALBLOCK_H

#include "Projection.h"
#include "RaisedModel.h"

#include "llvm/ADT/SetVector.h"

#include <string>

namespace duplex::raise {

/// The ops between the residual stream and the residual add that puts a
/// sub-block's result back on it: `stream + f(norm(stream))`.
struct ResidualBlock {
  /// The residual stream entering the block.
  mlir::Value stream;
  /// What the block computes from: the norm's output, or the stream.
  mlir::Value input;
  /// What the residual add adds to the stream.
  mlir::Value output;
  /// The residual add (Add, or a fused Skip*LayerNormalization); null for a
  /// block whose result leaves the graph without one.
  mlir::Operation *residual = nullptr;
  /// The fused residual add also adds a bias (the output projection's).
  bool residualBias = false;
  /// Every op `output` depends on back to `input`/`stream`, in graph order.
  llvm::SetVector<mlir::Operation *> ops;

  bool contains(mlir::Operation *op) const { return op && ops.contains(op); }
  bool contains(mlir::Value value) const {
    return contains(value.getDefiningOp());
  }
};

struct AttentionMatch {
  AttentionInfo info;
  /// The projections and fused ops that hold the block's weights.
  llvm::SmallVector<mlir::Operation *> weightOps;
};

/// Recognises the attention in `block`: fused (GroupQueryAttention,
/// MultiHeadAttention, com.microsoft Attention, opset-23 Attention) or
/// decomposed (MatMul, Softmax, MatMul). On failure sets `why`.
std::optional<AttentionMatch> matchAttention(const ResidualBlock &block,
                                             std::string &why);

/// Whether `block` holds an attention core the matcher looks for.
bool hasAttentionCore(const ResidualBlock &block);

struct FFNMatch {
  FFNInfo info;
  llvm::SmallVector<mlir::Operation *> weightOps;
};

/// Recognises a dense MLP or a mixture of experts in `block`, whose result
/// has `hiddenSize` elements per token. On failure sets `why`.
std::optional<FFNMatch> matchFFN(const ResidualBlock &block, int64_t hiddenSize,
                                 std::string &why);

/// The activation function applied between an MLP's up and down
/// projections, from the ops in `ops` (std::nullopt: none recognised).
std::optional<llm::Activation>
findActivation(llvm::ArrayRef<mlir::Operation *> ops);

} // namespace duplex::raise

#endif // DUPLEX_LIB_CONVERSION_ONNXTOLLM_RESIDUALBLOCK_H
