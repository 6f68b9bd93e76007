//===- ModelStats.cpp - parameters, weight and KV-cache bytes -------------===//

#include "duplex/Analysis/ModelStats.h"

#include "llvm/Support/MathExtras.h"

#include <fmt/format.h>

using namespace mlir;
using namespace duplex;
using namespace duplex::llm;

static const char *const kCategories[] = {"embedding", "attention_projections",
                                          "mlp",       "experts",
                                          "router",    "norm",
                                          "lm_head",   "other"};

namespace {
struct StatsWalker {
  ModelStats &stats;
  uint64_t kvBits = 0;

  StatsCategory &category(StringRef name) {
    for (StatsCategory &c : stats.breakdown)
      if (c.name == name)
        return c;
    llvm_unreachable("WeightOpInterface returned an unknown stats category");
  }

  void add(StringRef name, uint64_t parameters, DType type,
           uint64_t multiplier) {
    StatsCategory &c = category(name);
    c.parameters += parameters * multiplier;
    c.weightBits += getStorageBits(type, parameters) * multiplier;
  }

  void walk(Block &block, uint64_t multiplier) {
    for (Operation &op : block) {
      if (auto repeat = dyn_cast<RepeatOp>(op)) {
        walk(repeat.getBody().front(), multiplier * repeat.getCount());
        continue;
      }
      if (std::optional<KVCacheShape> kv = getKVCacheShape(&op)) {
        stats.numLayers += multiplier;
        kvBits += multiplier * getStorageBits(kv->dtype, kv->elementsPerToken);
      }
      auto weights = dyn_cast<WeightOpInterface>(op);
      if (!weights)
        continue;
      DType type = weights.getWeightElementType();
      if (auto moe = dyn_cast<MoEOp>(op)) {
        // Experts and router are separate buckets; only top_k experts (plus
        // shared ones and the router) are active for a token.
        stats.numMoELayers += multiplier;
        uint64_t routed = moe.getNumExperts() * moe.getParametersPerExpert();
        add("experts", routed + moe.getSharedExpertParameters(), type,
            multiplier);
        add("router", moe.getRouterParameters(), type, multiplier);
        stats.activeParameters +=
            multiplier *
            (moe.getTopK() * moe.getParametersPerExpert() +
             moe.getSharedExpertParameters() + moe.getRouterParameters());
        continue;
      }
      uint64_t parameters = weights.getNumParameters();
      add(weights.getStatsCategory(), parameters, type, multiplier);
      stats.activeParameters += multiplier * parameters;
      // A lookup reads one row of its table per token; a tied LM head
      // multiplies by all of the token table.
      if (isa<TokenEmbeddingOp>(op))
        tokenTable += multiplier * parameters;
      if (isa<PositionEmbeddingOp>(op))
        positionTables += multiplier * parameters;
      if (auto head = dyn_cast<LMHeadOp>(op))
        tiedHead |= head.getTied();
    }
  }

  uint64_t tokenTable = 0;
  uint64_t positionTables = 0;
  bool tiedHead = false;
};
} // namespace

ModelStats duplex::computeModelStats(ModelOp model) {
  ModelStats stats;
  stats.name = model.getSymName().str();
  stats.partial = model->hasAttr("llm.partial");
  if (auto leftOut =
          model->getAttrOfType<mlir::IntegerAttr>("llm.left_out_parameters"))
    stats.leftOutParameters = leftOut.getValue().getZExtValue();
  if (auto parts = model->getAttrOfType<mlir::StringAttr>("llm.left_out"))
    stats.leftOut = parts.getValue().str();
  if (auto evidence = model->getAttrOfType<mlir::StringAttr>(
          "llm.tied_embeddings_evidence"))
    stats.tiedEmbeddingsEvidence = evidence.getValue().str();
  for (const char *name : kCategories)
    stats.breakdown.push_back(StatsCategory{name, 0, 0});
  StatsWalker walker{stats};
  walker.walk(model.getBody().front(), 1);
  stats.activeParametersWithoutEmbedding =
      stats.activeParameters - walker.positionTables -
      (walker.tiedHead ? 0 : walker.tokenTable);
  for (const StatsCategory &c : stats.breakdown) {
    stats.parameters += c.parameters;
    stats.weightBytes += c.weightBytes();
  }
  stats.kvCacheBytesPerToken = (walker.kvBits + 7) / 8;
  return stats;
}

/// The served model plus the counted parts left out, when there are such
/// parts and the sum fits 64 bits (an IR file may carry any attribute).
static std::optional<uint64_t> checkpointParameters(const ModelStats &stats) {
  if (!stats.leftOutParameters)
    return std::nullopt;
  bool overflowed = false;
  uint64_t total = llvm::SaturatingAdd(stats.parameters,
                                       stats.leftOutParameters, &overflowed);
  if (overflowed)
    return std::nullopt;
  return total;
}

