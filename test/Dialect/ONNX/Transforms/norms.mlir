// RUN: duplex-opt %s --onnx-normalize=group=norms -split-input-file | FileCheck %s

// Hugging Face's LlamaRMSNorm in an fp16 model: upcast, Pow 2, ReduceMean,
// Add eps, Sqrt, Reciprocal, Mul, downcast, Mul by the weight.
// CHECK-LABEL: onnx.graph @rms_fp16
// CHECK-NEXT: %[[W:.*]] = onnx.weight
// CHECK-NEXT: %[[N:.*]] = onnx.RMSNormalization %arg0, %[[W]] {epsilon = 9.99999997E-7 : f32} : (tensor<2x48xf16>, tensor<48xf16>) -> tensor<2x48xf16>
// CHECK-NEXT: onnx.return %[[N]]
onnx.graph @rms_fp16(%x: tensor<2x48xf16>) -> tensor<2x48xf16> {
  %none = onnx.none
  %w = onnx.weight "norm.weight" bytes(96) : tensor<48xf16>
  %two = onnx.constant dense<2.000000e+00> : tensor<f32>
  %eps = onnx.constant dense<9.99999997E-7> : tensor<f32>
  %up = onnx.Cast %x {to = 1 : i64} : (tensor<2x48xf16>) -> tensor<2x48xf32>
  %sq = onnx.Pow %up, %two : (tensor<2x48xf32>, tensor<f32>) -> tensor<2x48xf32>
  %mean = onnx.ReduceMean %sq, %none {axes = array<i64: -1>, keepdims = 1 : i64} : (tensor<2x48xf32>, none) -> tensor<2x1xf32>
  %v = onnx.Add %mean, %eps : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %r = onnx.Sqrt %v : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %inv = onnx.Reciprocal %r : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %n = onnx.Mul %up, %inv : (tensor<2x48xf32>, tensor<2x1xf32>) -> tensor<2x48xf32>
  %down = onnx.Cast %n {to = 10 : i64} : (tensor<2x48xf32>) -> tensor<2x48xf16>
  %y = onnx.Mul %w, %down : (tensor<48xf16>, tensor<2x48xf16>) -> tensor<2x48xf16>
  onnx.return %y : tensor<2x48xf16>
}

// -----

// fp32 with the root as Div(1, Sqrt) (torch's rsqrt), the square as
// Mul(x, x), axes as an input (opset 18); x is also the residual stream.
// CHECK-LABEL: onnx.graph @rms_fp32
// CHECK: %[[N:.*]] = onnx.RMSNormalization %arg0, %{{.*}} {epsilon = 9.99999974E-6 : f32}
// CHECK-NEXT: %[[S:.*]] = onnx.Add %arg0, %[[N]]
onnx.graph @rms_fp32(%x: tensor<2x48xf32>) -> tensor<2x48xf32> {
  %none = onnx.none
  %w = onnx.weight "norm.weight" bytes(192) : tensor<48xf32>
  %axes = onnx.constant dense<-1> : tensor<1xi64>
  %one = onnx.constant dense<1.000000e+00> : tensor<f32>
  %eps = onnx.constant dense<9.99999974E-6> : tensor<f32>
  %sq = onnx.Mul %x, %x : (tensor<2x48xf32>, tensor<2x48xf32>) -> tensor<2x48xf32>
  %mean = onnx.ReduceMean %sq, %axes : (tensor<2x48xf32>, tensor<1xi64>) -> tensor<2x1xf32>
  %v = onnx.Add %eps, %mean : (tensor<f32>, tensor<2x1xf32>) -> tensor<2x1xf32>
  %r = onnx.Sqrt %v : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %inv = onnx.Div %one, %r : (tensor<f32>, tensor<2x1xf32>) -> tensor<2x1xf32>
  %n = onnx.Mul %x, %inv : (tensor<2x48xf32>, tensor<2x1xf32>) -> tensor<2x48xf32>
  %y = onnx.Mul %n, %w : (tensor<2x48xf32>, tensor<48xf32>) -> tensor<2x48xf32>
  %s = onnx.Add %x, %y : (tensor<2x48xf32>, tensor<2x48xf32>) -> tensor<2x48xf32>
  onnx.return %s : tensor<2x48xf32>
}

// -----

