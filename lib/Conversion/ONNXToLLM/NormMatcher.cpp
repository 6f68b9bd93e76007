//===- NormMatcher.cpp - RMSNorm and LayerNorm, fused or not --------------===//

#include "NormMatcher.h"
#include "Projection.h"

#include "llvm/ADT/SetVector.h"

#include <cstdio>
#include <cstdlib>

using namespace mlir;
using namespace duplex;
using namespace duplex::raise;

double duplex::raise::roundFromFloat(double value) {
  float single = float(value);
  if (double(single) != value)
    return value;
  char text[32];
  for (int precision = 1; precision <= 9; ++precision) {
    std::snprintf(text, sizeof(text), "%.*g", precision, value);
    if (std::strtof(text, nullptr) == single)
      return std::strtod(text, nullptr);
  }
  return value;
}

static llm::DType dtypeOf(Value scale) {
  if (std::optional<WeightRef> weight = getWeight(scale))
    return toDType(weight->storedType).value_or(llm::DType::f32);
  return getDType(scale, llm::DType::f32);
}

static double epsilonOr(std::optional<APFloat> epsilon, double fallback) {
  return epsilon ? roundFromFloat(epsilon->convertToDouble()) : fallback;
}

NormInfo duplex::raise::getFusedNormInfo(Operation *op) {
  NormInfo info;
  if (auto skip = dyn_cast<ox::MSSkipLayerNormalizationOp>(op)) {
    info.kind = NormKind::LayerNorm;
    info.eps =
        epsilonOr(skip.getEpsilonAttr()
                      ? std::optional<APFloat>(skip.getEpsilonAttr().getValue())
                      : std::nullopt,
                  1e-12);
    info.bias = !isa<NoneType>(skip.getBeta().getType());
    info.weightDType = dtypeOf(skip.getGamma());
  } else if (auto skip =
                 dyn_cast<ox::MSSkipSimplifiedLayerNormalizationOp>(op)) {
    info.kind = NormKind::RMSNorm;
    info.eps =
        epsilonOr(skip.getEpsilonAttr()
                      ? std::optional<APFloat>(skip.getEpsilonAttr().getValue())
                      : std::nullopt,
                  1e-12);
    info.weightDType = dtypeOf(skip.getGamma());
  } else if (auto embed = dyn_cast<ox::MSEmbedLayerNormalizationOp>(op)) {
    info.kind = NormKind::LayerNorm;
    info.eps = epsilonOr(
        embed.getEpsilonAttr()
            ? std::optional<APFloat>(embed.getEpsilonAttr().getValue())
            : std::nullopt,
        1e-12);
    info.bias = !isa<NoneType>(embed.getBeta().getType());
    info.weightDType = dtypeOf(embed.getGamma());
  }
  return info;
}

/// A fused norm op consuming `x`.
static std::optional<NormMatch> matchFusedNorm(Value x, int64_t width) {
  for (Operation *user : x.getUsers()) {
    NormMatch match;
    Value scale;
    std::optional<APFloat> epsilon;
    if (auto norm = dyn_cast<ox::LayerNormalizationOp>(user)) {
      if (norm.getX() != x)
        continue;
      match.info.kind = NormKind::LayerNorm;
      match.info.bias = !isa<NoneType>(norm.getB().getType());
      scale = norm.getScale();
      if (auto attr = norm.getEpsilonAttr())
        epsilon = attr.getValue();
    } else if (auto norm = dyn_cast<ox::RMSNormalizationOp>(user)) {
      if (norm.getX() != x)
        continue;
      scale = norm.getScale();
      if (auto attr = norm.getEpsilonAttr())
        epsilon = attr.getValue();
    } else if (auto norm = dyn_cast<ox::SimplifiedLayerNormalizationOp>(user)) {
      if (norm.getX() != x)
        continue;
      scale = norm.getScale();
      if (auto attr = norm.getEpsilonAttr())
        epsilon = attr.getValue();
    } else {
      continue;
    }
    if (width && !isVectorParameter(scale, width))
      continue;
    match.info.eps = epsilonOr(epsilon, 1e-5);
    match.info.weightDType = dtypeOf(scale);
    match.output = user->getResult(0);
    return match;
  }
  return std::nullopt;
}

namespace {
/// The ops of a decomposed norm: those reachable from `x` through the ops a
/// norm is made of, whose other operands are all constants or weights.
struct NormRegion {
  Value x;
  llvm::SetVector<Operation *> ops;

