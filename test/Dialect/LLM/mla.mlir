// RUN: duplex-opt %s | duplex-opt | FileCheck %s
// RUN: duplex-opt %s --mlir-print-op-generic | duplex-opt | FileCheck %s

// A DeepSeek-style layer in miniature: low-rank query, latent KV, the MLA
// core and group-limited fine-grained experts round-trip.
// CHECK-LABEL: llm.model @mini_deepseek
llm.model @mini_deepseek activation(bf16) {
  %e = llm.token_embedding vocab(1000) weights(bf16) : !llm.act<64>
  // CHECK: llm.repeat 2
  %out = llm.repeat 2 (%x = %e) : !llm.act<64> {
    %n = llm.rms_norm %x eps(1.0e-06) weights(bf16) : !llm.act<64>
    // CHECK: llm.linear query_down %{{.*}} weights(bf16) : !llm.act<64> -> !llm.act<32>
    %qa = llm.linear query_down %n weights(bf16) : !llm.act<64> -> !llm.act<32>
    %qn = llm.rms_norm %qa eps(1.0e-06) weights(bf16) : !llm.act<32>
    %q = llm.linear query %qn weights(bf16) : !llm.act<32> -> !llm.act<96>
    // CHECK: llm.linear kv_down %{{.*}} weights(bf16) : !llm.act<64> -> !llm.act<24>
    %kv = llm.linear kv_down %n weights(bf16) : !llm.act<64> -> !llm.act<24>
    // CHECK: llm.mla %{{.*}}, %{{.*}} heads(4) kv_lora(16) qk_nope(16) qk_rope(8) v_head(16) kv_cache(bf16) weights(bf16) {rope = #llm.rope<theta = 10000.0, rotary_dim = 8>} : !llm.act<96>, !llm.act<24> -> !llm.act<64>
    %a = llm.mla %q, %kv heads(4) kv_lora(16) qk_nope(16) qk_rope(8) v_head(16) kv_cache(bf16) weights(bf16) {rope = #llm.rope<theta = 10000.0, rotary_dim = 8>} : !llm.act<96>, !llm.act<24> -> !llm.act<64>
    %o = llm.linear output %a weights(bf16) : !llm.act<64> -> !llm.act<64>
    %r = llm.residual_add %x, %o : !llm.act<64>
    // CHECK: llm.moe silu %{{.*}} experts(16) top_k(4) intermediate(8) weights(bf16)
    // CHECK-SAME: num_groups = 4 : i64
    // CHECK-SAME: top_k_groups = 2 : i64
    %m = llm.moe silu %r experts(16) top_k(4) intermediate(8) weights(bf16) {gated, num_groups = 4, top_k_groups = 2} : !llm.act<64>
    %r2 = llm.residual_add %r, %m : !llm.act<64>
    llm.yield %r2 : !llm.act<64>
  }
  %logits = llm.lm_head %out weights(bf16) : !llm.act<64> -> !llm.act<1000>
  llm.output %logits : !llm.act<1000>
}
