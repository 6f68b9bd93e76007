//===- ShapeFolding.cpp - shape arithmetic with known inputs -> constants -===//
//
// torch exports compute reshape targets at run time: Shape, Gather,
// Unsqueeze, Concat, a Mul or Div of head counts. Where every input is
// known (a static dimension, an inline constant) the result is folded into
// an `onnx.constant`, so the raise reads head counts and widths directly.
//
//===----------------------------------------------------------------------===//

#include "PatternUtils.h"

#include "duplex/Dialect/ONNX/Transforms/Passes.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace duplex::onnx;

namespace {

/// Integer constants folded here stay small (shapes, axes, indices).
constexpr int64_t kMaxFoldedElements = 64;

/// Replaces `op`'s first result by an i64 constant of `shape` holding
/// `values`.
LogicalResult replaceByInts(PatternRewriter &rewriter, Operation *op,
                            ArrayRef<int64_t> values, ArrayRef<int64_t> shape,
                            Type elementType = {}) {
  if (!elementType)
    elementType = rewriter.getI64Type();
  auto intType = dyn_cast<IntegerType>(elementType);
  if (!intType || intType.getWidth() < 2)
    return rewriter.notifyMatchFailure(op, "not a wide integer type");
  auto type = RankedTensorType::get(shape, elementType);
  SmallVector<APInt> data;
  for (int64_t v : values)
    data.push_back(APInt(intType.getWidth(), uint64_t(v), /*isSigned=*/true,
                         /*implicitTrunc=*/true));
  auto attr = DenseElementsAttr::get(type, data);
  if (op->getResult(0).getType() != type &&
      llvm::any_of(op->getResult(0).getUsers(),
                   [](Operation *user) { return isa<ReturnOp>(user); }))
    return rewriter.notifyMatchFailure(op, "a graph output would change type");
  auto constant =
      ConstantOp::create(rewriter, op->getLoc(), type, StringAttr(), attr);
  rewriter.replaceAllUsesWith(op->getResult(0), constant.getResult());
  if (llvm::all_of(op->getResults(), [](Value r) { return r.use_empty(); }))
    rewriter.eraseOp(op);
  return success();
}

/// The integer constant behind `value` with its shape (rank <= 1 only).
struct IntConstant {
  SmallVector<int64_t> values;
  SmallVector<int64_t> shape;
};

std::optional<IntConstant> intConstant(Value value) {
  auto constant = value.getDefiningOp<ConstantOp>();
  if (!constant)
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(constant.getValue().getType());
  if (!type || type.getRank() > 1 || !type.getElementType().isInteger() ||
      type.getNumElements() > kMaxFoldedElements)
    return std::nullopt;
  std::optional<SmallVector<int64_t>> values = getConstantInts(value);
  if (!values)
    return std::nullopt;
  return IntConstant{*values, SmallVector<int64_t>(type.getShape())};
}

struct FoldStaticShape : OpRewritePattern<ShapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ShapeOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(op.getData().getType());
    if (!type)
      return rewriter.notifyMatchFailure(op, "unranked input");
    int64_t rank = type.getRank();
    int64_t start = op.getStart().value_or(0);
    int64_t end = op.getEnd().value_or(rank);
    start = std::clamp(start < 0 ? start + rank : start, int64_t(0), rank);
    end = std::clamp(end < 0 ? end + rank : end, int64_t(0), rank);
    SmallVector<int64_t> dims;
    for (int64_t i = start; i < end; ++i) {
      if (type.isDynamicDim(i))
        return rewriter.notifyMatchFailure(op, "a dynamic dimension");
      dims.push_back(type.getDimSize(i));
    }
    return replaceByInts(rewriter, op, dims, {int64_t(dims.size())});
  }
};

struct FoldConstantGather : OpRewritePattern<GatherOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GatherOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<IntConstant> data = intConstant(op.getData());
    std::optional<IntConstant> indices = intConstant(op.getIndices());
    if (!data || !indices || data->shape.size() != 1 ||
        op.getAxis().value_or(0) != 0)
      return rewriter.notifyMatchFailure(op, "not a gather of constants");
    SmallVector<int64_t> result;
    int64_t size = data->values.size();
    for (int64_t index : indices->values) {
      if (index < 0)
        index += size;
      if (index < 0 || index >= size)
        return rewriter.notifyMatchFailure(op, "index out of range");
      result.push_back(data->values[index]);
    }
    return replaceByInts(rewriter, op, result, indices->shape,
                         elementTypeOf(op.getData()));
  }
};

struct FoldConstantConcat : OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConcatOp op,
                                PatternRewriter &rewriter) const override {
    SmallVector<int64_t> result;
    for (Value input : op.getInputs()) {
      std::optional<IntConstant> part = intConstant(input);
      if (!part || part->shape.size() != 1)
        return rewriter.notifyMatchFailure(op, "an input is not constant");
      result.append(part->values);
    }
    if (result.empty() || int64_t(result.size()) > kMaxFoldedElements)
      return rewriter.notifyMatchFailure(op, "empty or large");
    return replaceByInts(rewriter, op, result, {int64_t(result.size())},
                         elementTypeOf(op.getInputs().front()));
  }
};

