//===- DxDialect.cpp - dx dialect registration and attributes -------------===//

#include "duplex/Dialect/Dx/IR/DxDialect.h"
#include "duplex/Dialect/Dx/IR/DxOps.h"
#include "duplex/Support/Stage.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace duplex::dx;

#include "duplex/Dialect/Dx/IR/DxDialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "duplex/Dialect/Dx/IR/DxTypes.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "duplex/Dialect/Dx/IR/DxAttrs.cpp.inc"

void DxDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "duplex/Dialect/Dx/IR/DxTypes.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "duplex/Dialect/Dx/IR/DxAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "duplex/Dialect/Dx/IR/DxOps.cpp.inc"
      >();
}

LogicalResult SystemAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 StringAttr name, int64_t devices,
                                 int64_t nodes, ArrayAttr units) {
  if (devices <= 0 || nodes <= 0)
    return emitError() << "'#dx.system' devices (" << devices << ") and nodes ("
                       << nodes << ") must be positive";
  for (Attribute unit : units)
    if (!isa<ProcessingUnitAttr>(unit))
      return emitError() << "'#dx.system' units must be '#dx.unit', got "
                         << unit;
  return success();
}

ProcessingUnitAttr SystemAttr::findUnit(StringRef unitName) const {
  for (Attribute unit : getUnits())
    if (auto typed = cast<ProcessingUnitAttr>(unit);
        typed.getName() == unitName)
      return typed;
  return {};
}

LogicalResult StageAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                StringAttr spec) {
  llvm::Expected<duplex::Stage> stage = duplex::parseStageSpec(spec);
  if (!stage)
    return emitError() << llvm::toString(stage.takeError());
  return success();
}
