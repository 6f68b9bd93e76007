// RUN: duplex-opt %s | duplex-opt | FileCheck %s
// RUN: duplex-opt %s --mlir-print-op-generic | duplex-opt | FileCheck %s
// RUN: duplex-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// Every llm op, attribute and type in one model: a GPT-2-style prefix
// (learned positions, LayerNorm, plain MLP), then a repeated (dense, MoE)
// pair of Llama-style layers (RMSNorm, rotary GQA, gated MLP, MoE with a
// shared expert), then a tied LM head.

// CHECK-LABEL: llm.model @everything activation(bf16)
// CHECK-SAME:    max_position_embeddings = 4096 : i64
// GENERIC:       "llm.model"() <{activation_dtype = 2 : i32
llm.model @everything activation(bf16) attributes {max_position_embeddings = 4096, source = "ops.mlir"} {
  // CHECK: %[[E:.*]] = llm.token_embedding vocab(1000) weights(bf16) : !llm.act<64>
  %e = llm.token_embedding vocab(1000) weights(bf16) : !llm.act<64>
  // CHECK: llm.position_embedding %[[E]] positions(4096) weights(f32) : !llm.act<64>
  %p = llm.position_embedding %e positions(4096) weights(f32) : !llm.act<64>
  // CHECK: llm.layer_norm %{{.*}} eps(1.000000e-05) weights(bf16) {bias} : !llm.act<64>
  %ln = llm.layer_norm %p eps(1.0e-05) weights(bf16) {bias} : !llm.act<64>
  // CHECK: llm.linear projection %{{.*}} weights(int8) : !llm.act<64> -> !llm.act<64>
  %proj = llm.linear projection %ln weights(int8) : !llm.act<64> -> !llm.act<64>
  // CHECK: llm.mlp gelu_tanh %{{.*}} intermediate(256) weights(fp8) {bias} : !llm.act<64>
  %plain = llm.mlp gelu_tanh %proj intermediate(256) weights(fp8) {bias} : !llm.act<64>
  // CHECK: %[[R:.*]] = llm.repeat 3 (%[[X:.*]] = %{{.*}}) : !llm.act<64> {
  %out = llm.repeat 3 (%x = %plain) : !llm.act<64> {
    // CHECK: llm.rms_norm %[[X]] eps({{.*}}E-7) weights(bf16) : !llm.act<64>
    %n = llm.rms_norm %x eps(1.0e-06) weights(bf16) : !llm.act<64>
    // CHECK: llm.linear query %{{.*}} weights(int4) {bias} : !llm.act<64> -> !llm.act<64>
    %q = llm.linear query %n weights(int4) {bias} : !llm.act<64> -> !llm.act<64>
    // CHECK: llm.linear key %{{.*}} weights(f16) : !llm.act<64> -> !llm.act<16>
    %k = llm.linear key %n weights(f16) : !llm.act<64> -> !llm.act<16>
    // CHECK: llm.linear value %{{.*}} weights(f16) : !llm.act<64> -> !llm.act<16>
    %v = llm.linear value %n weights(f16) : !llm.act<64> -> !llm.act<16>
    // CHECK: llm.attention %{{.*}}, %{{.*}}, %{{.*}} heads(4) kv_heads(1) head_dim(16) kv_cache(fp8)
    // CHECK-SAME: causal
    // CHECK-SAME: rope = #llm.rope<theta = 5.0e+05, rotary_dim = 8, style = interleaved, scaling = 8.0>
    // CHECK-SAME: sliding_window = 4096 : i64
    // CHECK-SAME: : !llm.act<64>, !llm.act<16>, !llm.act<16> -> !llm.act<64>
    %a = llm.attention %q, %k, %v heads(4) kv_heads(1) head_dim(16) kv_cache(fp8) {causal, rope = #llm.rope<theta = 500000.0, rotary_dim = 8, style = interleaved, scaling = 8.0>, sliding_window = 4096} : !llm.act<64>, !llm.act<16>, !llm.act<16> -> !llm.act<64>
    // CHECK: llm.linear output %{{.*}} weights(bf16) : !llm.act<64> -> !llm.act<64>
    %o = llm.linear output %a weights(bf16) : !llm.act<64> -> !llm.act<64>
    // CHECK: llm.residual_add %[[X]], %{{.*}} : !llm.act<64>
    %r = llm.residual_add %x, %o : !llm.act<64>
    // CHECK: llm.mlp silu %{{.*}} intermediate(128) weights(bf16) {gated} : !llm.act<64>
    %m = llm.mlp silu %r intermediate(128) weights(bf16) {gated} : !llm.act<64>
    %r2 = llm.residual_add %r, %m : !llm.act<64>
    // Second layer of the period: fused QKV, default rope, MoE.
    // CHECK: llm.linear qkv %{{.*}} weights(bf16) : !llm.act<64> -> !llm.act<192>
    %qkv = llm.linear qkv %r2 weights(bf16) : !llm.act<64> -> !llm.act<192>
    // CHECK: llm.attention {{.*}} heads(4) kv_heads(4) head_dim(16) kv_cache(bf16) {rope = #llm.rope<theta = 10000.0>}
    %a2 = llm.attention %r2, %r2, %r2 heads(4) kv_heads(4) head_dim(16) kv_cache(bf16) {rope = #llm.rope<theta = 10000.0>} : !llm.act<64>, !llm.act<64>, !llm.act<64> -> !llm.act<64>
    // CHECK: llm.moe silu %{{.*}} experts(8) top_k(2) intermediate(32) weights(bf16)
    // CHECK-SAME: gated
    // CHECK-SAME: num_shared_experts = 1 : i64
    // CHECK-SAME: router_bias
    // CHECK-SAME: shared_expert_gate
    // CHECK-SAME: shared_intermediate_size = 64 : i64
    %moe = llm.moe silu %a2 experts(8) top_k(2) intermediate(32) weights(bf16) {gated, router_bias, num_shared_experts = 1, shared_intermediate_size = 64, shared_expert_gate} : !llm.act<64>
    %r3 = llm.residual_add %r2, %moe : !llm.act<64>
    // CHECK: llm.yield %{{.*}} : !llm.act<64>
    llm.yield %r3 : !llm.act<64>
  }
  // CHECK: llm.lm_head %[[R]] weights(bf16) {tied} : !llm.act<64> -> !llm.act<1000>
  %logits = llm.lm_head %out weights(bf16) {tied} : !llm.act<64> -> !llm.act<1000>
  // CHECK: llm.output %{{.*}} : !llm.act<1000>
  llm.output %logits : !llm.act<1000>
}
