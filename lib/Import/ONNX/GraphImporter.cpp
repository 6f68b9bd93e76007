//===- GraphImporter.cpp - ONNX ModelProto -> onnx dialect ----------------===//
//
// Turns the main graph of a ModelProto into an `onnx.graph`: graph inputs
// become block arguments, initializers `onnx.weight`/`onnx.constant`, nodes
// (in topological order) ops of the table or `onnx.custom`. Weights are
// never read: external data is only located and its file size checked.
//
//===----------------------------------------------------------------------===//

#include "ModelReader.h"
#include "NodeAttributes.h"
#include "NodeOrder.h"
#include "OpTable.h"
#include "TensorInfo.h"

#include "duplex/Dialect/ONNX/IR/ONNXOps.h"
#include "duplex/Import/ONNXImport.h"
#include "duplex/Support/InputFile.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "onnx/onnx_pb.h"

using namespace mlir;
using namespace duplex;
using namespace duplex::onnx_import;
namespace ox = duplex::onnx;
namespace pb = ::onnx;
using llvm::Error;
using llvm::Expected;

namespace {

/// Where a tensor comes from: what may be kept inline depends on it.
enum class TensorOrigin { Initializer, ConstantNode, SparseInitializer };

class GraphImporter {
public:
  GraphImporter(MLIRContext *context, StringRef fileName,
                const ONNXImportOptions &options)
      : context(context), builder(context), fileName(fileName),
        options(options), table(context) {}

  Expected<OwningOpRef<ModuleOp>> import(const pb::ModelProto &model);

private:
  Error fail(const Twine &message) const {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   (fileName + ": " + message).str());
  }
  Location fileLocation() const {
    return FileLineColLoc::get(context, fileName, 0, 0);
  }

  Location nodeLocation(const pb::NodeProto &node, size_t index) const;

  StringRef canonicalDim(StringRef name);
  /// The MLIR type of a ValueInfo; `dimNames` receives the names of its
  /// dimensions ("" for static and unnamed ones).
  Expected<Type> convertType(const pb::TypeProto &type, const Twine &what,
                             SmallVectorImpl<StringAttr> *dimNames);
  Type elementTypeOf(int64_t dataType) const;

  void warnAboutOpsets(const pb::ModelProto &model);
  Error importTensor(const pb::TensorProto &tensor, StringRef name,
                     StringRef what, TensorOrigin origin);
  Error checkExternalData(const pb::TensorProto &tensor, StringRef what,
                          uint64_t bytes, NamedAttrList &attributes);
  Error importConstantNode(const pb::NodeProto &node, size_t index);
  Error importNode(const pb::NodeProto &node, size_t index);

  MLIRContext *context;
  OpBuilder builder;
  StringRef fileName;
  const ONNXImportOptions &options;
  OpTable table;

  llvm::StringMap<Value> values;
  llvm::StringMap<Type> declaredTypes;
  llvm::StringSet<> usedDimNames;
  llvm::StringMap<std::optional<uint64_t>> externalFileSizes;
  Value none;
  std::string dataDirectory;
};

} // namespace

Location GraphImporter::nodeLocation(const pb::NodeProto &node,
                                     size_t index) const {
  std::string name =
      node.name().empty() ? "#" + std::to_string(index) : node.name();
  return NameLoc::get(StringAttr::get(context, name), fileLocation());
}

StringRef GraphImporter::canonicalDim(StringRef name) {
  // Follow ties; a cycle of ties stops where it would repeat.
  llvm::StringSet<> seen;
  while (seen.insert(name).second) {
    auto it = options.tiedDims.find(name.str());
    if (it == options.tiedDims.end())
      break;
    name = it->second;
  }
  return name;
}

Type GraphImporter::elementTypeOf(int64_t dataType) const {
  if (dataType == pb::TensorProto::STRING)
    return ox::StringType::get(context);
  return getElementType(context, dataType);
}

