//===- TensorInfo.cpp - ONNX tensor types, sizes and data -----------------===//

#include "TensorInfo.h"

#include "llvm/Support/FileSystem.h"

#include "onnx/onnx_pb.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace duplex::onnx_import;

namespace {
/// ONNX TensorProto.DataType codes (onnx.proto; 17 and up postdate the
/// libonnx 1.12 headers, so they are spelled out here).
enum DataType : int64_t {
  Float = 1,
  UInt8 = 2,
  Int8 = 3,
  UInt16 = 4,
  Int16 = 5,
  Int32 = 6,
  Int64 = 7,
  String = 8,
  Bool = 9,
  Float16 = 10,
  Double = 11,
  UInt32 = 12,
  UInt64 = 13,
  Complex64 = 14,
  Complex128 = 15,
  BFloat16 = 16,
  Float8E4M3FN = 17,
  Float8E4M3FNUZ = 18,
  Float8E5M2 = 19,
  Float8E5M2FNUZ = 20,
  UInt4 = 21,
  Int4 = 22,
  Float4E2M1 = 23,
  Float8E8M0 = 24,
  UInt2 = 25,
  Int2 = 26,
};

const char *const kDataTypeNames[] = {
    "UNDEFINED",      "FLOAT",      "UINT8",
    "INT8",           "UINT16",     "INT16",
    "INT32",          "INT64",      "STRING",
    "BOOL",           "FLOAT16",    "DOUBLE",
    "UINT32",         "UINT64",     "COMPLEX64",
    "COMPLEX128",     "BFLOAT16",   "FLOAT8E4M3FN",
    "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ",
    "UINT4",          "INT4",       "FLOAT4E2M1",
    "FLOAT8E8M0",     "UINT2",      "INT2"};
} // namespace

Type duplex::onnx_import::getElementType(MLIRContext *context,
                                         int64_t dataType) {
  Builder b(context);
  auto unsignedInt = [&](unsigned width) {
    return IntegerType::get(context, width, IntegerType::Unsigned);
  };
  switch (dataType) {
  case Float:
    return b.getF32Type();
  case UInt8:
    return unsignedInt(8);
  case Int8:
    return b.getIntegerType(8);
  case UInt16:
    return unsignedInt(16);
  case Int16:
    return b.getIntegerType(16);
  case Int32:
    return b.getIntegerType(32);
  case Int64:
    return b.getIntegerType(64);
  case String:
    return Type(); // The caller maps strings to !onnx.string.
  case Bool:
    return b.getI1Type();
  case Float16:
    return b.getF16Type();
  case Double:
    return b.getF64Type();
  case UInt32:
    return unsignedInt(32);
  case UInt64:
    return unsignedInt(64);
  case Complex64:
    return ComplexType::get(b.getF32Type());
  case Complex128:
    return ComplexType::get(b.getF64Type());
  case BFloat16:
    return b.getBF16Type();
  case Float8E4M3FN:
    return Float8E4M3FNType::get(context);
  case Float8E4M3FNUZ:
    return Float8E4M3FNUZType::get(context);
  case Float8E5M2:
    return Float8E5M2Type::get(context);
  case Float8E5M2FNUZ:
    return Float8E5M2FNUZType::get(context);
  case UInt4:
    return unsignedInt(4);
  case Int4:
    return b.getIntegerType(4);
  case Float4E2M1:
    return Float4E2M1FNType::get(context);
  case Float8E8M0:
    return Float8E8M0FNUType::get(context);
  case UInt2:
    return unsignedInt(2);
  case Int2:
    return b.getIntegerType(2);
  default:
    return Type();
  }
}

std::string duplex::onnx_import::getDataTypeName(int64_t dataType) {
  if (dataType >= 0 && dataType < int64_t(std::size(kDataTypeNames)))
    return kDataTypeNames[dataType];
  return std::to_string(dataType) + " (not an ONNX data type)";
}

