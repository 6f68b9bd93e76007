//===- ONNXMicrosoftOps.td - com.microsoft operators -------*- tablegen -*-===//
//
// The com.microsoft contrib operators that onnxruntime's transformer
// optimizer, onnxruntime-genai's model builder and Optimum emit for decoder
// LLMs (fused attention, fused norms, fused activations, 4-bit MatMul). They
// print as `onnx.ms.<OpType>`. Input lists follow onnxruntime's
// ContribOperators.md, including inputs added by recent releases.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_DIALECT_ONNX_IR_ONNXMICROSOFTOPS_TD
#define DUPLEX_DIALECT_ONNX_IR_ONNXMICROSOFTOPS_TD

class ONNX_MSOp<string opType> : ONNX_NodeOp<"com.microsoft", opType>;

def ONNX_MSAttentionOp : ONNX_MSOp<"Attention"> {
  let summary = "multi-head attention with the Q/K/V projection inside";
  let description = [{
    GPT-2/BERT-style fused attention: `input` is projected by the merged
    `weights` (`[hidden, q + k + v]`, sizes in `qkv_hidden_sizes` when they
    differ) and `bias`, split into `num_heads` heads, attended
    (`unidirectional` = 1 is causal) with the optional `past` state
    `[2, batch, heads, past, head_size]`, and returned with `present`. The
    output projection is a separate MatMul.
  }];
  let inputs = (ins AnyTensor:$input, AnyTensor:$weights,
                    ONNX_OptTensor:$bias, ONNX_OptTensor:$mask_index,
                    ONNX_OptTensor:$past, ONNX_OptTensor:$attention_bias,
                    ONNX_OptTensor:$past_sequence_length);
  let attrs = (ins I64Attr:$num_heads, ONNX_Int:$do_rotary,
                   ONNX_Float:$mask_filter_value,
                   ONNX_Int:$past_present_share_buffer,
                   ONNX_Ints:$qkv_hidden_sizes,
                   ONNX_Int:$rotary_embedding_dim, ONNX_Float:$scale,
                   ONNX_Int:$unidirectional);
  let results = (outs AnyTensor:$output, ONNX_OptResult:$present);
}

def ONNX_MSMultiHeadAttentionOp : ONNX_MSOp<"MultiHeadAttention"> {
  let summary = "multi-head attention over projected Q, K and V";
  let description = [{
    Attention over already projected `query`, `key` and `value`
    (`[batch, sequence, num_heads * head_size]`), with an optional packed
    projection `bias`, padding mask, `attention_bias`, and past key/value
    `[batch, num_heads, past, head_size]` returned extended as
    `present_key`/`present_value`.
  }];
  let inputs = (ins AnyTensor:$query, ONNX_OptTensor:$key,
                    ONNX_OptTensor:$value, ONNX_OptTensor:$bias,
                    ONNX_OptTensor:$key_padding_mask,
                    ONNX_OptTensor:$attention_bias, ONNX_OptTensor:$past_key,
                    ONNX_OptTensor:$past_value,
                    ONNX_OptTensor:$past_sequence_length,
                    ONNX_OptTensor:$cache_indirection);
  let attrs = (ins I64Attr:$num_heads, ONNX_Float:$mask_filter_value,
                   ONNX_Float:$scale, ONNX_Int:$unidirectional);
  let results = (outs AnyTensor:$output, ONNX_OptResult:$present_key,
                      ONNX_OptResult:$present_value, ONNX_OptResult:$qk);
}

def ONNX_MSGroupQueryAttentionOp : ONNX_MSOp<"GroupQueryAttention"> {
  let summary = "grouped-query attention with KV cache and optional rotary";
  let description = [{
    `num_heads` query heads share `kv_num_heads` key/value heads. `query` is
    either Q (`[batch, sequence, num_heads * head_size]`, with `key` and
    `value`) or packed QKV (`num_heads + 2 * kv_num_heads` heads, `key` and
    `value` omitted). With `do_rotary` the op applies rotary embedding from
    `cos_cache`/`sin_cache` (`[max_positions, rotary_dim / 2]`);
    `local_window_size` > 0 is sliding-window attention. The KV cache is
    `past_key`/`past_value` in, `present_key`/`present_value` out.
  }];
  let inputs = (ins AnyTensor:$query, ONNX_OptTensor:$key,
                    ONNX_OptTensor:$value, ONNX_OptTensor:$past_key,
                    ONNX_OptTensor:$past_value, AnyTensor:$seqlens_k,
                    AnyTensor:$total_sequence_length,
                    ONNX_OptTensor:$cos_cache, ONNX_OptTensor:$sin_cache,
                    ONNX_OptTensor:$position_ids,
                    ONNX_OptTensor:$attention_bias,
                    ONNX_OptTensor:$head_sink, ONNX_OptTensor:$k_scale,
                    ONNX_OptTensor:$v_scale, ONNX_OptTensor:$q_norm_weight,
                    ONNX_OptTensor:$k_norm_weight);
  let attrs = (ins I64Attr:$num_heads, I64Attr:$kv_num_heads,
                   ONNX_Int:$do_rotary, ONNX_Int:$local_window_size,
                   ONNX_Int:$rotary_interleaved, ONNX_Float:$scale,
                   ONNX_Float:$softcap, ONNX_Int:$smooth_softmax,
                   ONNX_Int:$qk_output);
  let results = (outs AnyTensor:$output, ONNX_OptResult:$present_key,
                      ONNX_OptResult:$present_value,
                      ONNX_OptResult:$output_qk);
  let hasVerifier = 1;
}