Expected<Type>
GraphImporter::convertType(const pb::TypeProto &type, const Twine &what,
                           SmallVectorImpl<StringAttr> *dimNames) {
  if (!type.has_tensor_type())
    return fail(what + " is not a tensor (sequence, map and optional "
                       "values are not supported)");
  const pb::TypeProto::Tensor &tensor = type.tensor_type();
  Type element = elementTypeOf(tensor.elem_type());
  if (!element)
    return fail(what + " has unsupported element type " +
                getDataTypeName(tensor.elem_type()));
  if (!tensor.has_shape())
    return UnrankedTensorType::get(element);
  SmallVector<int64_t> shape;
  for (const pb::TensorShapeProto::Dimension &dim : tensor.shape().dim()) {
    StringRef name;
    int64_t size = ShapedType::kDynamic;
    if (dim.has_dim_value() && dim.dim_value() >= 0) {
      size = dim.dim_value();
    } else if (dim.has_dim_param() && !dim.dim_param().empty()) {
      name = canonicalDim(dim.dim_param());
      usedDimNames.insert(dim.dim_param());
      usedDimNames.insert(name);
      auto pin = options.pinnedDims.find(name.str());
      if (pin != options.pinnedDims.end())
        size = pin->second;
    }
    shape.push_back(size);
    if (dimNames)
      dimNames->push_back(StringAttr::get(context, name));
  }
  return RankedTensorType::get(shape, element);
}

void GraphImporter::warnAboutOpsets(const pb::ModelProto &model) {
  for (const pb::OperatorSetIdProto &opset : model.opset_import()) {
    bool standard = opset.domain().empty() || opset.domain() == "ai.onnx";
    if (standard && (opset.version() < OpTable::kMinOpset ||
                     opset.version() > OpTable::kMaxOpset))
      emitWarning(fileLocation())
          << "opset " << opset.version()
          << " of domain 'ai.onnx' is outside the range the importer's op "
             "table covers ("
          << OpTable::kMinOpset << "-" << OpTable::kMaxOpset
          << "); operators are imported by name";
  }
}

Error GraphImporter::checkExternalData(const pb::TensorProto &tensor,
                                       StringRef what, uint64_t bytes,
                                       NamedAttrList &attributes) {
  ExternalData external;
  std::string problem = readExternalData(tensor, external);
  if (!problem.empty())
    return fail(what + " " + problem);
  problem = checkExternalLocation(external.location);
  if (!problem.empty())
    return fail(what + ": external-data location '" + external.location + "' " +
                problem + "; rejected");
  uint64_t length = external.length.value_or(bytes);
  if (external.length && *external.length != bytes)
    emitWarning(fileLocation())
        << what << " declares " << *external.length
        << " bytes of external data but its shape and type take " << bytes;

  // The file may be absent (structure-only copies of a model); when it is
  // present it must be a regular file inside the model's directory (a
  // symbolic link may not lead out of it) and long enough. Only its size
  // is looked at.
  std::string resolved;
  problem = resolveExternalFile(dataDirectory, external.location, resolved);
  if (!problem.empty())
    return fail(what + ": external-data location '" + external.location + "' " +
                problem + "; rejected");
  SmallString<256> path(dataDirectory);
  llvm::sys::path::append(path, external.location);
  auto [it, inserted] = externalFileSizes.try_emplace(path.str());
  if (inserted) {
    uint64_t size;
    if (!llvm::sys::fs::file_size(path, size))
      it->second = size;
  }
  uint64_t end;
  if (it->second && (__builtin_add_overflow(external.offset, length, &end) ||
                     end > *it->second))
    emitWarning(fileLocation())
        << "external data file '" << path << "' holds " << *it->second
        << " bytes but " << what << " needs bytes [" << external.offset << ", "
        << external.offset + length << ")";

  attributes.append("location", builder.getStringAttr(external.location));
  attributes.append("offset", builder.getI64IntegerAttr(external.offset));
  attributes.append("length", builder.getI64IntegerAttr(length));
  return Error::success();
}

