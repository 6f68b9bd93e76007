//===- HFConfig.cpp - Hugging Face config.json import ---------------------===//
//
// Maps the real `config.json` field names of each supported `model_type` to
// a ModelDescription. Field names and defaults follow the transformers
// configuration classes (LlamaConfig, MistralConfig, MixtralConfig,
// Qwen2Config, Qwen2MoeConfig, Qwen3Config, Qwen3MoeConfig, Phi3Config,
// Gemma2Config, Gemma3TextConfig, DeepseekV2Config, DeepseekV3Config,
// GptOssConfig, Llama4TextConfig,
// OPTConfig, GPT2Config, GPTNeoXConfig, GPTJConfig) and the Grok-1 Hugging
// Face port (Kimi-K2 ships a DeepseekV3Config as `kimi_k2`); `glam` is the
// project's own type for GLaM, which was never released in that format.
// Multimodal configs that nest their text decoder under `text_config` are read
// from there.
//
//===----------------------------------------------------------------------===//

#include "duplex/Import/HFConfig.h"
#include "ConfigReader.h"
#include "Quantization.h"
#include "VisionTowers.h"
#include "duplex/Support/InputFile.h"

#include "duplex/Dialect/LLM/IR/LLMDialect.h"
#include "duplex/Dialect/LLM/IR/LLMOps.h"
#include "duplex/Import/ModelBuilder.h"

#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Path.h"

using namespace llvm;
using namespace duplex;
using duplex::llm::Activation;
using duplex::llm::DType;

