//===- ModelEmitter.cpp - a raised model as llm IR ------------------------===//

#include "ModelEmitter.h"

#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
using namespace duplex;
using namespace duplex::raise;
using namespace duplex::llm;

/// A short model_type for the description: what the layers look like.
static std::string guessModelType(const RaisedModel &model) {
  const LayerInfo &layer = model.layers.front();
  bool moe = llvm::any_of(
      model.layers, [](const LayerInfo &l) { return l.ffn && l.ffn->isMoE; });
  if (moe)
    return "mixtral";
  if (layer.attentionNorm && layer.attentionNorm->kind == NormKind::RMSNorm)
    return "llama";
  if (model.embedding && model.embedding->positionOffset == 2)
    return "opt";
  return model.embedding && model.embedding->positionRows ? "gpt2" : "llama";
}

std::optional<ModelDescription>
duplex::raise::describeModel(const RaisedModel &model) {
  if (!model.embedding || !model.lmHead || model.layers.empty())
    return std::nullopt;
  const LayerInfo &first = model.layers.front();
  if (!first.attention || !first.attentionNorm || !first.ffn)
    return std::nullopt;
  const NormInfo norm = *first.attentionNorm;
  const AttentionInfo &attention = *first.attention;
  std::optional<FFNInfo> dense, moe;
  for (const LayerInfo &layer : model.layers) {
    if (!layer.attention || !layer.ffn || !layer.attentionNorm ||
        !layer.ffnNorm || !layer.attentionResidual || !layer.ffnResidual ||
        layer.placement != first.placement || *layer.attention != attention ||
        *layer.attentionNorm != norm || *layer.ffnNorm != norm)
      return std::nullopt;
    std::optional<FFNInfo> &kind = layer.ffn->isMoE ? moe : dense;
    if (kind && *kind != *layer.ffn)
      return std::nullopt;
    kind = layer.ffn;
  }
  // One activation, gating, bias and weight type serve dense and MoE.
  if (dense && moe &&
      (dense->activation != moe->activation || dense->gated != moe->gated ||
       dense->bias != moe->bias || dense->weightDType != moe->weightDType))
    return std::nullopt;
  const FFNInfo &ffn = dense ? *dense : *moe;
  bool post = first.placement == NormPlacement::Post;
  if ((model.finalNorm && (post || *model.finalNorm != norm)) ||
      (!model.finalNorm && !post))
    return std::nullopt;

  const EmbeddingInfo &embedding = *model.embedding;
  const LMHeadInfo &head = *model.lmHead;
  // Norms, embeddings and the head share the model's weight type; the
  // linear layers may differ (quantised).
  if (norm.weightDType != embedding.weightDType ||
      head.weightDType != embedding.weightDType ||
      attention.weightDType != ffn.weightDType)
    return std::nullopt;
  // The description's q/k norms share the layer norms' epsilon and type.
  if (attention.qkNormEps && (*attention.qkNormEps != norm.eps ||
                              attention.qkNormDType != norm.weightDType))
    return std::nullopt;
  if (bool(embedding.projectedWidth) != bool(head.projectedWidth) ||
      (head.projectedWidth && head.projectedWidth != embedding.width))
    return std::nullopt;

  ModelDescription m;
  m.name = model.name;
  m.source = model.source;
  m.modelType = guessModelType(model);
  m.vocabSize = embedding.vocabSize;
  m.hiddenSize = model.hiddenSize;
  m.numLayers = model.layers.size();
  m.numHeads = attention.numHeads;
  m.numKVHeads = attention.numKVHeads;
  m.headDim = attention.headDim;
  m.intermediateSize = ffn.intermediateSize;
  if (embedding.positionRows)
    m.maxPositionEmbeddings = embedding.positionRows - embedding.positionOffset;
  else
    m.maxPositionEmbeddings = attention.maxPositions;
  m.weightDType = embedding.weightDType;
  if (attention.weightDType != embedding.weightDType)
    m.matmulWeightDType = attention.weightDType;
  m.kvDType = attention.kvDType;
  m.activationDType = model.activationDType;
  m.norm = norm.kind;
  m.normPlacement = first.placement;
  m.normEps = norm.eps;
  m.normBias = norm.bias;
  m.finalNorm = model.finalNorm.has_value();
  m.activation = ffn.activation;
  m.gatedMLP = ffn.gated;
  m.mlpBias = ffn.bias;
  m.qkvBias = attention.qkvBias;
  m.qkNorm = attention.qkNormEps.has_value();
  m.outputBias = attention.outputBias;
  m.positionTableSize = embedding.positionRows;
  m.rope = attention.rope;
  m.slidingWindow = attention.slidingWindow;
  m.tiedEmbeddings = head.tied;
  m.lmHeadBias = head.bias;
  if (embedding.projectedWidth)
    m.embeddingProjectionDim = embedding.width;
  if (moe)
    m.moe = moe->moe;
  for (const LayerInfo &layer : model.layers)
    m.moeLayers.push_back(layer.ffn->isMoE);
  return m;
}

