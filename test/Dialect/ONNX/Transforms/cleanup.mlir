// RUN: duplex-opt %s --onnx-normalize=group=cleanup -split-input-file | FileCheck %s

// Hugging Face's RMSNorm starts with x.to(torch.float32): in an fp32 export
// a Cast to f32 of an f32 value, the only user of the residual stream.
// CHECK-LABEL: onnx.graph @no_op_cast
// CHECK-NOT: onnx.Cast
// CHECK: %[[S:.*]] = onnx.Add %arg0, %arg0
// CHECK: onnx.return %[[S]]
onnx.graph @no_op_cast(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %c = onnx.Cast %x {to = 1 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %s = onnx.Add %c, %c : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  onnx.return %s : tensor<2x8xf32>
}

// -----

// A cast that changes the type stays.
// CHECK-LABEL: onnx.graph @real_cast
// CHECK: onnx.Cast %arg0 {to = 10 : i64}
onnx.graph @real_cast(%x: tensor<2x8xf32>) -> tensor<2x8xf16> {
  %c = onnx.Cast %x {to = 10 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf16>
  onnx.return %c : tensor<2x8xf16>
}

// -----

// CastLike to a tensor of the same element type.
// CHECK-LABEL: onnx.graph @no_op_cast_like
// CHECK-NOT: onnx.CastLike
onnx.graph @no_op_cast_like(%x: tensor<4xf16>, %y: tensor<1xf16>) -> tensor<4xf16> {
  %c = onnx.CastLike %x, %y : (tensor<4xf16>, tensor<1xf16>) -> tensor<4xf16>
  %s = onnx.Neg %c : (tensor<4xf16>) -> tensor<4xf16>
  onnx.return %s : tensor<4xf16>
}

// -----

// Identity (torch aliases tensors through it) goes, even into an output
// of the same type; an output whose type would change keeps it.
// CHECK-LABEL: onnx.graph @identity
// CHECK-NEXT: %[[N:.*]] = onnx.Neg %arg0
// CHECK-NEXT: %[[I:.*]] = onnx.Identity %[[N]] : (tensor<4xf32>) -> tensor<?xf32>
// CHECK-NEXT: onnx.return %[[N]], %[[I]]
onnx.graph @identity(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<?xf32>) {
  %i = onnx.Identity %x : (tensor<4xf32>) -> tensor<4xf32>
  %n = onnx.Neg %i : (tensor<4xf32>) -> tensor<4xf32>
  %o = onnx.Identity %n : (tensor<4xf32>) -> tensor<4xf32>
  %p = onnx.Identity %n : (tensor<4xf32>) -> tensor<?xf32>
  onnx.return %o, %p : tensor<4xf32>, tensor<?xf32>
}

// -----

// Dropout without training_mode, or with a false one, is the identity;
// with a true one, or with its mask used, it stays.
// CHECK-LABEL: onnx.graph @dropout
// CHECK: %[[TRUE:.*]] = onnx.constant dense<true>
// CHECK: %[[T:.*]], %{{.*}} = onnx.Dropout %arg0, %{{.*}}, %[[TRUE]] :
// CHECK: %[[M:.*]], %[[MASK:.*]] = onnx.Dropout
// CHECK: onnx.return %[[T]], %[[MASK]]
onnx.graph @dropout(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xi1>) {
  %none = onnx.none
  %ratio = onnx.constant dense<1.000000e-01> : tensor<f32>
  %false = onnx.constant dense<false> : tensor<i1>
  %true = onnx.constant dense<true> : tensor<i1>
  %a, %am = onnx.Dropout %x, %ratio, %none : (tensor<4xf32>, tensor<f32>, none) -> (tensor<4xf32>, none)
  %b, %bm = onnx.Dropout %a, %ratio, %false : (tensor<4xf32>, tensor<f32>, tensor<i1>) -> (tensor<4xf32>, tensor<4xi1>)
  %c, %cm = onnx.Dropout %b, %ratio, %true : (tensor<4xf32>, tensor<f32>, tensor<i1>) -> (tensor<4xf32>, tensor<4xi1>)
  %d, %dm = onnx.Dropout %c, %ratio, %none : (tensor<4xf32>, tensor<f32>, none) -> (tensor<4xf32>, tensor<4xi1>)
  onnx.return %c, %dm : tensor<4xf32>, tensor<4xi1>
}

// -----

// f16 -> f32 -> f16 is exact and goes; f32 -> f16 -> f32 loses precision
// and stays.
// CHECK-LABEL: onnx.graph @round_trip
// CHECK: %[[A:.*]] = onnx.Neg %arg0
// CHECK: %[[N:.*]] = onnx.Cast %arg1 {to = 10 : i64}
// CHECK: %[[W:.*]] = onnx.Cast %[[N]] {to = 1 : i64}
// CHECK: onnx.return %[[A]], %[[W]]
onnx.graph @round_trip(%x: tensor<4xf16>, %y: tensor<4xf32>) -> (tensor<4xf16>, tensor<4xf32>) {
  %up = onnx.Cast %x {to = 1 : i64} : (tensor<4xf16>) -> tensor<4xf32>
  %down = onnx.Cast %up {to = 10 : i64} : (tensor<4xf32>) -> tensor<4xf16>
  %a = onnx.Neg %down : (tensor<4xf16>) -> tensor<4xf16>
  %narrow = onnx.Cast %y {to = 10 : i64} : (tensor<4xf32>) -> tensor<4xf16>
  %wide = onnx.Cast %narrow {to = 1 : i64} : (tensor<4xf16>) -> tensor<4xf32>
  onnx.return %a, %wide : tensor<4xf16>, tensor<4xf32>
}

// -----

// Error path: a pattern group that does not exist is named, with the list.
// RUN: not duplex-opt %s --onnx-normalize=group=cleanup,bogus 2>&1 | FileCheck %s --check-prefix=GROUP
// GROUP: error: --onnx-normalize: unknown group 'bogus' (known: cleanup, shapes, activations, norms)
onnx.graph @unused(%x: tensor<4xf32>) -> tensor<4xf32> {
  onnx.return %x : tensor<4xf32>
}
