// RUN: duplex-opt %s -verify-diagnostics --dx-partition="system=h100 stage=decode=64@1000000"

// KV per token: 1 layer * 2 * 64 heads * 128 * 2 B = 32 KiB; 64 requests
// at 1,000,000 tokens (+1) = 64,000,064 tokens -> 1953.13 GiB = 1.91 TiB.
// Weights: vocabulary 10 x 8192 x 2 B = 160 KiB (each size in the largest
// unit that keeps it at 1 or more: not "0.00 GiB").
// expected-error @+1 {{stage 'decode=64@1000000' does not fit: its KV cache needs 1.91 TiB per device but a device of 'h100' has 80.00 GiB left after 160.00 KiB of weights}}
llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<8192>
  %a = llm.attention %e, %e, %e heads(64) kv_heads(64) head_dim(128) kv_cache(f16) {causal} : !llm.act<8192>, !llm.act<8192>, !llm.act<8192> -> !llm.act<8192>
  llm.output %a : !llm.act<8192>
}