def ONNX_MSRotaryEmbeddingOp : ONNX_MSOp<"RotaryEmbedding"> {
  let summary = "rotary position embedding (onnxruntime's)";
  let description = [{
    Rotates `input` (`[batch, sequence, heads * head_size]` or 4-D) by the
    rows of `cos_cache`/`sin_cache` at `position_ids`: halves or, with
    `interleaved`, adjacent pairs of the first `rotary_embedding_dim`
    dimensions of each head (all when 0).
  }];
  let inputs = (ins AnyTensor:$input, AnyTensor:$position_ids,
                    AnyTensor:$cos_cache, AnyTensor:$sin_cache);
  let attrs = (ins ONNX_Int:$interleaved, ONNX_Int:$is_packed_batching,
                   ONNX_Int:$num_heads, ONNX_Int:$rotary_embedding_dim,
                   ONNX_Float:$scale);
  let results = (outs AnyTensor:$output);
}

def ONNX_MSSkipLayerNormalizationOp
    : ONNX_MSOp<"SkipLayerNormalization"> {
  let summary = "residual add followed by LayerNorm";
  let description = [{
    `input_skip_bias_sum = input + skip + bias` (the residual stream) and
    `output = LayerNorm(input_skip_bias_sum) * gamma + beta`: the residual
    add of one sub-block fused with the norm of the next.
  }];
  let inputs = (ins AnyTensor:$input, AnyTensor:$skip, AnyTensor:$gamma,
                    ONNX_OptTensor:$beta, ONNX_OptTensor:$bias);
  let attrs = (ins ONNX_Float:$epsilon);
  let results = (outs AnyTensor:$output, ONNX_OptResult:$mean,
                      ONNX_OptResult:$inv_std_var,
                      ONNX_OptResult:$input_skip_bias_sum);
}

def ONNX_MSSkipSimplifiedLayerNormalizationOp
    : ONNX_MSOp<"SkipSimplifiedLayerNormalization"> {
  let summary = "residual add followed by RMSNorm";
  let description = [{
    `input_skip_bias_sum = input + skip + bias` (the residual stream) and
    `output = RMSNorm(input_skip_bias_sum) * gamma`.
  }];
  let inputs = (ins AnyTensor:$input, AnyTensor:$skip, AnyTensor:$gamma,
                    ONNX_OptTensor:$bias);
  let attrs = (ins ONNX_Float:$epsilon);
  let results = (outs AnyTensor:$output, ONNX_OptResult:$mean,
                      ONNX_OptResult:$inv_std_var,
                      ONNX_OptResult:$input_skip_bias_sum);
}

def ONNX_MSEmbedLayerNormalizationOp
    : ONNX_MSOp<"EmbedLayerNormalization"> {
  let summary = "token, position and segment embeddings followed by LayerNorm";
  let description = [{
    `embedding_sum = word_embedding[input_ids] + position_embedding[positions]
    (+ segment_embedding[segment_ids])` and `output = LayerNorm(embedding_sum)
    * gamma + beta`. `mask_index` summarises `mask` for fused attention.
  }];
  let inputs = (ins AnyTensor:$input_ids, ONNX_OptTensor:$segment_ids,
                    AnyTensor:$word_embedding, AnyTensor:$position_embedding,
                    ONNX_OptTensor:$segment_embedding, AnyTensor:$gamma,
                    ONNX_OptTensor:$beta, ONNX_OptTensor:$mask,
                    ONNX_OptTensor:$position_ids);
  let attrs = (ins ONNX_Float:$epsilon, ONNX_Int:$mask_index_type);
  let results = (outs AnyTensor:$output, ONNX_OptResult:$mask_index,
                      ONNX_OptResult:$embedding_sum);
}