  bool produces(Value value) const {
    if (value == x)
      return true;
    Operation *def = value.getDefiningOp();
    return def && ops.contains(def);
  }

  void grow() {
    SmallVector<Value> worklist{x};
    while (!worklist.empty() && ops.size() < 32) {
      Value value = worklist.pop_back_val();
      for (Operation *user : value.getUsers()) {
        if (ops.contains(user) ||
            !isa<ox::CastOp, ox::PowOp, ox::MulOp, ox::ReduceMeanOp, ox::AddOp,
                 ox::SqrtOp, ox::ReciprocalOp, ox::DivOp, ox::SubOp>(user))
          continue;
        bool closed = llvm::all_of(user->getOperands(), [&](Value operand) {
          return produces(operand) || isParameterOrConstant(operand) ||
                 isa<NoneType>(operand.getType());
        });
        if (!closed)
          continue;
        ops.insert(user);
        worklist.push_back(user->getResult(0));
      }
    }
  }

  /// Region ops `value` depends on.
  llvm::SetVector<Operation *> ancestors(Value value) const {
    llvm::SetVector<Operation *> result;
    SmallVector<Value> worklist{value};
    while (!worklist.empty()) {
      Operation *def = worklist.pop_back_val().getDefiningOp();
      if (!def || !ops.contains(def) || !result.insert(def))
        continue;
      worklist.append(def->operand_begin(), def->operand_end());
    }
    return result;
  }
};
} // namespace

std::optional<NormMatch> duplex::raise::matchNorm(Value x, int64_t width) {
  if (std::optional<NormMatch> fused = matchFusedNorm(x, width))
    return fused;

  NormRegion region{x, {}};
  region.grow();
  // The scale: the first Mul of a normalised value by a vector of `width`.
  Operation *scaleMul = nullptr;
  Value scale;
  llvm::SetVector<Operation *> normalisation;
  for (Operation *op : region.ops) {
    auto mul = dyn_cast<ox::MulOp>(op);
    if (!mul)
      continue;
    for (unsigned i = 0; i < 2; ++i) {
      Value candidate = mul->getOperand(i), other = mul->getOperand(1 - i);
      if (!isVectorParameter(candidate, width) || !region.produces(other))
        continue;
      llvm::SetVector<Operation *> before = region.ancestors(other);
      bool reduces = llvm::any_of(
          before, [](Operation *o) { return isa<ox::ReduceMeanOp>(o); });
      bool roots = llvm::any_of(before, [](Operation *o) {
        return isa<ox::SqrtOp, ox::ReciprocalOp>(o);
      });
      if (!reduces || !roots)
        continue;
      if (!scaleMul || mul->isBeforeInBlock(scaleMul)) {
        scaleMul = mul;
        scale = candidate;
        normalisation = before;
      }
    }
  }
  if (!scaleMul)
    return std::nullopt;

  NormMatch match;
  match.info.kind = NormKind::RMSNorm;
  match.info.weightDType = dtypeOf(scale);
  match.output = scaleMul->getResult(0);
  for (Operation *op : normalisation) {
    // LayerNorm centres: Sub(x, ReduceMean(x)).
    if (auto sub = dyn_cast<ox::SubOp>(op)) {
      Operation *mean = sub.getB().getDefiningOp();
      if (mean && isa<ox::ReduceMeanOp>(mean))
        match.info.kind = NormKind::LayerNorm;
    }
    // The epsilon: a scalar added to a mean.
    if (auto add = dyn_cast<ox::AddOp>(op))
      for (unsigned i = 0; i < 2; ++i) {
        Operation *mean = add->getOperand(1 - i).getDefiningOp();
        std::optional<double> eps = getConstantScalar(add->getOperand(i));
        if (eps && mean && isa<ox::ReduceMeanOp>(mean))
          match.info.eps = roundFromFloat(*eps);
      }
  }
  // LayerNorm's shift.
  if (match.output.hasOneUse()) {
    Operation *user = *match.output.getUsers().begin();
    if (isa<ox::AddOp>(user)) {
      Value other = user->getOperand(0) == match.output ? user->getOperand(1)
                                                        : user->getOperand(0);
      if (isVectorParameter(other, width)) {
        match.info.bias = true;
        match.output = user->getResult(0);
      }
    }
  }
  return match;
}
