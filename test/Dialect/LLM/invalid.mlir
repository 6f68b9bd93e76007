// RUN: duplex-opt %s -split-input-file -verify-diagnostics

// A model with 30 query heads cannot share 4 KV heads evenly.
llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<120>
  // expected-error @+1 {{'llm.attention' op num_heads (30) must be a multiple of num_kv_heads (4)}}
  %a = llm.attention %e, %e, %e heads(30) kv_heads(4) head_dim(4) kv_cache(f16) : !llm.act<120>, !llm.act<120>, !llm.act<120> -> !llm.act<120>
  llm.output %a : !llm.act<120>
}

// -----

llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<64>
  // expected-error @+1 {{query width (64) must equal num_heads * head_dim (4 * 8)}}
  %a = llm.attention %e, %e, %e heads(4) kv_heads(4) head_dim(8) kv_cache(f16) : !llm.act<64>, !llm.act<64>, !llm.act<64> -> !llm.act<64>
  llm.output %a : !llm.act<64>
}

// -----

llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<64>
  // expected-error @+1 {{key/value width (64) must equal num_kv_heads * head_dim (2 * 16)}}
  %a = llm.attention %e, %e, %e heads(4) kv_heads(2) head_dim(16) kv_cache(f16) : !llm.act<64>, !llm.act<64>, !llm.act<64> -> !llm.act<64>
  llm.output %a : !llm.act<64>
}

// -----

llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<64>
  %kv = llm.linear key %e weights(f16) : !llm.act<64> -> !llm.act<32>
  // expected-error @+1 {{result width (32) must equal the query width (64)}}
  %a = llm.attention %e, %kv, %kv heads(4) kv_heads(2) head_dim(16) kv_cache(f16) : !llm.act<64>, !llm.act<32>, !llm.act<32> -> !llm.act<32>
  llm.output %a : !llm.act<32>
}

// -----

llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<64>
  // expected-error @+1 {{rope rotary_dim (32) must not exceed head_dim (16)}}
  %a = llm.attention %e, %e, %e heads(4) kv_heads(4) head_dim(16) kv_cache(f16) {rope = #llm.rope<theta = 10000.0, rotary_dim = 32>} : !llm.act<64>, !llm.act<64>, !llm.act<64> -> !llm.act<64>
  llm.output %a : !llm.act<64>
}

// -----

llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<64>
  // expected-error @+1 {{'#llm.rope' rotary_dim (7) must be even and non-negative}}
  %a = llm.attention %e, %e, %e heads(4) kv_heads(4) head_dim(16) kv_cache(f16) {rope = #llm.rope<theta = 10000.0, rotary_dim = 7>} : !llm.act<64>, !llm.act<64>, !llm.act<64> -> !llm.act<64>
  llm.output %a : !llm.act<64>
}

// -----

llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<64>
  // expected-error @+1 {{'#llm.rope' theta must be a positive number}}
  %a = llm.attention %e, %e, %e heads(4) kv_heads(4) head_dim(16) kv_cache(f16) {rope = #llm.rope<theta = -1.0>} : !llm.act<64>, !llm.act<64>, !llm.act<64> -> !llm.act<64>
  llm.output %a : !llm.act<64>
}

// -----

llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<64>
  // expected-error @+1 {{'llm.attention' op attribute 'num_kv_heads' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %a = llm.attention %e, %e, %e heads(4) kv_heads(0) head_dim(16) kv_cache(f16) : !llm.act<64>, !llm.act<64>, !llm.act<64> -> !llm.act<64>
  llm.output %a : !llm.act<64>
}

// -----

llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<64>
  // expected-error @+1 {{'llm.moe' op top_k (3) must not exceed num_experts (2)}}
  %m = llm.moe silu %e experts(2) top_k(3) intermediate(32) weights(f16) : !llm.act<64>
  llm.output %m : !llm.act<64>
}

// -----

llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<64>
  // expected-error @+1 {{'llm.moe' op num_shared_experts (2) requires shared_intermediate_size}}
  %m = llm.moe silu %e experts(4) top_k(1) intermediate(32) weights(f16) {num_shared_experts = 2} : !llm.act<64>
  llm.output %m : !llm.act<64>
}

// -----

llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<64>
  // expected-error @+1 {{'llm.moe' op shared_expert_gate requires num_shared_experts > 0}}
  %m = llm.moe silu %e experts(4) top_k(1) intermediate(32) weights(f16) {shared_expert_gate} : !llm.act<64>
  llm.output %m : !llm.act<64>
}

// -----

llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<64>
  // expected-error @+1 {{'llm.repeat' op body must hold at least one decoder layer ('llm.attention' or 'llm.mla')}}
  %r = llm.repeat 4 (%x = %e) : !llm.act<64> {
    %n = llm.rms_norm %x eps(1.0e-05) weights(f16) : !llm.act<64>
    llm.yield %n : !llm.act<64>
  }
  llm.output %r : !llm.act<64>
}

// -----

llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<64>
  // expected-error @+1 {{repeat count must be positive, got 0}}
  %r = llm.repeat 0 (%x = %e) : !llm.act<64> {
    llm.yield %x : !llm.act<64>
  }
  llm.output %r : !llm.act<64>
}

