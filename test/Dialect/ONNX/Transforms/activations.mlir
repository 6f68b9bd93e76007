// RUN: duplex-opt %s --onnx-normalize=group=activations -split-input-file | FileCheck %s

// SiLU as torch < 2 exports it, in either operand order.
// CHECK-LABEL: onnx.graph @silu
// CHECK-NEXT: %[[A:.*]] = onnx.Swish %arg0 : (tensor<4xf32>) -> tensor<4xf32>
// CHECK-NEXT: %[[B:.*]] = onnx.Swish %arg0 : (tensor<4xf32>) -> tensor<4xf32>
// CHECK-NEXT: onnx.return %[[A]], %[[B]]
onnx.graph @silu(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %s = onnx.Sigmoid %x : (tensor<4xf32>) -> tensor<4xf32>
  %y = onnx.Mul %x, %s : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %s2 = onnx.Sigmoid %x : (tensor<4xf32>) -> tensor<4xf32>
  %z = onnx.Mul %s2, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  onnx.return %y, %z : tensor<4xf32>, tensor<4xf32>
}

// -----

// QuickGELU: x * sigmoid(1.702 x), and com.microsoft QuickGelu.
// CHECK-LABEL: onnx.graph @quick_gelu
// CHECK-NEXT: onnx.Swish %arg0 {alpha = 1.702000e+00 : f32}
// CHECK-NEXT: onnx.Swish %arg0 {alpha = 1.702000e+00 : f32}
onnx.graph @quick_gelu(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %c = onnx.constant dense<1.702000e+00> : tensor<f32>
  %a = onnx.Mul %x, %c : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %s = onnx.Sigmoid %a : (tensor<4xf32>) -> tensor<4xf32>
  %y = onnx.Mul %x, %s : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %z = onnx.ms.QuickGelu %x : (tensor<4xf32>) -> tensor<4xf32>
  onnx.return %y, %z : tensor<4xf32>, tensor<4xf32>
}

// -----

// A sigmoid whose value is also used elsewhere (a gate) is not fused.
// CHECK-LABEL: onnx.graph @shared_sigmoid
// CHECK: onnx.Sigmoid
// CHECK-NOT: onnx.Swish
onnx.graph @shared_sigmoid(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %s = onnx.Sigmoid %x : (tensor<4xf32>) -> tensor<4xf32>
  %y = onnx.Mul %x, %s : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  onnx.return %y, %s : tensor<4xf32>, tensor<4xf32>
}

// -----

// Exact GELU as torch exports F.gelu: Div by sqrt(2), Erf, Add 1, Mul x,
// Mul 0.5; and with the half taken first (0.5 * x) * (1 + erf(x * 0.7071)).
// CHECK-LABEL: onnx.graph @gelu_erf
// CHECK-NEXT: %[[A:.*]] = onnx.Gelu %arg0 : (tensor<4xf32>) -> tensor<4xf32>
// CHECK-NEXT: %[[B:.*]] = onnx.Gelu %arg0 : (tensor<4xf32>) -> tensor<4xf32>
// CHECK-NEXT: onnx.return %[[A]], %[[B]]
onnx.graph @gelu_erf(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %sqrt2 = onnx.constant dense<1.41421354> : tensor<f32>
  %one = onnx.constant dense<1.000000e+00> : tensor<f32>
  %half = onnx.constant dense<5.000000e-01> : tensor<f32>
  %d = onnx.Div %x, %sqrt2 : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %e = onnx.Erf %d : (tensor<4xf32>) -> tensor<4xf32>
  %a = onnx.Add %e, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %m = onnx.Mul %x, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %y = onnx.Mul %m, %half : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %inv = onnx.constant dense<0.707106769> : tensor<f32>
  %d2 = onnx.Mul %x, %inv : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %e2 = onnx.Erf %d2 : (tensor<4xf32>) -> tensor<4xf32>
  %a2 = onnx.Add %one, %e2 : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %hx = onnx.Mul %half, %x : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %z = onnx.Mul %hx, %a2 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  onnx.return %y, %z : tensor<4xf32>, tensor<4xf32>
}

// -----

// GPT-2's gelu_new: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
// CHECK-LABEL: onnx.graph @gelu_tanh
// CHECK-NEXT: %[[G:.*]] = onnx.Gelu %arg0 {approximate = "tanh"}
// CHECK-NEXT: onnx.return %[[G]]
onnx.graph @gelu_tanh(%x: tensor<4xf32>) -> tensor<4xf32> {
  %half = onnx.constant dense<5.000000e-01> : tensor<f32>
  %one = onnx.constant dense<1.000000e+00> : tensor<f32>
  %three = onnx.constant dense<3.000000e+00> : tensor<f32>
  %k = onnx.constant dense<4.471500e-02> : tensor<f32>
  %c = onnx.constant dense<0.797884583> : tensor<f32>
  %hx = onnx.Mul %half, %x : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %cube = onnx.Pow %x, %three : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %kc = onnx.Mul %k, %cube : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %in = onnx.Add %x, %kc : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %arg = onnx.Mul %c, %in : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %t = onnx.Tanh %arg : (tensor<4xf32>) -> tensor<4xf32>
  %a = onnx.Add %one, %t : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %y = onnx.Mul %hx, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  onnx.return %y : tensor<4xf32>
}

// -----

// onnxruntime's fused GELUs: FastGelu with its bias, BiasGelu, Gelu.
// CHECK-LABEL: onnx.graph @fused_gelus
// CHECK-NEXT: %[[A:.*]] = onnx.Add %arg0, %arg1
// CHECK-NEXT: onnx.Gelu %[[A]] {approximate = "tanh"}
// CHECK-NEXT: %[[B:.*]] = onnx.Add %arg0, %arg1
// CHECK-NEXT: onnx.Gelu %[[B]] :
// CHECK-NEXT: onnx.Gelu %arg0 :
onnx.graph @fused_gelus(%x: tensor<2x4xf32>, %b: tensor<4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
  %f = onnx.ms.FastGelu %x, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %g = onnx.ms.BiasGelu %x, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %h = onnx.ms.Gelu %x : (tensor<2x4xf32>) -> tensor<2x4xf32>
  onnx.return %f, %g, %h : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

// HardSwish (x * HardSigmoid(x) with alpha 1/6) and Mish (x *
// tanh(softplus(x)), softplus also as log(1 + exp(x))).
// CHECK-LABEL: onnx.graph @hard_swish_mish
// CHECK-NEXT: onnx.HardSwish %arg0
// CHECK-NEXT: onnx.Mish %arg0
// CHECK-NEXT: onnx.Mish %arg0
onnx.graph @hard_swish_mish(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %hs = onnx.HardSigmoid %x {alpha = 0.166666672 : f32, beta = 5.000000e-01 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %a = onnx.Mul %x, %hs : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %sp = onnx.Softplus %x : (tensor<4xf32>) -> tensor<4xf32>
  %t = onnx.Tanh %sp : (tensor<4xf32>) -> tensor<4xf32>
  %b = onnx.Mul %x, %t : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %one = onnx.constant dense<1.000000e+00> : tensor<f32>
  %e = onnx.Exp %x : (tensor<4xf32>) -> tensor<4xf32>
  %p = onnx.Add %e, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %l = onnx.Log %p : (tensor<4xf32>) -> tensor<4xf32>
  %t2 = onnx.Tanh %l : (tensor<4xf32>) -> tensor<4xf32>
  %c = onnx.Mul %t2, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  onnx.return %a, %b, %c : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
