//===- ActivationPatterns.cpp - activations in one spelling each ----------===//
//
// SiLU, QuickGELU, GELU (exact and tanh), HardSwish and Mish as exporters
// decompose them, and onnxruntime's fused spellings, become the ai.onnx op
// of each: Swish (with alpha), Gelu (with approximate), HardSwish, Mish.
//
//===----------------------------------------------------------------------===//

#include "PatternUtils.h"

#include "duplex/Dialect/ONNX/Transforms/Passes.h"

#include "llvm/ADT/SetVector.h"

#include <cmath>

using namespace mlir;
using namespace duplex::onnx;

namespace {

/// QuickGELU's alpha (x * sigmoid(1.702 x)), onnxruntime's default.
constexpr double kQuickGeluAlpha = 1.702;

/// `value` is `Mul(x, c)` (either order) with a scalar constant c, used
/// once: returns x and sets `scale`; else returns `value` with scale 1.
Value stripScale(Value value, double &scale) {
  scale = 1.0;
  auto mul = definedOnceBy<MulOp>(value);
  if (!mul)
    return value;
  for (unsigned i = 0; i < 2; ++i)
    if (std::optional<double> c = getConstantScalar(mul->getOperand(i))) {
      scale = *c;
      return mul->getOperand(1 - i);
    }
  return value;
}

/// X * Sigmoid(alpha * X) -> Swish(X, alpha).
struct FuseSwish : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp op,
                                PatternRewriter &rewriter) const override {
    for (auto [sigmoid, x] : commutedOperands<SigmoidOp>(op)) {
      double alpha = 1.0;
      Value inner = stripScale(sigmoid.getX(), alpha);
      if (inner != x)
        continue;
      FloatAttr alphaAttr;
      if (alpha != 1.0)
        alphaAttr = rewriter.getF32FloatAttr(float(alpha));
      rewriter.replaceOpWithNewOp<SwishOp>(op, op.getType(), x, alphaAttr);
      return success();
    }
    return rewriter.notifyMatchFailure(op, "not x * sigmoid(a x)");
  }
};

/// com.microsoft QuickGelu -> Swish(alpha).
struct QuickGeluToSwish : OpRewritePattern<MSQuickGeluOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MSQuickGeluOp op,
                                PatternRewriter &rewriter) const override {
    double alpha = kQuickGeluAlpha;
    if (FloatAttr attr = op.getAlphaAttr())
      alpha = attr.getValueAsDouble();
    rewriter.replaceOpWithNewOp<SwishOp>(
        op, op->getResult(0).getType(), op->getOperand(0),
        rewriter.getF32FloatAttr(float(alpha)));
    return success();
  }
};

/// X * HardSigmoid(X) with alpha 1/6 and beta 1/2 -> HardSwish(X).
struct FuseHardSwish : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp op,
                                PatternRewriter &rewriter) const override {
    for (auto [hard, x] : commutedOperands<HardSigmoidOp>(op)) {
      if (hard.getX() != x)
        continue;
      double alpha =
          hard.getAlphaAttr() ? hard.getAlphaAttr().getValueAsDouble() : 0.2;
      double beta =
          hard.getBetaAttr() ? hard.getBetaAttr().getValueAsDouble() : 0.5;
      if (std::fabs(alpha - 1.0 / 6) > 1e-4 || std::fabs(beta - 0.5) > 1e-4)
        continue;
      rewriter.replaceOpWithNewOp<HardSwishOp>(op, op.getType(), hard.getX());
      return success();
    }
    return rewriter.notifyMatchFailure(op, "not x * hardsigmoid(x)");
  }
};

/// Whether `value` is softplus(x): Softplus(x) or Log(Exp(x) + 1).
bool isSoftplusOf(Value value, Value x) {
  if (auto softplus = definedOnceBy<SoftplusOp>(value))
    return softplus.getX() == x;
  auto log = definedOnceBy<LogOp>(value);
  if (!log)
    return false;
  auto add = definedOnceBy<AddOp>(log.getX());
  if (!add)
    return false;
  return llvm::any_of(commutedOperands<ExpOp>(add), [&](auto pair) {
    return pair.first.getX() == x && isConstantNear(pair.second, 1.0);
  });
}

/// X * Tanh(Softplus(X)) -> Mish(X).
struct FuseMish : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp op,
                                PatternRewriter &rewriter) const override {
    for (auto [tanh, x] : commutedOperands<TanhOp>(op)) {
      if (!isSoftplusOf(tanh.getX(), x))
        continue;
      rewriter.replaceOpWithNewOp<MishOp>(op, op.getType(), x);
      return success();
    }
    return rewriter.notifyMatchFailure(op, "not x * tanh(softplus(x))");
  }
};

/// The value the erf of exact GELU reads: `x / sqrt(2)` or `x * (1/sqrt
/// 2)`; returns x.
Value erfArgument(ErfOp erf) {
  Value input = erf.getX();
  if (auto div = definedOnceBy<DivOp>(input))
    if (isConstantNear(div.getB(), std::sqrt(2.0)))
      return div.getA();
  double scale = 1.0;
  Value x = stripScale(input, scale);
  if (x != input && std::fabs(scale - 1.0 / std::sqrt(2.0)) < 1e-3)
    return x;
  return {};
}

