//===- NodeAttributes.cpp - ONNX attributes as MLIR attributes ------------===//

#include "NodeAttributes.h"
#include "NodeOrder.h"
#include "TensorInfo.h"

#include "duplex/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"

#include "onnx/onnx_pb.h"

using namespace mlir;
using namespace duplex::onnx_import;
namespace ox = duplex::onnx;
namespace pb = ::onnx;
using llvm::Error;

Error duplex::onnx_import::convertAttributes(
    const pb::NodeProto &node, size_t index, Location loc, StringRef fileName,
    uint64_t inlineLimit, NamedAttrList &attributes, bool &hasSubgraph) {
  MLIRContext *context = loc.getContext();
  Builder builder(context);
  for (const pb::AttributeProto &attr : node.attribute()) {
    StringRef name = attr.name();
    switch (attr.type()) {
    case pb::AttributeProto::INT:
      attributes.append(name, builder.getI64IntegerAttr(attr.i()));
      break;
    case pb::AttributeProto::FLOAT:
      attributes.append(name, builder.getF32FloatAttr(attr.f()));
      break;
    case pb::AttributeProto::STRING:
      attributes.append(name, builder.getStringAttr(attr.s()));
      break;
    case pb::AttributeProto::INTS:
      attributes.append(name, builder.getDenseI64ArrayAttr(SmallVector<int64_t>(
                                  attr.ints().begin(), attr.ints().end())));
      break;
    case pb::AttributeProto::FLOATS:
      attributes.append(name, builder.getDenseF32ArrayAttr(SmallVector<float>(
                                  attr.floats().begin(), attr.floats().end())));
      break;
    case pb::AttributeProto::STRINGS:
      attributes.append(name,
                        builder.getStrArrayAttr(SmallVector<StringRef>(
                            attr.strings().begin(), attr.strings().end())));
      break;
    case pb::AttributeProto::TENSOR: {
      // Tensor attributes (ConstantOfShape's fill value) are kept inline.
      const pb::TensorProto &tensor = attr.t();
      SmallVector<int64_t> dims(tensor.dims().begin(), tensor.dims().end());
      std::optional<uint64_t> elements = getNumElements(dims);
      Type element = tensor.data_type() == pb::TensorProto::STRING
                         ? Type(ox::StringType::get(context))
                         : getElementType(context, tensor.data_type());
      std::optional<unsigned> bits =
          element ? ox::getElementBits(element) : std::nullopt;
      std::optional<uint64_t> bytes =
          elements && bits ? getByteSize(*elements, *bits) : std::nullopt;
      std::string problem;
      if (!bytes)
        problem = "has an unsupported shape or element type";
      else if (*bytes > inlineLimit)
        problem = "takes " + std::to_string(*bytes) +
                  " bytes, more than the inline limit of " +
                  std::to_string(inlineLimit);
      else if (DenseElementsAttr value = decodeTensor(
                   tensor, RankedTensorType::get(dims, element), problem)) {
        attributes.append(name, value);
        break;
      }
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          (fileName + ": node " + describeNode(node, index) + " (" +
           node.op_type() + "): tensor attribute '" + name + "' " + problem)
              .str());
    }
    case pb::AttributeProto::GRAPH:
    case pb::AttributeProto::GRAPHS:
      hasSubgraph = true;
      break;
    default:
      emitWarning(loc) << "node " << describeNode(node, index) << " ("
                       << node.op_type() << "): attribute '" << name
                       << "' has a type the importer does not keep; dropped";
      break;
    }
  }
  return Error::success();
}
