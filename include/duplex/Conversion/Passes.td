//===- Passes.td - Duplex conversion passes ----------------*- tablegen -*-===//

#ifndef DUPLEX_CONVERSION_PASSES_TD
#define DUPLEX_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def RaiseONNXToLLM : Pass<"raise-onnx-to-llm", "mlir::ModuleOp"> {
  let summary = "Raise an imported ONNX graph to an llm.model";
  let description = [{
    Recognises the decoder LLM in each `onnx.graph` of the module and
    replaces the graph with the `llm.model` that describes it: the same ops,
    parameter count and `llm.repeat` folding as importing the architecture's
    Hugging Face `config.json`.

    The pass follows the residual stream from the token embedding (a Gather
    on a weight table; onnxruntime's EmbedLayerNormalization) to the LM head
    and classifies each residual block by what it contains:

    - attention: fused `com.microsoft` GroupQueryAttention,
      MultiHeadAttention and Attention, opset-23 Attention, or decomposed
      MatMul/Softmax/MatMul with or without a past-KV Concat or a
      TensorScatter cache update and any causal mask; `repeat_kv`
      (Expand+Reshape) is seen through, so GQA keeps its true KV-head count;
      fused or separate Q/K/V projections; rotary embedding fused
      (RotaryEmbedding, GQA's `do_rotary`) or decomposed
      (Slice/Neg/Concat/Mul, with `rope_theta` recovered from an inline
      `inv_freq`); sliding windows from GQA's `local_window_size` or a
      `Less(Sub(q, k), W)` mask;
    - dense MLP: plain or gated (two up projections multiplied), with SiLU
      (Sigmoid*Mul), GELU (Erf, Tanh, Gelu, FastGelu, BiasGelu), QuickGELU or
      ReLU;
    - mixture of experts: a router projection feeding Softmax/TopK, and one
      MLP per expert behind torch's OneHot/NonZero/Gather dispatch and
      ScatterND/ScatterElements/Add combine, or onnxruntime's fused MoE;
      shared experts and their sigmoid gate;
    - norms: LayerNormalization, RMSNormalization, SimplifiedLayerNormalization,
      SkipLayerNormalization and SkipSimplifiedLayerNormalization (a
      residual add fused with the next norm), or their decompositions
      (ReduceMean/Sub/Pow/Sqrt/Div/Reciprocal/Mul), placed before (pre-norm)
      or after (post-norm, OPT-350m) the residual add.

    Sizes come from weight shapes and inline shape constants, weight types
    from the initializers (MatMulNBits is int4), the KV-cache type from the
    past-key inputs. Layers that agree fill a `ModelDescription` that
    `buildModel` turns into IR, exactly as the Hugging Face importer does;
    graphs outside that shape (a layer without norms or MLP, a pipeline stage
    without embedding or LM head) are emitted layer by layer.

    Tied embeddings are seen when the LM head reads the token table itself;
    torch and onnxruntime exports often store a transposed copy instead,
    which the pass cannot tell from an untied head without reading weights:
    it notes when the head's weight is such an anonymous copy, and
    `tied-embeddings=true` declares the tie.

    Every op of the graph must end up in the model: ops the pass cannot
    account for are listed in a warning (an error with `strict`), with the
    parameters of the weights they hold.

    Example: `duplex-translate --import-onnx model.onnx |
    duplex-opt --raise-onnx-to-llm`.
  }];
  let options = [
    Option<"modelName", "model-name", "std::string", /*default=*/"\"\"",
           "Symbol name of the llm.model (default: from the file name)">,
    Option<"weightDType", "weight-dtype", "std::string", /*default=*/"\"\"",
           "Store every weight as this type (f32, f16, bf16, fp8, int8, "
           "int4) instead of the initializers' types">,
    Option<"kvDType", "kv-dtype", "std::string", /*default=*/"\"\"",
           "KV-cache element type instead of the model's">,
    Option<"tiedEmbeddings", "tied-embeddings", "std::string",
           /*default=*/"\"auto\"",
           "Whether the LM head reuses the token embedding: auto (when it "
           "reads the same initializer), true or false. Exporters often "
           "write a tied table twice, once transposed">,
    Option<"keepGraph", "keep-graph", "bool", /*default=*/"false",
           "Keep the onnx.graph next to the raised llm.model">,
    Option<"strict", "strict", "bool", /*default=*/"false",
           "Fail when ops of the graph are not accounted for">,
  ];
  let dependentDialects = ["duplex::llm::LLMDialect"];
}

#endif // DUPLEX_CONVERSION_PASSES_TD
