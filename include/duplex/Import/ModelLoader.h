//===- ModelLoader.h - load a model from any accepted input -----*- C++ -*-===//

#ifndef DUPLEX_IMPORT_MODELLOADER_H
#define DUPLEX_IMPORT_MODELLOADER_H

#include "duplex/Dialect/LLM/IR/LLMOps.h"
#include "duplex/Import/HFConfig.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

namespace duplex {

/// A loaded model: the module that owns it and its `llm.model`.
struct LoadedModel {
  mlir::OwningOpRef<mlir::ModuleOp> module;
  llm::ModelOp model;
};

/// Loads `nameOrPath`: a bundled model name (`mixtral-8x7b`), a Hugging
/// Face `config.json`, an ONNX export (`.onnx`, ONNX text; imported and
/// raised), or a `.mlir` file holding one `llm.model`. Errors name the
/// input; parse and verifier diagnostics go to stderr.
llvm::Expected<LoadedModel> loadModel(llvm::StringRef nameOrPath,
                                      mlir::MLIRContext *context,
                                      const HFImportOptions &options = {});

} // namespace duplex

#endif // DUPLEX_IMPORT_MODELLOADER_H
