// RUN: duplex-opt %s --onnx-normalize=group=shapes -split-input-file | FileCheck %s

// torch's view(b, t, heads, head_dim) on a static input: Shape, Gather,
// Unsqueeze and Concat fold into one constant [2, 5, 4, 16].
// CHECK-LABEL: onnx.graph @reshape_target
// CHECK: %[[T:.*]] = onnx.constant dense<[2, 5, 4, 16]> : tensor<4xi64>
// CHECK-NEXT: onnx.Reshape %arg0, %[[T]]
// CHECK-NOT: onnx.Shape
// CHECK-NOT: onnx.Concat
onnx.graph @reshape_target(%x: tensor<2x5x64xf32>) -> tensor<*xf32> {
  %shape = onnx.Shape %x : (tensor<2x5x64xf32>) -> tensor<3xi64>
  %i0 = onnx.constant dense<0> : tensor<i64>
  %i1 = onnx.constant dense<1> : tensor<i64>
  %axes = onnx.constant dense<0> : tensor<1xi64>
  %b = onnx.Gather %shape, %i0 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %t = onnx.Gather %shape, %i1 {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %b1 = onnx.Unsqueeze %b, %axes : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %t1 = onnx.Unsqueeze %t, %axes : (tensor<i64>, tensor<1xi64>) -> tensor<1xi64>
  %heads = onnx.constant dense<4> : tensor<1xi64>
  %dim = onnx.constant dense<16> : tensor<1xi64>
  %target = onnx.Concat %b1, %t1, %heads, %dim {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4xi64>
  %y = onnx.Reshape %x, %target : (tensor<2x5x64xf32>, tensor<4xi64>) -> tensor<*xf32>
  onnx.return %y : tensor<*xf32>
}

// -----

// A dynamic dimension stays dynamic: Shape of a tensor<?x5x64> is kept, the
// arithmetic on known parts folds (64 / 4 = 16, 2 * 3 = 6, 7 - 1 = 6).
// CHECK-LABEL: onnx.graph @dynamic
// CHECK: onnx.Shape %arg0
// CHECK-DAG: onnx.constant dense<16> : tensor<1xi64>
// CHECK-DAG: onnx.constant dense<6> : tensor<i64>
// CHECK-DAG: onnx.constant dense<[6, 12]> : tensor<2xi32>
// CHECK-NOT: onnx.Div
// CHECK-NOT: onnx.Mul
// CHECK-NOT: onnx.Sub
onnx.graph @dynamic(%x: tensor<?x5x64xf32>) -> (tensor<*xi64>, tensor<1xi64>, tensor<i64>, tensor<2xi32>) {
  %shape = onnx.Shape %x : (tensor<?x5x64xf32>) -> tensor<3xi64>
  %w = onnx.constant dense<64> : tensor<1xi64>
  %h = onnx.constant dense<4> : tensor<1xi64>
  %d = onnx.Div %w, %h : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %two = onnx.constant dense<2> : tensor<i64>
  %three = onnx.constant dense<3> : tensor<i64>
  %six = onnx.Mul %two, %three : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %pair = onnx.constant dense<[7, 13]> : tensor<2xi64>
  %one = onnx.constant dense<1> : tensor<i64>
  %sub = onnx.Sub %pair, %one : (tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  %narrow = onnx.Cast %sub {to = 6 : i64} : (tensor<2xi64>) -> tensor<2xi32>
  %r = onnx.Identity %shape : (tensor<3xi64>) -> tensor<*xi64>
  onnx.return %r, %d, %six, %narrow : tensor<*xi64>, tensor<1xi64>, tensor<i64>, tensor<2xi32>
}

// -----

// A graph output keeps its declared type: a Shape returned as tensor<?xi64>
// is not replaced by a tensor<3xi64> constant.
// CHECK-LABEL: onnx.graph @output_type
// CHECK: onnx.Shape
onnx.graph @output_type(%x: tensor<2x5x64xf32>) -> tensor<?xi64> {
  %shape = onnx.Shape %x : (tensor<2x5x64xf32>) -> tensor<?xi64>
  onnx.return %shape : tensor<?xi64>
}

// -----

// Overflow and negative division are left alone, never wrapped.
// CHECK-LABEL: onnx.graph @no_wrap
// CHECK: onnx.Mul
// CHECK: onnx.Div
onnx.graph @no_wrap() -> (tensor<i64>, tensor<i64>) {
  %big = onnx.constant dense<4611686018427387904> : tensor<i64>
  %four = onnx.constant dense<4> : tensor<i64>
  %m = onnx.Mul %big, %four : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %neg = onnx.constant dense<-7> : tensor<i64>
  %two = onnx.constant dense<2> : tensor<i64>
  %d = onnx.Div %neg, %two : (tensor<i64>, tensor<i64>) -> tensor<i64>
  onnx.return %m, %d : tensor<i64>, tensor<i64>
}
