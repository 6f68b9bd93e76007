//===- DxOps.h - dx attributes and ops --------------------------*- C++ -*-===//

#ifndef DUPLEX_DIALECT_DX_IR_DXOPS_H
#define DUPLEX_DIALECT_DX_IR_DXOPS_H

#include "duplex/Dialect/Common/FieldParsers.h"
#include "duplex/Dialect/Dx/IR/DxDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_TYPEDEF_CLASSES
#include "duplex/Dialect/Dx/IR/DxTypes.h.inc"

#define GET_ATTRDEF_CLASSES
#include "duplex/Dialect/Dx/IR/DxAttrs.h.inc"

#define GET_OP_CLASSES
#include "duplex/Dialect/Dx/IR/DxOps.h.inc"

namespace duplex::dx {
/// Discardable attribute names the passes attach.
constexpr llvm::StringLiteral kTargetAttrName = "dx.target";
constexpr llvm::StringLiteral kStageAttrName = "dx.stage";
constexpr llvm::StringLiteral kWorkAttrName = "dx.work";
constexpr llvm::StringLiteral kPlacementAttrName = "dx.placement";
} // namespace duplex::dx

#endif // DUPLEX_DIALECT_DX_IR_DXOPS_H
