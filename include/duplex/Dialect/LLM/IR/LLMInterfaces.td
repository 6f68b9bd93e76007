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

#endif // DUPLEX_DIALECT_LLM_IR_LLMINTERFACES_TD