namespace {

using FamilyReader = void (*)(ConfigReader &, ModelDescription &);

std::optional<Activation> parseActivation(StringRef name) {
  return StringSwitch<std::optional<Activation>>(name)
      .Cases({"silu", "swish"}, Activation::silu)
      .Case("gelu", Activation::gelu)
      .Cases({"gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu_tanh"},
             Activation::gelu_tanh)
      .Case("relu", Activation::relu)
      .Case("quick_gelu", Activation::quick_gelu)
      .Case("mish", Activation::mish)
      .Cases({"hardswish", "hard_swish"}, Activation::hard_swish)
      .Default(std::nullopt);
}

void readActivation(ConfigReader &r, ModelDescription &m, StringRef key,
                    StringRef fallback) {
  std::string name = r.stringOr(key, fallback);
  if (std::optional<Activation> act = parseActivation(name))
    m.activation = *act;
  else
    r.fail(key, "names an unsupported activation '" + name +
                    "' (supported: silu, swish, gelu, gelu_new, "
                    "gelu_pytorch_tanh, gelu_fast, relu, quick_gelu, mish, "
                    "hardswish)");
}

/// Checks the head arithmetic every family shares and fills head_dim.
void finishHeads(ConfigReader &r, ModelDescription &m, StringRef headsKey,
                 StringRef kvHeadsKey, StringRef hiddenKey) {
  if (r.failed())
    return;
  if (m.numHeads % m.numKVHeads != 0)
    r.fail(headsKey, "(" + Twine(m.numHeads) + ") must be a multiple of '" +
                         kvHeadsKey + "' (" + Twine(m.numKVHeads) + ")");
  if (m.headDim == 0) {
    if (m.hiddenSize % m.numHeads != 0)
      r.fail(hiddenKey, "(" + Twine(m.hiddenSize) +
                            ") must be a multiple of '" + headsKey + "' (" +
                            Twine(m.numHeads) +
                            ") when 'head_dim' is not given");
    m.headDim = m.hiddenSize / m.numHeads;
  }
}

void readRopeScaling(ConfigReader &r, RopeDescription &rope) {
  const json::Object *scaling = r.optionalObject("rope_scaling");
  if (!scaling)
    return;
  ConfigReader nested(*scaling, "", "");
  rope.scaling = nested.positiveNumberOr("factor", 1.0);
  if (nested.failed())
    r.fail("rope_scaling", "must hold a positive 'factor'");
}

/// Layers i with (i + 1) % step == 0 and not listed in `mlp_only_layers`
/// use MoE (Qwen2MoeDecoderLayer's rule).
void sparseLayers(ConfigReader &r, ModelDescription &m, int64_t defaultStep) {
  int64_t step = r.positiveOr("decoder_sparse_step", defaultStep);
  std::vector<int64_t> denseOnly = r.intList("mlp_only_layers");
  m.moeLayers.assign(m.numLayers, false);
  for (int64_t i = 0; i < m.numLayers; ++i)
    m.moeLayers[i] = (i + 1) % step == 0 && !llvm::is_contained(denseOnly, i);
}

/// Llama, Mistral, Mixtral, Qwen2, Qwen2-MoE, Qwen3, Qwen3-MoE, Phi-3,
/// Grok-1 and GLaM share the decoder shape: RMSNorm, rotary GQA attention,
/// gated MLP or MoE.
void readLlamaFamily(ConfigReader &r, ModelDescription &m) {
  StringRef type = m.modelType;
  m.hiddenSize = r.positive("hidden_size");
  m.numLayers = r.positive("num_hidden_layers");
  m.numHeads = r.positive("num_attention_heads");
  m.numKVHeads = r.positiveOr("num_key_value_heads", m.numHeads);
  m.headDim = r.positiveOr("head_dim", 0);
  m.vocabSize = r.positive("vocab_size");
  m.maxPositionEmbeddings = r.positiveOr("max_position_embeddings", 0);
  m.normEps = r.positiveNumberOr("rms_norm_eps", 1e-6);
  m.tiedEmbeddings = r.boolOr("tie_word_embeddings", false);
  readActivation(r, m, "hidden_act", "silu");
  m.qkvBias = r.boolOr("attention_bias", false);
  m.outputBias = m.qkvBias;
  m.mlpBias = r.boolOr("mlp_bias", false);

  RopeDescription rope;
  rope.theta = r.positiveNumberOr("rope_theta", 10000.0);
  readRopeScaling(r, rope);
  double partial = r.positiveNumberOr("partial_rotary_factor", 1.0);
  m.rope = rope;

  // Phi3Config keeps fused qkv and gate_up projections: the same weights
  // as separate ones. Its sliding_window (2047 in Phi-3-mini-4k) bounds
  // every layer's attention, as Mistral's does.
  if (type == "mistral" || type == "mixtral" || type == "phi3")
    m.slidingWindow = r.optionalPositive("sliding_window");
  if ((type == "qwen2" || type == "qwen2_moe") &&
      r.boolOr("use_sliding_window", false))
    m.slidingWindow = r.optionalPositive("sliding_window");
  if (type == "qwen2" || type == "qwen2_moe") {
    // Qwen2 always has biases on q/k/v and none on the output projection.
    m.qkvBias = true;
    m.outputBias = false;
  }
  if (type == "qwen3" || type == "qwen3_moe") {
    // Qwen3: RMSNorm of each query and key head, biases as attention_bias.
    m.qkNorm = true;
    if (r.boolOr("use_sliding_window", false))
      m.slidingWindow = r.optionalPositive("sliding_window");
  }

  if (type == "mixtral") {
    m.moe.numExperts = r.positive("num_local_experts");
    m.moe.topK = r.positive("num_experts_per_tok");
    m.intermediateSize = r.positive("intermediate_size");
    m.moe.intermediateSize = m.intermediateSize;
    m.moeLayers.assign(m.numLayers, true);
  } else if (type == "qwen2_moe") {
    m.intermediateSize = r.positive("intermediate_size");
    m.moe.numExperts = r.positive("num_experts");
    m.moe.topK = r.positive("num_experts_per_tok");
    m.moe.intermediateSize = r.positive("moe_intermediate_size");
    m.moe.sharedIntermediateSize =
        r.nonNegativeOr("shared_expert_intermediate_size", 0);
    if (m.moe.sharedIntermediateSize > 0) {
      m.moe.numSharedExperts = 1;
      m.moe.sharedExpertGate = true;
    }
    sparseLayers(r, m, 1);
  } else if (type == "qwen3_moe") {
    // Qwen3MoeConfig: routed experts only (no shared expert), MoE layers by
    // decoder_sparse_step and mlp_only_layers as Qwen2-MoE.
    m.intermediateSize = r.positive("intermediate_size");
    m.moe.numExperts = r.positive("num_experts");
    m.moe.topK = r.positive("num_experts_per_tok");
    m.moe.intermediateSize = r.positive("moe_intermediate_size");
    sparseLayers(r, m, 1);
  } else if (type == "grok-1" || type == "grok") {
    // hpcai-tech/grok-1 and keyfan/grok-1-hf: 8 experts, gated GeLU,
    // RMSNorm before and after both sub-blocks, tied embeddings.
    m.intermediateSize = r.positive("intermediate_size");
    m.moe.numExperts = r.has("num_local_experts")
                           ? r.positive("num_local_experts")
                           : r.positive("num_experts");
    m.moe.topK = r.positive("num_experts_per_tok");
    m.moe.intermediateSize = m.intermediateSize;
    m.moeLayers.assign(m.numLayers, true);
    m.normPlacement = NormPlacement::Sandwich;
    m.tiedEmbeddings = r.boolOr("tie_word_embeddings", true);
    readActivation(r, m, "hidden_act", "gelu");
    m.normEps = r.positiveNumberOr("rms_norm_eps", 1e-5);
  } else if (type == "glam") {
    // GLaM (Du et al., ICML 2022): every other layer is MoE, top-2 gating,
    // relative position bias (no rotary, no position table).
    m.intermediateSize = r.positive("intermediate_size");
    m.moe.numExperts = r.positive("num_experts");
    m.moe.topK = r.positive("num_experts_per_tok");
    m.moe.intermediateSize =
        r.positiveOr("moe_intermediate_size", m.intermediateSize);
    m.gatedMLP = r.boolOr("gated_mlp", false);
    readActivation(r, m, "hidden_act", "gelu");
    m.tiedEmbeddings = r.boolOr("tie_word_embeddings", true);
    if (!r.has("rope_theta"))
      m.rope.reset();
    sparseLayers(r, m, 2);
  } else {
    m.intermediateSize = r.positive("intermediate_size");
    m.moeLayers.assign(m.numLayers, false);
  }

  finishHeads(r, m, "num_attention_heads", "num_key_value_heads",
              "hidden_size");
  if (m.rope && partial < 1.0)
    m.rope->rotaryDim = int64_t(m.headDim * partial) & ~int64_t(1);
}

/// Which layers attend through the sliding window: `layer_types`
/// ("sliding_attention" / "full_attention", transformers >= 4.53) when the
/// config lists them, else `isSliding(i)`, the family's rule.
template <typename Rule>
void readSlidingLayers(ConfigReader &r, ModelDescription &m, Rule isSliding) {
  std::vector<std::string> types = r.stringList("layer_types");
  m.slidingLayers.assign(m.numLayers, false);
  if (types.empty()) {
    for (int64_t i = 0; i < m.numLayers; ++i)
      m.slidingLayers[i] = isSliding(i);
    return;
  }
  if (int64_t(types.size()) != m.numLayers) {
    r.fail("layer_types", "lists " + Twine(types.size()) +
                              " layers; 'num_hidden_layers' is " +
                              Twine(m.numLayers));
    return;
  }
  for (auto [i, type] : llvm::enumerate(types)) {
    if (type != "sliding_attention" && type != "full_attention") {
      r.fail("layer_types", "names '" + type +
                                "'; expected 'sliding_attention' or "
                                "'full_attention'");
      return;
    }
    m.slidingLayers[i] = type == "sliding_attention";
  }
}

/// Gemma 2 and Gemma 3's text decoder: an RMSNorm before and after each
/// sub-block, head_dim set apart from hidden / heads, tied embeddings, and
/// a sliding window on the local layers (Gemma 2: every other layer, from
/// the first; Gemma 3: all but every sliding_window_pattern-th). Absent
/// fields take the defaults of transformers' Gemma2Config and
/// Gemma3TextConfig, which published configs rely on (a Gemma 3
/// text_config may omit the vocabulary and head counts).
void readGemma(ConfigReader &r, ModelDescription &m) {
  bool gemma3 = m.modelType == "gemma3_text";
  // A size taken from the defaults changes every count: said in a note.
  std::string defaulted;
  auto size = [&](StringRef key, int64_t fallback) {
    if (!r.has(key))
      defaulted +=
          formatv("{0}{1} {2}", defaulted.empty() ? "" : ", ", key, fallback)
              .str();
    return r.positiveOr(key, fallback);
  };
  m.vocabSize = size("vocab_size", gemma3 ? 262208 : 256000);
  m.hiddenSize = size("hidden_size", 2304);
  m.intermediateSize = size("intermediate_size", 9216);
  m.numLayers = size("num_hidden_layers", 26);
  m.numHeads = size("num_attention_heads", 8);
  m.numKVHeads = size("num_key_value_heads", 4);
  m.headDim = size("head_dim", 256);
  if (!defaulted.empty())
    m.importNotes.push_back(
        formatv("sizes absent from the config, taken from transformers' {0} "
                "defaults: {1}",
                gemma3 ? "Gemma3TextConfig" : "Gemma2Config", defaulted)
            .str());
  // Soft-capping (cap * tanh(x / cap)) on the attention scores and the
  // logits: about 3 FLOPs a score against attention's 4 x head_dim (0.3% at
  // head_dim 256), and a pass over the logits beside the LM head's 2 x
  // hidden a logit: not priced, said so.
  std::string capped;
  for (StringRef key : {"attn_logit_softcapping", "final_logit_softcapping"})
    if (r.has(key))
      capped += formatv("{0}{1} {2}", capped.empty() ? "" : ", ", key,
                        r.positiveNumberOr(key, 0))
                    .str();
  if (!capped.empty())
    m.importNotes.push_back(
        "soft-capping (" + capped +
        ") is not priced: its tanh adds about 3 FLOPs a score to attention's "
        "4 x head_dim, and a pass over the logits");
  m.maxPositionEmbeddings =
      r.positiveOr("max_position_embeddings", gemma3 ? 131072 : 8192);
  m.normEps = r.positiveNumberOr("rms_norm_eps", 1e-6);
  m.tiedEmbeddings = r.boolOr("tie_word_embeddings", true);
  readActivation(
      r, m, r.has("hidden_activation") ? "hidden_activation" : "hidden_act",
      "gelu_pytorch_tanh");
  m.qkvBias = m.outputBias = r.boolOr("attention_bias", false);
  m.normPlacement = NormPlacement::Sandwich;
  m.qkNorm = gemma3;
  RopeDescription rope;
  rope.theta = r.positiveNumberOr("rope_theta", gemma3 ? 1e6 : 10000.0);
  readRopeScaling(r, rope);
  m.rope = rope;
  m.slidingWindow = r.positiveOr("sliding_window", 4096);
  m.moeLayers.assign(m.numLayers, false);
  int64_t pattern = gemma3 ? r.positiveOr("sliding_window_pattern", 6) : 2;
  readSlidingLayers(r, m, [&](int64_t i) {
    return gemma3 ? (i + 1) % pattern != 0 : i % 2 == 0;
  });
  finishHeads(r, m, "num_attention_heads", "num_key_value_heads",
              "hidden_size");
}

/// The fields gpt-oss, Llama 4 and DeepSeek name alike: sizes, norm,
/// embeddings, activation and attention biases (`attention_bias`, default
/// `biasDefault`, on q/k/v and the output projection).
void readDecoderBasics(ConfigReader &r, ModelDescription &m, double epsDefault,
                       bool biasDefault) {
  m.hiddenSize = r.positive("hidden_size");
  m.numLayers = r.positive("num_hidden_layers");
  m.numHeads = r.positive("num_attention_heads");
  m.numKVHeads = r.positiveOr("num_key_value_heads", m.numHeads);
  m.vocabSize = r.positive("vocab_size");
  m.maxPositionEmbeddings = r.positiveOr("max_position_embeddings", 0);
  m.normEps = r.positiveNumberOr("rms_norm_eps", epsDefault);
  m.tiedEmbeddings = r.boolOr("tie_word_embeddings", false);
  readActivation(r, m, "hidden_act", "silu");
  m.qkvBias = m.outputBias = r.boolOr("attention_bias", biasDefault);
}

/// gpt-oss (GptOssConfig): GQA attention with biases and a learned sink
/// logit per head, sliding-window layers alternating with full ones (from
/// the first, or as `layer_types` lists), every layer MoE: a router with a
/// bias and experts of gated SwiGLU with biases (gate_up_proj_bias,
/// down_proj_bias), in MXFP4 as released. The sinks (one value per head
/// and layer, 2,304 in gpt-oss-120b) add one score per head and query: far
/// below the attention they join, they are not counted.
void readGptOss(ConfigReader &r, ModelDescription &m) {
  readDecoderBasics(r, m, 1e-5, /*biasDefault=*/true);
  m.headDim = r.positiveOr("head_dim", 64);
  m.intermediateSize = r.positive("intermediate_size");
  RopeDescription rope;
  rope.theta = r.positiveNumberOr("rope_theta", 150000.0);
  readRopeScaling(r, rope);
  m.rope = rope;
  m.slidingWindow = r.positiveOr("sliding_window", 128);
  readSlidingLayers(r, m, [](int64_t i) { return i % 2 == 0; });
  m.moe.numExperts = r.positive("num_local_experts");
  m.moe.topK = r.positive("num_experts_per_tok");
  m.moe.intermediateSize = m.intermediateSize;
  m.moe.routerBias = true;
  m.mlpBias = true;
  m.moeLayers.assign(m.numLayers, true);
  finishHeads(r, m, "num_attention_heads", "num_key_value_heads",
              "hidden_size");
}

/// Llama 4's text decoder (Llama4TextConfig, the `text_config` of a
/// `llama4` checkpoint): GQA attention; MoE layers every
/// interleave_moe_layer_step-th layer (or as `moe_layers` lists) with
/// num_local_experts routed experts of intermediate_size and one shared
/// expert of the same width, the other layers dense MLPs of
/// intermediate_size_mlp. Three layers in four attend within chunks of
/// attention_chunk_size tokens (the ones with rotary embedding,
/// `no_rope_layers` 1), modelled as a sliding window of that size: a decode
/// reads at most one chunk. The query/key L2 norm has no weights and is
/// left out.
void readLlama4(ConfigReader &r, ModelDescription &m) {
  readDecoderBasics(r, m, 1e-5, /*biasDefault=*/false);
  m.headDim = r.positiveOr("head_dim", 0);
  RopeDescription rope;
  rope.theta = r.positiveNumberOr("rope_theta", 500000.0);
  readRopeScaling(r, rope);
  m.rope = rope;

  m.intermediateSize = r.positive("intermediate_size_mlp");
  m.moe.numExperts = r.positive("num_local_experts");
  m.moe.topK = r.positive("num_experts_per_tok");
  m.moe.intermediateSize = r.positive("intermediate_size");
  m.moe.numSharedExperts = 1;
  m.moe.sharedIntermediateSize = m.moe.intermediateSize;
  std::vector<int64_t> listed = r.intList("moe_layers");
  int64_t step = r.positiveOr("interleave_moe_layer_step", 1);
  m.moeLayers.assign(m.numLayers, false);
  for (int64_t i = 0; i < m.numLayers; ++i)
    m.moeLayers[i] = r.has("moe_layers") ? llvm::is_contained(listed, i)
                                         : (i + 1) % step == 0;
  for (int64_t layer : listed)
    if (layer >= m.numLayers)
      r.fail("moe_layers", "lists layer " + Twine(layer) + "; the model has " +
                               Twine(m.numLayers));

  if (std::optional<int64_t> chunk =
          r.optionalPositive("attention_chunk_size")) {
    m.slidingWindow = *chunk;
    std::vector<int64_t> ropeLayers = r.intList("no_rope_layers");
    if (!ropeLayers.empty() && int64_t(ropeLayers.size()) != m.numLayers)
      r.fail("no_rope_layers", "lists " + Twine(ropeLayers.size()) +
                                   " layers; 'num_hidden_layers' is " +
                                   Twine(m.numLayers));
    m.slidingLayers.assign(m.numLayers, false);
    for (int64_t i = 0; i < m.numLayers; ++i)
      m.slidingLayers[i] = ropeLayers.empty()              ? (i + 1) % 4 != 0
                           : size_t(i) < ropeLayers.size() ? ropeLayers[i] != 0
                                                           : false;
  }
  finishHeads(r, m, "num_attention_heads", "num_key_value_heads",
              "hidden_size");
}

/// Parameters of DeepSeek's multi-token-prediction module, which the
/// checkpoints ship beside the model (num_nextn_predict_layers) and only
/// speculative decoding runs: per module one MoE decoder layer, the eh_proj
/// (2h x h) that joins the hidden state and the next token's embedding,
/// three RMSNorms (enorm, hnorm, shared_head.norm) and its own copies of
/// the embedding and output head (DeepseekV3 modeling code, the checkpoint's
/// model.layers.61.* tensors).
uint64_t mtpModuleParameters(const ModelDescription &m) {
  uint64_t h = m.hiddenSize, heads = m.numHeads;
  const MLADescription &a = *m.mla;
  uint64_t qk = heads * (a.qkNopeHeadDim + a.qkRopeHeadDim);
  uint64_t query = a.qLoraRank
                       ? h * a.qLoraRank + a.qLoraRank + a.qLoraRank * qk +
                             (m.qkvBias ? a.qLoraRank : 0)
                       : h * qk;
  uint64_t latentWidth = a.kvLoraRank + a.qkRopeHeadDim;
  uint64_t attention = query + h * latentWidth + (m.qkvBias ? latentWidth : 0) +
                       a.kvLoraRank +
                       a.kvLoraRank * heads * (a.qkNopeHeadDim + a.vHeadDim) +
                       heads * a.vHeadDim * h + (m.outputBias ? h : 0);
  const MoEDescription &e = m.moe;
  uint64_t moe = e.numExperts * 3 * h * e.intermediateSize +
                 e.numSharedExperts * 3 * h * e.sharedIntermediateSize +
                 h * e.numExperts + (e.routerBias ? e.numExperts : 0);
  uint64_t layer = attention + moe + 2 * h;
  return layer + 2 * h * h + 3 * h + 2 * uint64_t(m.vocabSize) * h;
}

/// DeepSeek-V2, DeepSeek-V3 and Kimi-K2 (DeepseekV2Config,
/// DeepseekV3Config; Kimi-K2 ships a DeepSeek-V3 config under its own
/// model_type): MLA attention, first_k_dense_replace dense layers, then
/// MoE layers (every moe_layer_freq-th) of n_routed_experts routed experts
/// (top num_experts_per_tok, group-limited by n_group / topk_group) and
/// n_shared_experts always-active ones of moe_intermediate_size each. The
/// MTP module is left out of the served model and counted in a note.
void readDeepSeek(ConfigReader &r, ModelDescription &m) {
  bool v2 = m.modelType == "deepseek_v2";
  readDecoderBasics(r, m, 1e-6, /*biasDefault=*/false);
  m.numKVHeads = m.numHeads; // MLA: the latent serves every head.
  m.intermediateSize = r.positive("intermediate_size");

  MLADescription a;
  a.qLoraRank = r.optionalPositive("q_lora_rank").value_or(0);
  a.kvLoraRank = r.positive("kv_lora_rank");
  a.qkNopeHeadDim = r.positive("qk_nope_head_dim");
  a.qkRopeHeadDim = r.positive("qk_rope_head_dim");
  a.vHeadDim = r.positive("v_head_dim");
  m.mla = a;
  m.headDim = a.qkNopeHeadDim + a.qkRopeHeadDim;

  RopeDescription rope;
  rope.theta = r.positiveNumberOr("rope_theta", 10000.0);
  readRopeScaling(r, rope);
  rope.rotaryDim = a.qkRopeHeadDim;
  m.rope = rope;

  m.moeLayers.assign(m.numLayers, false);
  std::optional<int64_t> routed = r.optionalPositive("n_routed_experts");
  if (routed) {
    MoEDescription &e = m.moe;
    e.numExperts = *routed;
    e.topK = r.positive("num_experts_per_tok");
    e.intermediateSize = r.positive("moe_intermediate_size");
    int64_t shared = r.nonNegativeOr("n_shared_experts", 0);
    if (shared > 0) {
      // One MLP of n_shared_experts x moe_intermediate_size (the modeling
      // code's DeepseekV3MLP(intermediate_size=moe_intermediate_size *
      // n_shared_experts)).
      e.numSharedExperts = 1;
      e.sharedIntermediateSize = shared * e.intermediateSize;
    }
    std::string method = r.stringOr("topk_method", v2 ? "greedy" : "noaux_tc");
    if (method != "greedy" && method != "group_limited_greedy" &&
        method != "noaux_tc")
      r.fail("topk_method", "names '" + method +
                                "'; expected greedy, group_limited_greedy "
                                "or noaux_tc");
    // noaux_tc balances the experts by a learned bias per expert
    // (e_score_correction_bias).
    e.routerBias = method == "noaux_tc";
    int64_t groups = r.positiveOr("n_group", 1);
    int64_t groupsPerToken = r.positiveOr("topk_group", 1);
    if (method != "greedy" && groups > 1) {
      if (e.numExperts % groups != 0)
        r.fail("n_group", "(" + Twine(groups) +
                              ") must divide n_routed_experts (" +
                              Twine(e.numExperts) + ")");
      else if (groupsPerToken > groups)
        r.fail("topk_group", "(" + Twine(groupsPerToken) +
                                 ") must not exceed n_group (" + Twine(groups) +
                                 ")");
      else if (e.topK > groupsPerToken * (e.numExperts / groups))
        r.fail("num_experts_per_tok",
               "(" + Twine(e.topK) + ") exceeds the experts of topk_group (" +
                   Twine(groupsPerToken) + ") groups");
      e.numGroups = groups;
      e.topKGroups = groupsPerToken;
    }
    int64_t firstDense = r.nonNegativeOr("first_k_dense_replace", 0);
    int64_t frequency = r.positiveOr("moe_layer_freq", 1);
    for (int64_t i = 0; i < m.numLayers; ++i)
      m.moeLayers[i] = i >= firstDense && i % frequency == 0;
  }
  if (r.failed())
    return;
  int64_t mtp = r.nonNegativeOr("num_nextn_predict_layers", 0);
  if (mtp > 0 && routed) {
    uint64_t parameters =
        SaturatingMultiply(uint64_t(mtp), mtpModuleParameters(m));
    m.leftOutParameters = SaturatingAdd(m.leftOutParameters, parameters);
    m.leftOutParts.push_back("the MTP module");
    m.importNotes.push_back(
        formatv("the multi-token-prediction module (num_nextn_predict_layers "
                "{0}: {1:N} parameters, {2:F2} B, with its own embedding and "
                "head) is left out: only speculative decoding runs it",
                mtp, parameters, parameters / 1e9)
            .str());
  }
}

void readOPT(ConfigReader &r, ModelDescription &m) {
  m.hiddenSize = r.positive("hidden_size");
  m.intermediateSize = r.positive("ffn_dim");
  m.numLayers = r.positive("num_hidden_layers");
  m.numHeads = r.positive("num_attention_heads");
  m.numKVHeads = m.numHeads;
  m.vocabSize = r.positive("vocab_size");
  m.maxPositionEmbeddings = r.positive("max_position_embeddings");
  // OPTLearnedPositionalEmbedding keeps two extra rows (offset 2).
  m.positionTableSize = m.maxPositionEmbeddings + 2;
  readActivation(r, m, "activation_function", "relu");
  bool preNorm = r.boolOr("do_layer_norm_before", true);
  m.normPlacement = preNorm ? NormPlacement::Pre : NormPlacement::Post;
  m.finalNorm = preNorm;
  m.norm = NormKind::LayerNorm;
  m.normBias = true;
  m.normEps = 1e-5;
  bool bias = r.boolOr("enable_bias", true);
  m.qkvBias = m.outputBias = m.mlpBias = bias;
  m.gatedMLP = false;
  m.tiedEmbeddings = r.boolOr("tie_word_embeddings", true);
  int64_t projection = r.positiveOr("word_embed_proj_dim", m.hiddenSize);
  if (projection != m.hiddenSize)
    m.embeddingProjectionDim = projection;
  m.moeLayers.assign(m.numLayers, false);
  finishHeads(r, m, "num_attention_heads", "num_attention_heads",
              "hidden_size");
}

/// GPT-2 (and GPT-3, which shares its architecture).
void readGPT2(ConfigReader &r, ModelDescription &m) {
  m.hiddenSize = r.positive("n_embd");
  m.numLayers = r.positive("n_layer");
  m.numHeads = r.positive("n_head");
  m.numKVHeads = m.numHeads;
  m.vocabSize = r.positive("vocab_size");
  m.maxPositionEmbeddings = r.positive("n_positions");
  m.positionTableSize = m.maxPositionEmbeddings;
  m.intermediateSize = r.positiveOr("n_inner", 4 * m.hiddenSize);
  readActivation(r, m, "activation_function", "gelu_new");
  m.norm = NormKind::LayerNorm;
  m.normBias = true;
  m.normEps = r.positiveNumberOr("layer_norm_epsilon", 1e-5);
  m.qkvBias = m.outputBias = m.mlpBias = true;
  m.gatedMLP = false;
  m.tiedEmbeddings = r.boolOr("tie_word_embeddings", true);
  m.moeLayers.assign(m.numLayers, false);
  finishHeads(r, m, "n_head", "n_head", "n_embd");
}

void readGPTNeoX(ConfigReader &r, ModelDescription &m) {
  m.hiddenSize = r.positive("hidden_size");
  m.intermediateSize = r.positive("intermediate_size");
  m.numLayers = r.positive("num_hidden_layers");
  m.numHeads = r.positive("num_attention_heads");
  m.numKVHeads = m.numHeads;
  m.vocabSize = r.positive("vocab_size");
  m.maxPositionEmbeddings = r.positiveOr("max_position_embeddings", 0);
  readActivation(r, m, "hidden_act", "gelu");
  m.norm = NormKind::LayerNorm;
  m.normBias = true;
  m.normEps = r.positiveNumberOr("layer_norm_eps", 1e-5);
  bool bias = r.boolOr("attention_bias", true);
  m.qkvBias = m.outputBias = bias;
  m.mlpBias = true;
  m.gatedMLP = false;
  m.parallelResidual = r.boolOr("use_parallel_residual", true);
  m.tiedEmbeddings = r.boolOr("tie_word_embeddings", false);
  RopeDescription rope;
  rope.theta = r.has("rope_theta")
                   ? r.positiveNumberOr("rope_theta", 10000.0)
                   : r.positiveNumberOr("rotary_emb_base", 10000.0);
  readRopeScaling(r, rope);
  double pct = r.positiveNumberOr("rotary_pct", 0.25);
  m.moeLayers.assign(m.numLayers, false);
  finishHeads(r, m, "num_attention_heads", "num_attention_heads",
              "hidden_size");
  rope.rotaryDim = pct < 1.0 ? int64_t(m.headDim * pct) & ~int64_t(1) : 0;
  m.rope = rope;
}

void readGPTJ(ConfigReader &r, ModelDescription &m) {
  m.hiddenSize = r.positive("n_embd");
  m.numLayers = r.positive("n_layer");
  m.numHeads = r.positive("n_head");
  m.numKVHeads = m.numHeads;
  m.vocabSize = r.positive("vocab_size");
  m.maxPositionEmbeddings = r.positiveOr("n_positions", 0);
  m.intermediateSize = r.positiveOr("n_inner", 4 * m.hiddenSize);
  readActivation(r, m, "activation_function", "gelu_new");
  m.norm = NormKind::LayerNorm;
  m.normBias = true;
  m.normEps = r.positiveNumberOr("layer_norm_epsilon", 1e-5);
  // GPTJAttention has no biases; its MLP and LM head do.
  m.qkvBias = m.outputBias = false;
  m.mlpBias = true;
  m.lmHeadBias = true;
  m.gatedMLP = false;
  m.parallelResidual = true;
  m.sharedParallelNorm = true;
  m.tiedEmbeddings = r.boolOr("tie_word_embeddings", false);
  RopeDescription rope;
  rope.interleaved = true;
  rope.rotaryDim = r.positiveOr("rotary_dim", 64);
  m.rope = rope;
  m.moeLayers.assign(m.numLayers, false);
  finishHeads(r, m, "n_head", "n_head", "n_embd");
  if (!r.failed() && m.rope->rotaryDim > m.headDim)
    r.fail("rotary_dim", "(" + Twine(m.rope->rotaryDim) +
                             ") must not exceed the head size (" +
                             Twine(m.headDim) + ")");
}

struct FamilyEntry {
  StringRef modelType;
  FamilyReader read;
};

const FamilyEntry kFamilies[] = {
    {"llama", readLlamaFamily},
    {"mistral", readLlamaFamily},
    {"mixtral", readLlamaFamily},
    {"qwen2", readLlamaFamily},
    {"qwen2_moe", readLlamaFamily},
    {"qwen3", readLlamaFamily},
    {"qwen3_moe", readLlamaFamily},
    {"phi3", readLlamaFamily},
    {"gemma2", readGemma},
    {"gemma3_text", readGemma},
    {"grok-1", readLlamaFamily},
    {"grok", readLlamaFamily},
    {"glam", readLlamaFamily},
    {"deepseek_v2", readDeepSeek},
    {"deepseek_v3", readDeepSeek},
    {"kimi_k2", readDeepSeek},
    {"gpt_oss", readGptOss},
    {"llama4_text", readLlama4},
    {"opt", readOPT},
    {"gpt2", readGPT2},
    {"gpt_neox", readGPTNeoX},
    {"gptj", readGPTJ},
};

/// A symbol-friendly model name: `_name`, else the last path component of
/// `_name_or_path`, else the model type.
std::string modelName(ConfigReader &r, StringRef modelType) {
  std::string name = r.stringOr("_name", "");
  if (name.empty())
    name = llvm::sys::path::filename(r.stringOr("_name_or_path", "")).str();
  return name.empty() ? modelType.str() : name;
}

void readDTypes(ConfigReader &r, ModelDescription &m,
                const HFImportOptions &options) {
  // transformers >= 4.56 writes `dtype`; older versions `torch_dtype`.
  StringRef key = r.has("dtype") ? "dtype" : "torch_dtype";
  std::string name = r.stringOr(key, "float16");
  std::optional<DType> dtype = parseDTypeName(name);
  if (!dtype) {
    r.fail(key, "names an unsupported dtype '" + name +
                    "' (supported: float32, float16, bfloat16)");
    dtype = DType::f16;
  }
  m.weightDType = m.kvDType = m.activationDType = *dtype;

  // --weight-dtype replaces whatever the checkpoint's quantiser did.
  if (const json::Object *quant = r.optionalObject("quantization_config"))
    if (!options.weightDType)
      readQuantizationConfig(*quant, r, m);
  if (options.weightDType) {
    m.weightDType = *options.weightDType;
    m.matmulWeightDType.reset();
    m.expertWeightDType.reset();
  }
  if (options.kvDType)
    m.kvDType = *options.kvDType;
}

/// `key` (a multimodal config's `*_config` other than text_config) as the
/// left-out-towers note names it: with its size where its layout is known,
/// which also adds to the checkpoint's left-out count.
std::string describeLeftOutTower(StringRef key, const json::Object &tower,
                                 const json::Object &text,
                                 uint64_t &leftOutParameters,
                                 std::vector<std::string> &leftOutParts) {
  if (key != "vision_config")
    return key.str();
  std::string why;
  std::optional<uint64_t> parameters = countVisionTower(
      tower, uint64_t(text.getInteger("hidden_size").value_or(0)), why);
  if (!parameters)
    return (key + " (the vision tower; not counted: " + why + ")").str();
  leftOutParameters = SaturatingAdd(leftOutParameters, *parameters);
  leftOutParts.push_back("the vision tower");
  return formatv("{0} (the vision tower and its projector: {1:N} "
                 "parameters, {2:F2} B)",
                 key, *parameters, *parameters / 1e9)
      .str();
}

} // namespace

