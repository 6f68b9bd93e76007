//===- HFConfig.h - Hugging Face config.json import -------------*- C++ -*-===//

#ifndef DUPLEX_IMPORT_HFCONFIG_H
#define DUPLEX_IMPORT_HFCONFIG_H

#include "duplex/Import/ModelDescription.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace duplex {

/// Overrides applied on top of what the config says.
struct HFImportOptions {
  std::optional<llm::DType> weightDType;
  std::optional<llm::DType> kvDType;
  /// ONNX inputs: accept a raise that leaves weight-reading ops unaccounted
  /// for or whose layer structure is inconsistent (a warning, and the model
  /// is marked partial) instead of failing.
  bool allowPartial = false;
  /// ONNX inputs: whether the LM head reuses the token table, instead of
  /// the evidence the raise weighs.
  std::optional<bool> tiedEmbeddings;
  /// Config inputs: read the config as this supported `model_type` (a
  /// fine-tune or fork under a new name), every field still checked.
  std::string modelTypeAs;
};

/// The `model_type` values the importer understands.
llvm::ArrayRef<llvm::StringRef> getSupportedHFModelTypes();

/// Parses the text of a Hugging Face `config.json`. `fileName` names the
/// input in diagnostics: "config.json: missing required field
/// 'num_attention_heads' (model_type 'llama')".
llvm::Expected<ModelDescription>
parseHFConfig(llvm::StringRef json, llvm::StringRef fileName,
              const HFImportOptions &options = {});

/// Parses a DType spelling: f32/float32, f16/float16, bf16/bfloat16, fp8,
/// int8, int4.
std::optional<llm::DType> parseDTypeName(llvm::StringRef name);

/// Parses `json` and builds an `llm.model` inside a new module.
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importHFConfig(llvm::StringRef json, llvm::StringRef fileName,
               mlir::MLIRContext *context, const HFImportOptions &options = {});

/// Registers `--import-hf-config` with mlir-translate style drivers.
void registerHFConfigTranslation();

} // namespace duplex

#endif // DUPLEX_IMPORT_HFCONFIG_H
