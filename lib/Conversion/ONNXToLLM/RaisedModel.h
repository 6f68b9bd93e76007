//===- RaisedModel.h - what the raise found, layer by layer -----*- C++ -*-===//
//
// The decoder the raise recognised in an ONNX graph, one entry per layer.
// ModelEmitter turns it into a ModelDescription when the layers agree (and
// lets buildModel emit the IR), or emits it layer by layer when they do
// not.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_LIB_CONVERSION_ONNXTOLLM_RAISEDMODEL_H
#define DUPLEX_LIB_CONVERSION_ONNXTOLLM_RAISEDMODEL_H

#include "duplex/Import/ModelDescription.h"

#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>
#include <vector>

namespace duplex::raise {

struct NormInfo {
  NormKind kind = NormKind::RMSNorm;
  double eps = 1e-5;
  bool bias = false;
  llm::DType weightDType = llm::DType::f32;

  bool operator==(const NormInfo &other) const {
    return kind == other.kind && eps == other.eps && bias == other.bias &&
           weightDType == other.weightDType;
  }
  bool operator!=(const NormInfo &other) const { return !(*this == other); }
};

struct AttentionInfo {
  int64_t numHeads = 0;
  int64_t numKVHeads = 0;
  int64_t headDim = 0;
  bool qkvBias = false;
  bool outputBias = false;
  std::optional<RopeDescription> rope;
  std::optional<int64_t> slidingWindow;
  llm::DType weightDType = llm::DType::f32;
  llm::DType kvDType = llm::DType::f32;
  /// Rows of the rotary caches (the trained context), 0 if unknown.
  int64_t maxPositions = 0;
  /// Per-head RMSNorm of queries and keys (Qwen3), with its epsilon.
  std::optional<double> qkNormEps;
  llm::DType qkNormDType = llm::DType::f32;

  bool operator==(const AttentionInfo &other) const;
  bool operator!=(const AttentionInfo &other) const {
    return !(*this == other);
  }
};

struct FFNInfo {
  bool isMoE = false;
  llm::Activation activation = llm::Activation::silu;
  bool gated = false;
  bool bias = false;
  /// The dense MLP's width, or each routed expert's.
  int64_t intermediateSize = 0;
  llm::DType weightDType = llm::DType::f32;
  /// Experts, top-k, shared experts (numExperts == 0 for a dense MLP).
  MoEDescription moe;

  bool operator==(const FFNInfo &other) const;
  bool operator!=(const FFNInfo &other) const { return !(*this == other); }
};

/// One decoder layer: an attention block and a feed-forward block, each
/// with its norm and residual add when the graph has them.
struct LayerInfo {
  std::optional<NormInfo> attentionNorm;
  std::optional<AttentionInfo> attention;
  bool attentionResidual = true;
  std::optional<NormInfo> ffnNorm;
  std::optional<FFNInfo> ffn;
  bool ffnResidual = true;
  /// Post: each norm follows its block's residual add (OPT-350m).
  NormPlacement placement = NormPlacement::Pre;

  bool operator==(const LayerInfo &other) const {
    return attentionNorm == other.attentionNorm &&
           attention == other.attention &&
           attentionResidual == other.attentionResidual &&
           ffnNorm == other.ffnNorm && ffn == other.ffn &&
           ffnResidual == other.ffnResidual && placement == other.placement;
  }
};

struct EmbeddingInfo {
  int64_t vocabSize = 0;
  int64_t width = 0;
  llm::DType weightDType = llm::DType::f32;
  /// OPT's project_in to the hidden width (0: none).
  int64_t projectedWidth = 0;
  /// Learned absolute positions: table rows and the index offset (OPT: 2).
  int64_t positionRows = 0;
  int64_t positionOffset = 0;
};

struct LMHeadInfo {
  int64_t vocabSize = 0;
  bool tied = false;
  bool bias = false;
  llm::DType weightDType = llm::DType::f32;
  /// OPT's project_out from the hidden width (0: none).
  int64_t projectedWidth = 0;
  /// The head's initializer.
  std::string weightName;
  /// When the head reads another initializer of the token table's size
  /// (torch writes a tied table twice, once transposed): the table's name
  /// and stored shape, and whether the head's copy is stored transposed.
  /// Whether they hold the same numbers decides the tie.
  std::string tableName;
  llvm::SmallVector<int64_t, 2> tableShape;
  bool headTransposed = false;
};

struct RaisedModel {
  std::string name;
  std::string source;
  /// Width of the residual stream.
  int64_t hiddenSize = 0;
  llm::DType activationDType = llm::DType::f32;
  std::optional<EmbeddingInfo> embedding;
  std::vector<LayerInfo> layers;
  std::optional<NormInfo> finalNorm;
  std::optional<LMHeadInfo> lmHead;
};

} // namespace duplex::raise

#endif // DUPLEX_LIB_CONVERSION_ONNXTOLLM_RAISEDMODEL_H
