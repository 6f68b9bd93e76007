//===- ONNXOps.h - onnx dialect types and ops -------------------*- C++ -*-===//

#ifndef DUPLEX_DIALECT_ONNX_IR_ONNXOPS_H
#define DUPLEX_DIALECT_ONNX_IR_ONNXOPS_H

#include "duplex/Dialect/ONNX/IR/ONNXDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_TYPEDEF_CLASSES
#include "duplex/Dialect/ONNX/IR/ONNXTypes.h.inc"

#define GET_OP_CLASSES
#include "duplex/Dialect/ONNX/IR/ONNXOps.h.inc"

namespace duplex::onnx {
/// Storage size of one element of `type` in bits (i4 and f4 pack two per
/// byte), or std::nullopt for types without a fixed size (strings).
std::optional<unsigned> getElementBits(mlir::Type type);
} // namespace duplex::onnx

#endif // DUPLEX_DIALECT_ONNX_IR_ONNXOPS_H
