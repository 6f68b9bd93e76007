//===- TensorInfo.h - ONNX tensor types, sizes and data ---------*- C++ -*-===//
//
// What the importer knows about ONNX tensors without loading weights: the
// MLIR element type of an ONNX data type, element and byte counts with
// overflow checks, external-data locations, and the values of the small
// tensors it keeps inline.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_LIB_IMPORT_ONNX_TENSORINFO_H
#define DUPLEX_LIB_IMPORT_ONNX_TENSORINFO_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace onnx {
class TensorProto;
} // namespace onnx

namespace duplex::onnx_import {

/// The element type of ONNX `TensorProto.DataType` `dataType`, or a null
/// type for UNDEFINED and unknown codes.
mlir::Type getElementType(mlir::MLIRContext *context, int64_t dataType);

/// The ONNX name of `dataType` ("FLOAT16"), for messages.
std::string getDataTypeName(int64_t dataType);

/// Product of `dims`; std::nullopt if a dimension is negative or the product
/// overflows 64 bits.
std::optional<uint64_t> getNumElements(llvm::ArrayRef<int64_t> dims);

/// Bytes of `elements` elements of `bits` bits each (sub-byte types pack),
/// std::nullopt on overflow.
std::optional<uint64_t> getByteSize(uint64_t elements, unsigned bits);

/// Checks an external-data `location`: it must be a relative path that does
/// not climb out of the model's directory. Returns why it is rejected, or an
/// empty string.
std::string checkExternalLocation(llvm::StringRef location);

/// Where external-data `location` (already checked by checkExternalLocation)
/// lies, symbolic links resolved, for a model in `directory`: sets
/// `resolved` and returns "" when it is a regular file inside the
/// directory, "" with `resolved` empty when nothing is there (structure-only
/// copies), and the problem otherwise (a link leading out of the directory,
/// a directory or device).
std::string resolveExternalFile(llvm::StringRef directory,
                                llvm::StringRef location,
                                std::string &resolved);

/// External-data fields of a tensor (`location`, `offset`, `length`).
struct ExternalData {
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
};

/// Reads the external-data entries of `tensor`. Returns why they are
/// malformed (no location, a non-numeric offset), or an empty string.
std::string readExternalData(const ::onnx::TensorProto &tensor,
                             ExternalData &result);

/// The values of `tensor` (stored inline: raw_data or the typed fields) as an
/// attribute of `type`. Supports integer, bool, f16, bf16, f32 and f64
/// tensors. On failure returns null and sets `error`.
mlir::DenseElementsAttr decodeTensor(const ::onnx::TensorProto &tensor,
                                     mlir::RankedTensorType type,
                                     std::string &error);

/// The bits of element `index` of `tensor` stored inline (raw_data or a
/// typed field) for elements of `width` bits (8 or more); std::nullopt if
/// the tensor does not hold it.
std::optional<llvm::APInt> readInlineElement(const ::onnx::TensorProto &tensor,
                                             uint64_t index, unsigned width);

} // namespace duplex::onnx_import

#endif // DUPLEX_LIB_IMPORT_ONNX_TENSORINFO_H
