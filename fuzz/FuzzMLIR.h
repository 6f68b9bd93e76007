//===- FuzzMLIR.h - MLIR context and IR checks for fuzz targets -*- C++ -*-===//

#ifndef DUPLEX_FUZZ_FUZZMLIR_H
#define DUPLEX_FUZZ_FUZZMLIR_H

#include "FuzzSupport.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/Verifier.h"

namespace duplex::fuzz {

/// Diagnostics (warnings about unknown operators, verifier messages) are
/// expected for most inputs: drop them instead of printing each.
inline void silenceDiagnostics(mlir::MLIRContext &context) {
  context.getDiagEngine().registerHandler(
      [](mlir::Diagnostic &) { return mlir::success(); });
}

/// What a tool does with an accepted input: verify it and print it in both
/// the custom and the generic form (custom printers see fuzzed attributes).
inline void verifyAndPrint(mlir::Operation *op) {
  require(mlir::succeeded(mlir::verify(op)),
          "an accepted input does not verify");
  std::string text;
  llvm::raw_string_ostream os(text);
  op->print(os);
  op->print(os, mlir::OpPrintingFlags().printGenericOpForm());
}

} // namespace duplex::fuzz

#endif // DUPLEX_FUZZ_FUZZMLIR_H
