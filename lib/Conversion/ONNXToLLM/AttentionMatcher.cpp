//===- AttentionMatcher.cpp - attention blocks, fused or decomposed -------===//
//
// Recognises the attention of a block, fused (GroupQueryAttention,
// MultiHeadAttention, com.microsoft Attention, opset-23 Attention) or
// decomposed, and reads off heads, KV heads, head size, biases, rotary
// embedding, sliding window and KV-cache type (AttentionParts finds the
// pieces).
//
//===----------------------------------------------------------------------===//

#include "AttentionParts.h"
#include "NormMatcher.h"

using namespace mlir;
using namespace duplex;
using namespace duplex::raise;

namespace {
/// Widths of Q, K and V.
struct Widths {
  int64_t q = 0, k = 0, v = 0;
};

llm::DType kvTypeOf(Value past, Value keys, llm::DType fallback) {
  if (past && !isa<NoneType>(past.getType()))
    return getDType(past, fallback);
  return getDType(keys, fallback);
}

bool projectionBias(Operation *op) {
  std::optional<Projection> p = matchProjection(op);
  return p && p->bias;
}

llm::DType projectionDType(Operation *op, llm::DType fallback) {
  std::optional<Projection> p = matchProjection(op);
  return p ? p->weightDType : fallback;
}

} // namespace

bool duplex::raise::hasAttentionCore(const ResidualBlock &block) {
  for (Operation *op : block.ops)
    if (isa<ox::MSGroupQueryAttentionOp, ox::MSMultiHeadAttentionOp,
            ox::MSAttentionOp, ox::AttentionOp>(op))
      return true;
  return findDecomposedCore(block).has_value();
}

