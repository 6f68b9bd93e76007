// RUN: duplex-opt %s -verify-diagnostics --dx-schedule="stage=decode=4@64"

// expected-error @+1 {{no system: give one (e.g. system=duplex)}}
module {
  llm.model @m activation(f16) {
    %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<16>
    llm.output %e : !llm.act<16>
  }
}
