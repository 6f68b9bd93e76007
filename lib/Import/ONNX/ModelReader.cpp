//===- ModelReader.cpp - read an ONNX ModelProto --------------------------===//

#include "ModelReader.h"
#include "duplex/Support/InputFile.h"

#include "onnx/onnx_pb.h"

#include <google/protobuf/io/coded_stream.h>

#include <climits>

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
  return Error::success();
}
