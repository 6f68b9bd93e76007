//===- AttentionParts.h - the pieces of an attention block ------*- C++ -*-===//

#ifndef DUPLEX_LIB_CONVERSION_ONNXTOLLM_ATTENTIONPARTS_H
#define DUPLEX_LIB_CONVERSION_ONNXTOLLM_ATTENTIONPARTS_H

#include "ResidualBlock.h"

namespace duplex::raise {

/// What the walk from a query/key/value back to its projection saw.
struct Trace {
  llvm::SetVector<mlir::Operation *> projections;
  /// Reshapes on the way, nearest the attention core first.
  llvm::SmallVector<ox::ReshapeOp> reshapes;
  /// Splits (and which output) of a fused projection.
  llvm::SmallVector<std::pair<ox::SplitOp, unsigned>> splits;
  /// Decomposed rotary: rotate_half's Neg; interleaved: stride-2 slices.
  bool rotateHalf = false;
  bool strided = false;
  /// Fused rotary ops on the way.
  llvm::SmallVector<mlir::Operation *> rotaryOps;
  /// Values multiplied in (scales, cos/sin tables).
  llvm::SmallVector<mlir::Value> factors;
  /// A graph input joined in front (past keys/values, a static cache).
  mlir::Value pastInput;
  /// Norms on the way (a q/k norm between projection and attention).
  llvm::SmallVector<mlir::Operation *> norms;
};

/// Walks back from `start` (a query, key or value) to the projections that
/// feed it, recording what it passes on the way.
void traceToProjections(mlir::Value start, const ResidualBlock &block,
                        Trace &t);

/// The head size the reshape into [batch, sequence, heads, head_size] on
/// the traced path gives.
std::optional<int64_t> headDimFromReshapes(const Trace &t);

/// The head size the score scaling gives: Div by sqrt(d), Mul by 1/sqrt(d).
std::optional<int64_t> headDimFromScale(mlir::Operation *scoreOp);

/// The rotary embedding a trace went through, for heads of `headDim`; sets
/// `maxPositions` from the rotary caches' rows when it finds them.
std::optional<RopeDescription> ropeOf(const Trace &t, int64_t headDim,
                                      int64_t &maxPositions);

/// The output projection: the first projection reached forward from the
/// attention result through head merges.
mlir::Operation *findOutputProjection(mlir::Value result,
                                      const ResidualBlock &block);

/// W of a `Less(Sub(query_position, key_position), W)` among the ops
/// `anchor` depends on (not crossing projections).
std::optional<int64_t> findSlidingWindow(mlir::Operation *anchor);

/// The attention core of a decomposed block: Softmax between Q Kᵀ and P V.
struct DecomposedCore {
  mlir::Operation *qk = nullptr;
  mlir::Operation *pv = nullptr;
  mlir::Operation *scale = nullptr;
};

/// The first Softmax of `block` between a Q Kᵀ and a P V MatMul.
std::optional<DecomposedCore> findDecomposedCore(const ResidualBlock &block);

/// The width of the part of a fused projection of `total` outputs that a
/// trace took through a Split (its split sizes, or an even split).
std::optional<int64_t> splitWidth(const Trace &t, int64_t total);

} // namespace duplex::raise

#endif // DUPLEX_LIB_CONVERSION_ONNXTOLLM_ATTENTIONPARTS_H
