//===- ONNXDialect.cpp - onnx dialect registration ------------------------===//

#include "duplex/Dialect/ONNX/IR/ONNXDialect.h"
#include "duplex/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace duplex::onnx;

#include "duplex/Dialect/ONNX/IR/ONNXDialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "duplex/Dialect/ONNX/IR/ONNXTypes.cpp.inc"

void ONNXDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "duplex/Dialect/ONNX/IR/ONNXTypes.cpp.inc"
      >();
  // Defined across the shards of the op definitions (ONNXOpsShard*.cpp).
  registerONNXDialectOperations(this);
}

std::optional<unsigned> duplex::onnx::getElementBits(Type type) {
  if (isa<StringType>(type))
    return std::nullopt;
  if (auto complex = dyn_cast<ComplexType>(type)) {
    std::optional<unsigned> part = getElementBits(complex.getElementType());
    return part ? std::optional<unsigned>(2 * *part) : std::nullopt;
  }
  if (type.isIntOrFloat())
    return type.getIntOrFloatBitWidth();
  return std::nullopt;
}
