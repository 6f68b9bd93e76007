//===- DxOps.cpp - dx dialect operations ----------------------------------===//

#include "duplex/Dialect/Dx/IR/DxOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace duplex::dx;

#define GET_OP_CLASSES
#include "duplex/Dialect/Dx/IR/DxOps.cpp.inc"

LogicalResult TransferOp::verify() {
  if (getFrom() == getTo())
    return emitOpError() << "moves a value from '" << getFrom()
                         << "' to itself";
  if (getBytes().isNegative() || getSeconds().isNegative())
    return emitOpError("bytes and seconds must not be negative");
  return success();
}
