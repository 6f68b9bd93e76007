//===- ModelBuilder.cpp - ModelDescription -> llm IR ----------------------===//

#include "duplex/Import/ModelBuilder.h"

#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
using namespace duplex;
using namespace duplex::llm;

namespace {
/// What sets one decoder layer apart from another.
struct LayerKind {
  bool moe = false;
  bool sliding = false; ///< Attention bounded by the sliding window.
  bool operator==(const LayerKind &other) const {
    return moe == other.moe && sliding == other.sliding;
  }
};
} // namespace

namespace {
/// Emits the ops of one model; keeps the description and types at hand.
class Emitter {
public:
  Emitter(OpBuilder &builder, Location loc, const ModelDescription &model)
      : b(builder), loc(loc), m(model) {}

  ActType act(int64_t width) { return ActType::get(b.getContext(), width); }

  Value norm(Value x) {
    if (m.norm == NormKind::RMSNorm)
      return RMSNormOp::create(b, loc, x.getType(), x, APFloat(m.normEps),
                               m.weightDType);
    return LayerNormOp::create(b, loc, x.getType(), x, APFloat(m.normEps),
                               m.normBias, m.weightDType);
  }

  Value linear(LinearKind kind, Value x, int64_t out, bool bias) {
    return LinearOp::create(b, loc, act(out), kind, x, bias,
                            m.getMatmulWeightDType());
  }

  RopeAttr rope() {
    if (!m.rope)
      return {};
    const RopeDescription &r = *m.rope;
    return RopeAttr::get(b.getContext(), APFloat(r.theta), r.rotaryDim,
                         r.interleaved ? RopeStyle::interleaved
                                       : RopeStyle::half,
                         APFloat(r.scaling));
  }

  /// MLA: low-rank query (or one projection), latent down-projection, the
  /// latent attention core, output projection.
  Value latentAttentionBlock(Value x) {
    const MLADescription &a = *m.mla;
    int64_t qkWidth = m.numHeads * (a.qkNopeHeadDim + a.qkRopeHeadDim);
    Value q = x;
    if (a.qLoraRank) {
      q = linear(LinearKind::query_down, x, a.qLoraRank, m.qkvBias);
      q = norm(q);
      q = linear(LinearKind::query, q, qkWidth, /*bias=*/false);
    } else {
      q = linear(LinearKind::query, x, qkWidth, /*bias=*/false);
    }
    Value latent = linear(LinearKind::kv_down, x,
                          a.kvLoraRank + a.qkRopeHeadDim, m.qkvBias);
    Value core = MLAOp::create(b, loc, act(m.numHeads * a.vHeadDim), q, latent,
                               m.numHeads, a.kvLoraRank, a.qkNopeHeadDim,
                               a.qkRopeHeadDim, a.vHeadDim, rope(), m.kvDType,
                               m.getMatmulWeightDType());
    return linear(LinearKind::output, core, m.hiddenSize, m.outputBias);
  }

  /// Q/K/V projections, attention core (bounded by the sliding window when
  /// `sliding`), output projection.
  Value attentionBlock(Value x, bool sliding) {
    if (m.mla)
      return latentAttentionBlock(x);
    int64_t qWidth = m.numHeads * m.headDim, kvWidth = m.numKVHeads * m.headDim;
    Value q = linear(LinearKind::query, x, qWidth, m.qkvBias);
    Value k = linear(LinearKind::key, x, kvWidth, m.qkvBias);
    Value v = linear(LinearKind::value, x, kvWidth, m.qkvBias);
    if (m.qkNorm) {
      q = HeadNormOp::create(b, loc, q.getType(), q, m.headDim,
                             APFloat(m.normEps), m.weightDType);
      k = HeadNormOp::create(b, loc, k.getType(), k, m.headDim,
                             APFloat(m.normEps), m.weightDType);
    }
    IntegerAttr window;
    if (m.slidingWindow && sliding)
      window = b.getI64IntegerAttr(*m.slidingWindow);
    Value a = AttentionOp::create(b, loc, act(qWidth), q, k, v, m.numHeads,
                                  m.numKVHeads, m.headDim,
                                  /*causal=*/true, rope(), window, m.kvDType);
    return linear(LinearKind::output, a, m.hiddenSize, m.outputBias);
  }

