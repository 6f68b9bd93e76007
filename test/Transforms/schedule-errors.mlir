// RUN: duplex-opt %s -split-input-file -verify-diagnostics --dx-evaluate-schedule="system=duplex"

// The system has no DIMM-PIM: evaluating a task on one is an error naming
// the task.
// expected-error @+1 {{'dx.schedule' op task 'attention' runs on 'dimm_pim', which system 'duplex' lacks (units: xpu, logic_pim; links: nvlink4, pcie5, infiniband-ndr)}}
dx.schedule @wrong_system units ["xpu", "dimm_pim"] {
  %0 = dx.task "attention" on "dimm_pim" {category = "attention_decode", seconds = 1.0}
}

// -----

dx.schedule @bad_slice units ["xpu"] {
  // expected-error @+1 {{'dx.task' op slice 'tokens=3': expected experts=, requests= or heads= before the indices}}
  %0 = dx.task "experts" on "xpu" {category = "moe", seconds = 1.0, slice = "tokens=3"}
}