namespace {
/// Emits the layers of a RaisedModel as they are.
class LayerEmitter {
public:
  LayerEmitter(OpBuilder &builder, Location loc, const RaisedModel &model)
      : b(builder), loc(loc), m(model) {}

  ModelOp emit();

private:
  ActType act(int64_t width) { return ActType::get(b.getContext(), width); }
  Value norm(Value x, const NormInfo &info);
  Value attention(Value x, const AttentionInfo &info);
  Value ffn(Value x, const FFNInfo &info);
  Value layer(Value x, const LayerInfo &info);

  OpBuilder &b;
  Location loc;
  const RaisedModel &m;
};
} // namespace

Value LayerEmitter::norm(Value x, const NormInfo &info) {
  if (info.kind == NormKind::RMSNorm)
    return RMSNormOp::create(b, loc, x.getType(), x, APFloat(info.eps),
                             info.weightDType);
  return LayerNormOp::create(b, loc, x.getType(), x, APFloat(info.eps),
                             info.bias, info.weightDType);
}

Value LayerEmitter::attention(Value x, const AttentionInfo &info) {
  int64_t qWidth = info.numHeads * info.headDim;
  int64_t kvWidth = info.numKVHeads * info.headDim;
  auto linear = [&](LinearKind kind, Value input, int64_t out, bool bias) {
    return LinearOp::create(b, loc, act(out), kind, input, bias,
                            info.weightDType);
  };
  Value q = linear(LinearKind::query, x, qWidth, info.qkvBias);
  Value k = linear(LinearKind::key, x, kvWidth, info.qkvBias);
  Value v = linear(LinearKind::value, x, kvWidth, info.qkvBias);
  if (info.qkNormEps) {
    q = HeadNormOp::create(b, loc, q.getType(), q, info.headDim,
                           APFloat(*info.qkNormEps), info.qkNormDType);
    k = HeadNormOp::create(b, loc, k.getType(), k, info.headDim,
                           APFloat(*info.qkNormEps), info.qkNormDType);
  }
  RopeAttr rope;
  if (info.rope)
    rope = RopeAttr::get(
        b.getContext(), APFloat(info.rope->theta), info.rope->rotaryDim,
        info.rope->interleaved ? RopeStyle::interleaved : RopeStyle::half,
        APFloat(info.rope->scaling));
  IntegerAttr window;
  if (info.slidingWindow)
    window = b.getI64IntegerAttr(*info.slidingWindow);
  Value a = AttentionOp::create(b, loc, act(qWidth), q, k, v, info.numHeads,
                                info.numKVHeads, info.headDim,
                                /*causal=*/true, rope, window, info.kvDType);
  return linear(LinearKind::output, a, m.hiddenSize, info.outputBias);
}

