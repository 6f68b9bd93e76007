// RUN: duplex-opt %s -split-input-file -verify-diagnostics --dx-opb-analysis="stage=decode=4@100" | FileCheck %s

// One MHA layer of width 16 (4 heads of 4), 4 decode requests at context
// 100, f16. Q projection: 2*4*16*16 = 2,048 FLOPs; bytes 16*16*2 weights +
// 4*(16+16)*2 activations = 768 -> 2.67. Decode attention: 4*4*4*4*100 =
// 25,600 FLOPs; KV 4*100*2*16*2 = 25,600 B + Q/O 4*2*16*2 = 256 B ->
// 0.99 (MHA: group size 1).

// CHECK: module attributes {dx.stage = #dx.stage<"decode=4@100">}
// CHECK: llm.linear query {{.*}}dx.work = [#dx.work<"whole", flops = 2048.0, bytes = 768.0, opb = 2.6666666666666665>]
// CHECK: llm.attention {{.*}}dx.work = [#dx.work<"decode", flops = 25600.0, bytes = 25856.0, opb = 0.9900990099009901>]
llm.model @one_layer activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<16>
  %r = llm.repeat 1 (%x = %e) : !llm.act<16> {
    %q = llm.linear query %x weights(f16) : !llm.act<16> -> !llm.act<16>
    %a = llm.attention %q, %q, %q heads(4) kv_heads(4) head_dim(4) kv_cache(f16) {causal} : !llm.act<16>, !llm.act<16>, !llm.act<16> -> !llm.act<16>
    llm.yield %a : !llm.act<16>
  }
  %l = llm.lm_head %r weights(f16) : !llm.act<16> -> !llm.act<10>
  llm.output %l : !llm.act<10>
}

// -----

// expected-error @+1 {{expected exactly one 'llm.model', found 0}}
module {}
