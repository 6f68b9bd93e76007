//===- NormPatterns.cpp - decomposed RMSNorm and LayerNorm -> one op ------===//
//
// torch writes Hugging Face's RMSNorm as Pow, ReduceMean, Add, Sqrt,
// Reciprocal (or Div), Mul, with casts to f32 and back in mixed precision;
// nn.LayerNorm below opset 17 as ReduceMean, Sub, Pow, ReduceMean, Add,
// Sqrt, Div, Mul, Add. Each becomes RMSNormalization or
// LayerNormalization over the last axis.
//
//===----------------------------------------------------------------------===//

#include "PatternUtils.h"

#include "duplex/Dialect/ONNX/Transforms/Passes.h"

#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace duplex::onnx;

namespace {

/// Whether `reduce` averages over the last axis only, keeping it.
bool reducesLastAxis(ReduceMeanOp reduce) {
  if (reduce.getKeepdims().value_or(1) != 1)
    return false;
  SmallVector<int64_t> axes;
  if (std::optional<ArrayRef<int64_t>> attr = reduce.getAxes())
    axes.assign(attr->begin(), attr->end());
  else if (std::optional<SmallVector<int64_t>> input =
               getConstantInts(reduce.getAxesInput()))
    axes = *input;
  if (axes.size() != 1)
    return false;
  if (axes[0] == -1)
    return true;
  auto type = dyn_cast<RankedTensorType>(reduce.getData().getType());
  return type && axes[0] == type.getRank() - 1;
}

/// `value` squared: Pow(x, 2) or Mul(x, x), used once; returns x.
Value squared(Value value) {
  if (auto pow = definedOnceBy<PowOp>(value))
    if (isConstantNear(pow.getB(), 2.0, 1e-6))
      return pow.getA();
  if (auto mul = definedOnceBy<MulOp>(value))
    if (mul.getA() == mul.getB())
      return mul.getA();
  return {};
}

/// A norm's scale or shift: a vector weight or constant (through casts).
bool isVectorParameter(Value value) {
  for (int depth = 0; depth < 4; ++depth) {
    Operation *def = value.getDefiningOp();
    if (!def)
      return false;
    if (isa<WeightOp, ConstantOp>(def)) {
      auto type = dyn_cast<RankedTensorType>(value.getType());
      return type && type.getRank() == 1;
    }
    if (!isa<CastOp, IdentityOp>(def))
      return false;
    value = def->getOperand(0);
  }
  return false;
}

/// The ops after `variance` (mean of squares): `+ eps`, the root and the
/// division of `numerator` by it. Returns the normalised value and sets
/// `epsilon`; null if the chain is something else.
Value normalised(Value variance, Value numerator, double &epsilon,
                 llvm::SetVector<Operation *> &ops) {
  auto add = dyn_cast_or_null<AddOp>(singleUser(variance));
  if (!add)
    return {};
  std::optional<double> eps = getConstantScalar(otherOperand(add, variance));
  if (!eps || *eps < 0)
    return {};
  epsilon = *eps;
  ops.insert(add);
  Operation *next = singleUser(add.getC());
  if (!next)
    return {};
  // x * Pow(v + eps, -0.5)
  if (auto pow = dyn_cast<PowOp>(next)) {
    if (pow.getA() != add.getC() || !isConstantNear(pow.getB(), -0.5, 1e-6))
      return {};
    ops.insert(pow);
    auto mul = dyn_cast_or_null<MulOp>(singleUser(pow.getC()));
    if (!mul || otherOperand(mul, pow.getC()) != numerator)
      return {};
    ops.insert(mul);
    return mul.getC();
  }
  auto sqrt = dyn_cast<SqrtOp>(next);
  if (!sqrt)
    return {};
  ops.insert(sqrt);
  Operation *after = singleUser(sqrt.getY());
  if (!after)
    return {};
  // x / sqrt(v + eps)
  if (auto div = dyn_cast<DivOp>(after)) {
    if (div.getB() != sqrt.getY())
      return {};
    ops.insert(div);
    if (div.getA() == numerator)
      return div.getC();
    // x * (1 / sqrt(v + eps))
    if (!isConstantNear(div.getA(), 1.0))
      return {};
    auto mul = dyn_cast_or_null<MulOp>(singleUser(div.getC()));
    if (!mul || otherOperand(mul, div.getC()) != numerator)
      return {};
    ops.insert(mul);
    return mul.getC();
  }
  // x * Reciprocal(sqrt(v + eps))
  if (auto reciprocal = dyn_cast<ReciprocalOp>(after)) {
    ops.insert(reciprocal);
    auto mul = dyn_cast_or_null<MulOp>(singleUser(reciprocal.getY()));
    if (!mul || otherOperand(mul, reciprocal.getY()) != numerator)
      return {};
    ops.insert(mul);
    return mul.getC();
  }
  return {};
}

/// The scale `user` applies to the normalised `value`: `Mul(value, W)`,
/// or a cast back to the model's type followed by one. Returns the Mul.
Operation *scaleAt(Operation *user, Value value, Value &scale) {
  if (auto cast = dyn_cast_or_null<CastOp>(user)) {
    value = cast.getOutput();
    user = singleUser(value);
  }
  auto mul = dyn_cast_or_null<MulOp>(user);
  if (!mul)
    return nullptr;
  scale = otherOperand(mul, value);
  return scale && isVectorParameter(scale) ? mul.getOperation() : nullptr;
}

/// LayerNorm's `* scale` (scaleAt) and `+ shift` when there is one after
/// the normalised `value`, used once. Returns the last op.
Operation *scaleAndShift(Value value, Value &scale, Value &shift) {
  Operation *last = scaleAt(singleUser(value), value, scale);
  if (!last)
    return nullptr;
  Value scaled = last->getResult(0);
  if (auto add = dyn_cast_or_null<AddOp>(singleUser(scaled)))
    if (Value bias = otherOperand(add, scaled);
        bias && isVectorParameter(bias)) {
      shift = bias;
      return add;
    }
  return last;
}

/// The norm's input: `x`, or what `x` upcasts when the cast feeds only the
/// norm (mixed precision computes the norm in f32).
Value normInput(Value x, const llvm::SetVector<Operation *> &ops) {
  auto cast = x.getDefiningOp<CastOp>();
  if (!cast || !llvm::all_of(x.getUsers(), [&](Operation *user) {
        return ops.contains(user);
      }))
    return x;
  Type from = elementTypeOf(cast.getInput());
  Type to = elementTypeOf(x);
  if (!isa_and_nonnull<FloatType>(from) || !isa_and_nonnull<FloatType>(to) ||
      cast.getInput().getType() == x.getType())
    return x;
  return cast.getInput();
}

/// Whether `value` is `y - mean(y)`: a LayerNorm's centring.
bool isCentred(Value value) {
  auto sub = value.getDefiningOp<SubOp>();
  auto mean = sub ? sub.getB().getDefiningOp<ReduceMeanOp>() : ReduceMeanOp();
  return mean && mean.getData() == sub.getA();
}

/// mean(x^2) -> ... -> RMSNormalization(x, scale).
struct FuseRMSNorm : OpRewritePattern<ReduceMeanOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceMeanOp op,
                                PatternRewriter &rewriter) const override {
    Value x = squared(op.getData());
    if (!x || !reducesLastAxis(op) || isCentred(x))
      return rewriter.notifyMatchFailure(op, "not a mean of squares");
    llvm::SetVector<Operation *> ops;
    ops.insert(op.getData().getDefiningOp());
    ops.insert(op);
    double epsilon = 0;
    Value norm = normalised(op.getReduced(), x, epsilon, ops);
    if (!norm)
      return rewriter.notifyMatchFailure(op, "not x / sqrt(mean + eps)");
    // Each user scales the normalised value by its own weight: one norm,
    // or several when torch's CSE merged norms that read the same x
    // (a parallel-residual layer's two norms).
    SmallVector<std::pair<Operation *, Value>> scaled;
    for (Operation *user : llvm::make_early_inc_range(norm.getUsers())) {
      Value scale;
      Operation *last = scaleAt(user, norm, scale);
      if (!last)
        return rewriter.notifyMatchFailure(op, "a use is not a scale");
      scaled.push_back({last, scale});
    }
    if (scaled.empty())
      return rewriter.notifyMatchFailure(op, "no scale");
    Value input = normInput(x, ops);
    for (auto [last, scale] : scaled) {
      rewriter.setInsertionPoint(last);
      rewriter.replaceOpWithNewOp<RMSNormalizationOp>(
          last, last->getResult(0).getType(), input, scale, IntegerAttr(),
          rewriter.getF32FloatAttr(float(epsilon)), IntegerAttr());
    }
    return success();
  }
};

