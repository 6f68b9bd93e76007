//===- PatternUtils.h - helpers of the normalisation patterns ---*- C++ -*-===//

#ifndef DUPLEX_LIB_DIALECT_ONNX_TRANSFORMS_PATTERNUTILS_H
#define DUPLEX_LIB_DIALECT_ONNX_TRANSFORMS_PATTERNUTILS_H

#include "duplex/Dialect/ONNX/IR/ONNXConstants.h"
#include "duplex/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/IR/PatternMatch.h"

namespace duplex::onnx {

/// The element type of a tensor value (null for `none`).
inline mlir::Type elementTypeOf(mlir::Value value) {
  if (auto type = llvm::dyn_cast<mlir::TensorType>(value.getType()))
    return type.getElementType();
  return {};
}

/// Whether every use of `from` can take `to` instead: the graph's outputs
/// keep their declared types, other ops accept any tensor.
inline bool canReplaceUses(mlir::Value from, mlir::Value to) {
  if (from.getType() == to.getType())
    return true;
  return llvm::none_of(from.getUsers(), [](mlir::Operation *user) {
    return llvm::isa<ReturnOp>(user);
  });
}

/// Replaces `op` (one result that matters) by `value`; fails, changing
/// nothing, when a graph output would change type.
inline llvm::LogicalResult replaceByValue(mlir::PatternRewriter &rewriter,
                                          mlir::Operation *op,
                                          mlir::Value value) {
  if (!canReplaceUses(op->getResult(0), value))
    return rewriter.notifyMatchFailure(op, "a graph output would change type");
  rewriter.replaceAllUsesWith(op->getResult(0), value);
  if (op->use_empty())
    rewriter.eraseOp(op);
  return llvm::success();
}

/// The operand of binary `op` that is not `value` (null if neither is).
inline mlir::Value otherOperand(mlir::Operation *op, mlir::Value value) {
  if (op->getNumOperands() != 2)
    return {};
  if (op->getOperand(0) == value)
    return op->getOperand(1);
  if (op->getOperand(1) == value)
    return op->getOperand(0);
  return {};
}

/// The single user of `value`, if it has exactly one use.
inline mlir::Operation *singleUser(mlir::Value value) {
  return value.hasOneUse() ? *value.getUsers().begin() : nullptr;
}

/// `value` defined by an op of type OpTy whose result has one use.
template <typename OpTy> OpTy definedOnceBy(mlir::Value value) {
  auto op = value.getDefiningOp<OpTy>();
  return op && value.hasOneUse() ? op : OpTy();
}

/// For commutative binary `op`, each operand defined (used once) by an
/// OpTy, paired with the other operand: both orders of `f(x) * x`.
template <typename OpTy>
llvm::SmallVector<std::pair<OpTy, mlir::Value>, 2>
commutedOperands(mlir::Operation *op) {
  llvm::SmallVector<std::pair<OpTy, mlir::Value>, 2> result;
  for (unsigned i = 0; i < 2; ++i)
    if (auto def = definedOnceBy<OpTy>(op->getOperand(i)))
      result.push_back({def, op->getOperand(1 - i)});
  return result;
}

} // namespace duplex::onnx

#endif // DUPLEX_LIB_DIALECT_ONNX_TRANSFORMS_PATTERNUTILS_H
