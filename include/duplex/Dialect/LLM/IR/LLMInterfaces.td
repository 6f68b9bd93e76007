//===- LLMInterfaces.td - interfaces of llm ops ------------*- tablegen -*-===//

#ifndef DUPLEX_DIALECT_LLM_IR_LLMINTERFACES_TD
#define DUPLEX_DIALECT_LLM_IR_LLMINTERFACES_TD

include "mlir/IR/OpBase.td"

def LLM_WeightOpInterface : OpInterface<"WeightOpInterface"> {
  let cppNamespace = "::duplex::llm";
  let description = [{
    An op that owns model weights. Model statistics (parameter count, weight
    bytes, per-kind breakdown) and later the placement passes ask every op
    through this interface instead of switching over op names.
  }];
  let methods = [
    InterfaceMethod<"Number of weight parameters this op owns (one "
                    "instance; `llm.repeat` multiplies).",
      "uint64_t", "getNumParameters">,
    InterfaceMethod<"Element type the weights are stored in.",
      "::duplex::llm::DType", "getWeightElementType", (ins), [{}],
      [{ return $_op.getWeightDtype(); }]>,
    InterfaceMethod<"Statistics bucket of the weights: one of `embedding`, "
                    "`attention_projections`, `mlp`, `experts`, `router`, "
                    "`norm`, `lm_head`, `other`.",
      "::llvm::StringRef", "getStatsCategory">,
  ];
}

def LLM_StageWorkOpInterface : OpInterface<"StageWorkOpInterface"> {
  let cppNamespace = "::duplex::llm";
  let description = [{
    An op whose cost depends on the serving stage. Given the stage's
    prefill and decode requests (and the routing of tokens to experts), the
    op lists its work as cost-model kernels, split into the parts that may
    be placed on different units (attention: prefill and decode requests).
    The Op/B analysis and the partitioner ask every op through this
    interface instead of switching over op names.
  }];
  let methods = [
    InterfaceMethod<"Appends the work of one instance of this op (one "
                    "layer, one device) in the stage described by "
                    "`context`.",
      "void", "getStageWork",
      (ins "const ::duplex::llm::WorkContext &":$context,
           "::llvm::SmallVectorImpl<::duplex::llm::OpWork> &":$work)>,
  ];
}

#endif // DUPLEX_DIALECT_LLM_IR_LLMINTERFACES_TD