std::optional<AttentionMatch>
duplex::raise::matchAttention(const ResidualBlock &block, std::string &why) {
  AttentionMatch match;
  AttentionInfo &info = match.info;
  Operation *fused = nullptr;
  for (Operation *op : block.ops)
    if (isa<ox::MSGroupQueryAttentionOp, ox::MSMultiHeadAttentionOp,
            ox::MSAttentionOp, ox::AttentionOp>(op)) {
      fused = op;
      break;
    }

  Trace q, k, v;
  Value attentionResult, pastKey, keys;
  int64_t heads = 0, kvHeads = 0;
  std::optional<int64_t> headDim;
  Widths widths;
  bool packedQKV = false;

  if (auto gqa = dyn_cast_or_null<ox::MSGroupQueryAttentionOp>(fused)) {
    heads = gqa.getNumHeads();
    kvHeads = gqa.getKvNumHeads();
    traceToProjections(gqa.getQuery(), block, q);
    packedQKV = isa<NoneType>(gqa.getKey().getType());
    if (!packedQKV) {
      traceToProjections(gqa.getKey(), block, k);
      traceToProjections(gqa.getValue(), block, v);
    }
    pastKey = gqa.getPastKey();
    keys = gqa.getPresentKey();
    attentionResult = gqa.getOutput();
    if (gqa.getLocalWindowSize().value_or(-1) > 0)
      info.slidingWindow = gqa.getLocalWindowSize();
  } else if (auto mha = dyn_cast_or_null<ox::MSMultiHeadAttentionOp>(fused)) {
    heads = mha.getNumHeads();
    traceToProjections(mha.getQuery(), block, q);
    traceToProjections(mha.getKey(), block, k);
    traceToProjections(mha.getValue(), block, v);
    info.qkvBias = !isa<NoneType>(mha.getBias().getType());
    pastKey = mha.getPastKey();
    keys = mha.getPresentKey();
    attentionResult = mha.getOutput();
  } else if (auto msa = dyn_cast_or_null<ox::MSAttentionOp>(fused)) {
    heads = msa.getNumHeads();
    std::optional<WeightRef> weights = getWeight(msa.getWeights());
    if (!weights || weights->shape.size() != 2) {
      why = "the fused Attention's weights are not a 2-D initializer";
      return std::nullopt;
    }
    int64_t total = weights->shape[1];
    if (std::optional<ArrayRef<int64_t>> sizes = msa.getQkvHiddenSizes();
        sizes && sizes->size() == 3)
      widths = {(*sizes)[0], (*sizes)[1], (*sizes)[2]};
    else
      widths = {total / 3, total / 3, total / 3};
    info.qkvBias = !isa<NoneType>(msa.getBias().getType());
    info.weightDType = toDType(weights->storedType).value_or(llm::DType::f32);
    if (msa.getDoRotary().value_or(0)) {
      RopeDescription rope;
      rope.rotaryDim = msa.getRotaryEmbeddingDim().value_or(0);
      info.rope = rope;
    }
    pastKey = msa.getPast();
    keys = msa.getPresent();
    attentionResult = msa.getOutput();
    match.weightOps.push_back(msa);
  } else if (auto std23 = dyn_cast_or_null<ox::AttentionOp>(fused)) {
    heads = std23.getQNumHeads().value_or(0);
    kvHeads = std23.getKvNumHeads().value_or(0);
    traceToProjections(std23.getQ(), block, q);
    traceToProjections(std23.getK(), block, k);
    traceToProjections(std23.getV(), block, v);
    pastKey = std23.getPastKey();
    keys = std23.getPresentKey();
    attentionResult = std23.getY();
    if (!pastKey || isa<NoneType>(pastKey.getType()))
      pastKey = k.pastInput;
  } else {
    std::optional<DecomposedCore> core = findDecomposedCore(block);
    if (!core) {
      why = "no attention core (a fused attention op, or MatMul-Softmax-"
            "MatMul) was found";
      return std::nullopt;
    }
    traceToProjections(core->qk->getOperand(0), block, q);
    traceToProjections(core->qk->getOperand(1), block, k);
    traceToProjections(core->pv->getOperand(1), block, v);
    pastKey = k.pastInput;
    keys = core->qk->getOperand(1);
    attentionResult = core->pv->getResult(0);
    if (core->scale)
      headDim = headDimFromScale(core->scale);
  }

  // The projections that feed Q, K and V.
  if (!isa_and_nonnull<ox::MSAttentionOp>(fused)) {
    auto single = [&](Trace &t, StringRef role) -> Operation * {
      if (t.projections.size() != 1) {
        why = (role + " is fed by " + Twine(t.projections.size()) +
               " projections, not one")
                  .str();
        return nullptr;
      }
      return t.projections.front();
    };
    Operation *qProj = single(q, "the query");
    if (!qProj)
      return std::nullopt;
    std::optional<Projection> qp = matchProjection(qProj);
    info.weightDType = qp->weightDType;
    info.qkvBias |= qp->bias;
    if (packedQKV) {
      if (heads <= 0 || kvHeads <= 0 ||
          qp->outFeatures % (heads + 2 * kvHeads) != 0) {
        why = "the packed QKV width does not split into the heads";
        return std::nullopt;
      }
      int64_t d = qp->outFeatures / (heads + 2 * kvHeads);
      widths = {heads * d, kvHeads * d, kvHeads * d};
      match.weightOps.push_back(qProj);
    } else {
      Operation *kProj = single(k, "the key");
      Operation *vProj = kProj ? single(v, "the value") : nullptr;
      if (!vProj)
        return std::nullopt;
      if (qProj == kProj && kProj == vProj) {
        // One fused QKV projection split three ways.
        std::optional<int64_t> qw = splitWidth(q, qp->outFeatures);
        std::optional<int64_t> kw = splitWidth(k, qp->outFeatures);
        std::optional<int64_t> vw = splitWidth(v, qp->outFeatures);
        if (!qw || !kw || !vw) {
          why = "the fused QKV projection is split in a way the raise does "
                "not follow";
          return std::nullopt;
        }
        widths = {*qw, *kw, *vw};
        match.weightOps.push_back(qProj);
      } else {
        widths = {qp->outFeatures, matchProjection(kProj)->outFeatures,
                  matchProjection(vProj)->outFeatures};
        info.qkvBias |= projectionBias(kProj) || projectionBias(vProj);
        match.weightOps.append({qProj, kProj, vProj});
      }
    }
  }

  // Head size: fused ops' head counts, the head-split reshape, the past
  // cache's shape or the score scale.
  if (heads > 0 && widths.q % heads == 0)
    headDim = widths.q / heads;
  if (!headDim || heads <= 0) {
    std::optional<int64_t> fromShapes = headDimFromReshapes(q);
    if (!fromShapes)
      fromShapes = headDimFromReshapes(k);
    if (!fromShapes && pastKey && !isa<NoneType>(pastKey.getType()))
      fromShapes = getStaticDim(pastKey, -1);
    if (fromShapes)
      headDim = fromShapes;
  }
  if (!headDim || *headDim <= 0 || widths.q % *headDim != 0 ||
      widths.k % *headDim != 0) {
    why = "the head size could not be determined from the graph (query "
          "width " +
          std::to_string(widths.q) + ", key width " + std::to_string(widths.k) +
          ")";
    return std::nullopt;
  }
  info.headDim = *headDim;
  info.numHeads = heads > 0 ? heads : widths.q / *headDim;
  info.numKVHeads = widths.k / *headDim;
  if (kvHeads > 0 && kvHeads != info.numKVHeads) {
    why = "kv_num_heads (" + std::to_string(kvHeads) +
          ") disagrees with the key width (" + std::to_string(widths.k) + ")";
    return std::nullopt;
  }
  if (info.numKVHeads <= 0 || info.numHeads % info.numKVHeads != 0) {
    why = std::to_string(info.numHeads) +
          " query heads are not a multiple "
          "of " +
          std::to_string(info.numKVHeads) + " key/value heads";
    return std::nullopt;
  }

  // Query/key norms (Qwen3, Gemma 3): an RMSNorm of each head between the
  // projection and the attention, with one scale of head_dim.
  if (!q.norms.empty() || !k.norms.empty() || !v.norms.empty()) {
    auto headNorm = [&](const Trace &t) -> std::optional<NormInfo> {
      if (t.norms.size() != 1)
        return std::nullopt;
      Operation *norm = t.norms.front();
      std::optional<NormMatch> match =
          matchNorm(norm->getOperand(0), info.headDim);
      if (!match || match->output != norm->getResult(0) ||
          match->info.kind != NormKind::RMSNorm)
        return std::nullopt;
      return match->info;
    };
    std::optional<NormInfo> qNorm = headNorm(q), kNorm = headNorm(k);
    if (!qNorm || !kNorm || *qNorm != *kNorm || !v.norms.empty()) {
      why = "the norms between the projections and the attention are not "
            "one RMSNorm of each query and key head (" +
            std::to_string(q.norms.size()) + " on the query, " +
            std::to_string(k.norms.size()) + " on the key, " +
            std::to_string(v.norms.size()) + " on the value)";
      return std::nullopt;
    }
    info.qkNormEps = qNorm->eps;
    info.qkNormDType = qNorm->weightDType;
  }

  // Rotary embedding.
  if (auto gqa = dyn_cast_or_null<ox::MSGroupQueryAttentionOp>(fused);
      gqa && gqa.getDoRotary().value_or(0)) {
    RopeDescription rope;
    rope.interleaved = gqa.getRotaryInterleaved().value_or(0) != 0;
    if (std::optional<WeightRef> cache = getWeight(gqa.getCosCache());
        cache && cache->shape.size() == 2) {
      info.maxPositions = cache->shape[0];
      int64_t rotaryDim = 2 * cache->shape[1];
      rope.rotaryDim = rotaryDim == info.headDim ? 0 : rotaryDim;
    }
    info.rope = rope;
  } else if (!info.rope) {
    info.rope = ropeOf(q, info.headDim, info.maxPositions);
  }

  // KV cache type.
  llm::DType activation = getDType(attentionResult, llm::DType::f32);
  info.kvDType = kvTypeOf(pastKey, keys ? keys : attentionResult, activation);

  // Sliding window from a mask `(q_pos - k_pos) < W`, which the layers
  // usually share.
  if (!info.slidingWindow) {
    Operation *anchor = fused;
    if (!anchor)
      if (std::optional<DecomposedCore> core = findDecomposedCore(block))
        anchor = core->pv->getOperand(0).getDefiningOp();
    info.slidingWindow = findSlidingWindow(anchor);
  }

  // Output projection.
  Operation *outProj = findOutputProjection(attentionResult, block);
  if (!outProj) {
    why = "no output projection follows the attention";
    return std::nullopt;
  }
  std::optional<Projection> op = matchProjection(outProj);
  info.outputBias = op->bias || block.residualBias;
  match.weightOps.push_back(outProj);
  if (info.weightDType == llm::DType::f32)
    info.weightDType = projectionDType(outProj, info.weightDType);
  return match;
}

bool AttentionInfo::operator==(const AttentionInfo &other) const {
  auto ropeEqual = [](const std::optional<RopeDescription> &a,
                      const std::optional<RopeDescription> &b) {
    if (a.has_value() != b.has_value())
      return false;
    return !a || (a->theta == b->theta && a->rotaryDim == b->rotaryDim &&
                  a->interleaved == b->interleaved && a->scaling == b->scaling);
  };
  return numHeads == other.numHeads && numKVHeads == other.numKVHeads &&
         headDim == other.headDim && qkvBias == other.qkvBias &&
         outputBias == other.outputBias && ropeEqual(rope, other.rope) &&
         slidingWindow == other.slidingWindow &&
         weightDType == other.weightDType && kvDType == other.kvDType &&
         qkNormEps == other.qkNormEps && qkNormDType == other.qkNormDType;
}
