//===- ModelReader.cpp - read an ONNX ModelProto --------------------------===//

#include "ModelReader.h"
#include "duplex/Support/InputFile.h"

#include "onnx/onnx_pb.h"

#include <google/protobuf/io/coded_stream.h>

#include <climits>
#include <cstdlib>

using namespace llvm;

bool duplex::onnx_import::isONNXText(MemoryBufferRef buffer,
                                     StringRef fileName) {
  if (fileName.ends_with(".onnxtext") || fileName.ends_with(".onnxtxt"))
    return true;
  StringRef rest = buffer.getBuffer();
  while (!rest.empty()) {
    rest = rest.ltrim();
    if (!rest.starts_with("#"))
      break;
    rest = rest.drop_until([](char c) { return c == '\n'; });
  }
  return rest.starts_with("<");
}

static Error fail(StringRef fileName, const Twine &message) {
  return createStringError(inconvertibleErrorCode(),
                           (fileName + ": " + message).str());
}

/// The most nodes (subgraphs included) a model may have: the importer holds
/// ~1.8 KiB of IR per node (docs/robustness.md), so 1,000,000 nodes stay
/// under 2 GB; a Llama-3-70B export has ~6,000. DUPLEX_MAX_ONNX_NODES=N
/// sets another limit.
static uint64_t maxONNXNodes() {
  uint64_t limit = 1000000;
  if (const char *text = std::getenv("DUPLEX_MAX_ONNX_NODES"))
    if (StringRef(text).getAsInteger(10, limit) || limit == 0)
      limit = 1000000;
  return limit;
}

/// Counts the nodes of `graph` and of every subgraph in its attributes,
/// without recursion (subgraphs nest as deep as the protobuf allows).
static uint64_t countNodes(const ::onnx::GraphProto &graph) {
  uint64_t nodes = 0;
  SmallVector<const ::onnx::GraphProto *, 8> pending = {&graph};
  while (!pending.empty()) {
    const ::onnx::GraphProto *next = pending.pop_back_val();
    nodes += next->node_size();
    for (const ::onnx::NodeProto &node : next->node())
      for (const ::onnx::AttributeProto &attribute : node.attribute()) {
        if (attribute.has_g())
          pending.push_back(&attribute.g());
        for (const ::onnx::GraphProto &subgraph : attribute.graphs())
          pending.push_back(&subgraph);
      }
  }
  return nodes;
}

Error duplex::onnx_import::readModel(MemoryBufferRef buffer, StringRef fileName,
                                     ::onnx::ModelProto &model) {
  if (isONNXText(buffer, fileName)) {
    if (Error error =
            duplex::checkTextNesting(buffer.getBuffer(), fileName, "ONNX text"))
      return error;
    std::string error = parseONNXText(buffer.getBuffer(), model);
    if (!error.empty())
      return fail(fileName, "not valid ONNX text: " + StringRef(error).trim());
  } else {
    StringRef bytes = buffer.getBuffer();
    if (bytes.size() > size_t(INT_MAX))
      return fail(fileName, "is larger than 2 GiB, the protobuf limit; "
                            "store the weights as external data");
    google::protobuf::io::CodedInputStream stream(
        reinterpret_cast<const uint8_t *>(bytes.data()), int(bytes.size()));
    stream.SetTotalBytesLimit(INT_MAX);
    if (bytes.empty() || !model.ParseFromCodedStream(&stream) ||
        !stream.ConsumedEntireMessage())
      return fail(fileName, "not an ONNX model: the protobuf is malformed "
                            "or truncated");
  }
  if (model.ir_version() <= 0 || !model.has_graph())
    return fail(fileName, "not an ONNX model: it has no ir_version or no "
                          "graph");
  uint64_t nodes = countNodes(model.graph()), limit = maxONNXNodes();
  if (nodes > limit)
    return fail(fileName, "has " + Twine(nodes) + " nodes, past the " +
                              Twine(limit) +
                              " the importer takes (about 1.8 KiB of memory "
                              "each; DUPLEX_MAX_ONNX_NODES=N raises it)");
  return Error::success();
}