// x / sqrt(mean + eps) and x * pow(mean + eps, -0.5) are the same norm.
// CHECK-LABEL: onnx.graph @rms_div_pow
// CHECK-COUNT-2: onnx.RMSNormalization
// CHECK-NOT: onnx.ReduceMean
onnx.graph @rms_div_pow(%x: tensor<2x48xf32>) -> (tensor<2x48xf32>, tensor<2x48xf32>) {
  %none = onnx.none
  %w = onnx.weight "norm.weight" bytes(192) : tensor<48xf32>
  %two = onnx.constant dense<2.000000e+00> : tensor<f32>
  %half = onnx.constant dense<-5.000000e-01> : tensor<f32>
  %eps = onnx.constant dense<9.99999974E-6> : tensor<f32>
  %sq = onnx.Pow %x, %two : (tensor<2x48xf32>, tensor<f32>) -> tensor<2x48xf32>
  %mean = onnx.ReduceMean %sq, %none {axes = array<i64: -1>} : (tensor<2x48xf32>, none) -> tensor<2x1xf32>
  %v = onnx.Add %mean, %eps : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %r = onnx.Sqrt %v : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %n = onnx.Div %x, %r : (tensor<2x48xf32>, tensor<2x1xf32>) -> tensor<2x48xf32>
  %y = onnx.Mul %n, %w : (tensor<2x48xf32>, tensor<48xf32>) -> tensor<2x48xf32>
  %sq2 = onnx.Pow %x, %two : (tensor<2x48xf32>, tensor<f32>) -> tensor<2x48xf32>
  %mean2 = onnx.ReduceMean %sq2, %none {axes = array<i64: 1>} : (tensor<2x48xf32>, none) -> tensor<2x1xf32>
  %v2 = onnx.Add %mean2, %eps : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %p = onnx.Pow %v2, %half : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %n2 = onnx.Mul %p, %x : (tensor<2x1xf32>, tensor<2x48xf32>) -> tensor<2x48xf32>
  %z = onnx.Mul %w, %n2 : (tensor<48xf32>, tensor<2x48xf32>) -> tensor<2x48xf32>
  onnx.return %y, %z : tensor<2x48xf32>, tensor<2x48xf32>
}

// -----

// nn.LayerNorm below opset 17, with its bias.
// CHECK-LABEL: onnx.graph @layer_norm
// CHECK: %[[N:.*]], %{{.*}}, %{{.*}} = onnx.LayerNormalization %arg0, %{{.*}}, %{{.*}} {epsilon = 9.99999974E-6 : f32} : (tensor<2x48xf32>, tensor<48xf32>, tensor<48xf32>) -> (tensor<2x48xf32>, none, none)
// CHECK-NEXT: onnx.return %[[N]]
onnx.graph @layer_norm(%x: tensor<2x48xf32>) -> tensor<2x48xf32> {
  %none = onnx.none
  %w = onnx.weight "ln.weight" bytes(192) : tensor<48xf32>
  %b = onnx.weight "ln.bias" bytes(192) : tensor<48xf32>
  %two = onnx.constant dense<2.000000e+00> : tensor<f32>
  %eps = onnx.constant dense<9.99999974E-6> : tensor<f32>
  %mean = onnx.ReduceMean %x, %none {axes = array<i64: -1>} : (tensor<2x48xf32>, none) -> tensor<2x1xf32>
  %d = onnx.Sub %x, %mean : (tensor<2x48xf32>, tensor<2x1xf32>) -> tensor<2x48xf32>
  %sq = onnx.Pow %d, %two : (tensor<2x48xf32>, tensor<f32>) -> tensor<2x48xf32>
  %var = onnx.ReduceMean %sq, %none {axes = array<i64: -1>} : (tensor<2x48xf32>, none) -> tensor<2x1xf32>
  %v = onnx.Add %var, %eps : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %r = onnx.Sqrt %v : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %n = onnx.Div %d, %r : (tensor<2x48xf32>, tensor<2x1xf32>) -> tensor<2x48xf32>
  %s = onnx.Mul %n, %w : (tensor<2x48xf32>, tensor<48xf32>) -> tensor<2x48xf32>
  %y = onnx.Add %s, %b : (tensor<2x48xf32>, tensor<48xf32>) -> tensor<2x48xf32>
  onnx.return %y : tensor<2x48xf32>
}

