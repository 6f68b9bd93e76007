//===- ModelLoader.cpp - load a model from any accepted input -------------===//

#include "duplex/Import/ModelLoader.h"
#include "duplex/Conversion/ONNXToLLM/ONNXToLLM.h"
#include "duplex/Support/BundledData.h"
#include "duplex/Support/InputFile.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;
using namespace duplex;

static Expected<LoadedModel> findModel(mlir::OwningOpRef<mlir::ModuleOp> module,
                                       StringRef input) {
  llm::ModelOp found;
  unsigned count = 0;
  module->walk([&](llm::ModelOp model) {
    found = model;
    ++count;
  });
  if (count != 1)
    return createStringError(inconvertibleErrorCode(),
                             "%s: expected exactly one 'llm.model', found %u",
                             input.str().c_str(), count);
  return LoadedModel{std::move(module), found};
}

Expected<LoadedModel> duplex::loadModel(StringRef nameOrPath,
                                        mlir::MLIRContext *context,
                                        const HFImportOptions &options) {
  // ONNX models (binary or text) are imported and raised to llm ops.
  if (isONNXFileName(nameOrPath)) {
    auto module = importAndRaiseONNX(nameOrPath, context, options);
    if (!module)
      return module.takeError();
    return findModel(std::move(*module), nameOrPath);
  }

  auto buffer = openFileOrBundled(nameOrPath, getBundledModels(), "model");
  if (!buffer)
    return buffer.takeError();
  StringRef identifier = (*buffer)->getBufferIdentifier();

  if (nameOrPath.ends_with(".mlir")) {
    if (Error error =
            checkTextNesting((*buffer)->getBuffer(), nameOrPath, "MLIR"))
      return std::move(error);
    context->getOrLoadDialect<llm::LLMDialect>();
    SourceMgr sourceMgr;
    sourceMgr.AddNewSourceBuffer(std::move(*buffer), SMLoc());
    mlir::SourceMgrDiagnosticHandler handler(sourceMgr, context);
    auto module = mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, context);
    if (!module)
      return createStringError(inconvertibleErrorCode(),
                               "%s: could not parse llm IR (see above)",
                               nameOrPath.str().c_str());
    return findModel(std::move(module), nameOrPath);
  }

  // The import's warnings (a multimodal config's left-out towers,
  // --model-type-as) go to stderr, as the ONNX raise's do.
  mlir::ScopedDiagnosticHandler handler(
      context, [&](mlir::Diagnostic &diagnostic) -> mlir::LogicalResult {
        if (diagnostic.getSeverity() != mlir::DiagnosticSeverity::Warning)
          return mlir::failure();
        WithColor::warning(errs())
            << identifier << ": " << diagnostic.str() << "\n";
        return mlir::success();
      });
  auto module =
      importHFConfig((*buffer)->getBuffer(), identifier, context, options);
  if (!module)
    return module.takeError();
  return findModel(std::move(*module), identifier);
}
