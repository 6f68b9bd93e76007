// RUN: duplex-opt %s -split-input-file -verify-diagnostics --dx-partition="system=h100 stage=decode=8@128"

// 50,000,000 x 4096 f16 embedding = 409.6e9 B = 381.47 GiB > 80 GiB.
// expected-error @+1 {{model 'huge' does not fit: its weights need 381.47 GiB per device (381.47 GiB over 1 device per node) but a device of 'h100' has 80.00 GiB}}
llm.model @huge activation(f16) {
  %e = llm.token_embedding vocab(50000000) weights(f16) : !llm.act<4096>
  llm.output %e : !llm.act<4096>
}

// -----

// A module without a model.
// expected-error @+1 {{expected exactly one 'llm.model', found 0}}
module {}