// -----

// A norm whose intermediate value is read elsewhere, or that reduces over
// another axis, is left as it is.
// CHECK-LABEL: onnx.graph @not_fused
// CHECK-NOT: onnx.RMSNormalization
onnx.graph @not_fused(%x: tensor<2x48xf32>) -> (tensor<2x48xf32>, tensor<2x1xf32>, tensor<2x48xf32>) {
  %none = onnx.none
  %w = onnx.weight "norm.weight" bytes(192) : tensor<48xf32>
  %two = onnx.constant dense<2.000000e+00> : tensor<f32>
  %eps = onnx.constant dense<9.99999974E-6> : tensor<f32>
  %sq = onnx.Pow %x, %two : (tensor<2x48xf32>, tensor<f32>) -> tensor<2x48xf32>
  %mean = onnx.ReduceMean %sq, %none {axes = array<i64: -1>} : (tensor<2x48xf32>, none) -> tensor<2x1xf32>
  %v = onnx.Add %mean, %eps : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %r = onnx.Sqrt %v : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %n = onnx.Div %x, %r : (tensor<2x48xf32>, tensor<2x1xf32>) -> tensor<2x48xf32>
  %y = onnx.Mul %n, %w : (tensor<2x48xf32>, tensor<48xf32>) -> tensor<2x48xf32>
  %sq2 = onnx.Pow %x, %two : (tensor<2x48xf32>, tensor<f32>) -> tensor<2x48xf32>
  %mean2 = onnx.ReduceMean %sq2, %none {axes = array<i64: 0>} : (tensor<2x48xf32>, none) -> tensor<1x48xf32>
  %v2 = onnx.Add %mean2, %eps : (tensor<1x48xf32>, tensor<f32>) -> tensor<1x48xf32>
  %r2 = onnx.Sqrt %v2 : (tensor<1x48xf32>) -> tensor<1x48xf32>
  %n2 = onnx.Div %x, %r2 : (tensor<2x48xf32>, tensor<1x48xf32>) -> tensor<2x48xf32>
  %z = onnx.Mul %n2, %w : (tensor<2x48xf32>, tensor<48xf32>) -> tensor<2x48xf32>
  onnx.return %y, %r, %z : tensor<2x48xf32>, tensor<2x1xf32>, tensor<2x48xf32>
}

// -----

// Two RMSNorms of the same x (a parallel-residual layer) after torch's CSE
// share everything up to the scale: each scale becomes its own norm.
// CHECK-LABEL: onnx.graph @shared_rms
// CHECK: %[[A:.*]] = onnx.RMSNormalization %arg0, %[[W1:.*]] {epsilon
// CHECK: %[[B:.*]] = onnx.RMSNormalization %arg0, %[[W2:.*]] {epsilon
// CHECK: onnx.return %[[A]], %[[B]]
onnx.graph @shared_rms(%x: tensor<2x48xf32>) -> (tensor<2x48xf32>, tensor<2x48xf32>) {
  %none = onnx.none
  %w1 = onnx.weight "n1.weight" bytes(192) : tensor<48xf32>
  %w2 = onnx.weight "n2.weight" bytes(192) : tensor<48xf32>
  %two = onnx.constant dense<2.000000e+00> : tensor<f32>
  %eps = onnx.constant dense<9.99999974E-6> : tensor<f32>
  %sq = onnx.Pow %x, %two : (tensor<2x48xf32>, tensor<f32>) -> tensor<2x48xf32>
  %mean = onnx.ReduceMean %sq, %none {axes = array<i64: -1>} : (tensor<2x48xf32>, none) -> tensor<2x1xf32>
  %v = onnx.Add %mean, %eps : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %r = onnx.Sqrt %v : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %n = onnx.Div %x, %r : (tensor<2x48xf32>, tensor<2x1xf32>) -> tensor<2x48xf32>
  %a = onnx.Mul %n, %w1 : (tensor<2x48xf32>, tensor<48xf32>) -> tensor<2x48xf32>
  %b = onnx.Mul %w2, %n : (tensor<48xf32>, tensor<2x48xf32>) -> tensor<2x48xf32>
  onnx.return %a, %b : tensor<2x48xf32>, tensor<2x48xf32>
}