ArrayRef<StringRef> duplex::getSupportedHFModelTypes() {
  static std::vector<StringRef> types = [] {
    std::vector<StringRef> list;
    for (const FamilyEntry &entry : kFamilies)
      list.push_back(entry.modelType);
    return list;
  }();
  return types;
}

std::optional<DType> duplex::parseDTypeName(StringRef name) {
  std::string lower = name.lower();
  // The enum's own spellings (llm.DType), then torch's and common aliases.
  if (std::optional<DType> type = llm::symbolizeDType(lower))
    return type;
  return StringSwitch<std::optional<DType>>(lower)
      .Cases({"float32", "float", "fp32"}, DType::f32)
      .Cases({"float16", "half", "fp16"}, DType::f16)
      .Case("bfloat16", DType::bf16)
      .Cases({"f8", "float8", "float8_e4m3fn"}, DType::fp8)
      .Default(std::nullopt);
}

Expected<ModelDescription>
duplex::parseHFConfig(StringRef text, StringRef fileName,
                      const HFImportOptions &options) {
  Expected<json::Value> parsed = parseBoundedJSON(text, fileName);
  if (!parsed)
    return parsed.takeError();
  const json::Object *root = parsed->getAsObject();
  if (!root)
    return createStringError(inconvertibleErrorCode(),
                             "%s: the config must be a JSON object",
                             fileName.str().c_str());

  ConfigReader top(*root, fileName, "");
  std::optional<StringRef> modelType =
      root->get("model_type") ? root->getString("model_type") : std::nullopt;
  if (!modelType) {
    top.fail("model_type", root->get("model_type")
                               ? "must be a string"
                               : "is missing; it selects the architecture");
    return top.takeError();
  }
  auto findFamily = [](StringRef type) -> const FamilyEntry * {
    const FamilyEntry *found = llvm::find_if(
        kFamilies, [&](const FamilyEntry &e) { return e.modelType == type; });
    return found == std::end(kFamilies) ? nullptr : found;
  };
  auto supportedList = [] {
    std::string known;
    for (StringRef type : getSupportedHFModelTypes())
      known += (known.empty() ? "" : ", ") + type.str();
    return known;
  };
  std::vector<std::string> notes;
  uint64_t leftOutParameters = 0;
  std::vector<std::string> leftOutParts;

  // A multimodal wrapper (Llama-4, Gemma-3, Mistral-3, Qwen2.5-VL, ...)
  // nests its text decoder under text_config: the decoder is what is
  // served; the other towers are left out, and said so.
  const json::Object *config = root;
  std::string prefix;
  if (!findFamily(*modelType) && options.modelTypeAs.empty())
    if (const json::Object *text = root->getObject("text_config")) {
      std::optional<StringRef> textType = text->getString("model_type");
      if (textType && findFamily(*textType)) {
        std::string leftOut;
        for (const auto &[key, value] : *root)
          if (StringRef(key).ends_with("_config") && key != "text_config" &&
              key != "quantization_config" && value.getAsObject())
            leftOut += (leftOut.empty() ? "" : ", ") +
                       describeLeftOutTower(key, *value.getAsObject(), *text,
                                            leftOutParameters, leftOutParts);
        notes.push_back(("model_type '" + *modelType +
                         "': read the text decoder in "
                         "'text_config' (model_type '" +
                         *textType + "')" +
                         (leftOut.empty() ? "" : "; left out: " + leftOut))
                            .str());
        config = text;
        prefix = "text_config.";
        modelType = textType;
      }
    }

  StringRef familyType = *modelType;
  if (!options.modelTypeAs.empty()) {
    if (!findFamily(options.modelTypeAs))
      return createStringError(inconvertibleErrorCode(),
                               "%s: --model-type-as '%s' is not a supported "
                               "model_type (supported: %s)",
                               fileName.str().c_str(),
                               options.modelTypeAs.c_str(),
                               supportedList().c_str());
    if (familyType != options.modelTypeAs)
      notes.push_back(("model_type '" + familyType + "' read as '" +
                       options.modelTypeAs + "' (--model-type-as)")
                          .str());
    familyType = options.modelTypeAs;
  }
  const FamilyEntry *family = findFamily(familyType);
  if (!family) {
    top.fail(prefix + "model_type",
             "names an unsupported architecture '" + familyType +
                 "' (supported: " + supportedList() +
                 "; --model-type-as FAMILY reads it as one of them)");
    return top.takeError();
  }

  ModelDescription model;
  model.modelType = family->modelType.str();
  model.importNotes = std::move(notes);
  model.leftOutParameters = leftOutParameters;
  model.leftOutParts = std::move(leftOutParts);
  std::string context =
      (Twine("(") + (prefix.empty() ? "" : "in text_config, ") +
       "model_type '" + familyType + "')")
          .str();
  ConfigReader reader(*config, fileName, context);
  // Named by the top-level config (a wrapper carries _name_or_path), else
  // by its own model_type, not the family it is read as.
  model.name = modelName(top, *root->getString("model_type"));
  if (Error error = top.takeError())
    return std::move(error);
  std::string origin = reader.stringOr("_source", "");
  model.source =
      origin.empty() ? fileName.str() : (fileName + ": " + origin).str();
  // Wrappers keep the dtype and quantisation at the top level.
  bool nestedTypes = config == root || config->get("dtype") ||
                     config->get("torch_dtype") ||
                     config->get("quantization_config");
  ConfigReader typesReader(nestedTypes ? *config : *root, fileName,
                           nestedTypes ? context : "");
  readDTypes(typesReader, model, options);
  if (Error error = typesReader.takeError())
    return std::move(error);
  family->read(reader, model);
  // Named here, by the config's fields; the llm.moe verifier would say it
  // in IR terms only.
  if (model.moe.numExperts > 0 && model.moe.topK > model.moe.numExperts)
    reader.fail("num_experts_per_tok",
                "(" + Twine(model.moe.topK) +
                    ") must not exceed the number of experts (" +
                    Twine(model.moe.numExperts) + ")");
  if (Error error = reader.takeError())
    return std::move(error);
  return model;
}

