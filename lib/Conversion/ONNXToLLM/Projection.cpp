//===- Projection.cpp - linear layers in an ONNX graph --------------------===//

#include "Projection.h"

using namespace mlir;
using namespace duplex;
using namespace duplex::raise;

bool duplex::raise::isVectorParameter(Value value, int64_t size) {
  if (std::optional<WeightRef> weight = getWeight(value)) {
    int64_t elements = 1;
    for (int64_t dim : weight->shape)
      elements *= dim;
    return elements == size &&
           llvm::count_if(weight->shape, [](int64_t d) { return d != 1; }) <= 1;
  }
  if (std::optional<SmallVector<double>> values = getConstantFloats(value))
    return int64_t(values->size()) == size;
  return false;
}

/// The 2-D weight `value` as [in, out] (after `transposed`), with its dtype.
static bool matrixOf(Value value, bool transposed, Projection &result) {
  std::optional<WeightRef> weight = getWeight(value);
  if (!weight || weight->shape.size() != 2)
    return false;
  result.inFeatures = weight->shape[transposed ? 1 : 0];
  result.outFeatures = weight->shape[transposed ? 0 : 1];
  result.weightDType = toDType(weight->storedType).value_or(llm::DType::f32);
  return true;
}

std::optional<Projection> duplex::raise::matchProjection(Operation *op) {
  Projection result;
  result.op = op;
  Value bias;
  if (auto matmul = dyn_cast<ox::MatMulOp>(op)) {
    if (isParameterOrConstant(matmul.getA()) ||
        !matrixOf(matmul.getB(), false, result))
      return std::nullopt;
    result.input = matmul.getA();
  } else if (auto gemm = dyn_cast<ox::GemmOp>(op)) {
    if (gemm.getTransA().value_or(0) != 0 ||
        isParameterOrConstant(gemm.getA()) ||
        !matrixOf(gemm.getB(), gemm.getTransB().value_or(0) != 0, result))
      return std::nullopt;
    result.input = gemm.getA();
    if (!isa<NoneType>(gemm.getC().getType()))
      bias = gemm.getC();
  } else if (auto fused = dyn_cast<ox::MSFusedMatMulOp>(op)) {
    if (fused.getTransA().value_or(0) != 0 ||
        isParameterOrConstant(fused.getA()) ||
        !matrixOf(fused.getB(), fused.getTransB().value_or(0) != 0, result))
      return std::nullopt;
    result.input = fused.getA();
  } else if (auto nbits = dyn_cast<ox::MSMatMulNBitsOp>(op)) {
    result.inFeatures = nbits.getK();
    result.outFeatures = nbits.getN();
    result.weightDType =
        nbits.getBits().value_or(4) <= 4 ? llm::DType::int4 : llm::DType::int8;
    result.input = nbits.getA();
    if (!isa<NoneType>(nbits.getBias().getType()))
      bias = nbits.getBias();
  } else {
    return std::nullopt;
  }
  result.output = op->getResult(0);
  if (bias) {
    result.bias = true;
    return result;
  }
  // A separate bias: the only user adds a vector of the output width.
  if (op->getResult(0).hasOneUse()) {
    Operation *user = *op->getResult(0).getUsers().begin();
    if (isa<ox::AddOp>(user)) {
      Value other = user->getOperand(0) == op->getResult(0)
                        ? user->getOperand(1)
                        : user->getOperand(0);
      if (isVectorParameter(other, result.outFeatures)) {
        result.bias = true;
        result.biasAdd = user;
        result.output = user->getResult(0);
      }
    }
  }
  return result;
}
