//===- Passes.td - Duplex transformation and analysis passes -*- tablegen -*-===//

#ifndef DUPLEX_TRANSFORMS_PASSES_TD
#define DUPLEX_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def LLMPrintStats : Pass<"llm-print-stats", "mlir::ModuleOp"> {
  let summary = "Print parameter count, weight bytes and KV-cache bytes of "
                "every llm.model";
  let description = [{
    Walks each `llm.model` in the module (multiplying through `llm.repeat`
    counts) and prints, to stderr, its parameter count, active parameters
    per token (routed experts count `top_k` of `num_experts`), weight bytes
    (by each op's weight element type; int4 packs two weights per byte),
    KV-cache bytes per token (2 x num_kv_heads x head_dim x KV element size
    per attention layer) and a per-category breakdown: embedding,
    attention_projections, mlp, experts, router, norm, lm_head, other.

    The IR is not changed. `duplexc stats` prints the same figures.

    Example: `duplex-opt --llm-print-stats model.mlir -o /dev/null`.
  }];
  let options = [
    Option<"json", "json", "bool", /*default=*/"false",
           "Print one JSON object per model instead of a table">,
  ];
}

#endif // DUPLEX_TRANSFORMS_PASSES_TD