def ONNX_MSFastGeluOp : ONNX_MSOp<"FastGelu"> {
  let summary = "tanh-approximated GELU with an optional bias";
  let description = [{
    `Y = gelu_tanh(X + bias)`: GPT-2's `gelu_new` with the MLP's first bias.
  }];
  let inputs = (ins AnyTensor:$X, ONNX_OptTensor:$bias);
  let results = (outs AnyTensor:$Y);
}

def ONNX_MSBiasGeluOp : ONNX_MSOp<"BiasGelu"> {
  let summary = "exact GELU of a biased input";
  let description = "`C = gelu(A + B)`, B being a bias vector.";
  let inputs = (ins AnyTensor:$A, AnyTensor:$B);
  let results = (outs AnyTensor:$C);
}

def ONNX_MSGeluOp : ONNX_MSOp<"Gelu"> {
  let summary = "exact GELU";
  let description = "`Y = 0.5 X (1 + erf(X / sqrt(2)))`.";
  let inputs = (ins AnyTensor:$X);
  let results = (outs AnyTensor:$Y);
}

def ONNX_MSQuickGeluOp : ONNX_MSOp<"QuickGelu"> {
  let summary = "sigmoid-approximated GELU";
  let description = "`Y = X * sigmoid(alpha * X)` (alpha 1.702 by default).";
  let inputs = (ins AnyTensor:$X);
  let attrs = (ins ONNX_Float:$alpha);
  let results = (outs AnyTensor:$Y);
}

def ONNX_MSFusedMatMulOp : ONNX_MSOp<"FusedMatMul"> {
  let summary = "MatMul with transposes and a scale folded in";
  let description = [{
    `Y = alpha * op(A) @ op(B)` with `transA`/`transB` (and their batch
    variants) transposing: onnxruntime folds a Transpose and a scaling into
    attention's `Q Kᵀ` this way.
  }];
  let inputs = (ins AnyTensor:$A, AnyTensor:$B);
  let attrs = (ins ONNX_Float:$alpha, ONNX_Int:$transA, ONNX_Int:$transB,
                   ONNX_Int:$transBatchA, ONNX_Int:$transBatchB);
  let results = (outs AnyTensor:$Y);
}

def ONNX_MSMatMulNBitsOp : ONNX_MSOp<"MatMulNBits"> {
  let summary = "MatMul with a block-quantized N-bit weight";
  let description = [{
    `Y = A @ dequantize(B)`: `B` holds a `K` x `N` weight quantized to
    `bits` (4 by default) in blocks of `block_size` along K, with `scales`,
    optional `zero_points`, group indices and `bias`. What int4 exports
    (GPTQ/AWQ/RTN through onnxruntime's quantizer or the genai builder) use
    for every linear layer.
  }];
  let inputs = (ins AnyTensor:$A, AnyTensor:$B, AnyTensor:$scales,
                    ONNX_OptTensor:$zero_points, ONNX_OptTensor:$g_idx,
                    ONNX_OptTensor:$bias);
  let attrs = (ins I64Attr:$K, I64Attr:$N, ONNX_Int:$accuracy_level,
                   ONNX_Int:$bits, I64Attr:$block_size);
  let results = (outs AnyTensor:$Y);
  let hasVerifier = 1;
}

def ONNX_MSMoEOp : ONNX_MSOp<"MoE"> {
  let summary = "mixture of experts with the experts' weights stacked";
  let description = [{
    Routes each token of `input` to its top `k` experts by `router_probs`
    (`[tokens, experts]`) and sums their outputs. Expert weights are stacked
    `[experts, ...]`: `fc1` (gate, or gate and up fused per `swiglu_fusion`),
    `fc2` (down) and optional `fc3` (up).
  }];
  let inputs = (ins AnyTensor:$input, AnyTensor:$router_probs,
                    AnyTensor:$fc1_experts_weights,
                    ONNX_OptTensor:$fc1_experts_bias,
                    AnyTensor:$fc2_experts_weights,
                    ONNX_OptTensor:$fc2_experts_bias,
                    ONNX_OptTensor:$fc3_experts_weights,
                    ONNX_OptTensor:$fc3_experts_bias);
  let attrs = (ins ONNX_Float:$activation_alpha, ONNX_Float:$activation_beta,
                   ONNX_String:$activation_type, ONNX_Int:$k,
                   ONNX_Int:$normalize_routing_weights,
                   ONNX_Int:$swiglu_fusion, ONNX_Float:$swiglu_limit,
                   ONNX_Int:$use_sparse_mixer);
  let results = (outs AnyTensor:$output);
}

#endif // DUPLEX_DIALECT_ONNX_IR_ONNXMICROSOFTOPS_TD