/// The value the tanh of tanh-GELU reads: sqrt(2/pi) (x + 0.044715 x^3),
/// in any arrangement of Mul/Add/Pow/Div whose only non-constant input is
/// x; returns x.
Value tanhGeluArgument(TanhOp tanh) {
  Value x;
  bool cubicCoefficient = false, outerCoefficient = false;
  SmallVector<Value> worklist{tanh.getX()};
  llvm::SmallPtrSet<Operation *, 8> seen;
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    if (std::optional<double> c = getConstantScalar(value)) {
      cubicCoefficient |= std::fabs(*c - 0.044715) < 1e-4;
      outerCoefficient |= std::fabs(*c - std::sqrt(2.0 / M_PI)) < 1e-3;
      continue;
    }
    Operation *def = value.getDefiningOp();
    if (def && isa<MulOp, AddOp, PowOp, DivOp>(def) && seen.size() < 8) {
      if (!seen.insert(def).second)
        continue;
      worklist.append(def->operand_begin(), def->operand_end());
      continue;
    }
    if (x && x != value)
      return {};
    x = value;
  }
  if (!x || !cubicCoefficient || !outerCoefficient)
    return {};
  // Every op of the argument but the graph input x is used only inside it.
  for (Operation *op : seen)
    for (Operation *user : op->getResult(0).getUsers())
      if (!seen.contains(user) && user != tanh)
        return {};
  return x;
}

/// From `core` (erf(...) or tanh(...)), `0.5 * x * (1 + core)` in any
/// order of the products; returns the final Mul.
Operation *geluTail(Value core, Value x) {
  auto add = dyn_cast_or_null<AddOp>(singleUser(core));
  if (!add || !isConstantNear(otherOperand(add, core), 1.0))
    return nullptr;
  bool haveX = false, haveHalf = false;
  Value value = add.getC();
  Operation *last = nullptr;
  while (!(haveX && haveHalf)) {
    auto mul = dyn_cast_or_null<MulOp>(singleUser(value));
    if (!mul)
      return nullptr;
    Value other = otherOperand(mul, value);
    if (other == x && !haveX) {
      haveX = true;
    } else if (isConstantNear(other, 0.5) && !haveHalf) {
      haveHalf = true;
    } else if (auto half = definedOnceBy<MulOp>(other);
               half && !haveX && !haveHalf &&
               isConstantNear(otherOperand(half, x), 0.5)) {
      haveX = haveHalf = true;
    } else if (auto half = definedOnceBy<DivOp>(other);
               half && !haveX && !haveHalf && half.getA() == x &&
               isConstantNear(half.getB(), 2.0)) {
      haveX = haveHalf = true;
    } else {
      return nullptr;
    }
    last = mul;
    value = mul.getC();
  }
  return last;
}

template <typename CoreOp> struct FuseGelu : OpRewritePattern<CoreOp> {
  using OpRewritePattern<CoreOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(CoreOp op,
                                PatternRewriter &rewriter) const override {
    Value x;
    if constexpr (std::is_same_v<CoreOp, ErfOp>)
      x = erfArgument(op);
    else
      x = tanhGeluArgument(op);
    if (!x)
      return rewriter.notifyMatchFailure(op, "not GELU's argument");
    Operation *last = geluTail(op->getResult(0), x);
    if (!last)
      return rewriter.notifyMatchFailure(op, "not 0.5 x (1 + core)");
    StringAttr approximate;
    if constexpr (std::is_same_v<CoreOp, TanhOp>)
      approximate = rewriter.getStringAttr("tanh");
    rewriter.setInsertionPoint(last);
    rewriter.replaceOpWithNewOp<GeluOp>(last, last->getResult(0).getType(), x,
                                        approximate);
    return success();
  }
};

/// x + bias for the com.microsoft ops that fold a bias into the GELU.
Value addBias(PatternRewriter &rewriter, Operation *op, Value x, Value bias) {
  if (isa<NoneType>(bias.getType()))
    return x;
  return AddOp::create(rewriter, op->getLoc(), x.getType(), x, bias);
}

/// com.microsoft FastGelu, BiasGelu and Gelu -> Gelu (+ the bias Add).
template <typename FusedOp> struct FusedGeluToGelu : OpRewritePattern<FusedOp> {
  using OpRewritePattern<FusedOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(FusedOp op,
                                PatternRewriter &rewriter) const override {
    Value x = op->getOperand(0);
    if (op->getNumOperands() > 1)
      x = addBias(rewriter, op, x, op->getOperand(1));
    StringAttr approximate;
    if constexpr (std::is_same_v<FusedOp, MSFastGeluOp>)
      approximate = rewriter.getStringAttr("tanh");
    rewriter.replaceOpWithNewOp<GeluOp>(op, op->getResult(0).getType(), x,
                                        approximate);
    return success();
  }
};

} // namespace

void duplex::onnx::populateActivationPatterns(RewritePatternSet &patterns) {
  patterns.add<FuseSwish, QuickGeluToSwish, FuseHardSwish, FuseMish,
               FuseGelu<ErfOp>, FuseGelu<TanhOp>, FusedGeluToGelu<MSFastGeluOp>,
               FusedGeluToGelu<MSBiasGeluOp>, FusedGeluToGelu<MSGeluOp>>(
      patterns.getContext());
}
