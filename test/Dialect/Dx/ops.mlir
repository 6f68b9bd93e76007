// RUN: duplex-opt %s | duplex-opt | FileCheck %s
// RUN: duplex-opt %s --mlir-print-op-generic | duplex-opt | FileCheck %s

// Every dx attribute and op, as the partitioner attaches them.

// CHECK: module attributes {dx.stage = #dx.stage<"prefill=2@4096,decode=62@1024">, dx.target = #dx.system<"duplex", devices = 4, nodes = 1, units = [#dx.unit<"xpu", kind = "xpu", memory = "hbm", tflops = 989.4, tb_per_s = 3.35, ridge = 295.3432835820896>, #dx.unit<"logic_pim", kind = "logic_pim", memory = "hbm", tflops = 106.496, tb_per_s = 13.4, ridge = 7.947462686567164>]>}
module attributes {
  dx.stage = #dx.stage<"prefill=2@4096,decode=62@1024">,
  dx.target = #dx.system<"duplex", devices = 4, nodes = 1, units = [
    #dx.unit<"xpu", kind = "xpu", memory = "hbm", tflops = 989.4, tb_per_s = 3.35, ridge = 295.3432835820896>,
    #dx.unit<"logic_pim", kind = "logic_pim", memory = "hbm", tflops = 106.496, tb_per_s = 13.4, ridge = 7.947462686567164>]>
} {
  llm.model @m activation(f16) {
    %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<64>
    // CHECK: %[[T:.*]] = dx.transfer %{{.*}} from "gpu" to "dimm_pim" over "pcie" {bytes = 1.024000e+03 : f64, seconds = 5.000000e-01 : f64} : !llm.act<64>
    %t = dx.transfer %e from "gpu" to "dimm_pim" over "pcie" {bytes = 1024.0, seconds = 0.5} : !llm.act<64>
    // CHECK: llm.attention %[[T]], %[[T]], %[[T]] {{.*}} {causal, dx.placement = [#dx.placement<"prefill" on "xpu">, #dx.placement<"decode" on "logic_pim">], dx.work = [#dx.work<"prefill", flops = 1.5e+09, bytes = 32.5, opb = 4.6e+07>, #dx.work<"decode", flops = 8.0, bytes = 2.0, opb = 4.0>]}
    %a = llm.attention %t, %t, %t heads(4) kv_heads(4) head_dim(16) kv_cache(f16) {causal, dx.placement = [#dx.placement<"prefill" on "xpu">, #dx.placement<"decode" on "logic_pim">], dx.work = [#dx.work<"prefill", flops = 1.5e9, bytes = 32.5, opb = 4.6e7>, #dx.work<"decode", flops = 8.0, bytes = 2.0, opb = 4.0>]} : !llm.act<64>, !llm.act<64>, !llm.act<64> -> !llm.act<64>
    llm.output %a : !llm.act<64>
  }
}