llvm::json::Value duplex::toJSON(const ModelStats &stats) {
  llvm::json::Object breakdown;
  for (const StatsCategory &c : stats.breakdown)
    breakdown[c.name] = llvm::json::Object{{"parameters", c.parameters},
                                           {"weight_bytes", c.weightBytes()}};
  llvm::json::Object result{
      {"model", stats.name},
      {"parameters", stats.parameters},
      {"active_parameters", stats.activeParameters},
      {"active_parameters_without_embedding",
       stats.activeParametersWithoutEmbedding},
      {"weight_bytes", stats.weightBytes},
      {"kv_cache_bytes_per_token", stats.kvCacheBytesPerToken},
      {"layers", stats.numLayers},
      {"moe_layers", stats.numMoELayers},
      {"breakdown", std::move(breakdown)},
  };
  if (stats.partial)
    result["partial"] = true;
  if (!stats.tiedEmbeddingsEvidence.empty())
    result["tied_embeddings_evidence"] = stats.tiedEmbeddingsEvidence;
  if (std::optional<uint64_t> checkpoint = checkpointParameters(stats)) {
    result["left_out_parameters"] = stats.leftOutParameters;
    result["left_out"] = stats.leftOut;
    result["checkpoint_parameters"] = *checkpoint;
  }
  return result;
}

/// 46702792704 -> "46.70 B"; 93405585408 bytes -> "93.41 GB".
static std::string scaled(double value, const char *unit) {
  const char *prefixes[] = {"", " K", " M", " G", " T", " P"};
  const char *billions[] = {"", " K", " M", " B", " T", " P"};
  bool count = std::string(unit).empty();
  int i = 0;
  while (value >= 1000.0 && i < 5) {
    value /= 1000.0;
    ++i;
  }
  if (count)
    return fmt::format("{:.2f}{}", value, billions[i]);
  return fmt::format("{:.2f}{}{}", value, i ? prefixes[i] : " ", unit);
}

static std::string grouped(uint64_t value) {
  std::string digits = std::to_string(value), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return out;
}

void duplex::printModelStats(const ModelStats &stats, llvm::raw_ostream &os) {
  std::string text;
  text += fmt::format("Model {}\n", stats.name);
  if (stats.partial)
    text += "  PARTIAL: raised with --allow-partial; weights or layers of the "
            "graph are left out\n";
  text += fmt::format(
      "  {:<26}{:>20}\n", "decoder layers",
      fmt::format("{} ({} MoE)", stats.numLayers, stats.numMoELayers));
  text += fmt::format("  {:<26}{:>20}  ({})\n", "parameters",
                      grouped(stats.parameters), scaled(stats.parameters, ""));
  text += fmt::format("  {:<26}{:>20}  ({})\n", "active parameters/token",
                      grouped(stats.activeParameters),
                      scaled(stats.activeParameters, ""));
  text += fmt::format("  {:<26}{:>20}  ({})\n", "  without embedding",
                      grouped(stats.activeParametersWithoutEmbedding),
                      scaled(stats.activeParametersWithoutEmbedding, ""));
  if (std::optional<uint64_t> checkpoint = checkpointParameters(stats))
    text += fmt::format("  {:<26}{:>20}  ({}; {} not served)\n",
                        "checkpoint parameters", grouped(*checkpoint),
                        scaled(*checkpoint, ""), stats.leftOut);
  text +=
      fmt::format("  {:<26}{:>20}  ({})\n", "weight bytes",
                  grouped(stats.weightBytes), scaled(stats.weightBytes, "B"));
  text += fmt::format("  {:<26}{:>20}  ({})\n", "KV-cache bytes/token",
                      grouped(stats.kvCacheBytesPerToken),
                      scaled(stats.kvCacheBytesPerToken, "B"));
  if (!stats.tiedEmbeddingsEvidence.empty())
    text += fmt::format("  {:<26}{}\n", "tied embeddings from",
                        stats.tiedEmbeddingsEvidence);
  text += fmt::format("\n  {:<26}{:>20}{:>9}{:>14}\n", "breakdown",
                      "parameters", "share", "bytes");
  for (const StatsCategory &c : stats.breakdown) {
    if (c.parameters == 0)
      continue;
    double share =
        stats.parameters ? 100.0 * c.parameters / stats.parameters : 0.0;
    text +=
        fmt::format("  {:<26}{:>20}{:>8.2f}%{:>14}\n", c.name,
                    grouped(c.parameters), share, scaled(c.weightBytes(), "B"));
  }
  os << text;
}
