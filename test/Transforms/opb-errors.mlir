// RUN: duplex-opt %s -verify-diagnostics --dx-opb-analysis="stage=decode=64"

// expected-error @+1 {{invalid stage spec 'decode=64': entry 'decode=64' must be KIND=COUNT@LENGTH, e.g. 'decode=64@1024'}}
module {
  llm.model @m activation(f16) {
    %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<16>
    llm.output %e : !llm.act<16>
  }
}
