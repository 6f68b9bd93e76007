//===- Passes.h - passes on the onnx dialect --------------------*- C++ -*-===//

#ifndef DUPLEX_DIALECT_ONNX_TRANSFORMS_PASSES_H
#define DUPLEX_DIALECT_ONNX_TRANSFORMS_PASSES_H

#include "duplex/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace duplex::onnx {

#define GEN_PASS_DECL
#include "duplex/Dialect/ONNX/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "duplex/Dialect/ONNX/Transforms/Passes.h.inc"

/// The normalisation's pattern groups (see Passes.td).
void populateCleanupPatterns(mlir::RewritePatternSet &patterns);
void populateShapeFoldingPatterns(mlir::RewritePatternSet &patterns);
void populateActivationPatterns(mlir::RewritePatternSet &patterns);
void populateNormPatterns(mlir::RewritePatternSet &patterns);

/// Names of the pattern groups, in the order the pass applies them.
llvm::ArrayRef<llvm::StringLiteral> getNormalizationGroups();

/// Adds the patterns of group `name`; false if there is no such group.
bool populateNormalizationGroup(llvm::StringRef name,
                                mlir::RewritePatternSet &patterns);

/// Applies every normalisation pattern to `graph` (what the raise to `llm`
/// does first).
mlir::LogicalResult normalizeGraph(GraphOp graph);

} // namespace duplex::onnx

#endif // DUPLEX_DIALECT_ONNX_TRANSFORMS_PASSES_H
