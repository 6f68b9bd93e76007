// RUN: duplex-opt %s | duplex-opt | FileCheck %s
// RUN: duplex-opt %s --mlir-print-op-generic | duplex-opt | FileCheck %s

// One Duplex+PE decode layer: QKV on the xPU, then attention on Logic-PIM
// while the xPU does nothing; experts split between the units.

// CHECK-LABEL: dx.schedule @layer units ["xpu", "logic_pim"] attributes {mode = "pe"} {
// CHECK-NEXT:    %[[QKV:.*]] = dx.task "qkv" on "xpu" {category = "fc", layers = 32 : i64, op = 2 : i64, seconds = 8.{{[0-9]+}}E-6 : f64}
// CHECK-NEXT:    %[[ATT:.*]] = dx.task "attention" on "logic_pim" after(%[[QKV]]) {category = "attention_decode", seconds = 1.000000e-05 : f64, slice = "requests=0..63"}
// CHECK-NEXT:    %[[E0:.*]] = dx.task "experts" on "xpu" after(%[[ATT]]) {category = "moe", seconds = {{.*}}, slice = "experts=0,1,2"}
// CHECK-NEXT:    %[[E1:.*]] = dx.task "experts" on "logic_pim" after(%[[ATT]]) {category = "moe", seconds = {{.*}}, slice = "experts=3,4,5,6,7"}
// CHECK-NEXT:    dx.sync after(%[[E0]], %[[E1]])
dx.schedule @layer units ["xpu", "logic_pim"] attributes {mode = "pe"} {
  %0 = dx.task "qkv" on "xpu" {category = "fc", layers = 32, op = 2, seconds = 8.4e-06}
  %1 = dx.task "attention" on "logic_pim" after(%0) {category = "attention_decode", seconds = 1.0e-05, slice = "requests=0..63"}
  %2 = dx.task "experts" on "xpu" after(%1) {category = "moe", seconds = 6.0e-05, slice = "experts=0,1,2"}
  %3 = dx.task "experts" on "logic_pim" after(%1) {category = "moe", seconds = 6.1e-05, slice = "experts=3,4,5,6,7"}
  %4 = dx.sync after(%2, %3)
}
