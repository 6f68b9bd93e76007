// RUN: duplex-opt %s -split-input-file -verify-diagnostics

onnx.graph @g() -> () {
  // expected-error @+1 {{weight 'w' of type 'tensor<4x4xf32>' takes 64 bytes, not 60}}
  %w = onnx.weight "w" bytes(60) : tensor<4x4xf32>
  onnx.return
}

// -----

onnx.graph @g() -> () {
  // expected-error @+1 {{weight 'w' must have a static shape, got 'tensor<?x4xf32>'}}
  %w = onnx.weight "w" bytes(0) : tensor<?x4xf32>
  onnx.return
}

// -----

onnx.graph @g() -> () {
  // expected-error @+1 {{weight 'w' with an external location needs offset and length}}
  %w = "onnx.weight"() <{name = "w", byte_size = 64 : i64, location = "w.bin"}> : () -> tensor<4x4xf32>
  onnx.return
}

// -----

onnx.graph @g() -> () {
  // expected-error @+1 {{failed to verify that all of {value, result} have same type}}
  %c = "onnx.constant"() <{value = dense<1> : tensor<2xi64>}> : () -> tensor<2xi32>
  onnx.return
}

// -----

onnx.graph @g(%x: tensor<4x4xf32>) -> (tensor<4x4xf32>) {
  // expected-error @+1 {{perm must be a permutation of 0..1}}
  %y = onnx.Transpose %x {perm = array<i64: 0, 0>} : (tensor<4x4xf32>) -> tensor<4x4xf32>
  onnx.return %y : tensor<4x4xf32>
}

// -----

onnx.graph @g(%x: tensor<2x3x4xf32>) -> (tensor<*xf32>) {
  // expected-error @+1 {{perm has 2 entries but the input has rank 3}}
  %y = onnx.Transpose %x {perm = array<i64: 1, 0>} : (tensor<2x3x4xf32>) -> tensor<*xf32>
  onnx.return %y : tensor<*xf32>
}

// -----

onnx.graph @g(%q: tensor<?x?x64xf16>, %lens: tensor<?xi32>, %total: tensor<i32>) -> (tensor<?x?x64xf16>) {
  %none = onnx.none
  // expected-error @+1 {{num_heads (6) must be a multiple of kv_num_heads (4)}}
  %out, %pk, %pv, %qk = onnx.ms.GroupQueryAttention %q, %none, %none, %none, %none, %lens, %total, %none, %none, %none, %none, %none, %none, %none, %none, %none {num_heads = 6 : i64, kv_num_heads = 4 : i64} : (tensor<?x?x64xf16>, none, none, none, none, tensor<?xi32>, tensor<i32>, none, none, none, none, none, none, none, none, none) -> (tensor<?x?x64xf16>, none, none, none)
  onnx.return %out : tensor<?x?x64xf16>
}

// -----

onnx.graph @g(%q: tensor<?x?x64xf16>, %lens: tensor<?xi32>, %total: tensor<i32>) -> (tensor<?x?x64xf16>) {
  %none = onnx.none
  // expected-error @+1 {{num_heads (0) and kv_num_heads (4) must be positive}}
  %out, %pk, %pv, %qk = onnx.ms.GroupQueryAttention %q, %none, %none, %none, %none, %lens, %total, %none, %none, %none, %none, %none, %none, %none, %none, %none {num_heads = 0 : i64, kv_num_heads = 4 : i64} : (tensor<?x?x64xf16>, none, none, none, none, tensor<?xi32>, tensor<i32>, none, none, none, none, none, none, none, none, none) -> (tensor<?x?x64xf16>, none, none, none)
  onnx.return %out : tensor<?x?x64xf16>
}

// -----

onnx.graph @g(%a: tensor<?x64xf32>, %b: tensor<32x2x16xui8>, %s: tensor<64xf32>) -> (tensor<?x32xf32>) {
  %none = onnx.none
  // expected-error @+1 {{bits (1) must be between 2 and 8}}
  %y = onnx.ms.MatMulNBits %a, %b, %s, %none, %none, %none {K = 64 : i64, N = 32 : i64, bits = 1 : i64, block_size = 32 : i64} : (tensor<?x64xf32>, tensor<32x2x16xui8>, tensor<64xf32>, none, none, none) -> tensor<?x32xf32>
  onnx.return %y : tensor<?x32xf32>
}

// -----

onnx.graph @g(%a: tensor<?x64xf32>, %b: tensor<32x2x16xui8>, %s: tensor<64xf32>) -> (tensor<?x32xf32>) {
  %none = onnx.none
  // expected-error @+1 {{K (0) and N (32) must be positive}}
  %y = onnx.ms.MatMulNBits %a, %b, %s, %none, %none, %none {K = 0 : i64, N = 32 : i64, block_size = 32 : i64} : (tensor<?x64xf32>, tensor<32x2x16xui8>, tensor<64xf32>, none, none, none) -> tensor<?x32xf32>
  onnx.return %y : tensor<?x32xf32>
}

// -----

onnx.graph @g(%a: tensor<?x64xf32>, %b: tensor<32x2x16xui8>, %s: tensor<64xf32>) -> (tensor<?x32xf32>) {
  %none = onnx.none
  // expected-error @+1 {{block_size (24) must be a power of two, at least 16}}
  %y = onnx.ms.MatMulNBits %a, %b, %s, %none, %none, %none {K = 64 : i64, N = 32 : i64, block_size = 24 : i64} : (tensor<?x64xf32>, tensor<32x2x16xui8>, tensor<64xf32>, none, none, none) -> tensor<?x32xf32>
  onnx.return %y : tensor<?x32xf32>
}

// -----

onnx.graph @g(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{returns 1 values but the graph has 2 outputs}}
  onnx.return %x : tensor<4xf32>
}

// -----

onnx.graph @g(%x: tensor<4xf32>) -> (tensor<4xf16>) {
  // expected-error @+1 {{output 0 has type 'tensor<4xf32>' but the graph declares 'tensor<4xf16>'}}
  onnx.return %x : tensor<4xf32>
}

// -----

onnx.graph @g(%x: tensor<4xf32>) -> (tensor<4xf32>) {
  // expected-error @+1 {{'onnx.Concat' op requires attribute 'axis'}}
  %y = "onnx.Concat"(%x, %x) : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
  onnx.return %x : tensor<4xf32>
}

// -----

onnx.graph @g(%x: tensor<4xf32>) -> (tensor<4xf32>) {
  %none = onnx.none
  // expected-error @+1 {{'onnx.Relu' op operand #0 must be tensor of any type values, but got 'none'}}
  %y = "onnx.Relu"(%none) : (none) -> tensor<4xf32>
  onnx.return %x : tensor<4xf32>
}
