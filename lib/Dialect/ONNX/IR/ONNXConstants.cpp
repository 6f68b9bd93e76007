//===- ONNXConstants.cpp - values of inline onnx constants ----------------===//

#include "duplex/Dialect/ONNX/IR/ONNXConstants.h"

#include <cmath>

using namespace mlir;
using namespace duplex::onnx;

ConstantOp duplex::onnx::getConstantBehind(Value value) {
  for (int depth = 0; depth < 8; ++depth) {
    Operation *def = value.getDefiningOp();
    if (!def)
      return {};
    if (auto constant = dyn_cast<ConstantOp>(def))
      return constant;
    if (!isa<IdentityOp, CastOp, UnsqueezeOp, SqueezeOp, ReshapeOp>(def))
      return {};
    value = def->getOperand(0);
  }
  return {};
}

/// The dense values of the inline constant behind `value`, or null.
static DenseElementsAttr getDenseConstant(Value value) {
  ConstantOp constant = getConstantBehind(value);
  return constant ? dyn_cast<DenseElementsAttr>(constant.getValue())
                  : DenseElementsAttr();
}

std::optional<SmallVector<int64_t>> duplex::onnx::getConstantInts(Value value) {
  DenseElementsAttr dense = getDenseConstant(value);
  if (!dense)
    return std::nullopt;
  SmallVector<int64_t> result;
  if (dense.getElementType().isInteger()) {
    for (const APInt &v : dense.getValues<APInt>())
      result.push_back(dense.getElementType().isUnsignedInteger()
                           ? int64_t(v.getZExtValue())
                           : v.getSExtValue());
    return result;
  }
  if (isa<FloatType>(dense.getElementType())) {
    for (const APFloat &v : dense.getValues<APFloat>()) {
      double d = v.convertToDouble();
      // Whole numbers that fit: anything else is not a shape or an axis.
      if (!std::isfinite(d) || d != std::floor(d) || std::fabs(d) > 9e15)
        return std::nullopt;
      result.push_back(int64_t(d));
    }
    return result;
  }
  return std::nullopt;
}

std::optional<SmallVector<double>>
duplex::onnx::getConstantFloats(Value value) {
  DenseElementsAttr dense = getDenseConstant(value);
  if (!dense)
    return std::nullopt;
  SmallVector<double> result;
  if (isa<FloatType>(dense.getElementType())) {
    for (const APFloat &v : dense.getValues<APFloat>())
      result.push_back(v.convertToDouble());
    return result;
  }
  if (dense.getElementType().isInteger()) {
    for (const APInt &v : dense.getValues<APInt>())
      result.push_back(double(v.getSExtValue()));
    return result;
  }
  return std::nullopt;
}

std::optional<double> duplex::onnx::getConstantScalar(Value value) {
  std::optional<SmallVector<double>> values = getConstantFloats(value);
  if (!values || values->size() != 1)
    return std::nullopt;
  return values->front();
}

bool duplex::onnx::isConstantNear(Value value, double expected,
                                  double tolerance) {
  std::optional<double> scalar = getConstantScalar(value);
  return scalar && std::fabs(*scalar - expected) <=
                       tolerance * std::max(1.0, std::fabs(expected));
}