// -----

llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<64>
  // expected-error @+1 {{'llm.repeat' op yielded type '!llm.act<32>' must match the result type '!llm.act<64>'}}
  %r = llm.repeat 2 (%x = %e) : !llm.act<64> {
    %q = llm.attention %x, %x, %x heads(4) kv_heads(4) head_dim(16) kv_cache(f16) : !llm.act<64>, !llm.act<64>, !llm.act<64> -> !llm.act<64>
    %w = llm.linear output %q weights(f16) : !llm.act<64> -> !llm.act<32>
    llm.yield %w : !llm.act<32>
  }
  llm.output %r : !llm.act<64>
}

// -----

// expected-error @+1 {{'llm.model' op body must end with 'llm.output'}}
llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<64>
}

// -----

llm.model @m activation(f16) {
  // expected-error @+1 {{'!llm.act' width must be positive, got 0}}
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<0>
  llm.output %e : !llm.act<0>
}

// -----

llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<64>
  // expected-error @+1 {{'llm.residual_add' op requires the same type for all operands and results}}
  %r = "llm.residual_add"(%e, %e) : (!llm.act<64>, !llm.act<64>) -> !llm.act<32>
  llm.output %r : !llm.act<32>
}

// -----

llm.model @m activation(f16) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'weight_dtype' [f32, f16, bf16, fp8, int8, int4, mxfp4, nvfp4]}}
  %e = llm.token_embedding vocab(10) weights(f64) : !llm.act<64>
  llm.output %e : !llm.act<64>
}

// -----

// MLA: the query carries num_heads * (qk_nope + qk_rope) elements.
llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<64>
  %kv = llm.linear kv_down %e weights(f16) : !llm.act<64> -> !llm.act<24>
  // expected-error @+1 {{'llm.mla' op query width (64) must equal num_heads * (qk_nope_head_dim + qk_rope_head_dim) (4 * 24)}}
  %a = llm.mla %e, %kv heads(4) kv_lora(16) qk_nope(16) qk_rope(8) v_head(16) kv_cache(f16) weights(f16) : !llm.act<64>, !llm.act<24> -> !llm.act<64>
  llm.output %a : !llm.act<64>
}

// -----

// MLA: the latent is kv_lora_rank + qk_rope_head_dim wide.
llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<96>
  // expected-error @+1 {{'llm.mla' op latent width (96) must equal kv_lora_rank + qk_rope_head_dim (16 + 8)}}
  %a = llm.mla %e, %e heads(4) kv_lora(16) qk_nope(16) qk_rope(8) v_head(16) kv_cache(f16) weights(f16) : !llm.act<96>, !llm.act<96> -> !llm.act<64>
  llm.output %a : !llm.act<64>
}

// -----

// MLA: a latent of rank 0 is no cache at all.
llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<96>
  %kv = llm.linear kv_down %e weights(f16) : !llm.act<96> -> !llm.act<8>
  // expected-error @+1 {{'llm.mla' op attribute 'kv_lora_rank' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %a = llm.mla %e, %kv heads(4) kv_lora(0) qk_nope(16) qk_rope(8) v_head(16) kv_cache(f16) weights(f16) : !llm.act<96>, !llm.act<8> -> !llm.act<64>
  llm.output %a : !llm.act<64>
}

// -----

// MLA: the rotary embedding covers the rotary key, nothing else.
llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<96>
  %kv = llm.linear kv_down %e weights(f16) : !llm.act<96> -> !llm.act<24>
  // expected-error @+1 {{'llm.mla' op rope rotary_dim (16) must be 0 or qk_rope_head_dim (8)}}
  %a = llm.mla %e, %kv heads(4) kv_lora(16) qk_nope(16) qk_rope(8) v_head(16) kv_cache(f16) weights(f16) {rope = #llm.rope<theta = 10000.0, rotary_dim = 16>} : !llm.act<96>, !llm.act<24> -> !llm.act<64>
  llm.output %a : !llm.act<64>
}

// -----

// Group-limited routing: the groups split the experts evenly.
llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<64>
  // expected-error @+1 {{'llm.moe' op num_experts (16) must be a multiple of num_groups (3)}}
  %m = llm.moe silu %e experts(16) top_k(2) intermediate(8) weights(f16) {num_groups = 3, top_k_groups = 1} : !llm.act<64>
  llm.output %m : !llm.act<64>
}

// -----

// Group-limited routing: top_k experts must fit in the groups a token picks.
llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<64>
  // expected-error @+1 {{'llm.moe' op top_k (8) exceeds the 4 experts of top_k_groups (1) groups}}
  %m = llm.moe silu %e experts(16) top_k(8) intermediate(8) weights(f16) {num_groups = 4, top_k_groups = 1} : !llm.act<64>
  llm.output %m : !llm.act<64>
}

// -----

llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<64>
  // expected-error @+1 {{'llm.moe' op num_groups and top_k_groups go together (group-limited routing)}}
  %m = llm.moe silu %e experts(16) top_k(2) intermediate(8) weights(f16) {num_groups = 4} : !llm.act<64>
  llm.output %m : !llm.act<64>
}
