//===- CleanupPatterns.cpp - ops that change nothing ----------------------===//
//
// Identity, casts to the type a value already has, inference-mode Dropout
// and widening casts undone by the next cast: exporters leave them on the
// residual stream (a Hugging Face RMSNorm's `x.to(torch.float32)` in an
// fp32 export), where they hide which value every block reads.
//
//===----------------------------------------------------------------------===//

#include "PatternUtils.h"

#include "duplex/Dialect/ONNX/Transforms/Passes.h"

using namespace mlir;
using namespace duplex::onnx;

namespace {

struct EraseIdentity : OpRewritePattern<IdentityOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(IdentityOp op,
                                PatternRewriter &rewriter) const override {
    return replaceByValue(rewriter, op, op.getX());
  }
};

/// Cast or CastLike to the element type the input has.
template <typename CastTy> struct EraseNoOpCast : OpRewritePattern<CastTy> {
  using OpRewritePattern<CastTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(CastTy op,
                                PatternRewriter &rewriter) const override {
    Type from = elementTypeOf(op.getInput());
    if (!from || from != elementTypeOf(op.getOutput()))
      return rewriter.notifyMatchFailure(op, "changes the element type");
    return replaceByValue(rewriter, op, op.getInput());
  }
};

/// Dropout passes its input through unless `training_mode` is true.
struct EraseInferenceDropout : OpRewritePattern<DropoutOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DropoutOp op,
                                PatternRewriter &rewriter) const override {
    Value training = op.getTrainingMode();
    if (!isa<NoneType>(training.getType())) {
      std::optional<SmallVector<int64_t>> mode = getConstantInts(training);
      if (!mode || mode->size() != 1 || mode->front() != 0)
        return rewriter.notifyMatchFailure(op, "may be in training mode");
    }
    if (!isa<NoneType>(op.getMask().getType()) && !op.getMask().use_empty())
      return rewriter.notifyMatchFailure(op, "its mask is used");
    if (!canReplaceUses(op.getOutput(), op.getData()))
      return rewriter.notifyMatchFailure(op, "a graph output changes type");
    rewriter.replaceAllUsesWith(op.getOutput(), op.getData());
    rewriter.eraseOp(op);
    return success();
  }
};

/// Whether every value of `from` converts to `to` and back unchanged.
bool widensExactly(Type from, Type to) {
  if (auto fromFloat = dyn_cast<FloatType>(from)) {
    auto toFloat = dyn_cast<FloatType>(to);
    if (!toFloat)
      return false;
    const llvm::fltSemantics &a = fromFloat.getFloatSemantics();
    const llvm::fltSemantics &b = toFloat.getFloatSemantics();
    return llvm::APFloat::isRepresentableAsNormalIn(a, b) || (&a == &b);
  }
  auto fromInt = dyn_cast<IntegerType>(from);
  auto toInt = dyn_cast<IntegerType>(to);
  if (!fromInt || !toInt)
    return false;
  if (fromInt.getWidth() == 1)
    return true;
  if (fromInt.isUnsigned())
    return toInt.getWidth() > fromInt.getWidth() ||
           (toInt.isUnsigned() && toInt.getWidth() == fromInt.getWidth());
  return !toInt.isUnsigned() && toInt.getWidth() >= fromInt.getWidth();
}

/// Cast(Cast(x: A -> B) -> A) where B holds every value of A: x.
struct FoldCastRoundTrip : OpRewritePattern<CastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CastOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<CastOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(op, "not a cast of a cast");
    Type original = elementTypeOf(inner.getInput());
    Type middle = elementTypeOf(inner.getOutput());
    if (!original || original != elementTypeOf(op.getOutput()) ||
        !widensExactly(original, middle))
      return rewriter.notifyMatchFailure(op, "not an exact round trip");
    return replaceByValue(rewriter, op, inner.getInput());
  }
};

} // namespace

void duplex::onnx::populateCleanupPatterns(RewritePatternSet &patterns) {
  patterns.add<EraseIdentity, EraseNoOpCast<CastOp>, EraseNoOpCast<CastLikeOp>,
               EraseInferenceDropout, FoldCastRoundTrip>(patterns.getContext());
}