Error GraphImporter::importTensor(const pb::TensorProto &tensor, StringRef name,
                                  StringRef what, TensorOrigin origin) {
  SmallVector<int64_t> dims(tensor.dims().begin(), tensor.dims().end());
  std::optional<uint64_t> elements = getNumElements(dims);
  if (!elements || *elements > uint64_t(INT64_MAX))
    return fail(
        what + " declares dimensions [" +
        llvm::join(
            llvm::map_range(dims, [](int64_t d) { return std::to_string(d); }),
            ", ") +
        "] whose element count is negative or overflows 64 bits");
  Type element = elementTypeOf(tensor.data_type());
  if (!element)
    return fail(what + " has unsupported element type " +
                getDataTypeName(tensor.data_type()));
  auto type = RankedTensorType::get(dims, element);

  bool external = tensor.data_location() == pb::TensorProto::EXTERNAL;
  std::optional<unsigned> bits = ox::getElementBits(element);
  uint64_t bytes = 0;
  if (bits) {
    std::optional<uint64_t> size = getByteSize(*elements, *bits);
    if (!size || *size > uint64_t(INT64_MAX))
      return fail(what + " of " + std::to_string(*elements) +
                  " elements takes more bytes than 64 bits can count");
    bytes = *size;
  } else {
    for (const std::string &s : tensor.string_data())
      bytes += s.size();
  }

  Location loc = NameLoc::get(builder.getStringAttr(name), fileLocation());
  // Shapes, axes and indices are integer scalars or vectors; larger integer
  // tensors are quantized weights.
  bool inlineable = !external && bytes <= options.inlineConstantLimit &&
                    ((element.isInteger() && dims.size() <= 1) ||
                     origin == TensorOrigin::ConstantNode || *elements <= 1) &&
                    origin != TensorOrigin::SparseInitializer;
  if (inlineable) {
    std::string problem;
    DenseElementsAttr value = decodeTensor(tensor, type, problem);
    if (value) {
      values[name] = ox::ConstantOp::create(builder, loc, type,
                                            builder.getStringAttr(name), value);
      return Error::success();
    }
    if (element.isInteger() || element.isFloat())
      return fail(what + " " + problem);
  }

  NamedAttrList attributes;
  attributes.append("name", builder.getStringAttr(name));
  attributes.append("byte_size", builder.getI64IntegerAttr(bytes));
  if (external)
    if (Error error = checkExternalData(tensor, what, bytes, attributes))
      return error;
  OperationState state(loc, ox::WeightOp::getOperationName());
  state.addTypes(type);
  state.addAttributes(attributes);
  values[name] = builder.create(state)->getResult(0);
  return Error::success();
}

Error GraphImporter::importConstantNode(const pb::NodeProto &node,
                                        size_t index) {
  std::string what = "Constant node " + describeNode(node, index);
  if (node.output_size() != 1 || node.attribute_size() != 1)
    return fail(what + " must have one output and one value attribute");
  const pb::AttributeProto &attr = node.attribute(0);
  pb::TensorProto tensor;
  if (attr.name() == "value" && attr.has_t()) {
    tensor = attr.t();
  } else if (attr.name() == "value_int") {
    tensor.set_data_type(pb::TensorProto::INT64);
    tensor.add_int64_data(attr.i());
  } else if (attr.name() == "value_ints") {
    tensor.set_data_type(pb::TensorProto::INT64);
    tensor.add_dims(attr.ints_size());
    for (int64_t v : attr.ints())
      tensor.add_int64_data(v);
  } else if (attr.name() == "value_float") {
    tensor.set_data_type(pb::TensorProto::FLOAT);
    tensor.add_float_data(attr.f());
  } else if (attr.name() == "value_floats") {
    tensor.set_data_type(pb::TensorProto::FLOAT);
    tensor.add_dims(attr.floats_size());
    for (float v : attr.floats())
      tensor.add_float_data(v);
  } else {
    return fail(what + " has a '" + attr.name() +
                "' value, which the importer does not support");
  }
  return importTensor(tensor, node.output(0), what, TensorOrigin::ConstantNode);
}

