//===- LLMTypesAttrs.td - llm types and attributes ---------*- tablegen -*-===//

#ifndef DUPLEX_DIALECT_LLM_IR_LLMTYPESATTRS_TD
#define DUPLEX_DIALECT_LLM_IR_LLMTYPESATTRS_TD

include "duplex/Dialect/LLM/IR/LLMBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "duplex/Dialect/Common/Parameters.td"

class LLM_Type<string name, string typeMnemonic> :
    TypeDef<LLM_Dialect, name> {
  let mnemonic = typeMnemonic;
}

def LLM_ActType : LLM_Type<"Act", "act"> {
  let summary = "hidden states of a symbolic number of tokens";
  let description = [{
    `!llm.act<W>` is the activation flowing between decoder ops: one row of W
    elements per token, for however many tokens the serving stage processes.
    The element type of activations is a property of the model
    (`llm.model`'s `activation_dtype`), not of each value.

    Example: `!llm.act<4096>` is Mixtral-8x7B's residual stream.
  }];
  let parameters = (ins "int64_t":$width);
  let assemblyFormat = "`<` $width `>`";
  let genVerifyDecl = 1;
}

def LLM_RopeAttr : AttrDef<LLM_Dialect, "Rope"> {
  let mnemonic = "rope";
  let summary = "rotary position embedding parameters";
  let description = [{
    Rotary position embedding applied to queries and keys inside
    `llm.attention`. `theta` is the base frequency (`rope_theta`),
    `rotary_dim` the number of rotated dimensions per head (0 means all of
    them; GPT-NeoX and GPT-J rotate a fraction), `style` whether halves
    (`half`, GPT-NeoX/Llama) or adjacent pairs (`interleaved`, GPT-J) are
    rotated, and `scaling` the context-extension factor of `rope_scaling`
    (1.0 when absent). Rotary embedding has no weights; it costs a few
    element-wise FLOPs per query/key element.

    Example: `#llm.rope<theta = 1000000.0>`.
  }];
  let parameters = (ins
    DoubleParameter<"base frequency">:$theta,
    DefaultValuedParameter<"int64_t", "0">:$rotary_dim,
    DefaultValuedParameter<"::duplex::llm::RopeStyle",
                           "::duplex::llm::RopeStyle::half">:$style,
    DefaultDoubleParameter<"context-extension factor", "1.0">:$scaling
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

#endif // DUPLEX_DIALECT_LLM_IR_LLMTYPESATTRS_TD