/// Unsqueeze, Squeeze and Reshape of a constant of rank <= 1 whose result
/// has rank <= 1: the same values in the result's shape.
template <typename OpTy> struct FoldConstantReshape : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    std::optional<IntConstant> data = intConstant(op->getOperand(0));
    if (!data)
      return rewriter.notifyMatchFailure(op, "not a constant");
    int64_t count = data->values.size();
    SmallVector<int64_t> shape;
    if (auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
        type && type.hasStaticShape()) {
      if (type.getNumElements() != count || type.getRank() > 1)
        return rewriter.notifyMatchFailure(op, "unexpected result shape");
      shape.assign(type.getShape().begin(), type.getShape().end());
    } else if (isa<UnsqueezeOp>(op) && data->shape.empty()) {
      shape = {1};
    } else if (isa<SqueezeOp>(op) && count == 1) {
      shape = {};
    } else if (isa<ReshapeOp>(op)) {
      std::optional<SmallVector<int64_t>> target =
          getConstantInts(op->getOperand(1));
      if (!target || target->size() > 1)
        return rewriter.notifyMatchFailure(op, "result is not rank <= 1");
      shape.assign(target->begin(), target->end());
      if (!shape.empty() && (shape[0] == -1 || shape[0] == 0))
        shape[0] = count;
      if (!shape.empty() && shape[0] != count)
        return rewriter.notifyMatchFailure(op, "element count changes");
      if (shape.empty() && count != 1)
        return rewriter.notifyMatchFailure(op, "element count changes");
    } else {
      return rewriter.notifyMatchFailure(op, "result shape unknown");
    }
    return replaceByInts(rewriter, op, data->values, shape,
                         elementTypeOf(op->getOperand(0)));
  }
};

/// Cast of an integer constant to another integer type.
struct FoldConstantCast : OpRewritePattern<CastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CastOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<IntConstant> data = intConstant(op.getInput());
    auto to = dyn_cast_or_null<IntegerType>(elementTypeOf(op.getOutput()));
    if (!data || !to || to.getWidth() < 2)
      return rewriter.notifyMatchFailure(op, "not an integer constant cast");
    for (int64_t v : data->values)
      if (to.getWidth() < 64 && (v >= (int64_t(1) << (to.getWidth() - 1)) ||
                                 v < -(int64_t(1) << (to.getWidth() - 1))))
        return rewriter.notifyMatchFailure(op, "a value does not fit");
    return replaceByInts(rewriter, op, data->values, data->shape, to);
  }
};

/// Add, Sub, Mul, Div of integer constants (one may be a single element).
template <typename OpTy> struct FoldConstantArith : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    std::optional<IntConstant> a = intConstant(op->getOperand(0));
    std::optional<IntConstant> b = intConstant(op->getOperand(1));
    if (!a || !b)
      return rewriter.notifyMatchFailure(op, "operands are not constant");
    size_t n = std::max(a->values.size(), b->values.size());
    if ((a->values.size() != n && a->values.size() != 1) ||
        (b->values.size() != n && b->values.size() != 1))
      return rewriter.notifyMatchFailure(op, "shapes do not broadcast");
    SmallVector<int64_t> result;
    for (size_t i = 0; i < n; ++i) {
      int64_t x = a->values[a->values.size() == 1 ? 0 : i];
      int64_t y = b->values[b->values.size() == 1 ? 0 : i];
      int64_t r = 0;
      bool overflow = false;
      if (isa<AddOp>(op))
        overflow = __builtin_add_overflow(x, y, &r);
      else if (isa<SubOp>(op))
        overflow = __builtin_sub_overflow(x, y, &r);
      else if (isa<MulOp>(op))
        overflow = __builtin_mul_overflow(x, y, &r);
      else if (y > 0 && x >= 0) // Div: truncation and floor agree here.
        r = x / y;
      else
        overflow = true;
      if (overflow)
        return rewriter.notifyMatchFailure(op, "not folded exactly");
      result.push_back(r);
    }
    // The result has the shape of the higher-rank (or longer) operand.
    const IntConstant &wider =
        std::make_pair(a->shape.size(), a->values.size()) >=
                std::make_pair(b->shape.size(), b->values.size())
            ? *a
            : *b;
    return replaceByInts(rewriter, op, result, wider.shape,
                         elementTypeOf(op->getOperand(0)));
  }
};

} // namespace

void duplex::onnx::populateShapeFoldingPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldStaticShape, FoldConstantGather, FoldConstantConcat,
               FoldConstantReshape<UnsqueezeOp>, FoldConstantReshape<SqueezeOp>,
               FoldConstantReshape<ReshapeOp>, FoldConstantCast,
               FoldConstantArith<AddOp>, FoldConstantArith<SubOp>,
               FoldConstantArith<MulOp>, FoldConstantArith<DivOp>>(
      patterns.getContext());
}
