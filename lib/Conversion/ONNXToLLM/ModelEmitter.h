//===- ModelEmitter.h - a raised model as llm IR ----------------*- C++ -*-===//

#ifndef DUPLEX_LIB_CONVERSION_ONNXTOLLM_MODELEMITTER_H
#define DUPLEX_LIB_CONVERSION_ONNXTOLLM_MODELEMITTER_H

#include "RaisedModel.h"

#include "duplex/Dialect/LLM/IR/LLMOps.h"
#include "duplex/Import/ModelDescription.h"

#include "mlir/IR/Builders.h"

namespace duplex::raise {

/// The ModelDescription of `model` when one describes it: token embedding
/// and LM head present, every layer an attention and a feed-forward block
/// with norms and residual adds, all layers alike (dense and MoE layers may
/// alternate) and one weight type for norms, embeddings and the head.
/// std::nullopt otherwise.
std::optional<ModelDescription> describeModel(const RaisedModel &model);

/// Emits `model` layer by layer, for graphs no ModelDescription describes
/// (a layer without norms or MLP, a pipeline stage without embedding or LM
/// head). Runs of identical layers fold into `llm.repeat`. A stage that
/// starts from hidden states reads them from a
/// `builtin.unrealized_conversion_cast` with no operands.
llm::ModelOp emitLayers(mlir::OpBuilder &builder, mlir::Location loc,
                        const RaisedModel &model);

} // namespace duplex::raise

#endif // DUPLEX_LIB_CONVERSION_ONNXTOLLM_MODELEMITTER_H