Value LayerEmitter::ffn(Value x, const FFNInfo &info) {
  if (!info.isMoE)
    return MLPOp::create(b, loc, x.getType(), info.activation, x,
                         info.intermediateSize, info.gated, info.bias,
                         info.weightDType);
  const MoEDescription &e = info.moe;
  IntegerAttr sharedSize;
  if (e.numSharedExperts > 0)
    sharedSize = b.getI64IntegerAttr(e.sharedIntermediateSize);
  return MoEOp::create(b, loc, x.getType(), info.activation, x, e.numExperts,
                       e.topK, e.intermediateSize, info.gated, info.bias,
                       e.routerBias, e.numSharedExperts, sharedSize,
                       e.sharedExpertGate, info.weightDType,
                       /*num_groups=*/IntegerAttr(),
                       /*top_k_groups=*/IntegerAttr());
}

Value LayerEmitter::layer(Value x, const LayerInfo &info) {
  bool post = info.placement == NormPlacement::Post;
  auto subBlock = [&](const std::optional<NormInfo> &n, bool residual,
                      auto body) {
    Value in = n && !post ? norm(x, *n) : x;
    Value out = body(in);
    Value sum = residual ? Value(ResidualAddOp::create(b, loc, x, out)) : out;
    x = n && post ? norm(sum, *n) : sum;
  };
  if (info.attention)
    subBlock(info.attentionNorm, info.attentionResidual,
             [&](Value in) { return attention(in, *info.attention); });
  if (info.ffn)
    subBlock(info.ffnNorm, info.ffnResidual,
             [&](Value in) { return ffn(in, *info.ffn); });
  return x;
}

ModelOp LayerEmitter::emit() {
  int64_t maxPositions = 0;
  if (m.embedding && m.embedding->positionRows)
    maxPositions = m.embedding->positionRows - m.embedding->positionOffset;
  for (const LayerInfo &l : m.layers)
    if (!maxPositions && l.attention)
      maxPositions = l.attention->maxPositions;
  auto model = ModelOp::create(
      b, loc, b.getStringAttr(m.name), m.activationDType,
      maxPositions ? b.getI64IntegerAttr(maxPositions) : IntegerAttr(),
      m.source.empty() ? StringAttr() : b.getStringAttr(m.source));
  OpBuilder::InsertionGuard guard(b);
  b.createBlock(&model.getBody());

  Value h;
  if (m.embedding) {
    const EmbeddingInfo &e = *m.embedding;
    h = TokenEmbeddingOp::create(b, loc, act(e.width), e.vocabSize,
                                 e.weightDType);
    if (e.projectedWidth)
      h = LinearOp::create(b, loc, act(e.projectedWidth),
                           LinearKind::projection, h, /*bias=*/false,
                           e.weightDType);
    if (e.positionRows)
      h = PositionEmbeddingOp::create(b, loc, h.getType(), h, e.positionRows,
                                      e.weightDType);
  } else {
    h = UnrealizedConversionCastOp::create(b, loc, TypeRange{act(m.hiddenSize)},
                                           ValueRange{})
            .getResult(0);
  }

  // Runs of identical layers share one llm.repeat.
  for (size_t i = 0; i < m.layers.size();) {
    size_t j = i + 1;
    while (j < m.layers.size() && m.layers[j] == m.layers[i])
      ++j;
    auto repeat = RepeatOp::create(b, loc, h.getType(), h, int64_t(j - i));
    {
      OpBuilder::InsertionGuard layerGuard(b);
      mlir::Block *body =
          b.createBlock(&repeat.getBody(), {}, {h.getType()}, {loc});
      YieldOp::create(b, loc, layer(body->getArgument(0), m.layers[i]));
    }
    h = repeat.getResult();
    i = j;
  }

  if (m.finalNorm)
    h = norm(h, *m.finalNorm);
  if (m.lmHead) {
    const LMHeadInfo &head = *m.lmHead;
    if (head.projectedWidth)
      h = LinearOp::create(b, loc, act(head.projectedWidth),
                           LinearKind::projection, h, /*bias=*/false,
                           head.weightDType);
    h = LMHeadOp::create(b, loc, act(head.vocabSize), h, head.tied, head.bias,
                         head.weightDType);
  }
  OutputOp::create(b, loc, h);
  return model;
}

ModelOp duplex::raise::emitLayers(OpBuilder &builder, Location loc,
                                  const RaisedModel &model) {
  return LayerEmitter(builder, loc, model).emit();
}
