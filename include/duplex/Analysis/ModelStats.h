//===- ModelStats.h - parameters, weight and KV-cache bytes -----*- C++ -*-===//

#ifndef DUPLEX_ANALYSIS_MODELSTATS_H
#define DUPLEX_ANALYSIS_MODELSTATS_H

#include "duplex/Dialect/LLM/IR/LLMOps.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>
#include <vector>

namespace duplex {

/// Parameters and bytes of one statistics bucket (see WeightOpInterface).
struct StatsCategory {
  std::string name;
  uint64_t parameters = 0;
  /// Weight storage in bits (int4 weights make bytes fractional per param).
  uint64_t weightBits = 0;
  uint64_t weightBytes() const { return (weightBits + 7) / 8; }
};

struct ModelStats {
  std::string name;
  uint64_t parameters = 0;
  uint64_t weightBytes = 0;
  /// Parameters a single token touches: routed experts count top_k of
  /// num_experts (the MoE "active" parameters).
  uint64_t activeParameters = 0;
  /// The same without the embedding tables, of which a token reads one
  /// row (a tied LM head still multiplies by the whole token table): the
  /// convention of OpenAI's gpt-oss (5.1B of 120b) and DeepSeek's "37B
  /// activated"; Meta (Llama 4's 17B) and Qwen ("22B", "3.3B") count the
  /// table, as activeParameters does.
  uint64_t activeParametersWithoutEmbedding = 0;
  uint64_t kvCacheBytesPerToken = 0;
  int64_t numLayers = 0;
  int64_t numMoELayers = 0;
  /// The model was raised from ONNX with --allow-partial and leaves out
  /// weights or layers the graph has (the `llm.partial` attribute).
  bool partial = false;
  /// What decided whether the LM head reuses the token table, for models
  /// raised from ONNX (the `llm.tied_embeddings_evidence` attribute).
  std::string tiedEmbeddingsEvidence;
  /// Parameters of the checkpoint's parts the import left out and counted
  /// (a vision tower, an MTP module: the `llm.left_out_parameters` and
  /// `llm.left_out` attributes), and what they are.
  uint64_t leftOutParameters = 0;
  std::string leftOut;
  /// Fixed order: embedding, attention_projections, mlp, experts, router,
  /// norm, lm_head, other.
  std::vector<StatsCategory> breakdown;
};

/// Walks `model`, multiplying everything inside `llm.repeat` by its count.
ModelStats computeModelStats(llm::ModelOp model);

llvm::json::Value toJSON(const ModelStats &stats);

/// A human-readable table.
void printModelStats(const ModelStats &stats, llvm::raw_ostream &os);

} // namespace duplex

#endif // DUPLEX_ANALYSIS_MODELSTATS_H
