//===- ONNXImportFuzz.h - one ONNX import per fuzz input --------*- C++ -*-===//

#ifndef DUPLEX_FUZZ_ONNXIMPORTFUZZ_H
#define DUPLEX_FUZZ_ONNXIMPORTFUZZ_H

#include "FuzzMLIR.h"

#include "duplex/Import/ONNXImport.h"

namespace duplex::fuzz {

/// Imports `data` as the ONNX file `fileName` (its extension picks binary or
/// text); external data is looked for in a directory that does not exist,
/// so a run never depends on the files around it.
inline int fuzzONNXImport(const uint8_t *data, size_t size,
                          llvm::StringRef fileName) {
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  silenceDiagnostics(context);
  ONNXImportOptions options;
  options.externalDataDir = "/nonexistent/duplex-fuzz";
  auto module =
      importONNXModel(llvm::MemoryBufferRef(asText(data, size), fileName),
                      fileName, &context, options);
  if (!module) {
    requireNamedError(module.takeError(), fileName);
    return 0;
  }
  verifyAndPrint(module->get());
  return 0;
}

} // namespace duplex::fuzz

#endif // DUPLEX_FUZZ_ONNXIMPORTFUZZ_H
