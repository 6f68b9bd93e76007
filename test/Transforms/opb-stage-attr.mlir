// RUN: duplex-opt %s --dx-opb-analysis | FileCheck %s

// Without a stage option the pass reads the module's dx.stage: 3 prefill
// tokens + 2 decode requests = 5 tokens through a 16x16 projection:
// 2*5*16*16 = 2,560 FLOPs.
// CHECK: llm.linear query {{.*}}#dx.work<"whole", flops = 2560.0
module attributes {dx.stage = #dx.stage<"prefill=1@3,decode=2@7">} {
  llm.model @m activation(f16) {
    %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<16>
    %q = llm.linear query %e weights(f16) : !llm.act<16> -> !llm.act<16>
    llm.output %q : !llm.act<16>
  }
}
