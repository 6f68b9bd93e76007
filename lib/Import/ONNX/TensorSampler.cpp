//===- TensorSampler.cpp - a few elements of ONNX initializers ------------===//

#include "duplex/Import/ONNXTensorSampler.h"

#include "ModelReader.h"
#include "TensorInfo.h"
#include "duplex/Support/InputFile.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "onnx/onnx_pb.h"

using namespace llvm;
using namespace duplex;
using namespace duplex::onnx_import;

struct ONNXTensorSampler::Impl {
  ::onnx::ModelProto model;
  std::string directory;
  StringMap<const ::onnx::TensorProto *> initializers;
};

ONNXTensorSampler::ONNXTensorSampler(std::unique_ptr<Impl> impl)
    : impl(std::move(impl)) {}
ONNXTensorSampler::~ONNXTensorSampler() = default;

Expected<std::unique_ptr<ONNXTensorSampler>>
ONNXTensorSampler::open(StringRef path) {
  auto buffer = readInputFile(path, "ONNX", "ONNX model", /*isText=*/false);
  if (!buffer)
    return buffer.takeError();
  auto impl = std::make_unique<Impl>();
  if (Error error = readModel(**buffer, path, impl->model))
    return std::move(error);
  impl->directory = sys::path::parent_path(path).str();
  if (impl->directory.empty())
    impl->directory = ".";
  for (const ::onnx::TensorProto &tensor : impl->model.graph().initializer())
    impl->initializers[tensor.name()] = &tensor;
  // Large Constant nodes are weights too (the importer makes them so).
  for (const ::onnx::NodeProto &node : impl->model.graph().node())
    if (node.op_type() == "Constant" && node.output_size() == 1)
      for (const ::onnx::AttributeProto &attribute : node.attribute())
        if (attribute.name() == "value" && attribute.has_t())
          impl->initializers.try_emplace(node.output(0), &attribute.t());
  return std::unique_ptr<ONNXTensorSampler>(
      new ONNXTensorSampler(std::move(impl)));
}

/// Bits per element of the types the sampler reads (whole bytes only).
static unsigned elementBits(int64_t dataType) {
  switch (dataType) {
  case ::onnx::TensorProto::FLOAT:
  case ::onnx::TensorProto::INT32:
  case ::onnx::TensorProto::UINT32:
    return 32;
  case ::onnx::TensorProto::FLOAT16:
  case ::onnx::TensorProto::BFLOAT16:
  case ::onnx::TensorProto::INT16:
  case ::onnx::TensorProto::UINT16:
    return 16;
  case ::onnx::TensorProto::DOUBLE:
  case ::onnx::TensorProto::INT64:
  case ::onnx::TensorProto::UINT64:
    return 64;
  case ::onnx::TensorProto::INT8:
  case ::onnx::TensorProto::UINT8:
    return 8;
  default:
    return 0;
  }
}

/// The external-data file of a tensor, if it is a regular file that lies
/// in the model's directory (symlinks resolved).
static std::optional<std::string> externalFile(StringRef directory,
                                               StringRef location) {
  std::string resolved;
  if (!checkExternalLocation(location).empty() ||
      !resolveExternalFile(directory, location, resolved).empty() ||
      resolved.empty())
    return std::nullopt;
  return resolved;
}

std::optional<SmallVector<uint64_t>>
ONNXTensorSampler::sample(StringRef name, ArrayRef<uint64_t> indices) const {
  const ::onnx::TensorProto *tensor = impl->initializers.lookup(name);
  if (!tensor)
    return std::nullopt;
  unsigned bits = elementBits(tensor->data_type());
  if (!bits)
    return std::nullopt;
  SmallVector<uint64_t> result;
  if (tensor->data_location() != ::onnx::TensorProto::EXTERNAL) {
    for (uint64_t index : indices) {
      std::optional<APInt> value = readInlineElement(*tensor, index, bits);
      if (!value)
        return std::nullopt;
      result.push_back(value->getZExtValue());
    }
    return result;
  }
  ExternalData data;
  if (!readExternalData(*tensor, data).empty())
    return std::nullopt;
  std::optional<std::string> file =
      externalFile(impl->directory, data.location);
  if (!file)
    return std::nullopt;
  Expected<sys::fs::file_t> handle = sys::fs::openNativeFileForRead(*file);
  if (!handle) {
    consumeError(handle.takeError());
    return std::nullopt;
  }
  uint64_t size = 0;
  uint64_t bytes = bits / 8;
  bool ok = !sys::fs::file_size(*file, size);
  for (uint64_t index : indices) {
    uint64_t at = data.offset + index * bytes;
    if (!ok || (data.length && (index + 1) * bytes > *data.length) ||
        at + bytes > size) {
      ok = false;
      break;
    }
    char buffer[8] = {};
    Expected<size_t> read = sys::fs::readNativeFileSlice(
        *handle, MutableArrayRef<char>(buffer, bytes), at);
    if (!read || *read != bytes) {
      if (!read)
        consumeError(read.takeError());
      ok = false;
      break;
    }
    uint64_t value = 0;
    for (uint64_t i = 0; i < bytes; ++i)
      value |= uint64_t(uint8_t(buffer[i])) << (8 * i);
    result.push_back(value);
  }
  sys::fs::closeFile(*handle);
  if (!ok)
    return std::nullopt;
  return result;
}

/// splitmix64: positions spread over a matrix, the same on every run.
static uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::optional<bool> ONNXTensorSampler::sameMatrix(StringRef a,
                                                  ArrayRef<int64_t> shapeA,
                                                  StringRef b, bool transposed,
                                                  unsigned count) const {
  if (shapeA.size() != 2 || shapeA[0] <= 0 || shapeA[1] <= 0)
    return std::nullopt;
  uint64_t rows = shapeA[0], cols = shapeA[1];
  SmallVector<uint64_t> inA, inB;
  for (unsigned k = 0; k < count; ++k) {
    uint64_t row = mix(2 * k) % rows, col = mix(2 * k + 1) % cols;
    inA.push_back(row * cols + col);
    inB.push_back(transposed ? col * rows + row : row * cols + col);
  }
  // Tensors of different types (a quantized copy of a float table) cannot
  // be compared element by element.
  const ::onnx::TensorProto *tensorA = impl->initializers.lookup(a);
  const ::onnx::TensorProto *tensorB = impl->initializers.lookup(b);
  if (!tensorA || !tensorB || tensorA->data_type() != tensorB->data_type())
    return std::nullopt;
  std::optional<SmallVector<uint64_t>> valuesA = sample(a, inA);
  std::optional<SmallVector<uint64_t>> valuesB = sample(b, inB);
  if (!valuesA || !valuesB)
    return std::nullopt;
  // Placeholder data (all zeros, one constant) shows nothing.
  if (llvm::all_equal(*valuesA))
    return std::nullopt;
  return *valuesA == *valuesB;
}
