//===- ModelReader.h - read an ONNX ModelProto ------------------*- C++ -*-===//

#ifndef DUPLEX_LIB_IMPORT_ONNX_MODELREADER_H
#define DUPLEX_LIB_IMPORT_ONNX_MODELREADER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBufferRef.h"

#include <string>

namespace onnx {
class ModelProto;
} // namespace onnx

namespace duplex::onnx_import {

/// Whether `buffer` holds ONNX text rather than a binary protobuf: its first
/// token (after blanks and `#` comments) is `<`, or `fileName` ends in
/// `.onnxtext` / `.onnxtxt`.
bool isONNXText(llvm::MemoryBufferRef buffer, llvm::StringRef fileName);

/// Parses `buffer` into `model`: ONNX text or a binary ModelProto. Errors
/// name `fileName` and say what is wrong (malformed or truncated protobuf,
/// a text parse error with its position, no graph).
llvm::Error readModel(llvm::MemoryBufferRef buffer, llvm::StringRef fileName,
                      ::onnx::ModelProto &model);

/// Parses ONNX text with onnx::OnnxParser. The parser throws on some inputs
/// (out-of-range numbers), so this lives in a file built with exceptions.
/// Returns the parser's message on failure, or an empty string.
std::string parseONNXText(llvm::StringRef text, ::onnx::ModelProto &model);

} // namespace duplex::onnx_import

#endif // DUPLEX_LIB_IMPORT_ONNX_MODELREADER_H
