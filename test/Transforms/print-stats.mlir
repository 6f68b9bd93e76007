// RUN: duplex-opt %s --llm-print-stats -o /dev/null 2>&1 | FileCheck %s
// RUN: duplex-opt %s --llm-print-stats=json=true -o /dev/null 2>&1 | FileCheck %s --check-prefix=JSON
// RUN: duplex-opt %s --llm-print-stats | FileCheck %s --check-prefix=IR

// A hand-written model: 2 x (4 layers repeated 3 times) checks that nested
// counts multiply. Per layer: q,k,v,o 4 * 16*16 = 1,024 and an MLP
// 2*16*32 = 1,024 (plain, no bias). 6 layers -> 12,288; embedding 100*16 =
// 1,600; tied head 0. Total 13,888 parameters, int8 weights = 13,888 B.
// KV: 6 layers * 2 * 4 heads * 4 * 1 B (fp8) = 192 B per token.

// CHECK: Model nested
// CHECK: decoder layers {{ *}}6 (0 MoE)
// CHECK: parameters {{ *}}13,888
// CHECK: weight bytes {{ *}}13,888
// CHECK: KV-cache bytes/token {{ *}}192

// JSON: "kv_cache_bytes_per_token": 192,
// JSON: "layers": 6,
// JSON: "parameters": 13888,

// IR: llm.model @nested
llm.model @nested activation(f16) {
  %e = llm.token_embedding vocab(100) weights(int8) : !llm.act<16>
  %outer = llm.repeat 2 (%x = %e) : !llm.act<16> {
    %inner = llm.repeat 3 (%y = %x) : !llm.act<16> {
      %q = llm.linear query %y weights(int8) : !llm.act<16> -> !llm.act<16>
      %k = llm.linear key %y weights(int8) : !llm.act<16> -> !llm.act<16>
      %v = llm.linear value %y weights(int8) : !llm.act<16> -> !llm.act<16>
      %a = llm.attention %q, %k, %v heads(4) kv_heads(4) head_dim(4) kv_cache(fp8) {causal} : !llm.act<16>, !llm.act<16>, !llm.act<16> -> !llm.act<16>
      %o = llm.linear output %a weights(int8) : !llm.act<16> -> !llm.act<16>
      %m = llm.mlp relu %o intermediate(32) weights(int8) : !llm.act<16>
      llm.yield %m : !llm.act<16>
    }
    llm.yield %inner : !llm.act<16>
  }
  %l = llm.lm_head %outer weights(int8) {tied} : !llm.act<16> -> !llm.act<100>
  llm.output %l : !llm.act<100>
}