  Value ffnBlock(Value x, bool isMoE) {
    if (!isMoE)
      return MLPOp::create(b, loc, x.getType(), m.activation, x,
                           m.intermediateSize, m.gatedMLP, m.mlpBias,
                           m.getMatmulWeightDType());
    const MoEDescription &e = m.moe;
    IntegerAttr sharedSize;
    if (e.numSharedExperts > 0)
      sharedSize = b.getI64IntegerAttr(e.sharedIntermediateSize);
    IntegerAttr groups, groupsPerToken;
    if (e.numGroups > 0) {
      groups = b.getI64IntegerAttr(e.numGroups);
      groupsPerToken = b.getI64IntegerAttr(e.topKGroups);
    }
    return MoEOp::create(b, loc, x.getType(), m.activation, x, e.numExperts,
                         e.topK, e.intermediateSize, m.gatedMLP, m.mlpBias,
                         e.routerBias, e.numSharedExperts, sharedSize,
                         e.sharedExpertGate, m.getExpertWeightDType(), groups,
                         groupsPerToken);
  }

  Value decoderLayer(Value x, LayerKind kind) {
    bool isMoE = kind.moe;
    auto attentionBlock = [&](Value in) {
      return this->attentionBlock(in, kind.sliding);
    };
    if (m.parallelResidual) {
      Value n1 = norm(x);
      Value attn = attentionBlock(n1);
      Value n2 = m.sharedParallelNorm ? n1 : norm(x);
      Value ffn = ffnBlock(n2, isMoE);
      Value partial = ResidualAddOp::create(b, loc, x, attn);
      return ResidualAddOp::create(b, loc, partial, ffn);
    }
    switch (m.normPlacement) {
    case NormPlacement::Pre: {
      Value r = ResidualAddOp::create(b, loc, x, attentionBlock(norm(x)));
      return ResidualAddOp::create(b, loc, r, ffnBlock(norm(r), isMoE));
    }
    case NormPlacement::Post: {
      Value r = norm(ResidualAddOp::create(b, loc, x, attentionBlock(x)));
      return norm(ResidualAddOp::create(b, loc, r, ffnBlock(r, isMoE)));
    }
    case NormPlacement::Sandwich: {
      Value r = ResidualAddOp::create(b, loc, x, norm(attentionBlock(norm(x))));
      return ResidualAddOp::create(b, loc, r, norm(ffnBlock(norm(r), isMoE)));
    }
    }
    llvm_unreachable("unknown norm placement");
  }

  ModelOp build() {
    auto model = ModelOp::create(
        b, loc, b.getStringAttr(m.name), m.activationDType,
        m.maxPositionEmbeddings ? b.getI64IntegerAttr(m.maxPositionEmbeddings)
                                : IntegerAttr(),
        m.source.empty() ? StringAttr() : b.getStringAttr(m.source));
    OpBuilder::InsertionGuard guard(b);
    b.createBlock(&model.getBody());

    int64_t embedWidth =
        m.embeddingProjectionDim ? m.embeddingProjectionDim : m.hiddenSize;
    Value h = TokenEmbeddingOp::create(b, loc, act(embedWidth), m.vocabSize,
                                       m.weightDType);
    if (m.embeddingProjectionDim)
      h = linear(LinearKind::projection, h, m.hiddenSize, /*bias=*/false);
    if (m.positionTableSize)
      h = PositionEmbeddingOp::create(b, loc, h.getType(), h,
                                      m.positionTableSize, m.weightDType);

    std::vector<LayerKind> layers(m.moeLayers.size());
    for (size_t i = 0; i < layers.size(); ++i) {
      layers[i].moe = m.moeLayers[i];
      layers[i].sliding = m.slidingLayers.empty() ||
                          (i < m.slidingLayers.size() && m.slidingLayers[i]);
    }
    for (const LayerRunOf<LayerKind> &run : groupLayers(layers)) {
      auto repeat = RepeatOp::create(b, loc, h.getType(), h, run.count);
      {
        OpBuilder::InsertionGuard layerGuard(b);
        Block *repeatBody =
            b.createBlock(&repeat.getBody(), {}, {h.getType()}, {loc});
        Value x = repeatBody->getArgument(0);
        for (LayerKind kind : run.pattern)
          x = decoderLayer(x, kind);
        YieldOp::create(b, loc, x);
      }
      h = repeat.getResult();
    }

    if (m.finalNorm)
      h = norm(h);
    if (m.embeddingProjectionDim)
      h = linear(LinearKind::projection, h, m.embeddingProjectionDim,
                 /*bias=*/false);
    Value logits =
        LMHeadOp::create(b, loc, act(m.vocabSize), h, m.tiedEmbeddings,
                         m.lmHeadBias, m.weightDType);
    OutputOp::create(b, loc, logits);
    return model;
  }

private:
  OpBuilder &b;
  Location loc;
  const ModelDescription &m;
};
} // namespace

ModelOp duplex::buildModel(OpBuilder &builder, Location loc,
                           const ModelDescription &model) {
  return Emitter(builder, loc, model).build();
}