std::optional<uint64_t>
duplex::onnx_import::getNumElements(ArrayRef<int64_t> dims) {
  uint64_t elements = 1;
  for (int64_t dim : dims) {
    if (dim < 0)
      return std::nullopt;
    if (__builtin_mul_overflow(elements, uint64_t(dim), &elements))
      return std::nullopt;
  }
  return elements;
}

std::optional<uint64_t> duplex::onnx_import::getByteSize(uint64_t elements,
                                                         unsigned bits) {
  // elements * bits / 8, rounded up, without overflowing in between.
  uint64_t whole;
  if (__builtin_mul_overflow(elements / 8, uint64_t(bits), &whole))
    return std::nullopt;
  uint64_t rest = (elements % 8 * bits + 7) / 8;
  uint64_t total;
  if (__builtin_add_overflow(whole, rest, &total))
    return std::nullopt;
  return total;
}

std::string duplex::onnx_import::checkExternalLocation(StringRef location) {
  if (location.empty())
    return "is empty";
  namespace path = llvm::sys::path;
  if (path::is_absolute(location, path::Style::posix) ||
      path::is_absolute(location, path::Style::windows) ||
      location.starts_with("\\"))
    return "is an absolute path; external data must lie under the model's "
           "directory";
  SmallVector<StringRef> parts;
  location.split(parts, '/');
  for (StringRef part : parts) {
    SmallVector<StringRef> pieces;
    part.split(pieces, '\\');
    if (llvm::is_contained(pieces, ".."))
      return "contains '..'; external data must lie under the model's "
             "directory";
  }
  return "";
}

std::string
duplex::onnx_import::readExternalData(const ::onnx::TensorProto &tensor,
                                      ExternalData &result) {
  bool hasLocation = false;
  for (const ::onnx::StringStringEntryProto &entry : tensor.external_data()) {
    StringRef key = entry.key(), value = entry.value();
    if (key == "location") {
      result.location = value.str();
      hasLocation = true;
    } else if (key == "offset" || key == "length") {
      uint64_t number;
      if (value.getAsInteger(10, number))
        return "has a non-numeric external-data " + key.str() + " '" +
               value.str() + "'";
      if (key == "offset")
        result.offset = number;
      else
        result.length = number;
    }
  }
  if (!hasLocation)
    return "is stored externally but names no 'location'";
  return "";
}

namespace {
/// Reads little-endian element `index` of `bytes` elements of `width` bits.
APInt readRaw(StringRef raw, uint64_t index, unsigned width) {
  unsigned bytes = (width + 7) / 8;
  uint64_t value = 0;
  for (unsigned i = 0; i < bytes; ++i)
    value |= uint64_t(uint8_t(raw[index * bytes + i])) << (8 * i);
  return APInt(width, value);
}

/// Element `index` of the typed field that stores `dataType`.
std::optional<APInt> readTyped(const ::onnx::TensorProto &tensor,
                               int64_t dataType, uint64_t index,
                               unsigned width) {
  switch (dataType) {
  case Float:
    if (index < uint64_t(tensor.float_data_size()))
      return APFloat(tensor.float_data(int(index))).bitcastToAPInt();
    return std::nullopt;
  case Double:
    if (index < uint64_t(tensor.double_data_size()))
      return APFloat(tensor.double_data(int(index))).bitcastToAPInt();
    return std::nullopt;
  case Int64:
    if (index < uint64_t(tensor.int64_data_size()))
      return APInt(64, uint64_t(tensor.int64_data(int(index))));
    return std::nullopt;
  case UInt32:
  case UInt64:
    if (index < uint64_t(tensor.uint64_data_size()))
      return APInt(width, tensor.uint64_data(int(index)));
    return std::nullopt;
  default:
    // INT32, INT16, INT8, UINT16, UINT8, BOOL and the bits of FLOAT16 and
    // BFLOAT16 live in int32_data.
    if (index < uint64_t(tensor.int32_data_size()))
      return APInt(width, uint64_t(int64_t(tensor.int32_data(int(index)))),
                   /*isSigned=*/true, /*implicitTrunc=*/true);
    return std::nullopt;
  }
}

uint64_t typedFieldSize(const ::onnx::TensorProto &tensor, int64_t dataType) {
  switch (dataType) {
  case Float:
    return tensor.float_data_size();
  case Double:
    return tensor.double_data_size();
  case Int64:
    return tensor.int64_data_size();
  case UInt32:
  case UInt64:
    return tensor.uint64_data_size();
  default:
    return tensor.int32_data_size();
  }
}
} // namespace

