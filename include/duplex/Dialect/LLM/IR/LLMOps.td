//===- LLMOps.td - llm dialect operations ------------------*- tablegen -*-===//

#ifndef DUPLEX_DIALECT_LLM_IR_LLMOPS_TD
#define DUPLEX_DIALECT_LLM_IR_LLMOPS_TD

include "duplex/Dialect/LLM/IR/LLMBase.td"
include "duplex/Dialect/LLM/IR/LLMTypesAttrs.td"
include "duplex/Dialect/LLM/IR/LLMInterfaces.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

class LLM_Op<string mnemonic, list<Trait> traits = []> :
    Op<LLM_Dialect, mnemonic, traits>;

// An op that owns weights stored as `weight_dtype`.
class LLM_WeightOp<string mnemonic, list<Trait> traits = []> :
    LLM_Op<mnemonic, !listconcat(traits, [Pure,
        DeclareOpInterfaceMethods<LLM_WeightOpInterface,
                                  ["getNumParameters", "getStatsCategory"]>,
        DeclareOpInterfaceMethods<LLM_StageWorkOpInterface>])>;

def LLM_StageWork : DeclareOpInterfaceMethods<LLM_StageWorkOpInterface>;

def LLM_ModelOp : LLM_Op<"model", [IsolatedFromAbove, Symbol,
    SingleBlock, NoRegionArguments]> {
  let summary = "a decoder LLM";
  let description = [{
    The root of a model description. Its body computes the logits from the
    token embedding through the decoder layers to the LM head and ends with
    `llm.output`.

    Attributes: `activation_dtype` is the element type of activations (what
    flows between ops and over links); `max_position_embeddings` the context
    the model was trained for; `source` where the description came from (a
    config file, a paper).

    ```mlir
    llm.model @tiny activation(bf16) attributes {max_position_embeddings = 2048} {
      %0 = llm.token_embedding vocab(1000) weights(bf16) : !llm.act<64>
      ...
      llm.output %9 : !llm.act<1000>
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       LLM_DType:$activation_dtype,
                       OptionalAttr<I64Attr>:$max_position_embeddings,
                       OptionalAttr<StrAttr>:$source);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $sym_name `activation` `(` $activation_dtype `)` attr-dict-with-keyword
    $body
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// The value produced by the model (the logits).
    ::mlir::Value getLogits();
  }];
}

def LLM_OutputOp : LLM_Op<"output", [Terminator, HasParent<"ModelOp">,
    Pure]> {
  let summary = "the model's result (logits)";
  let description = [{
    Terminates `llm.model`, naming the logits: `llm.output %logits :
    !llm.act<32000>`.
  }];
  let arguments = (ins LLM_ActType:$logits);
  let assemblyFormat = "$logits attr-dict `:` qualified(type($logits))";
}

def LLM_TokenEmbeddingOp : LLM_WeightOp<"token_embedding"> {
  let summary = "token embedding lookup";
  let description = [{
    Looks up each input token id in a `vocab_size` x W table, W being the
    result width. Reads one row per token, so its cost is tiny; its weights
    count towards the parameters.

    ```mlir
    %0 = llm.token_embedding vocab(32000) weights(bf16) : !llm.act<4096>
    ```
  }];
  let arguments = (ins ConfinedAttr<I64Attr, [IntPositive]>:$vocab_size,
                       LLM_DType:$weight_dtype);
  let results = (outs LLM_ActType:$result);
  let assemblyFormat = [{
    `vocab` `(` $vocab_size `)` `weights` `(` $weight_dtype `)` attr-dict `:`
    qualified(type($result))
  }];
}

def LLM_PositionEmbeddingOp : LLM_WeightOp<"position_embedding",
    [SameOperandsAndResultType]> {
  let summary = "learned absolute position embedding, added to its input";
  let description = [{
    Adds a learned position embedding (a `max_positions` x W table, as in
    GPT-2, GPT-3 and OPT) to the token embedding. OPT stores two extra rows;
    its importer sets `max_positions` to the real table size.

    ```mlir
    %1 = llm.position_embedding %0 positions(2048) weights(f16) : !llm.act<12288>
    ```
  }];
  let arguments = (ins LLM_ActType:$input,
                       ConfinedAttr<I64Attr, [IntPositive]>:$max_positions,
                       LLM_DType:$weight_dtype);
  let results = (outs LLM_ActType:$result);
  let assemblyFormat = [{
    $input `positions` `(` $max_positions `)` `weights` `(` $weight_dtype `)`
    attr-dict `:` qualified(type($result))
  }];
}

def LLM_RMSNormOp : LLM_WeightOp<"rms_norm", [SameOperandsAndResultType]> {
  let summary = "root-mean-square layer normalization";
  let description = [{
    RMSNorm with a learned scale of W elements (Llama, Mistral, Mixtral,
    Qwen2, Grok-1).

    ```mlir
    %1 = llm.rms_norm %0 eps(1.0e-05) weights(bf16) : !llm.act<4096>
    ```
  }];
  let arguments = (ins LLM_ActType:$input, F64Attr:$eps,
                       LLM_DType:$weight_dtype);
  let results = (outs LLM_ActType:$result);
  let assemblyFormat = [{
    $input `eps` `(` $eps `)` `weights` `(` $weight_dtype `)` attr-dict `:`
    qualified(type($result))
  }];
}

def LLM_LayerNormOp : LLM_WeightOp<"layer_norm", [SameOperandsAndResultType]> {
  let summary = "layer normalization";
  let description = [{
    LayerNorm with a learned scale and, when `bias` is set, a learned shift
    (GPT-2, GPT-3, OPT, GPT-NeoX, GPT-J).

    ```mlir
    %1 = llm.layer_norm %0 eps(1.0e-05) weights(f16) {bias} : !llm.act<768>
    ```
  }];
  let arguments = (ins LLM_ActType:$input, F64Attr:$eps, UnitAttr:$bias,
                       LLM_DType:$weight_dtype);
  let results = (outs LLM_ActType:$result);
  let assemblyFormat = [{
    $input `eps` `(` $eps `)` `weights` `(` $weight_dtype `)` attr-dict `:`
    qualified(type($result))
  }];
}

def LLM_HeadNormOp : LLM_WeightOp<"head_norm", [SameOperandsAndResultType]> {
  let summary = "RMSNorm of each attention head (query/key norm)";
  let description = [{
    RMSNorm applied to each head of a query or key activation separately,
    with one learned scale of `head_dim` elements that every head shares:
    the q/k norms of Qwen3 and Gemma 3, between the projection and the
    rotary embedding. The operand's width is a multiple of `head_dim`.

    ```mlir
    %qn = llm.head_norm %q head_dim(128) eps(1.0e-06) weights(bf16) : !llm.act<4096>
    ```
  }];
  let arguments = (ins LLM_ActType:$input,
                       ConfinedAttr<I64Attr, [IntPositive]>:$head_dim,
                       F64Attr:$eps, LLM_DType:$weight_dtype);
  let results = (outs LLM_ActType:$result);
  let assemblyFormat = [{
    $input `head_dim` `(` $head_dim `)` `eps` `(` $eps `)` `weights` `(`
    $weight_dtype `)` attr-dict `:` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def LLM_LinearOp : LLM_WeightOp<"linear"> {
  let summary = "fully connected layer (a GEMM over the stage's tokens)";
  let description = [{
    `y = x W (+ b)` with W of in_features x out_features, where in_features
    is the operand width and out_features the result width. `kind` says what
    the layer is for: the attention projections `query`, `key`, `value`,
    fused `qkv`, `output`, MLA's low-rank down-projections `query_down` and
    `kv_down` (one copy on every tensor-parallel device, not split), or any
    other `projection`. Dense MLPs and experts
    have their own ops (`llm.mlp`, `llm.moe`).

    ```mlir
    %q = llm.linear query %x weights(bf16) : !llm.act<4096> -> !llm.act<4096>
    %k = llm.linear key %x weights(f16) {bias} : !llm.act<8192> -> !llm.act<1024>
    ```
  }];
  let arguments = (ins LLM_LinearKind:$kind, LLM_ActType:$input,
                       UnitAttr:$bias, LLM_DType:$weight_dtype);
  let results = (outs LLM_ActType:$result);
  let assemblyFormat = [{
    $kind $input `weights` `(` $weight_dtype `)` attr-dict `:`
    qualified(type($input)) `->` qualified(type($result))
  }];
  let extraClassDeclaration = [{
    int64_t getInFeatures() { return getInput().getType().getWidth(); }
    int64_t getOutFeatures() { return getResult().getType().getWidth(); }
  }];
}

def LLM_AttentionOp : LLM_Op<"attention", [Pure, LLM_StageWork]> {
  let summary = "scaled dot-product attention core with a KV cache";
  let description = [{
    The attention core, after the Q/K/V projections and before the output
    projection: rotary embedding (if `rope` is set), `softmax(Q Kᵀ / √d) V`
    over the cached keys and values, and appending this stage's K/V to the
    KV cache.

    `num_heads` query heads share `num_kv_heads` key/value heads:
    equal counts are multi-head attention (MHA), `num_kv_heads = 1` is
    multi-query attention (MQA), anything in between is grouped-query
    attention (GQA) with group size `num_heads / num_kv_heads` — the Op/B of
    decode attention. `causal` masks future tokens; `sliding_window` bounds
    how many past tokens each query attends to (Mistral). The KV cache is
    stored as `kv_dtype`.

    Operand widths: queries `num_heads * head_dim`, keys and values
    `num_kv_heads * head_dim`; the result has the query width.

    ```mlir
    %a = llm.attention %q, %k, %v heads(32) kv_heads(8) head_dim(128)
           kv_cache(bf16) {causal, rope = #llm.rope<theta = 1000000.0>}
           : !llm.act<4096>, !llm.act<1024>, !llm.act<1024> -> !llm.act<4096>
    ```
  }];
  let arguments = (ins LLM_ActType:$query, LLM_ActType:$key,
                       LLM_ActType:$value,
                       ConfinedAttr<I64Attr, [IntPositive]>:$num_heads,
                       ConfinedAttr<I64Attr, [IntPositive]>:$num_kv_heads,
                       ConfinedAttr<I64Attr, [IntPositive]>:$head_dim,
                       UnitAttr:$causal,
                       OptionalAttr<LLM_RopeAttr>:$rope,
                       OptionalAttr<ConfinedAttr<I64Attr, [IntPositive]>>:
                           $sliding_window,
                       LLM_DType:$kv_dtype);
  let results = (outs LLM_ActType:$result);
  let assemblyFormat = [{
    $query `,` $key `,` $value `heads` `(` $num_heads `)` `kv_heads` `(`
    $num_kv_heads `)` `head_dim` `(` $head_dim `)` `kv_cache` `(` $kv_dtype
    `)` attr-dict `:` qualified(type($query)) `,` qualified(type($key)) `,`
    qualified(type($value)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Query heads per KV head (1 for MHA).
    int64_t getGroupSize() { return getNumHeads() / getNumKvHeads(); }
    /// KV-cache elements appended per token (keys and values).
    int64_t getKVElementsPerToken() { return 2 * getNumKvHeads() * getHeadDim(); }
  }];
}

def LLM_MLAOp : LLM_WeightOp<"mla"> {
  let summary = "multi-head latent attention core (DeepSeek-V2/V3, Kimi-K2)";
  let description = [{
    The attention core of multi-head latent attention, between the
    projections (`llm.linear`: `query_down`, an `llm.rms_norm`, `query`;
    `kv_down`) and the output projection (`llm.linear output`). Its operands
    are the queries (`num_heads` heads of `qk_nope_head_dim +
    qk_rope_head_dim`) and the compressed keys and values of each token: a
    latent of `kv_lora_rank` plus one rotary key of `qk_rope_head_dim`
    shared by all heads. It owns the latent's RMSNorm and the up-projection
    (`kv_b_proj`) that expands the latent to per-head keys
    (`qk_nope_head_dim`) and values (`v_head_dim`); the result has
    `num_heads * v_head_dim` elements. The KV cache holds only the latent
    and the rotary key (`kv_lora_rank + qk_rope_head_dim` elements per token
    and layer, as `kv_dtype`).

    The cost model follows how MLA is served: prefill expands the latent
    and runs multi-head attention; decode absorbs the up-projection into
    each head's query and output, so every head attends over the shared
    latent (an MQA of `kv_lora_rank + qk_rope_head_dim` keys whose values
    are the latent itself): decode attention's Op/B grows with the heads.

    ```mlir
    %a = llm.mla %q, %kv heads(128) kv_lora(512) qk_nope(128) qk_rope(64)
           v_head(128) kv_cache(bf16) weights(bf16)
           : !llm.act<24576>, !llm.act<576> -> !llm.act<16384>
    ```
  }];
  let arguments = (ins LLM_ActType:$query, LLM_ActType:$latent,
                       ConfinedAttr<I64Attr, [IntPositive]>:$num_heads,
                       ConfinedAttr<I64Attr, [IntPositive]>:$kv_lora_rank,
                       ConfinedAttr<I64Attr, [IntPositive]>:$qk_nope_head_dim,
                       ConfinedAttr<I64Attr, [IntPositive]>:$qk_rope_head_dim,
                       ConfinedAttr<I64Attr, [IntPositive]>:$v_head_dim,
                       OptionalAttr<LLM_RopeAttr>:$rope,
                       LLM_DType:$kv_dtype,
                       LLM_DType:$weight_dtype);
  let results = (outs LLM_ActType:$result);
  let assemblyFormat = [{
    $query `,` $latent `heads` `(` $num_heads `)` `kv_lora` `(`
    $kv_lora_rank `)` `qk_nope` `(` $qk_nope_head_dim `)` `qk_rope` `(`
    $qk_rope_head_dim `)` `v_head` `(` $v_head_dim `)` `kv_cache` `(`
    $kv_dtype `)` `weights` `(` $weight_dtype `)` attr-dict `:`
    qualified(type($query)) `,` qualified(type($latent)) `->`
    qualified(type($result))
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// KV-cache elements appended per token: the latent and the rotary key.
    int64_t getKVElementsPerToken() {
      return getKvLoraRank() + getQkRopeHeadDim();
    }
    /// Query and key width of a head.
    int64_t getQkHeadDim() { return getQkNopeHeadDim() + getQkRopeHeadDim(); }
  }];
}

def LLM_MLPOp : LLM_WeightOp<"mlp", [SameOperandsAndResultType]> {
  let summary = "dense feed-forward block (plain or gated)";
  let description = [{
    The position-wise feed-forward network of a dense decoder layer.
    Plain: `act(x W1 + b1) W2 + b2` (GPT-2, OPT). Gated (`gated`):
    `(act(x Wg) * (x Wu)) Wd` — SwiGLU with `silu`, GeGLU with `gelu`
    (Llama, Mistral, Qwen2). `intermediate_size` is the hidden width of the
    block; `bias` adds bias vectors to every matrix.

    ```mlir
    %m = llm.mlp silu %x intermediate(28672) weights(bf16) {gated} : !llm.act<8192>
    ```
  }];
  let arguments = (ins LLM_Activation:$activation, LLM_ActType:$input,
                       ConfinedAttr<I64Attr, [IntPositive]>:$intermediate_size,
                       UnitAttr:$gated, UnitAttr:$bias,
                       LLM_DType:$weight_dtype);
  let results = (outs LLM_ActType:$result);
  let assemblyFormat = [{
    $activation $input `intermediate` `(` $intermediate_size `)` `weights`
    `(` $weight_dtype `)` attr-dict `:` qualified(type($result))
  }];
}

def LLM_MoEOp : LLM_WeightOp<"moe", [SameOperandsAndResultType]> {
  let summary = "mixture-of-experts feed-forward block with a top-k router";
  let description = [{
    A router (a W x `num_experts` linear layer, with a bias when
    `router_bias` is set) picks `top_k` of `num_experts` expert FFNs for each
    token; each expert is an MLP of `intermediate_size` (gated or plain, like
    `llm.mlp`). `num_shared_experts` always-active experts of
    `shared_intermediate_size` (Qwen2-MoE, DeepSeek) run on every token;
    `shared_expert_gate` adds Qwen2-MoE's per-token sigmoid gate (W x 1) on
    their output. `num_groups` / `top_k_groups` record group-limited routing
    (DeepSeek-V2/V3: the experts fall into `num_groups` groups and a token
    picks its `top_k` experts within its best `top_k_groups` groups); under
    uniform routing scores each expert still gets top_k / num_experts of the
    tokens.

    The number of tokens each expert receives depends on the stage's routing
    and is supplied by the analyses, not stored here.

    ```mlir
    %m = llm.moe silu %x experts(8) top_k(2) intermediate(14336)
           weights(bf16) {gated} : !llm.act<4096>
    ```
  }];
  let arguments = (ins LLM_Activation:$activation, LLM_ActType:$input,
                       ConfinedAttr<I64Attr, [IntPositive]>:$num_experts,
                       ConfinedAttr<I64Attr, [IntPositive]>:$top_k,
                       ConfinedAttr<I64Attr, [IntPositive]>:$intermediate_size,
                       UnitAttr:$gated, UnitAttr:$bias, UnitAttr:$router_bias,
                       DefaultValuedAttr<ConfinedAttr<I64Attr, [IntNonNegative]>,
                                         "0">:$num_shared_experts,
                       OptionalAttr<ConfinedAttr<I64Attr, [IntPositive]>>:
                           $shared_intermediate_size,
                       UnitAttr:$shared_expert_gate,
                       LLM_DType:$weight_dtype,
                       OptionalAttr<ConfinedAttr<I64Attr, [IntPositive]>>:
                           $num_groups,
                       OptionalAttr<ConfinedAttr<I64Attr, [IntPositive]>>:
                           $top_k_groups);
  let results = (outs LLM_ActType:$result);
  let assemblyFormat = [{
    $activation $input `experts` `(` $num_experts `)` `top_k` `(` $top_k `)`
    `intermediate` `(` $intermediate_size `)` `weights` `(` $weight_dtype `)`
    attr-dict `:` qualified(type($result))
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Parameters of one routed expert.
    uint64_t getParametersPerExpert();
    /// Parameters of the router (and the shared-expert gate).
    uint64_t getRouterParameters();
    /// Parameters of all shared experts.
    uint64_t getSharedExpertParameters();
  }];
}

def LLM_ResidualAddOp : LLM_Op<"residual_add",
    [Pure, Commutative, SameOperandsAndResultType, LLM_StageWork]> {
  let summary = "residual connection";
  let description = [{
    Element-wise sum of the residual stream and a block's output:
    `%r = llm.residual_add %x, %attn : !llm.act<4096>`.
  }];
  let arguments = (ins LLM_ActType:$lhs, LLM_ActType:$rhs);
  let results = (outs LLM_ActType:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` qualified(type($result))
  }];
}

def LLM_LMHeadOp : LLM_WeightOp<"lm_head"> {
  let summary = "output projection from hidden states to vocabulary logits";
  let description = [{
    Projects the final hidden states to `vocab_size` logits (the result
    width). With `tied` the matrix is the token embedding's and adds no
    parameters (GPT-2, OPT, Grok-1); its bytes are still read every stage.

    ```mlir
    %l = llm.lm_head %h weights(bf16) : !llm.act<4096> -> !llm.act<32000>
    ```
  }];
  let arguments = (ins LLM_ActType:$input, UnitAttr:$tied, UnitAttr:$bias,
                       LLM_DType:$weight_dtype);
  let results = (outs LLM_ActType:$result);
  let assemblyFormat = [{
    $input `weights` `(` $weight_dtype `)` attr-dict `:`
    qualified(type($input)) `->` qualified(type($result))
  }];
  let extraClassDeclaration = [{
    int64_t getVocabSize() { return getResult().getType().getWidth(); }
  }];
}

def LLM_RepeatOp : LLM_Op<"repeat", [
SingleBlock, RecursiveMemoryEffects]> {
  let summary = "a pattern of decoder layers repeated `count` times";
  let description = [{
    Applies its body `count` times, feeding each iteration's yielded value
    to the next, so an 80-layer model is one layer of IR. The body is one
    period of the layer pattern and holds one or more decoder layers (one
    `llm.attention` each): Mixtral and Grok-1 repeat a single MoE layer;
    GLaM repeats a (dense, MoE) pair; a model whose MoE layers follow no
    period is a sequence of `llm.repeat` ops.

    ```mlir
    %h = llm.repeat 32 (%x = %e) : !llm.act<4096> {
      ...
      llm.yield %r : !llm.act<4096>
    }
    ```
  }];
  let arguments = (ins LLM_ActType:$init,
                       ConfinedAttr<I64Attr, [IntPositive]>:$count);
  let results = (outs LLM_ActType:$result);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Decoder layers per iteration of the body (attention ops it holds).
    int64_t getLayersPerIteration();
    ::mlir::BlockArgument getBodyArgument() {
      return getBody().front().getArgument(0);
    }
  }];
}

def LLM_YieldOp : LLM_Op<"yield", [Pure, Terminator,
    HasParent<"RepeatOp">]> {
  let summary = "result of one iteration of `llm.repeat`";
  let description = [{
    Passes the residual stream to the next iteration of the enclosing
    `llm.repeat` (or out of it after the last one).
  }];
  let arguments = (ins LLM_ActType:$value);
  let assemblyFormat = "$value attr-dict `:` qualified(type($value))";
}

#endif // DUPLEX_DIALECT_LLM_IR_LLMOPS_TD