Error GraphImporter::importNode(const pb::NodeProto &node, size_t index) {
  // Both arms StringRef, as for graphName below (found by the ASan build).
  StringRef domain =
      node.domain() == "ai.onnx" ? StringRef() : StringRef(node.domain());
  if (domain.empty() && node.op_type() == "Constant")
    return importConstantNode(node, index);

  Location loc = nodeLocation(node, index);
  std::string label = describeNode(node, index);
  NamedAttrList attributes;
  bool hasSubgraph = false;
  if (Error error = convertAttributes(node, index, loc, fileName,
                                      options.inlineConstantLimit, attributes,
                                      hasSubgraph))
    return error;

  const OpTableEntry *entry = table.lookup(domain, node.op_type());
  std::string opName =
      (domain.empty() ? "" : domain + ".").str() + node.op_type();
  std::string reason = "is not in the importer's op table";
  if (entry && unsigned(node.input_size()) > entry->numInputs &&
      !entry->variadicInputs) {
    reason = "has " + std::to_string(node.input_size()) +
             " inputs where the op table knows " +
             std::to_string(entry->numInputs);
    entry = nullptr;
  } else if (entry && unsigned(node.output_size()) > entry->numOutputs &&
             !entry->variadicOutputs) {
    reason = "has " + std::to_string(node.output_size()) +
             " outputs where the op table knows " +
             std::to_string(entry->numOutputs);
    entry = nullptr;
  }

  SmallVector<Value> operands;
  for (const std::string &input : node.input())
    operands.push_back(input.empty() ? none : values.lookup(input));
  if (entry && !entry->variadicInputs)
    while (operands.size() < entry->numInputs)
      operands.push_back(none);

  DictionaryAttr attrDict = attributes.getDictionary(context);
  unsigned numResults = node.output_size();
  if (entry && !entry->variadicOutputs)
    numResults = entry->numOutputs;
  SmallVector<Type> resultTypes;
  for (unsigned i = 0; i < numResults; ++i) {
    StringRef name = i < unsigned(node.output_size())
                         ? StringRef(node.output(i))
                         : StringRef();
    if (name.empty()) {
      resultTypes.push_back(builder.getNoneType());
    } else if (Type declared = declaredTypes.lookup(name)) {
      resultTypes.push_back(declared);
    } else {
      OperationName opName =
          entry ? entry->name
                : OperationName(ox::CustomOp::getOperationName(), context);
      resultTypes.push_back(UnrankedTensorType::get(
          inferResultElementType(opName, i, operands, attrDict)));
    }
  }

  Operation *op;
  if (entry) {
    std::string message;
    ScopedDiagnosticHandler capture(context, [&](Diagnostic &diag) {
      if (message.empty())
        message = diag.str();
      return success();
    });
    // An attribute of the wrong ONNX type would be dropped silently when it
    // becomes a property: check the op table's constraints first.
    if (failed(entry->name.verifyInherentAttrs(
            attributes, [&]() { return emitError(loc); })))
      return fail("node " + label + " (" + opName + "): " + message);
    OperationState state(loc, entry->name);
    state.addOperands(operands);
    state.addTypes(resultTypes);
    state.addAttributes(attributes);
    op = builder.create(state);
    if (failed(verify(op, /*verifyRecursively=*/false))) {
      op->erase();
      return fail("node " + label + " (" + opName + "): " + message);
    }
  } else {
    emitWarning(loc) << "node " << label << ": operator '" << node.op_type()
                     << "' of domain '" << (domain.empty() ? "ai.onnx" : domain)
                     << "' " << reason << "; imported as onnx.custom"
                     << (hasSubgraph ? " (its subgraphs are not imported)"
                                     : "");
    OperationState state(loc, ox::CustomOp::getOperationName());
    state.addOperands(operands);
    state.addTypes(resultTypes);
    state.addAttribute("domain", builder.getStringAttr(domain));
    state.addAttribute("op_type", builder.getStringAttr(node.op_type()));
    if (!attributes.empty())
      state.addAttribute("onnx_attributes", attrDict);
    op = builder.create(state);
  }
  for (auto [i, output] : llvm::enumerate(node.output()))
    if (!output.empty())
      values[output] = op->getResult(i);
  return Error::success();
}

