//===- ONNXOpsShardPrelude.h - what the op definition shards need -*- C++ -*-//

#ifndef DUPLEX_LIB_DIALECT_ONNX_IR_ONNXOPSSHARDPRELUDE_H
#define DUPLEX_LIB_DIALECT_ONNX_IR_ONNXOPSSHARDPRELUDE_H

#include "duplex/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/SmallBitVector.h"

#endif // DUPLEX_LIB_DIALECT_ONNX_IR_ONNXOPSSHARDPRELUDE_H
