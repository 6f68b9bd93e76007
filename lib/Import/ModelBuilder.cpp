//===- ModelBuilder.cpp - ModelDescription -> llm IR ----------------------===//

#include "duplex/Import/ModelBuilder.h"

#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
using namespace duplex;
using namespace duplex::llm;

std::vector<LayerRun> duplex::groupLayers(const std::vector<bool> &moeLayers) {
  size_t n = moeLayers.size();
  // Shortest period p (dividing n) with layer i == layer i % p for all i.
  for (size_t period = 1; period <= n; ++period) {
    if (n % period != 0)
      continue;
    bool tiles = true;
    for (size_t i = period; i < n && tiles; ++i)
      tiles = moeLayers[i] == moeLayers[i % period];
    if (tiles && (period == 1 || period * 2 <= n))
      return {LayerRun{
          int64_t(n / period),
          std::vector<bool>(moeLayers.begin(), moeLayers.begin() + period)}};
  }
  // No period: maximal runs of identical layers.
  std::vector<LayerRun> runs;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && moeLayers[j] == moeLayers[i])
      ++j;
    runs.push_back(LayerRun{int64_t(j - i), {moeLayers[i]}});
    i = j;
  }
  return runs;
}

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

  /// Q/K/V projections, attention core, output projection.
  Value attentionBlock(Value x) {
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
    if (m.slidingWindow)
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
    return MoEOp::create(b, loc, x.getType(), m.activation, x, e.numExperts,
                         e.topK, e.intermediateSize, m.gatedMLP, m.mlpBias,
                         e.routerBias, e.numSharedExperts, sharedSize,
                         e.sharedExpertGate, m.getMatmulWeightDType());
  }

  Value decoderLayer(Value x, bool isMoE) {
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

    for (const LayerRun &run : groupLayers(m.moeLayers)) {
      auto repeat = RepeatOp::create(b, loc, h.getType(), h, run.count);
      {
        OpBuilder::InsertionGuard layerGuard(b);
        Block *repeatBody =
            b.createBlock(&repeat.getBody(), {}, {h.getType()}, {loc});
        Value x = repeatBody->getArgument(0);
        for (bool isMoE : run.pattern)
          x = decoderLayer(x, isMoE);
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
