// RUN: duplex-opt %s -split-input-file -verify-diagnostics

dx.schedule @cycle units ["xpu", "logic_pim"] {
  // expected-error @+1 {{'dx.task' op is part of a dependency cycle}}
  %0 = dx.task "a" on "xpu" after(%1) {category = "fc", seconds = 1.0}
  %1 = dx.task "b" on "logic_pim" after(%0) {category = "fc", seconds = 1.0}
}

// -----

dx.schedule @missing_unit units ["xpu", "logic_pim"] {
  // expected-error @+1 {{'dx.task' op runs on 'dimm_pim', which is not a unit of the schedule's system (units: ["xpu", "logic_pim"])}}
  %0 = dx.task "attention" on "dimm_pim" {category = "attention_decode", seconds = 1.0}
}

// -----

dx.schedule @category units ["xpu"] {
  // expected-error @+1 {{'dx.task' op category 'attention' is not one of fc, attention_prefill, attention_decode, moe, communication, other}}
  %0 = dx.task "a" on "xpu" {category = "attention", seconds = 1.0}
}

// -----

dx.schedule @negative units ["xpu"] {
  // expected-error @+1 {{'dx.task' op seconds must be finite and not negative}}
  %0 = dx.task "a" on "xpu" {category = "fc", seconds = -1.0}
}

// -----

// An infinite or NaN task time would run through the evaluator into every
// total: both are rejected.
dx.schedule @infinite units ["xpu"] {
  // expected-error @+1 {{'dx.task' op seconds must be finite and not negative}}
  %0 = dx.task "a" on "xpu" {category = "fc", seconds = 0x7FF0000000000000 : f64}
}

// -----

dx.schedule @nan units ["xpu"] {
  // expected-error @+1 {{'dx.task' op seconds must be finite and not negative}}
  %0 = dx.task "a" on "xpu" {category = "fc", seconds = 0x7FF8000000000000 : f64}
}

// -----

dx.schedule @self units ["xpu"] {
  // expected-error @+1 {{'dx.task' op is part of a dependency cycle}}
  %0 = dx.task "a" on "xpu" after(%0) {category = "fc", seconds = 1.0}
}

// -----

dx.schedule @layers units ["xpu"] {
  // expected-error @+1 {{'dx.task' op attribute 'layers' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %0 = dx.task "a" on "xpu" {category = "fc", seconds = 1.0, layers = 0}
}
