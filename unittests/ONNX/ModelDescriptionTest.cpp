//===- ModelDescriptionTest.cpp - raised layers as a ModelDescription -----===//

#include "ModelEmitter.h"

#include "gtest/gtest.h"

using namespace duplex;
using namespace duplex::raise;

namespace {

/// Two Llama layers as the raise records them.
RaisedModel llamaLike() {
  RaisedModel model;
  model.name = "tiny";
  model.hiddenSize = 64;
  EmbeddingInfo embedding;
  embedding.vocabSize = 256;
  embedding.width = 64;
  model.embedding = embedding;
  NormInfo norm;
  AttentionInfo attention;
  attention.numHeads = 4;
  attention.numKVHeads = 2;
  attention.headDim = 16;
  attention.rope = RopeDescription();
  FFNInfo mlp;
  mlp.gated = true;
  mlp.intermediateSize = 128;
  LayerInfo layer;
  layer.attentionNorm = norm;
  layer.attention = attention;
  layer.ffnNorm = norm;
  layer.ffn = mlp;
  model.layers = {layer, layer};
  model.finalNorm = norm;
  LMHeadInfo head;
  head.vocabSize = 256;
  model.lmHead = head;
  return model;
}

TEST(DescribeModel, UniformLayersFillADescription) {
  std::optional<ModelDescription> m = describeModel(llamaLike());
  ASSERT_TRUE(m);
  EXPECT_EQ(m->numLayers, 2);
  EXPECT_EQ(m->numHeads, 4);
  EXPECT_EQ(m->numKVHeads, 2);
  EXPECT_EQ(m->intermediateSize, 128);
  EXPECT_EQ(m->moeLayers, std::vector<bool>(2, false));
  EXPECT_FALSE(m->matmulWeightDType);
}

TEST(DescribeModel, QuantizedLinearLayersKeepTheirType) {
  RaisedModel model = llamaLike();
  for (LayerInfo &layer : model.layers) {
    layer.attention->weightDType = llm::DType::int4;
    layer.ffn->weightDType = llm::DType::int4;
  }
  std::optional<ModelDescription> m = describeModel(model);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->weightDType, llm::DType::f32);
  EXPECT_EQ(m->matmulWeightDType, llm::DType::int4);
}

TEST(DescribeModel, DenseAndMoELayersMayAlternate) {
  RaisedModel model = llamaLike();
  FFNInfo &moe = *model.layers[1].ffn;
  moe.isMoE = true;
  moe.moe.numExperts = 8;
  moe.moe.topK = 2;
  moe.moe.intermediateSize = 128;
  std::optional<ModelDescription> m = describeModel(model);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->moeLayers, (std::vector<bool>{false, true}));
  EXPECT_EQ(m->moe.numExperts, 8);
}

TEST(DescribeModel, LayersThatDifferNeedLayerByLayerEmission) {
  RaisedModel model = llamaLike();
  model.layers[1].attention->numKVHeads = 4;
  EXPECT_FALSE(describeModel(model));

  model = llamaLike();
  model.layers[0].ffn.reset(); // attention-only layer
  EXPECT_FALSE(describeModel(model));

  model = llamaLike();
  model.lmHead.reset(); // ends in hidden states
  EXPECT_FALSE(describeModel(model));

  model = llamaLike();
  model.finalNorm->eps = 1e-6; // norms disagree
  EXPECT_FALSE(describeModel(model));
}

TEST(DescribeModel, PostNormModelsHaveNoFinalNorm) {
  RaisedModel model = llamaLike();
  for (LayerInfo &layer : model.layers)
    layer.placement = NormPlacement::Post;
  EXPECT_FALSE(describeModel(model));
  model.finalNorm.reset();
  std::optional<ModelDescription> m = describeModel(model);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->normPlacement, NormPlacement::Post);
  EXPECT_FALSE(m->finalNorm);
}

} // namespace