Expected<OwningOpRef<ModuleOp>>
GraphImporter::import(const pb::ModelProto &model) {
  context->getOrLoadDialect<ox::ONNXDialect>();
  const pb::GraphProto &graph = model.graph();
  dataDirectory = options.externalDataDir;
  if (dataDirectory.empty()) {
    dataDirectory = llvm::sys::path::parent_path(fileName).str();
    if (dataDirectory.empty())
      dataDirectory = ".";
  }
  warnAboutOpsets(model);

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLocation());
  builder.setInsertionPointToEnd(module->getBody());

  // Declared types of intermediate values and outputs.
  for (const pb::ValueInfoProto &info : graph.value_info()) {
    Expected<Type> type =
        convertType(info.type(), "value '" + info.name() + "'", nullptr);
    if (type)
      declaredTypes[info.name()] = *type;
    else
      llvm::consumeError(type.takeError()); // Only a hint: ignore it.
  }
  SmallVector<DictionaryAttr> resultAttrs;
  for (const pb::ValueInfoProto &output : graph.output()) {
    SmallVector<StringAttr> dims;
    // An output without a type (exporters may leave it out) takes the type
    // its producer gives it.
    if (output.has_type() &&
        output.type().value_case() != pb::TypeProto::VALUE_NOT_SET) {
      Expected<Type> type = convertType(
          output.type(), "graph output '" + output.name() + "'", &dims);
      if (!type)
        return type.takeError();
      declaredTypes[output.name()] = *type;
    }
    NamedAttrList attrs;
    attrs.append("onnx.name", builder.getStringAttr(output.name()));
    if (llvm::any_of(dims, [](StringAttr d) { return !d.getValue().empty(); }))
      attrs.append("onnx.dim_params",
                   builder.getArrayAttr(
                       SmallVector<Attribute>(dims.begin(), dims.end())));
    resultAttrs.push_back(attrs.getDictionary(context));
  }

  // Graph inputs (initializers listed as inputs, as IR < 4 does, are
  // initializers).
  llvm::StringSet<> initializerNames;
  for (const pb::TensorProto &tensor : graph.initializer())
    initializerNames.insert(tensor.name());
  SmallVector<Type> inputTypes;
  SmallVector<DictionaryAttr> inputAttrs;
  SmallVector<std::string> inputNames;
  for (const pb::ValueInfoProto &input : graph.input()) {
    if (initializerNames.contains(input.name()))
      continue;
    SmallVector<StringAttr> dims;
    Expected<Type> type =
        convertType(input.type(), "graph input '" + input.name() + "'", &dims);
    if (!type)
      return type.takeError();
    inputTypes.push_back(*type);
    inputNames.push_back(input.name());
    NamedAttrList attrs;
    attrs.append("onnx.name", builder.getStringAttr(input.name()));
    if (llvm::any_of(dims, [](StringAttr d) { return !d.getValue().empty(); }))
      attrs.append("onnx.dim_params",
                   builder.getArrayAttr(
                       SmallVector<Attribute>(dims.begin(), dims.end())));
    inputAttrs.push_back(attrs.getDictionary(context));
  }
  for (const auto &[name, size] : options.pinnedDims)
    if (!usedDimNames.contains(name))
      emitWarning(fileLocation())
          << "pinned dimension '" << name
          << "' is not a symbolic dimension of any input or output";
  for (const auto &[name, target] : options.tiedDims)
    if (!usedDimNames.contains(name))
      emitWarning(fileLocation())
          << "tied dimension '" << name
          << "' is not a symbolic dimension of any input or output";

  // Both arms StringRef: `cond ? "main" : graph.name()` is a temporary
  // std::string that dies before graphName is used (found by ASan through
  // fuzz/ONNXBinaryFuzzer.cpp).
  StringRef graphName =
      graph.name().empty() ? StringRef("main") : StringRef(graph.name());
  auto graphOp = ox::GraphOp::create(
      builder, fileLocation(), builder.getStringAttr(graphName),
      TypeAttr::get(builder.getFunctionType(inputTypes, {})),
      /*arg_attrs=*/ArrayAttr(), /*res_attrs=*/ArrayAttr(),
      builder.getStringAttr(fileName),
      builder.getI64IntegerAttr(model.ir_version()),
      model.producer_name().empty()
          ? StringAttr()
          : builder.getStringAttr(llvm::StringRef(model.producer_name() + " " +
                                                  model.producer_version())
                                      .trim()),
      DictionaryAttr());
  SmallVector<NamedAttribute> opsets;
  for (const pb::OperatorSetIdProto &opset : model.opset_import())
    opsets.push_back(builder.getNamedAttr(
        opset.domain().empty() ? "ai.onnx" : opset.domain(),
        builder.getI64IntegerAttr(opset.version())));
  graphOp.setOpsetImportAttr(builder.getDictionaryAttr(opsets));
  Block *body = builder.createBlock(&graphOp.getBody());
  for (auto [name, type] : llvm::zip(inputNames, inputTypes))
    values[name] = body->addArgument(type, fileLocation());

  none = ox::NoneOp::create(builder, fileLocation(), builder.getNoneType());
  for (const pb::TensorProto &tensor : graph.initializer())
    if (Error error = importTensor(tensor, tensor.name(),
                                   "initializer '" + tensor.name() + "'",
                                   TensorOrigin::Initializer))
      return std::move(error);
  for (const pb::SparseTensorProto &sparse : graph.sparse_initializer()) {
    // Only the dense shape matters: import it as a weight of that shape.
    pb::TensorProto dense;
    dense.set_data_type(sparse.values().data_type());
    for (int64_t dim : sparse.dims())
      dense.add_dims(dim);
    std::string name = sparse.values().name();
    if (Error error =
            importTensor(dense, name, "sparse initializer '" + name + "'",
                         TensorOrigin::SparseInitializer))
      return std::move(error);
  }

  llvm::StringSet<> defined;
  for (const auto &entry : values)
    defined.insert(entry.getKey());
  Expected<std::vector<size_t>> order = sortNodes(graph, defined, fileName);
  if (!order)
    return order.takeError();
  for (size_t index : *order)
    if (Error error = importNode(graph.node(int(index)), index))
      return std::move(error);

  SmallVector<Value> outputs;
  for (const pb::ValueInfoProto &output : graph.output())
    outputs.push_back(values.lookup(output.name()));
  ox::ReturnOp::create(builder, fileLocation(), outputs);
  graphOp.setFunctionTypeAttr(TypeAttr::get(
      builder.getFunctionType(inputTypes, ValueRange(outputs).getTypes())));
  graphOp.setAllArgAttrs(inputAttrs);
  graphOp.setAllResultAttrs(resultAttrs);

  std::string message;
  ScopedDiagnosticHandler capture(context, [&](Diagnostic &diag) {
    if (message.empty())
      message = diag.str();
    return success();
  });
  if (failed(verify(*module)))
    return fail("the imported graph failed verification: " + message);
  return std::move(module);
}

bool duplex::isONNXFileName(StringRef path) {
  return path.ends_with(".onnx") || path.ends_with(".onnxtext") ||
         path.ends_with(".onnxtxt");
}

Expected<OwningOpRef<ModuleOp>>
duplex::importONNXModel(llvm::MemoryBufferRef buffer, StringRef fileName,
                        MLIRContext *context,
                        const ONNXImportOptions &options) {
  pb::ModelProto model;
  if (Error error = readModel(buffer, fileName, model))
    return std::move(error);
  return GraphImporter(context, fileName, options).import(model);
}

Expected<OwningOpRef<ModuleOp>>
duplex::importONNXFile(StringRef path, MLIRContext *context,
                       const ONNXImportOptions &options) {
  auto buffer = readInputFile(path, "ONNX", "ONNX model", /*isText=*/false);
  if (!buffer)
    return buffer.takeError();
  return importONNXModel((*buffer)->getMemBufferRef(), path, context, options);
}
