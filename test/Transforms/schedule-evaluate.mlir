// RUN: duplex-opt %s --dx-evaluate-schedule="system=duplex" | FileCheck %s

// Durations by hand. Layer segment (x3): qkv on the xPU 2 s; attention on
// Logic-PIM after it, 3 s (2..5); norm on the xPU needs no token but waits
// for qkv in its stream (2..3); the sync waits for both (5). The segment
// takes 5 s and counts 3 times: 15 s. Then lm_head, 1 s on the xPU, after
// the segment (15..16). Stage: 16 s (overheads left out).

// CHECK: dx.schedule @by_hand units ["xpu", "logic_pim"] attributes {seconds = 1.600000e+01 : f64}
// CHECK-NEXT: dx.task "qkv" on "xpu" {{{.*}}end = 2.000000e+00 : f64, {{.*}}start = 0.000000e+00 : f64}
// CHECK-NEXT: dx.task "attention" on "logic_pim" after(%{{.*}}) {{{.*}}end = 5.000000e+00 : f64, {{.*}}start = 2.000000e+00 : f64}
// CHECK-NEXT: dx.task "norm" on "xpu" {{{.*}}end = 3.000000e+00 : f64, {{.*}}start = 2.000000e+00 : f64}
// CHECK-NEXT: dx.sync
// CHECK-NEXT: dx.task "lm_head" on "xpu" {{{.*}}end = 1.600000e+01 : f64, {{.*}}start = 1.500000e+01 : f64}
dx.schedule @by_hand units ["xpu", "logic_pim"] {
  %0 = dx.task "qkv" on "xpu" {category = "fc", seconds = 2.0, layers = 3}
  %1 = dx.task "attention" on "logic_pim" after(%0) {category = "attention_decode", seconds = 3.0, layers = 3}
  %2 = dx.task "norm" on "xpu" {category = "other", seconds = 1.0, layers = 3}
  %3 = dx.sync after(%1, %2) {layers = 3}
  %4 = dx.task "lm_head" on "xpu" {category = "fc", seconds = 1.0}
}
