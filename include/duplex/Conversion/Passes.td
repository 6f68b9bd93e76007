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

    Whether the LM head reuses the token table is decided by the strongest
    evidence there is, and the model records which
    (`llm.tied_embeddings_evidence`): the head reads the table's own
    initializer; else, when the head reads another initializer of the
    table's size (torch writes a tied table twice, once transposed) and the
    tensor data is there (inline, or an external-data file in the model's
    directory), 256 elements at fixed positions of both are compared, never
    the whole tensors; else the `config.json` beside the model; else the
    architecture's default (learned positions, as GPT-2 and OPT: tied;
    rotary, as Llama: untied), with a warning. `tied-embeddings=true` or
    `false` overrides all of them.

    The graph is first normalised (the patterns of `--onnx-normalize`), so
    no-op casts, `Identity`, inference `Dropout` and exporter spellings of
    norms and activations do not hide the residual stream.

    The pass is strict: a model it is not sure it understood is an error,
    never a smaller model. Ops the pass cannot account for are listed with
    the parameters of the weights they read; if they read any, the pass
    fails. It also fails when the layers it found disagree with the graph's
    interface: KV-cache inputs or outputs (`past_key_values.N.key`,
    `present_N`, `key_cache.N`) for another number of layers, or a `logits`
    output without an LM head. `allow-partial` turns these errors into
    warnings and marks the model with the unit attribute `llm.partial`,
    which `duplexc` reports.

    Example: `duplex-translate --import-onnx model.onnx |
    duplex-opt --raise-onnx-to-llm`.
  }];
  let options = [
    Option<"modelName", "model-name", "std::string", /*default=*/"\"\"",
           "Symbol name of the llm.model (default: from the file name)">,
    Option<"weightDType", "weight-dtype", "std::string", /*default=*/"\"\"",
           "Store every weight as this type (f32, f16, bf16, fp8, int8, "
           "int4, mxfp4, nvfp4) instead of the initializers' types">,
    Option<"kvDType", "kv-dtype", "std::string", /*default=*/"\"\"",
           "KV-cache element type instead of the model's">,
    Option<"tiedEmbeddings", "tied-embeddings", "std::string",
           /*default=*/"\"auto\"",
           "Whether the LM head reuses the token embedding: auto (decided "
           "by the evidence above), true or false">,
    Option<"keepGraph", "keep-graph", "bool", /*default=*/"false",
           "Keep the onnx.graph next to the raised llm.model">,
    Option<"allowPartial", "allow-partial", "bool", /*default=*/"false",
           "Warn instead of failing when ops that read weights are not "
           "accounted for or the layers disagree with the graph's KV caches "
           "and logits; the model is marked `llm.partial`">,
  ];
  let dependentDialects = ["duplex::llm::LLMDialect"];
}

#endif // DUPLEX_CONVERSION_PASSES_TD
