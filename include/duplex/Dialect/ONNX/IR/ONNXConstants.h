//===- ONNXConstants.h - values of inline onnx constants --------*- C++ -*-===//
//
// What an `onnx.constant` holds, seen through the ops that keep its values
// (Identity, Cast, Unsqueeze, Squeeze, Reshape): shape vectors, axes,
// epsilons and the scalars of decomposed activations. Shared by the
// normalisation patterns and the raise to `llm`.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_DIALECT_ONNX_IR_ONNXCONSTANTS_H
#define DUPLEX_DIALECT_ONNX_IR_ONNXCONSTANTS_H

#include "duplex/Dialect/ONNX/IR/ONNXOps.h"

#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace duplex::onnx {

/// The inline constant behind `value`, through value-preserving ops; null
/// if there is none.
ConstantOp getConstantBehind(mlir::Value value);

/// Integer values of the inline constant behind `value` (floats only when
/// each is a whole number).
std::optional<llvm::SmallVector<int64_t>> getConstantInts(mlir::Value value);

/// The values of the inline constant behind `value`, as doubles.
std::optional<llvm::SmallVector<double>> getConstantFloats(mlir::Value value);

/// The value of a single-element inline constant, as a double.
std::optional<double> getConstantScalar(mlir::Value value);

/// Whether `value` is a single-element constant within a relative
/// `tolerance` of `expected` (exporters round 1/sqrt(2), sqrt(2/pi), ...).
bool isConstantNear(mlir::Value value, double expected,
                    double tolerance = 1e-3);

} // namespace duplex::onnx

#endif // DUPLEX_DIALECT_ONNX_IR_ONNXCONSTANTS_H
