//===- Projection.h - linear layers in an ONNX graph ------------*- C++ -*-===//

#ifndef DUPLEX_LIB_CONVERSION_ONNXTOLLM_PROJECTION_H
#define DUPLEX_LIB_CONVERSION_ONNXTOLLM_PROJECTION_H

#include "GraphQuery.h"

namespace duplex::raise {

/// A linear layer `y = x W (+ b)`: MatMul, Gemm, FusedMatMul or MatMulNBits
/// with a weight operand, and the Add of its bias when that follows it.
struct Projection {
  mlir::Operation *op = nullptr;
  int64_t inFeatures = 0;
  int64_t outFeatures = 0;
  bool bias = false;
  /// The Add that applies the bias, when it is a separate op.
  mlir::Operation *biasAdd = nullptr;
  llm::DType weightDType = llm::DType::f32;
  /// The activation operand and the result (after the bias).
  mlir::Value input;
  mlir::Value output;
};

/// `op` as a linear layer, if it is one.
std::optional<Projection> matchProjection(mlir::Operation *op);

/// Whether `op` multiplies an activation by a weight.
inline bool isProjection(mlir::Operation *op) {
  return matchProjection(op).has_value();
}

/// Whether `value` is a 1-D weight or constant of `size` elements (a bias,
/// a norm scale).
bool isVectorParameter(mlir::Value value, int64_t size);

} // namespace duplex::raise

#endif // DUPLEX_LIB_CONVERSION_ONNXTOLLM_PROJECTION_H
