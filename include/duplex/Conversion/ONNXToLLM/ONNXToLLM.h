//===- ONNXToLLM.h - raise an onnx.graph to an llm.model --------*- C++ -*-===//

#ifndef DUPLEX_CONVERSION_ONNXTOLLM_ONNXTOLLM_H
#define DUPLEX_CONVERSION_ONNXTOLLM_ONNXTOLLM_H

#include "duplex/Dialect/LLM/IR/LLMOps.h"
#include "duplex/Dialect/ONNX/IR/ONNXOps.h"
#include "duplex/Import/HFConfig.h"
#include "duplex/Import/ONNXImport.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace duplex {

struct RaiseOptions {
  /// Symbol name of the model; empty: derived from the graph's source file.
  std::string modelName;
  /// Overrides of the weight and KV-cache element types.
  std::optional<llm::DType> weightDType;
  std::optional<llm::DType> kvDType;
  /// Whether the LM head reuses the token table; unset: only when it reads
  /// Whether the LM head reuses the token table, overriding the evidence
  /// the raise weighs (same initializer, sampled weight data, config.json
  /// beside the model, the architecture's default).
  std::optional<bool> tiedEmbeddings;
  /// Warn instead of failing when ops that read weights are not accounted
  /// for or the layers disagree with the graph's KV caches and logits; the
  /// model then carries the unit attribute `llm.partial`.
  bool allowPartial = false;
};

/// Raises `graph` to an `llm.model` inserted right before it (the graph is
/// left in place). Diagnostics go to the graph's context: warnings for what
/// the model does not account for, errors when no decoder is found.
mlir::FailureOr<llm::ModelOp> raiseONNXGraph(onnx::GraphOp graph,
                                             const RaiseOptions &options);

/// Imports the ONNX model at `path` and raises it; the module holds only
/// the `llm.model`. Warnings are printed to stderr; errors name the file.
/// What `duplexc` does with `.onnx` and ONNX text inputs.
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importAndRaiseONNX(llvm::StringRef path, mlir::MLIRContext *context,
                   const HFImportOptions &dtypes = {},
                   const ONNXImportOptions &importOptions = {});

} // namespace duplex

#endif // DUPLEX_CONVERSION_ONNXTOLLM_ONNXTOLLM_H
