// RUN: duplex-opt %s -split-input-file -verify-diagnostics --dx-schedule="system=dgx-a100-dimm-pim stage=decode=4@64 mode=l3"

// L3's sub-batch interleaving models dense decoders.
// expected-error @+1 {{L3 sub-batch interleaving (mode l3) models dense decoders; model 'moe' has MoE layers}}
module {
  llm.model @moe activation(f16) {
    %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<64>
    %r = llm.repeat 2 (%x = %e) : !llm.act<64> {
      %a = llm.attention %x, %x, %x heads(4) kv_heads(4) head_dim(16) kv_cache(f16) {causal} : !llm.act<64>, !llm.act<64>, !llm.act<64> -> !llm.act<64>
      %m = llm.moe silu %a experts(4) top_k(2) intermediate(32) weights(f16) {gated} : !llm.act<64>
      llm.yield %m : !llm.act<64>
    }
    %l = llm.lm_head %r weights(f16) : !llm.act<64> -> !llm.act<10>
    llm.output %l : !llm.act<10>
  }
}

// -----

// expected-error @+1 {{expected exactly one 'llm.model', found 0}}
module {}
