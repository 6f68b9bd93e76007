//===- ModelBuilderTest.cpp - grouping layers into llm.repeat runs --------===//

#include "duplex/Import/ModelBuilder.h"

#include "gtest/gtest.h"

using namespace duplex;

namespace {

TEST(GroupLayers, UniformLayersAreOneRun) {
  std::vector<LayerRun> runs = groupLayers(std::vector<bool>(32, true));
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].count, 32);
  EXPECT_EQ(runs[0].pattern, std::vector<bool>{true});
}

TEST(GroupLayers, AlternatingLayersRepeatAPair) {
  // GLaM: dense, MoE, dense, MoE, ... (32 layers) -> 16 x (dense, MoE).
  std::vector<bool> layers;
  for (int i = 0; i < 32; ++i)
    layers.push_back(i % 2 == 1);
  std::vector<LayerRun> runs = groupLayers(layers);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].count, 16);
  EXPECT_EQ(runs[0].pattern, (std::vector<bool>{false, true}));
}

TEST(GroupLayers, IrregularLayersBecomeRuns) {
  // Dense first two layers then MoE (Qwen2-MoE's mlp_only_layers = [0, 1]):
  // no period tiles the 6 layers, so two runs.
  std::vector<LayerRun> runs =
      groupLayers(std::vector<bool>{false, false, true, true, true, true});
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].count, 2);
  EXPECT_EQ(runs[0].pattern, std::vector<bool>{false});
  EXPECT_EQ(runs[1].count, 4);
  EXPECT_EQ(runs[1].pattern, std::vector<bool>{true});
}

TEST(GroupLayers, SingleLayer) {
  std::vector<LayerRun> runs = groupLayers(std::vector<bool>{false});
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].count, 1);
}

} // namespace
