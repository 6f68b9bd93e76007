//===- ONNXOps.cpp - onnx dialect operations ------------------------------===//

#include "duplex/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/FunctionImplementation.h"
#include "llvm/ADT/SmallBitVector.h"

using namespace mlir;
using namespace duplex::onnx;

// The generated op definitions are compiled in ONNXOpsShard*.cpp.

//===----------------------------------------------------------------------===//
// GraphOp
//===----------------------------------------------------------------------===//

ParseResult GraphOp::parse(OpAsmParser &parser, OperationState &result) {
  auto buildType = [](Builder &builder, ArrayRef<Type> inputs,
                      ArrayRef<Type> results,
                      function_interface_impl::VariadicFlag, std::string &) {
    return builder.getFunctionType(inputs, results);
  };
  return function_interface_impl::parseFunctionOp(
      parser, result, /*allowVariadic=*/false,
      getFunctionTypeAttrName(result.name), buildType,
      getArgAttrsAttrName(result.name), getResAttrsAttrName(result.name));
}

void GraphOp::print(OpAsmPrinter &p) {
  function_interface_impl::printFunctionOp(
      p, *this, /*isVariadic=*/false, getFunctionTypeAttrName(),
      getArgAttrsAttrName(), getResAttrsAttrName());
}

static StringRef nameAttr(DictionaryAttr attrs) {
  if (!attrs)
    return "";
  if (auto name = attrs.getAs<StringAttr>("onnx.name"))
    return name.getValue();
  return "";
}

StringRef GraphOp::getInputName(unsigned index) {
  return nameAttr(getArgAttrDict(index));
}

StringRef GraphOp::getOutputName(unsigned index) {
  return nameAttr(getResultAttrDict(index));
}

void GraphOp::getAsmBlockArgumentNames(Region &region,
                                       OpAsmSetValueNameFn setNameFn) {
  // Print graph inputs under their ONNX names (the printer sanitizes them).
  for (BlockArgument argument : region.getArguments()) {
    StringRef name = getInputName(argument.getArgNumber());
    if (!name.empty())
      setNameFn(argument, name);
  }
}

std::optional<int64_t> GraphOp::getOpsetVersion(StringRef domain) {
  DictionaryAttr opsets = getOpsetImportAttr();
  if (!opsets)
    return std::nullopt;
  if (auto version =
          opsets.getAs<IntegerAttr>(domain.empty() ? "ai.onnx" : domain))
    return version.getInt();
  return std::nullopt;
}

LogicalResult GraphOp::verify() {
  Block &body = getBody().front();
  if (body.getNumArguments() != getArgumentTypes().size())
    return emitOpError() << "has " << body.getNumArguments()
                         << " block arguments but its type lists "
                         << getArgumentTypes().size() << " inputs";
  for (auto [index, pair] :
       llvm::enumerate(llvm::zip(body.getArgumentTypes(), getArgumentTypes())))
    if (std::get<0>(pair) != std::get<1>(pair))
      return emitOpError() << "block argument " << index << " has type "
                           << std::get<0>(pair) << " but input " << index
                           << " is " << std::get<1>(pair);
  return success();
}

LogicalResult ReturnOp::verify() {
  auto graph = (*this)->getParentOfType<GraphOp>();
  ArrayRef<Type> expected = graph.getResultTypes();
  if (getOutputs().size() != expected.size())
    return emitOpError() << "returns " << getOutputs().size()
                         << " values but the graph has " << expected.size()
                         << " outputs";
  for (auto [index, pair] :
       llvm::enumerate(llvm::zip(getOutputs().getTypes(), expected)))
    if (std::get<0>(pair) != std::get<1>(pair))
      return emitOpError() << "output " << index << " has type "
                           << std::get<0>(pair) << " but the graph declares "
                           << std::get<1>(pair);
  return success();
}

//===----------------------------------------------------------------------===//
// WeightOp
//===----------------------------------------------------------------------===//

LogicalResult WeightOp::verify() {
  auto type = cast<RankedTensorType>(getType());
  if (!type.hasStaticShape())
    return emitOpError() << "weight '" << getName()
                         << "' must have a static shape, got " << type;
  if (getLocation() && (!getOffset() || !getLength()))
    return emitOpError() << "weight '" << getName()
                         << "' with an external location needs offset and "
                            "length";
  if (std::optional<unsigned> bits = getElementBits(type.getElementType())) {
    // The element count fits in 64 bits (the importer checks), the bit count
    // may not: compute bytes without multiplying first.
    uint64_t elements = type.getNumElements();
    uint64_t bytes = elements / 8 * *bits + (elements % 8 * *bits + 7) / 8;
    if (bytes != uint64_t(getByteSize()))
      return emitOpError() << "weight '" << getName() << "' of type " << type
                           << " takes " << bytes << " bytes, not "
                           << getByteSize();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Operator verifiers
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::verify() {
  std::optional<ArrayRef<int64_t>> perm = getPerm();
  if (!perm)
    return success();
  llvm::SmallBitVector seen(perm->size());
  for (int64_t axis : *perm) {
    if (axis < 0 || axis >= int64_t(perm->size()) || seen.test(axis))
      return emitOpError() << "perm must be a permutation of 0.."
                           << perm->size() - 1;
    seen.set(axis);
  }
  if (auto type = dyn_cast<RankedTensorType>(getData().getType()))
    if (type.getRank() != int64_t(perm->size()))
      return emitOpError() << "perm has " << perm->size()
                           << " entries but the input has rank "
                           << type.getRank();
  return success();
}

LogicalResult MSGroupQueryAttentionOp::verify() {
  int64_t heads = getNumHeads(), kvHeads = getKvNumHeads();
  if (heads <= 0 || kvHeads <= 0)
    return emitOpError() << "num_heads (" << heads << ") and kv_num_heads ("
                         << kvHeads << ") must be positive";
  if (heads % kvHeads != 0)
    return emitOpError() << "num_heads (" << heads
                         << ") must be a multiple of kv_num_heads (" << kvHeads
                         << ")";
  return success();
}

LogicalResult MSMatMulNBitsOp::verify() {
  int64_t bits = getBits().value_or(4);
  if (bits < 2 || bits > 8)
    return emitOpError() << "bits (" << bits << ") must be between 2 and 8";
  if (getK() <= 0 || getN() <= 0)
    return emitOpError() << "K (" << getK() << ") and N (" << getN()
                         << ") must be positive";
  int64_t block = getBlockSize();
  if (block < 16 || (block & (block - 1)) != 0)
    return emitOpError() << "block_size (" << block
                         << ") must be a power of two, at least 16";
  return success();
}
