//===- OpTable.cpp - the importer's ONNX operator table -------------------===//

#include "OpTable.h"
#include "TensorInfo.h"

#include "duplex/Dialect/ONNX/IR/ONNXOps.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace duplex::onnx_import;
namespace ox = duplex::onnx;

namespace {
template <typename OpTy, typename = void> struct IsNodeOp : std::false_type {};
template <typename OpTy>
struct IsNodeOp<OpTy, std::void_t<decltype(OpTy::getONNXOpType())>>
    : std::true_type {};

std::string key(StringRef domain, StringRef opType) {
  if (domain == "ai.onnx")
    domain = "";
  return (domain + ":" + opType).str();
}
} // namespace

template <typename OpTy> void OpTable::add(MLIRContext *context) {
  if constexpr (IsNodeOp<OpTy>::value) {
    OpTableEntry entry{OperationName(OpTy::getOperationName(), context),
                       OpTy::getONNXNumInputs(), OpTy::getONNXNumOutputs(),
                       OpTy::hasVariadicONNXInputs(),
                       OpTy::hasVariadicONNXOutputs()};
    entries.try_emplace(key(OpTy::getONNXDomain(), OpTy::getONNXOpType()),
                        entry);
  }
}

void OpTable::addAlias(StringRef domain, StringRef opType,
                       StringRef targetDomain, StringRef targetOpType) {
  const OpTableEntry *target = lookup(targetDomain, targetOpType);
  assert(target && "alias of an operator outside the table");
  entries.try_emplace(key(domain, opType), *target);
}

OpTable::OpTable(MLIRContext *context) {
  context->getOrLoadDialect<ox::ONNXDialect>();
  addAll<
#define GET_OP_LIST
#include "duplex/Dialect/ONNX/IR/ONNXOps.cpp.inc"
      >(context);
  // onnxruntime registers SimplifiedLayerNormalization in ai.onnx; some
  // tools write it with the contrib domain.
  addAlias("com.microsoft", "SimplifiedLayerNormalization", "",
           "SimplifiedLayerNormalization");
}

const OpTableEntry *OpTable::lookup(StringRef domain, StringRef opType) const {
  auto it = entries.find(key(domain, opType));
  return it == entries.end() ? nullptr : &it->second;
}

Type duplex::onnx_import::inferResultElementType(OperationName name,
                                                 unsigned resultIndex,
                                                 ValueRange operands,
                                                 DictionaryAttr attributes) {
  MLIRContext *context = name.getContext();
  Builder b(context);
  auto tensorElement = [&](unsigned index) -> Type {
    if (index < operands.size())
      if (auto type = dyn_cast<TensorType>(operands[index].getType()))
        return type.getElementType();
    return Type();
  };
  // The element type of the first tensor operand, f32 when there is none.
  auto anyElement = [&]() -> Type {
    for (unsigned i = 0; i < operands.size(); ++i)
      if (Type element = tensorElement(i))
        return element;
    return b.getF32Type();
  };
  // A malformed node may lack the operand the rule reads: it then gets what
  // any op gets, never a null type (found by fuzz/ONNXBinaryFuzzer.cpp).
  auto operandElement = [&](unsigned index) -> Type {
    if (Type element = tensorElement(index))
      return element;
    return anyElement();
  };
  StringRef op = name.stripDialect();

  if (op == "Cast")
    if (auto to = attributes.getAs<IntegerAttr>("to"))
      if (Type type = getElementType(context, to.getInt()))
        return type;
  if (op == "CastLike" || op == "Where")
    return operandElement(1);
  if (op == "OneHot")
    return operandElement(2);
  if ((op == "TopK" && resultIndex == 1) ||
      llvm::is_contained({"Shape", "Size", "NonZero", "ArgMax"}, op))
    return b.getI64Type();
  if (llvm::is_contained({"Equal", "Less", "LessOrEqual", "Greater",
                          "GreaterOrEqual", "And", "Or", "Xor", "Not", "IsNaN"},
                         op))
    return b.getI1Type();
  if (op == "ConstantOfShape") {
    if (auto value = attributes.getAs<ElementsAttr>("value"))
      return value.getElementType();
    return b.getF32Type();
  }
  if (op == "DequantizeLinear")
    return operandElement(1);
  if (op == "QuantizeLinear") {
    if (Type zeroPoint = tensorElement(2))
      return zeroPoint;
    return IntegerType::get(context, 8, IntegerType::Unsigned);
  }
  if (op == "ms.EmbedLayerNormalization")
    return resultIndex == 1 ? Type(b.getI32Type()) : operandElement(2);

  return anyElement();
}