/// mean(x), x - mean, mean((x - mean)^2), ... -> LayerNormalization.
struct FuseLayerNorm : OpRewritePattern<ReduceMeanOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceMeanOp op,
                                PatternRewriter &rewriter) const override {
    Value x = op.getData();
    if (!reducesLastAxis(op) || op.getReduced().use_empty())
      return rewriter.notifyMatchFailure(op, "not a mean over the last axis");
    // One or two `x - mean` (torch may compute the centring twice).
    llvm::SetVector<Operation *> ops;
    ops.insert(op);
    SmallVector<Value> centred;
    for (Operation *user : op.getReduced().getUsers()) {
      auto sub = dyn_cast<SubOp>(user);
      if (!sub || sub.getA() != x || sub.getB() != op.getReduced())
        return rewriter.notifyMatchFailure(op, "the mean is used elsewhere");
      ops.insert(sub);
      centred.push_back(sub.getC());
    }
    if (centred.empty() || centred.size() > 2)
      return rewriter.notifyMatchFailure(op, "no centring");
    // The variance: the mean of a centred value squared.
    ReduceMeanOp variance;
    Value numerator;
    for (Value d : centred)
      for (Operation *user : d.getUsers()) {
        Value squareOf;
        if (auto reduce =
                dyn_cast_or_null<ReduceMeanOp>(singleUser(user->getResult(0))))
          if ((squareOf = squared(user->getResult(0))) == d &&
              reducesLastAxis(reduce)) {
            variance = reduce;
            ops.insert(user);
            ops.insert(reduce);
          }
      }
    if (!variance)
      return rewriter.notifyMatchFailure(op, "no variance");
    double epsilon = 0;
    Value norm;
    for (Value d : centred)
      if (!norm) {
        llvm::SetVector<Operation *> tail;
        norm = normalised(variance.getReduced(), d, epsilon, tail);
        if (norm)
          ops.insert(tail.begin(), tail.end());
      }
    if (!norm)
      return rewriter.notifyMatchFailure(op, "not d / sqrt(var + eps)");
    // Every centred value is used only by the norm.
    for (Value d : centred)
      for (Operation *user : d.getUsers())
        if (!ops.contains(user))
          return rewriter.notifyMatchFailure(op, "x - mean used elsewhere");
    Value scale, shift;
    Operation *last = scaleAndShift(norm, scale, shift);
    if (!last)
      return rewriter.notifyMatchFailure(op, "no scale");
    Value input = normInput(x, ops);
    if (!shift)
      shift = NoneOp::create(rewriter, op->getLoc(), rewriter.getNoneType());
    rewriter.setInsertionPoint(last);
    Type noneType = rewriter.getNoneType();
    auto layerNorm = LayerNormalizationOp::create(
        rewriter, last->getLoc(),
        TypeRange{last->getResult(0).getType(), noneType, noneType}, input,
        scale, shift, IntegerAttr(), rewriter.getF32FloatAttr(float(epsilon)),
        IntegerAttr());
    rewriter.replaceOp(last, layerNorm.getY());
    return success();
  }
};

} // namespace

void duplex::onnx::populateNormPatterns(RewritePatternSet &patterns) {
  // LayerNorm first: its variance is also a mean of squares.
  patterns.add<FuseLayerNorm>(patterns.getContext(), /*benefit=*/2);
  patterns.add<FuseRMSNorm>(patterns.getContext(), /*benefit=*/1);
}
