//===- ONNXDialect.h - onnx import dialect ----------------------*- C++ -*-===//

#ifndef DUPLEX_DIALECT_ONNX_IR_ONNXDIALECT_H
#define DUPLEX_DIALECT_ONNX_IR_ONNXDIALECT_H

#include "mlir/IR/Dialect.h"

#include "duplex/Dialect/ONNX/IR/ONNXDialect.h.inc"

#endif // DUPLEX_DIALECT_ONNX_IR_ONNXDIALECT_H
