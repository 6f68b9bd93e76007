//===- ONNXImport.h - ONNX model -> onnx dialect ----------------*- C++ -*-===//
//
// Imports an ONNX model (binary protobuf or ONNX text) into an `onnx.graph`
// without loading weights. See docs/reference/Dialects/ONNXDialect.md for the
// IR it produces.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_IMPORT_ONNXIMPORT_H
#define DUPLEX_IMPORT_ONNXIMPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBufferRef.h"

#include <cstdint>
#include <map>
#include <string>

namespace duplex {

/// What the importer may change about the model it reads.
struct ONNXImportOptions {
  /// Symbolic dimensions given a size: {"batch_size": 1} makes every
  /// `batch_size` dimension static.
  std::map<std::string, int64_t> pinnedDims;
  /// Symbolic dimensions that are the same dimension under another name:
  /// {"seq_len": "sequence_length"} records `seq_len` as `sequence_length`
  /// (and applies its pin). Chains are followed.
  std::map<std::string, std::string> tiedDims;
  /// Directory external-data locations are relative to; empty: the
  /// directory of the model file.
  std::string externalDataDir;
  /// Integer tensors (and `Constant` nodes) up to this many bytes are kept
  /// inline as `onnx.constant`; anything larger becomes `onnx.weight`.
  uint64_t inlineConstantLimit = 4096;
};

/// Whether `path` names an ONNX model by its extension (`.onnx`, or ONNX
/// text as `.onnxtext` / `.onnxtxt`).
bool isONNXFileName(llvm::StringRef path);

/// Imports the model in `buffer` (binary `.onnx`, or ONNX text when its
/// first token is `<`). `fileName` names the input in diagnostics and, with
/// `options.externalDataDir` empty, locates external data. Errors (malformed
/// input, graph cycles, dangling names, size overflows, unsafe external
/// paths) name the file and the node; warnings (unknown operators, opsets
/// outside 11-24, short external-data files) go to the context's diagnostic
/// handler.
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importONNXModel(llvm::MemoryBufferRef buffer, llvm::StringRef fileName,
                mlir::MLIRContext *context,
                const ONNXImportOptions &options = {});

/// Reads `path` and imports it.
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importONNXFile(llvm::StringRef path, mlir::MLIRContext *context,
               const ONNXImportOptions &options = {});

/// Registers `--import-onnx` (with `--onnx-dim`, `--onnx-tie-dim`,
/// `--onnx-external-data-dir`, `--onnx-inline-limit`) with mlir-translate
/// style drivers.
void registerONNXImportTranslation();

} // namespace duplex

#endif // DUPLEX_IMPORT_ONNXIMPORT_H