/// Warns with the checkpoint total the served `served` and the parts the
/// import left out make, and keeps the left-out count on the model for
/// stats; a total past 64 bits is said, not claimed.
static void stateLeftOutParts(llm::ModelOp served,
                              const ModelDescription &model,
                              mlir::Location loc) {
  uint64_t parameters = llm::countParameters(served);
  std::string parts = llvm::join(model.leftOutParts, " and ");
  bool overflowed = false;
  uint64_t total =
      SaturatingAdd(parameters, model.leftOutParameters, &overflowed);
  if (overflowed) {
    mlir::emitWarning(loc) << "the served model and " << parts
                           << " count more parameters than 64 bits hold "
                              "together: no checkpoint total";
    return;
  }
  mlir::Builder builder(served.getContext());
  served->setAttr("llm.left_out_parameters",
                  builder.getI64IntegerAttr(int64_t(model.leftOutParameters)));
  served->setAttr("llm.left_out", builder.getStringAttr(parts));
  mlir::emitWarning(loc) << formatv(
      "the checkpoint holds {0:N} parameters ({1:F2} B): the {2:N} served "
      "here and {3:N} in {4}, left out",
      total, total / 1e9, parameters, model.leftOutParameters, parts);
}

Expected<mlir::OwningOpRef<mlir::ModuleOp>>
duplex::importHFConfig(StringRef json, StringRef fileName,
                       mlir::MLIRContext *context,
                       const HFImportOptions &options) {
  Expected<ModelDescription> model = parseHFConfig(json, fileName, options);
  if (!model)
    return model.takeError();
  context->getOrLoadDialect<llm::LLMDialect>();
  mlir::Location loc = mlir::FileLineColLoc::get(context, fileName, 1, 1);
  for (const std::string &note : model->importNotes)
    mlir::emitWarning(loc) << note;
  mlir::OwningOpRef<mlir::ModuleOp> module = mlir::ModuleOp::create(loc);
  mlir::OpBuilder builder(context);
  builder.setInsertionPointToEnd(module->getBody());
  buildModel(builder, loc, *model);
  if (mlir::failed(mlir::verify(*module)))
    return createStringError(inconvertibleErrorCode(),
                             "%s: the imported model failed verification",
                             fileName.str().c_str());
  if (model->leftOutParameters > 0)
    stateLeftOutParts(*module->getBody()->getOps<llm::ModelOp>().begin(),
                      *model, loc);
  return std::move(module);
}
