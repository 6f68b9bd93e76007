// RUN: duplex-opt %s -split-input-file -verify-diagnostics

llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<64>
  // expected-error @+1 {{'dx.transfer' op moves a value from 'xpu' to itself}}
  %t = dx.transfer %e from "xpu" to "xpu" over "pcie" {bytes = 1.0, seconds = 1.0} : !llm.act<64>
  llm.output %t : !llm.act<64>
}

// -----

llm.model @m activation(f16) {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<64>
  // expected-error @+1 {{'dx.transfer' op bytes and seconds must be finite and not negative}}
  %t = dx.transfer %e from "gpu" to "dimm_pim" over "pcie" {bytes = -1.0, seconds = 1.0} : !llm.act<64>
  llm.output %t : !llm.act<64>
}

// -----

// expected-error @+1 {{invalid stage spec 'decode=64': entry 'decode=64' must be KIND=COUNT@LENGTH, e.g. 'decode=64@1024'}}
module attributes {dx.stage = #dx.stage<"decode=64">} {}

// -----

// expected-error @+1 {{invalid stage spec 'verify=1@2': entry 'verify=1@2' must start with 'prefill=' or 'decode='}}
module attributes {dx.stage = #dx.stage<"verify=1@2">} {}

// -----

// expected-error @+1 {{'#dx.system' devices (0) and nodes (1) must be positive}}
module attributes {dx.target = #dx.system<"duplex", devices = 0, nodes = 1, units = []>} {}

// -----

// expected-error @+1 {{'#dx.system' units must be '#dx.unit', got "xpu"}}
module attributes {dx.target = #dx.system<"duplex", devices = 1, nodes = 1, units = ["xpu"]>} {}
