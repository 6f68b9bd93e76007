//===- DxDialect.h - dx dialect ---------------------------------*- C++ -*-===//

#ifndef DUPLEX_DIALECT_DX_IR_DXDIALECT_H
#define DUPLEX_DIALECT_DX_IR_DXDIALECT_H

#include "mlir/IR/Dialect.h"

#include "duplex/Dialect/Dx/IR/DxDialect.h.inc"

#endif // DUPLEX_DIALECT_DX_IR_DXDIALECT_H
