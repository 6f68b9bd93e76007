//===- ImportTranslation.cpp - `--import-onnx` registration ---------------===//

#include "duplex/Dialect/ONNX/IR/ONNXDialect.h"
#include "duplex/Import/ONNXImport.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ManagedStatic.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
namespace cl = llvm::cl;

namespace {
/// The ImportOptions of `--import-onnx`, as command-line flags.
struct ONNXTranslateOptions {
  cl::list<std::string> dims{
      "onnx-dim",
      cl::desc("Pin a symbolic dimension of the ONNX model: NAME=SIZE "
               "(repeatable)")};
  cl::list<std::string> ties{
      "onnx-tie-dim",
      cl::desc("Treat a symbolic dimension as another: NAME=OTHER "
               "(repeatable)")};
  cl::opt<std::string> dataDir{
      "onnx-external-data-dir",
      cl::desc("Directory of the model's external data (default: the "
               "model's directory)")};
  cl::opt<unsigned> inlineLimit{
      "onnx-inline-limit",
      cl::desc("Largest integer tensor, in bytes, kept inline as "
               "onnx.constant"),
      cl::init(4096)};
};
llvm::ManagedStatic<ONNXTranslateOptions> translateOptions;

/// Splits "NAME=VALUE"; false if there is no '=' or either side is empty.
bool splitAssignment(llvm::StringRef text, llvm::StringRef &name,
                     llvm::StringRef &value) {
  std::tie(name, value) = text.split('=');
  return !name.empty() && !value.empty() && text.contains('=');
}

std::optional<duplex::ONNXImportOptions> buildOptions() {
  duplex::ONNXImportOptions options;
  for (const std::string &pin : translateOptions->dims) {
    llvm::StringRef name, value;
    int64_t size;
    if (!splitAssignment(pin, name, value) || value.getAsInteger(10, size) ||
        size < 0) {
      llvm::WithColor::error(llvm::errs())
          << "--onnx-dim='" << pin
          << "' must be NAME=SIZE with a non-negative SIZE\n";
      return std::nullopt;
    }
    options.pinnedDims[name.str()] = size;
  }
  for (const std::string &tie : translateOptions->ties) {
    llvm::StringRef name, other;
    if (!splitAssignment(tie, name, other)) {
      llvm::WithColor::error(llvm::errs())
          << "--onnx-tie-dim='" << tie << "' must be NAME=OTHER\n";
      return std::nullopt;
    }
    options.tiedDims[name.str()] = other.str();
  }
  options.externalDataDir = translateOptions->dataDir;
  options.inlineConstantLimit = translateOptions->inlineLimit;
  return options;
}
} // namespace

void duplex::registerONNXImportTranslation() {
  *translateOptions; // Registers the flags before the command line is parsed.
  TranslateToMLIRRegistration registration(
      "import-onnx",
      "Import an ONNX model (.onnx or ONNX text) into the onnx dialect; "
      "weights are never loaded",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        std::optional<ONNXImportOptions> options = buildOptions();
        if (!options)
          return nullptr;
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        auto module =
            importONNXModel(buffer->getMemBufferRef(),
                            buffer->getBufferIdentifier(), context, *options);
        if (!module) {
          llvm::WithColor::error(llvm::errs())
              << llvm::toString(module.takeError()) << "\n";
          return nullptr;
        }
        return OwningOpRef<Operation *>(module->release());
      },
      [](DialectRegistry &registry) {
        registry.insert<duplex::onnx::ONNXDialect>();
      });
}