DenseElementsAttr
duplex::onnx_import::decodeTensor(const ::onnx::TensorProto &tensor,
                                  RankedTensorType type, std::string &error) {
  Type element = type.getElementType();
  int64_t dataType = tensor.data_type();
  bool isFloat =
      isa<Float16Type, BFloat16Type, Float32Type, Float64Type>(element);
  if (!isFloat && !element.isInteger()) {
    error = "holds " + getDataTypeName(dataType) +
            " values, which are not kept inline";
    return {};
  }
  unsigned width = element.getIntOrFloatBitWidth();
  if (width < 8 && width != 1) {
    error = "holds packed " + getDataTypeName(dataType) + " values";
    return {};
  }
  uint64_t count = type.getNumElements();
  bool raw = tensor.has_raw_data();
  unsigned storedBytes = width == 1 ? 1 : width / 8;
  uint64_t held = raw ? tensor.raw_data().size() / storedBytes
                      : typedFieldSize(tensor, dataType);
  if ((raw && tensor.raw_data().size() % storedBytes != 0) || held != count) {
    error = "declares " + std::to_string(count) + " elements but holds " +
            std::to_string(held);
    return {};
  }

  SmallVector<APInt> bits;
  bits.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    std::optional<APInt> value =
        raw ? readRaw(tensor.raw_data(), i, width == 1 ? 8 : width)
            : readTyped(tensor, dataType, i, width == 1 ? 8 : width);
    bits.push_back(width == 1 ? APInt(1, !value->isZero()) : *value);
  }
  if (isFloat) {
    const llvm::fltSemantics &semantics =
        cast<FloatType>(element).getFloatSemantics();
    SmallVector<APFloat> floats;
    floats.reserve(count);
    for (const APInt &value : bits)
      floats.emplace_back(semantics, value);
    return DenseElementsAttr::get(type, floats);
  }
  return DenseElementsAttr::get(type, bits);
}

std::optional<APInt>
duplex::onnx_import::readInlineElement(const ::onnx::TensorProto &tensor,
                                       uint64_t index, unsigned width) {
  if (width < 8 || width % 8 != 0 || width > 64)
    return std::nullopt;
  if (tensor.has_raw_data()) {
    uint64_t bytes = width / 8;
    if (index >= tensor.raw_data().size() / bytes)
      return std::nullopt;
    return readRaw(tensor.raw_data(), index, width);
  }
  return readTyped(tensor, tensor.data_type(), index, width);
}

std::string duplex::onnx_import::resolveExternalFile(StringRef directory,
                                                     StringRef location,
                                                     std::string &resolved) {
  namespace fs = llvm::sys::fs;
  resolved.clear();
  SmallString<256> joined(directory);
  llvm::sys::path::append(joined, location);
  fs::file_status status;
  if (fs::status(joined, status, /*Follow=*/false))
    return ""; // Absent: the structure alone is imported.
  SmallString<256> real, realDirectory;
  if (fs::real_path(joined, real))
    return "is a symbolic link that leads nowhere";
  if (fs::real_path(directory, realDirectory))
    return "cannot be resolved";
  if (!real.str().starts_with((realDirectory + "/").str()))
    return "resolves to '" + real.str().str() +
           "', outside the model's directory";
  if (!fs::is_regular_file(real))
    return "is not a regular file";
  resolved = real.str().str();
  return "";
}
