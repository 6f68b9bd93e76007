// RUN: duplex-opt %s -verify-diagnostics --dx-opb-analysis

// expected-error @+1 {{no stage: give one (e.g. stage=decode=64@1024) or set the module's 'dx.stage' attribute}}
module {
  llm.model @m activation(f16) {
    %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<16>
    llm.output %e : !llm.act<16>
  }
}
