//===- ModelDescription.h - a decoder LLM as a plain struct -----*- C++ -*-===//
//
// The hyper-parameters of a decoder LLM, independent of where they came from
// (a Hugging Face config.json, a bundled model file). The HF importer fills
// one; ModelBuilder turns it into `llm` IR.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_IMPORT_MODELDESCRIPTION_H
#define DUPLEX_IMPORT_MODELDESCRIPTION_H

#include "duplex/Dialect/LLM/IR/LLMOps.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace duplex {

enum class NormKind { RMSNorm, LayerNorm };

/// Where the norms sit relative to each sub-block.
enum class NormPlacement {
  /// x + f(norm(x)) — Llama, GPT-2, OPT (do_layer_norm_before).
  Pre,
  /// norm(x + f(x)) — OPT-350m (do_layer_norm_before = false).
  Post,
  /// x + norm(f(norm(x))) — Grok-1's four norms per layer.
  Sandwich,
};

struct RopeDescription {
  double theta = 10000.0;
  int64_t rotaryDim = 0; // 0: all of head_dim.
  bool interleaved = false;
  double scaling = 1.0;
};

struct MoEDescription {
  int64_t numExperts = 0;
  int64_t topK = 0;
  int64_t intermediateSize = 0;
  int64_t numSharedExperts = 0;
  int64_t sharedIntermediateSize = 0;
  bool sharedExpertGate = false;
  bool routerBias = false;
  /// Group-limited routing (DeepSeek: n_group, topk_group); 0: none.
  int64_t numGroups = 0;
  int64_t topKGroups = 0;
};

/// Multi-head latent attention (DeepSeek-V2/V3): low-rank queries
/// (qLoraRank; 0: one direct projection) and a latent KV cache.
struct MLADescription {
  int64_t qLoraRank = 0;
  int64_t kvLoraRank = 0;
  int64_t qkNopeHeadDim = 0;
  int64_t qkRopeHeadDim = 0;
  int64_t vHeadDim = 0;
};

struct ModelDescription {
  /// Symbol name of the `llm.model` op.
  std::string name;
  /// Where the description came from (file, and the config's `_source`).
  std::string source;
  std::string modelType;
  /// What the import chose that the user should know: the text decoder
  /// read from a multimodal config's `text_config`, a model_type read as
  /// another family. Printed as warnings.
  std::vector<std::string> importNotes;
  /// Parameters of the checkpoint's parts that are left out and counted
  /// (a vision tower, DeepSeek's MTP module); the import states the
  /// checkpoint total they make with the served model.
  uint64_t leftOutParameters = 0;
  /// Those parts, named for that statement.
  std::vector<std::string> leftOutParts;

  int64_t vocabSize = 0;
  int64_t hiddenSize = 0;
  int64_t numLayers = 0;
  int64_t numHeads = 0;
  int64_t numKVHeads = 0;
  int64_t headDim = 0;
  /// Width of the dense MLP (dense layers of MoE models too).
  int64_t intermediateSize = 0;
  int64_t maxPositionEmbeddings = 0;

  llm::DType weightDType = llm::DType::f16;
  /// Weights of linear/MLP/expert matrices when quantised (GPTQ/AWQ).
  std::optional<llm::DType> matmulWeightDType;
  /// Weights of the routed and shared experts alone (gpt-oss's MXFP4).
  std::optional<llm::DType> expertWeightDType;
  llm::DType kvDType = llm::DType::f16;
  llm::DType activationDType = llm::DType::f16;

  NormKind norm = NormKind::RMSNorm;
  NormPlacement normPlacement = NormPlacement::Pre;
  double normEps = 1e-5;
  bool normBias = false;
  bool finalNorm = true;

  llm::Activation activation = llm::Activation::silu;
  bool gatedMLP = true;
  bool mlpBias = false;
  bool qkvBias = false;
  /// Qwen3, Gemma 3: RMSNorm of each query and key head (one scale of
  /// head_dim each, eps normEps) before the rotary embedding.
  bool qkNorm = false;
  bool outputBias = false;

  /// Learned absolute positions with this many table rows (0: none).
  int64_t positionTableSize = 0;
  std::optional<RopeDescription> rope;
  std::optional<int64_t> slidingWindow;
  /// Per decoder layer: is its attention bounded by `slidingWindow`? Empty:
  /// every layer is (Mistral); Gemma alternates local and global layers.
  std::vector<bool> slidingLayers;

  bool tiedEmbeddings = false;
  bool lmHeadBias = false;
  /// x + attn(ln1(x)) + mlp(ln2(x)) (GPT-NeoX, GPT-J).
  bool parallelResidual = false;
  /// GPT-J: attention and MLP share one LayerNorm.
  bool sharedParallelNorm = false;
  /// OPT's word_embed_proj_dim when it differs from hidden_size.
  int64_t embeddingProjectionDim = 0;

  MoEDescription moe;
  /// Set: the attention is MLA (numHeads heads; numKVHeads and headDim
  /// unused).
  std::optional<MLADescription> mla;
  /// Per decoder layer: does it use `moe` instead of the dense MLP?
  std::vector<bool> moeLayers;

  llm::DType getMatmulWeightDType() const {
    return matmulWeightDType.value_or(weightDType);
  }
  llm::DType getExpertWeightDType() const {
    return expertWeightDType.value_or(getMatmulWeightDType());
  }
};

} // namespace duplex

#endif // DUPLEX_IMPORT_MODELDESCRIPTION_H
