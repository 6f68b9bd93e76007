//===- DialectParserFuzzer.cpp - fuzz the parser of llm, dx and onnx IR ---===//
//
// Parses the input as an MLIR file with every Duplex dialect registered, as
// duplex-opt does; accepted IR is verified and printed.
//
//===----------------------------------------------------------------------===//

#include "FuzzMLIR.h"

#include "duplex/InitAllDialects.h"
#include "duplex/Support/InputFile.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace duplex;
  // The tools refuse deeper nesting before MLIR's recursive parser sees it;
  // so does the fuzzer (its error must name the file).
  if (llvm::Error error =
          checkTextNesting(fuzz::asText(data, size), "fuzz.mlir", "MLIR")) {
    fuzz::requireNamedError(std::move(error), "fuzz.mlir");
    return 0;
  }
  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  mlir::MLIRContext context(registry, mlir::MLIRContext::Threading::DISABLED);
  fuzz::silenceDiagnostics(context);
  // The MLIR lexer needs a null-terminated buffer: copy the input.
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(
                                   fuzz::asText(data, size), "fuzz.mlir"),
                               llvm::SMLoc());
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
  if (module)
    fuzz::verifyAndPrint(module->getOperation());
  return 0;
}
