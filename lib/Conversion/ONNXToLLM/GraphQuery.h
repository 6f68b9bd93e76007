//===- GraphQuery.h - questions the raise asks of onnx IR -------*- C++ -*-===//
//
// Small queries over an imported graph: which weight feeds a value, what a
// shape tensor evaluates to, what element type a value has. They see through
// the value-preserving ops exporters insert (Identity, Cast, Transpose of a
// weight, DequantizeLinear of a quantized weight).
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_LIB_CONVERSION_ONNXTOLLM_GRAPHQUERY_H
#define DUPLEX_LIB_CONVERSION_ONNXTOLLM_GRAPHQUERY_H

#include "duplex/Dialect/LLM/IR/LLMOps.h"
#include "duplex/Dialect/ONNX/IR/ONNXConstants.h"
#include "duplex/Dialect/ONNX/IR/ONNXOps.h"

#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace duplex::raise {

namespace ox = duplex::onnx;

/// A weight feeding a value: the initializer and how it is viewed.
struct WeightRef {
  ox::WeightOp weight;
  /// Dimensions as the consumer sees them (after a Transpose).
  llvm::SmallVector<int64_t> shape;
  /// Stored element type (the quantized one behind a DequantizeLinear).
  mlir::Type storedType;
};

/// The weight behind `value`, through Identity, Cast, Transpose and
/// DequantizeLinear; std::nullopt if `value` is not (a view of) a weight.
std::optional<WeightRef> getWeight(mlir::Value value);

/// Whether `value` is a weight or an inline constant (possibly viewed).
bool isParameterOrConstant(mlir::Value value);

// Values of inline constants (duplex/Dialect/ONNX/IR/ONNXConstants.h).
using duplex::onnx::getConstantFloats;
using duplex::onnx::getConstantInts;
using duplex::onnx::getConstantScalar;

/// Evaluates a 1-D integer tensor that holds a shape (Concat of Unsqueezed
/// scalars, Gather of Shape, constants, simple arithmetic), each element
/// known or not. std::nullopt when even its length is unknown.
std::optional<llvm::SmallVector<std::optional<int64_t>>>
evaluateShape(mlir::Value value);

/// The llm dtype of an element type (f8 types are fp8, i4/u4 int4, i8/u8
/// int8), or std::nullopt for types llm has no name for.
std::optional<llm::DType> toDType(mlir::Type elementType);

/// The llm dtype of the elements of `value`, or `fallback`.
llm::DType getDType(mlir::Value value, llm::DType fallback);

/// The static size of dimension `dim` of `value` (negative counts from the
/// end), if its type knows it.
std::optional<int64_t> getStaticDim(mlir::Value value, int64_t dim);

/// ONNX op type of an op of the table ("MatMul", "ms.GroupQueryAttention")
/// or of a custom op ("com.example.Foo").
std::string getONNXName(mlir::Operation *op);

/// The ONNX node name recorded in `op`'s location, or "".
std::string getNodeName(mlir::Operation *op);

} // namespace duplex::raise

#endif // DUPLEX_LIB_CONVERSION_ONNXTOLLM_GRAPHQUERY_H
