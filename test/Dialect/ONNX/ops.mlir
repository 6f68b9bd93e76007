// RUN: duplex-opt %s | duplex-opt | FileCheck %s
// RUN: duplex-opt %s --mlir-print-op-generic | duplex-opt | FileCheck %s

// CHECK-LABEL: onnx.graph @linear(%x: tensor<?x16xf16> {onnx.dim_params = ["batch", ""], onnx.name = "x"})
// CHECK-SAME:    -> (tensor<?x32xf16> {onnx.name = "y"})
// CHECK-SAME:    attributes {ir_version = 8 : i64, opset_import = {ai.onnx = 17 : i64}, source = "linear.onnx"}
onnx.graph @linear(%x: tensor<?x16xf16> {onnx.name = "x", onnx.dim_params = ["batch", ""]})
    -> (tensor<?x32xf16> {onnx.name = "y"})
    attributes {ir_version = 8 : i64, opset_import = {ai.onnx = 17 : i64},
                source = "linear.onnx"} {
  // CHECK: %[[NONE:.*]] = onnx.none
  %none = onnx.none
  // CHECK: onnx.weight "w" bytes(1024) external("linear.onnx.data", offset 0, length 1024) : tensor<16x32xf16>
  %w = onnx.weight "w" bytes(1024) external("linear.onnx.data", offset 0, length 1024) : tensor<16x32xf16>
  // CHECK: onnx.weight "q" bytes(256) : tensor<16x32xi4>
  %q = onnx.weight "q" bytes(256) : tensor<16x32xi4>
  // CHECK: onnx.constant "shape" dense<[0, 32]> : tensor<2xi64>
  %shape = onnx.constant "shape" dense<[0, 32]> : tensor<2xi64>
  // CHECK: onnx.constant dense<1.000000e+00> : tensor<f16>
  %one = onnx.constant dense<1.0> : tensor<f16>
  // CHECK: onnx.Gemm %x, %{{.*}}, %[[NONE]] {alpha = 1.000000e+00 : f32} : (tensor<?x16xf16>, tensor<16x32xf16>, none) -> tensor<?x32xf16>
  %y = onnx.Gemm %x, %w, %none {alpha = 1.0 : f32} : (tensor<?x16xf16>, tensor<16x32xf16>, none) -> tensor<?x32xf16>
  // CHECK: onnx.custom "com.example" "Scale"(%{{.*}}, %{{.*}}) {onnx_attributes = {factor = 2 : i64}} : (tensor<?x32xf16>, tensor<f16>) -> tensor<?x32xf16>
  %z = onnx.custom "com.example" "Scale"(%y, %one) {onnx_attributes = {factor = 2 : i64}} : (tensor<?x32xf16>, tensor<f16>) -> tensor<?x32xf16>
  // CHECK: onnx.return %{{.*}} : tensor<?x32xf16>
  onnx.return %z : tensor<?x32xf16>
}

// CHECK-LABEL: onnx.graph @attention
onnx.graph @attention(%q: tensor<?x?x64xf16>, %k: tensor<?x?x32xf16>, %v: tensor<?x?x32xf16>, %lens: tensor<?xi32>, %total: tensor<i32>) -> (tensor<?x?x64xf16>) {
  %none = onnx.none
  // CHECK: onnx.ms.GroupQueryAttention {{.*}} {kv_num_heads = 2 : i64, local_window_size = 4096 : i64, num_heads = 4 : i64}
  %out, %pk, %pv, %qk = onnx.ms.GroupQueryAttention %q, %k, %v, %none, %none, %lens, %total, %none, %none, %none, %none, %none, %none, %none, %none, %none {num_heads = 4 : i64, kv_num_heads = 2 : i64, local_window_size = 4096 : i64} : (tensor<?x?x64xf16>, tensor<?x?x32xf16>, tensor<?x?x32xf16>, none, none, tensor<?xi32>, tensor<i32>, none, none, none, none, none, none, none, none, none) -> (tensor<?x?x64xf16>, none, none, none)
  onnx.return %out : tensor<?x?x64xf16>
}
