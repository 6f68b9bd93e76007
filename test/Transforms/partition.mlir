// RUN: duplex-opt %s --dx-partition="system=duplex stage=decode=8@128" | FileCheck %s
// RUN: duplex-opt %s --dx-partition="system=duplex stage=decode=8@128 print-ridge-points=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=RIDGE

// The pass attaches the target, the stage and every op's work and unit.
// CHECK: module attributes {dx.stage = #dx.stage<"decode=8@128">, dx.target = #dx.system<"duplex", devices = 1, nodes = 1, units = [#dx.unit<"xpu", kind = "xpu", memory = "hbm", tflops = 989.4, {{.*}}>, #dx.unit<"logic_pim", kind = "logic_pim", memory = "hbm", tflops = 106.496, {{.*}}>]>}
// CHECK: llm.attention {{.*}}dx.placement = [#dx.placement<"decode" on "logic_pim">], dx.work = [#dx.work<"decode"
// CHECK-NOT: dx.transfer
// At the calibrated rates: 106.5 TFLOPS / (0.9 x 3.35 TB/s) = 35.32 FLOP/B.
// RIDGE: ridge point xpu / logic_pim: 35.32 FLOP/B (logic_pim faster below, xpu above)
llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(100) weights(f16) : !llm.act<512>
  %q = llm.linear query %e weights(f16) : !llm.act<512> -> !llm.act<512>
  %k = llm.linear key %e weights(f16) : !llm.act<512> -> !llm.act<128>
  %a = llm.attention %q, %k, %k heads(8) kv_heads(2) head_dim(64) kv_cache(f16) {causal} : !llm.act<512>, !llm.act<128>, !llm.act<128> -> !llm.act<512>
  %l = llm.lm_head %a weights(f16) : !llm.act<512> -> !llm.act<100>
  llm.output %l : !llm.act<100>
}
