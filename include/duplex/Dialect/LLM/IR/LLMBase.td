//===- LLMBase.td - llm dialect definition and enums -------*- tablegen -*-===//
//
// The `llm` dialect describes a decoder LLM at the level architects reason
// about it: embeddings, norms, projections, attention, MLP/MoE blocks, and a
// repeated decoder-layer pattern. Values carry only the per-token width of an
// activation; the number of tokens is a property of the workload (a serving
// stage), never of the model.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_DIALECT_LLM_IR_LLMBASE_TD
#define DUPLEX_DIALECT_LLM_IR_LLMBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def LLM_Dialect : Dialect {
  let name = "llm";
  let cppNamespace = "::duplex::llm";
  let summary = "Model-level description of decoder LLMs for placement and "
                "cost modelling";
  let description = [{
    The `llm` dialect describes a decoder-only large language model the way a
    computer architect or ML-systems engineer thinks of it: a token embedding,
    a pattern of decoder layers repeated N times (`llm.repeat`), a final norm
    and an LM head. Each layer is spelled out in ops that own their weights —
    norms, the attention projections (`llm.linear`), the attention core
    (`llm.attention`: heads, KV heads, head size, rotary, sliding window), a
    dense MLP (`llm.mlp`) or a mixture of experts (`llm.moe`) — connected by
    residual adds.

    Values have type `!llm.act<W>`: the hidden states of an unspecified number
    of tokens, W elements per token. Token counts, context lengths and the
    prefill/decode mix belong to a serving stage and are supplied by the
    analyses that need them, so the same IR serves every workload.

    Weights are never materialised; each weight-bearing op records its weight
    element type (`f32`, `f16`, `bf16`, `fp8`, `int8`, `int4`) and the
    attention op records the KV-cache element type, which is all that byte
    counts need.
  }];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
}

def LLM_DType : I32EnumAttr<"DType", "element type of weights or KV cache", [
    I32EnumAttrCase<"f32", 0>,
    I32EnumAttrCase<"f16", 1>,
    I32EnumAttrCase<"bf16", 2>,
    I32EnumAttrCase<"fp8", 3>,
    I32EnumAttrCase<"int8", 4>,
    I32EnumAttrCase<"int4", 5>,
    // OCP microscaling FP4 (E2M1 elements, one E8M0 scale per 32):
    // gpt-oss's expert weights.
    I32EnumAttrCase<"mxfp4", 6>,
    // NVIDIA NVFP4 (E2M1 elements, one E4M3 scale per 16): Blackwell
    // checkpoints quantised by TensorRT Model Optimizer.
    I32EnumAttrCase<"nvfp4", 7>
  ]> {
  let cppNamespace = "::duplex::llm";
}

def LLM_Activation : I32EnumAttr<"Activation", "MLP activation function", [
    I32EnumAttrCase<"silu", 0>,
    I32EnumAttrCase<"gelu", 1>,
    I32EnumAttrCase<"gelu_tanh", 2>,
    I32EnumAttrCase<"relu", 3>,
    I32EnumAttrCase<"quick_gelu", 4>,
    I32EnumAttrCase<"mish", 5>,
    I32EnumAttrCase<"hard_swish", 6>
  ]> {
  let cppNamespace = "::duplex::llm";
}

def LLM_LinearKind : I32EnumAttr<"LinearKind",
    "role of a linear layer in the decoder", [
    I32EnumAttrCase<"query", 0>,
    I32EnumAttrCase<"key", 1>,
    I32EnumAttrCase<"value", 2>,
    I32EnumAttrCase<"qkv", 3>,
    I32EnumAttrCase<"output", 4>,
    I32EnumAttrCase<"projection", 5>,
    I32EnumAttrCase<"query_down", 6>,
    I32EnumAttrCase<"kv_down", 7>
  ]> {
  let cppNamespace = "::duplex::llm";
}

def LLM_RopeStyle : I32EnumAttr<"RopeStyle",
    "how rotary embedding pairs the dimensions of a head", [
    // GPT-NeoX / Llama: rotate the first and second halves of the rotary dims.
    I32EnumAttrCase<"half", 0>,
    // GPT-J: rotate adjacent (even, odd) pairs.
    I32EnumAttrCase<"interleaved", 1>
  ]> {
  let cppNamespace = "::duplex::llm";
}

#endif // DUPLEX_DIALECT_LLM_IR_LLMBASE_TD
