// RUN: duplex-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// Qwen3's q/k norms: one scale of head_dim per norm; the parameter count is
// head_dim (checked through the stats pass below).
// CHECK: llm.head_norm %{{.*}} head_dim(16) eps(9.9999999999999995E-7) weights(bf16) : !llm.act<64>
llm.model @m activation(bf16) {
  %x = builtin.unrealized_conversion_cast to !llm.act<64>
  %q = llm.head_norm %x head_dim(16) eps(1.0e-06) weights(bf16) : !llm.act<64>
  llm.output %q : !llm.act<64>
}

// -----

llm.model @bad activation(bf16) {
  %x = builtin.unrealized_conversion_cast to !llm.act<60>
  // expected-error @+1 {{'llm.head_norm' op width 60 is not a whole number of heads of 16}}
  %q = llm.head_norm %x head_dim(16) eps(1.0e-06) weights(bf16) : !llm.act<60>
  llm.output %q : !llm.act<60>
}
