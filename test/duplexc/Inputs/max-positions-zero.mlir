// Input of long-context.test: a model claiming 0 positions.
llm.model @m activation(f16) attributes {max_position_embeddings = 0 : i64} {
  %e = llm.token_embedding vocab(10) weights(f16) : !llm.act<8>
  llm.output %e : !llm.act<8>
}
