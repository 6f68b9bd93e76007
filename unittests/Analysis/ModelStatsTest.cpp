//===- ModelStatsTest.cpp - counts of the bundled models -----------------===//
//
// Every expected value is derived by hand in the comment above it from the
// model's published shape; the published total it must land near is named.
//
//===----------------------------------------------------------------------===//

#include "duplex/Analysis/ModelStats.h"
#include "duplex/Import/ModelLoader.h"

#include "mlir/IR/MLIRContext.h"

#include "gtest/gtest.h"

using namespace duplex;

namespace {

class ModelStatsTest : public ::testing::Test {
protected:
  ModelStats statsOf(llvm::StringRef name, HFImportOptions options = {}) {
    llvm::Expected<LoadedModel> loaded = loadModel(name, &context, options);
    if (!loaded) {
      ADD_FAILURE() << llvm::toString(loaded.takeError());
      return {};
    }
    models.push_back(std::move(*loaded));
    return computeModelStats(models.back().model);
  }

  uint64_t category(const ModelStats &stats, llvm::StringRef name) {
    for (const StatsCategory &c : stats.breakdown)
      if (c.name == name)
        return c.parameters;
    ADD_FAILURE() << "no category " << name.str();
    return 0;
  }

  mlir::MLIRContext context;
  std::vector<LoadedModel> models;
};

TEST_F(ModelStatsTest, Mixtral8x7B) {
  ModelStats stats = statsOf("mixtral-8x7b");
  // embedding 32000*4096 = 131,072,000; per layer: q,o 4096*4096 and k,v
  // 4096*1024 = 41,943,040; experts 8*3*4096*14336 = 1,409,286,144; router
  // 4096*8 = 32,768; two RMSNorms 8,192 -> 1,451,270,144 * 32 layers =
  // 46,440,644,608; final norm 4,096; untied LM head 131,072,000.
  // Total 46,702,792,704 (Mistral AI: "46.7B total parameters").
  EXPECT_EQ(stats.parameters, 46702792704ull);
  EXPECT_EQ(stats.weightBytes, 2 * 46702792704ull); // FP16.
  // Active: 2 of 8 experts -> per layer 41,943,040 + 2*176,160,768 + 32,768 +
  // 8,192 = 394,305,536 * 32 + 2*131,072,000 + 4,096 = 12,879,925,248
  // (Mistral AI: "12.9B active parameters").
  EXPECT_EQ(stats.activeParameters, 12879925248ull);
  // 32 layers * 2 (K and V) * 8 KV heads * 128 * 2 B = 131,072 B.
  EXPECT_EQ(stats.kvCacheBytesPerToken, 131072u);
  EXPECT_EQ(stats.numLayers, 32);
  EXPECT_EQ(stats.numMoELayers, 32);
  EXPECT_EQ(category(stats, "experts"), 32 * 1409286144ull);
  EXPECT_EQ(category(stats, "router"), 32 * 32768ull);
  EXPECT_EQ(category(stats, "attention_projections"), 32 * 41943040ull);
}

TEST_F(ModelStatsTest, Llama3_70B) {
  ModelStats stats = statsOf("llama-3-70b");
  // embedding and LM head 128256*8192 = 1,050,673,152 each; per layer
  // q,o 8192^2 and k,v 8192*1024 = 150,994,944, MLP 3*8192*28672 =
  // 704,643,072, norms 16,384 -> 855,654,400 * 80 = 68,452,352,000; final
  // norm 8,192. Total 70,553,706,496 (Meta: "70.6B").
  EXPECT_EQ(stats.parameters, 70553706496ull);
  // 80 * 2 * 8 * 128 * 2 B = 327,680 B.
  EXPECT_EQ(stats.kvCacheBytesPerToken, 327680u);
  EXPECT_EQ(stats.numMoELayers, 0);
}

TEST_F(ModelStatsTest, GPT3_175B) {
  ModelStats stats = statsOf("gpt3-175b");
  // token 50257*12288 = 617,558,016 + positions 2048*12288 = 25,165,824;
  // per layer 4*(12288^2 + 12288) = 604,028,928 attention, 2*12288*49152 +
  // 49152 + 12288 = 1,208,020,992 MLP, 2 LayerNorms 49,152 ->
  // 1,812,099,072 * 96 = 173,961,510,912; final LayerNorm 24,576; tied head.
  // Total 174,604,259,328 (Brown et al.: "175B").
  EXPECT_EQ(stats.parameters, 174604259328ull);
  // The figure: 96 * 2 * 12288 * 2 B = 4,718,592 B = 4.72 MB.
  EXPECT_EQ(stats.kvCacheBytesPerToken, 4718592u);
}

TEST_F(ModelStatsTest, GPT2) {
  // Hugging Face reports 124,439,808 parameters for openai-community/gpt2:
  // 50257*768 + 1024*768 + 12*(4*(768^2+768) + 2*768*3072+3072+768 + 4*768)
  // + 2*768.
  EXPECT_EQ(statsOf("gpt2").parameters, 124439808ull);
}

TEST_F(ModelStatsTest, GLaMAlternatesDenseAndMoE) {
  ModelStats stats = statsOf("glam");
  // 16 dense + 16 MoE layers. Attention 4*4096^2 = 67,108,864 per layer;
  // FFN 2*4096*16384 = 134,217,728; MoE layer 64 FFNs = 8,589,934,592 plus
  // router 4096*64 = 262,144; norms 8,192 per layer; tied 256000*4096
  // embedding 1,048,576,000; final norm 4,096.
  // 32*67,108,864 + 16*134,217,728 + 16*(8,589,934,592 + 262,144) +
  // 32*8,192 + 1,048,576,000 + 4,096 = 142,786,957,312 (Du et al.: 143B).
  EXPECT_EQ(stats.parameters, 142786957312ull);
  EXPECT_EQ(stats.numLayers, 32);
  EXPECT_EQ(stats.numMoELayers, 16);
}

TEST_F(ModelStatsTest, Grok1) {
  ModelStats stats = statsOf("grok-1");
  // per layer: q,o 6144^2 and k,v 6144*1024 = 88,080,384; experts
  // 8*3*6144*32768 = 4,831,838,208; router 49,152; four RMSNorms 24,576 ->
  // 4,919,992,320 * 64 = 314,879,508,480; tied embedding 131072*6144 =
  // 805,306,368; final norm 6,144. Total 315,684,820,992 (xAI: "314B").
  EXPECT_EQ(stats.parameters, 315684820992ull);
  // 64 * 2 * 8 * 128 * 2 B.
  EXPECT_EQ(stats.kvCacheBytesPerToken, 262144u);
}

TEST_F(ModelStatsTest, OPT66B) {
  ModelStats stats = statsOf("opt-66b");
  // token 50272*9216 = 463,306,752; positions (2048+2)*9216 = 18,892,800;
  // per layer 4*(9216^2+9216) = 339,775,488 attention, 2*9216*36864 + 36864
  // + 9216 = 679,523,328 FFN, 2 LayerNorms 36,864 -> 1,019,335,680 * 64 =
  // 65,237,483,520; final LayerNorm 18,432; tied head.
  // Total 65,719,701,504 (Zhang et al.: "66B").
  EXPECT_EQ(stats.parameters, 65719701504ull);
  // MHA: 64 * 2 * 9216 * 2 B = 2,359,296 B.
  EXPECT_EQ(stats.kvCacheBytesPerToken, 2359296u);
}

TEST_F(ModelStatsTest, Qwen72BHasQKVBias) {
  ModelStats stats = statsOf("qwen-72b");
  // per layer: q 8192^2+8192, k,v 8192*1024+1024, o 8192^2 = 151,005,184
  // (Qwen2 biases q/k/v only); MLP 3*8192*29568 = 726,663,168; norms 16,384
  // -> 877,684,736 * 80 = 70,214,778,880; embedding and untied head
  // 152064*8192 = 1,245,708,288 each; final norm 8,192.
  // Total 72,706,203,648 (Qwen: "72.7B").
  EXPECT_EQ(stats.parameters, 72706203648ull);
}

TEST_F(ModelStatsTest, TinyByHand) {
  ModelStats stats = statsOf("tiny");
  // embedding 256*64 = 16,384; per layer q,o 64*64 and k,v 64*32 = 12,288,
  // MLP 3*64*128 = 24,576, norms 128 -> 36,992 * 2 = 73,984; final norm 64;
  // LM head 16,384. Total 106,816.
  EXPECT_EQ(stats.parameters, 106816u);
  EXPECT_EQ(stats.weightBytes, 213632u);
  // 2 layers * 2 * 2 KV heads * 16 * 2 B = 256 B.
  EXPECT_EQ(stats.kvCacheBytesPerToken, 256u);
}

TEST_F(ModelStatsTest, DTypeOverridesChangeBytesNotParameters) {
  HFImportOptions options;
  options.weightDType = llm::DType::int4;
  options.kvDType = llm::DType::fp8;
  ModelStats stats = statsOf("tiny", options);
  EXPECT_EQ(stats.parameters, 106816u);
  // int4: 106,816 / 2 = 53,408 B.
  EXPECT_EQ(stats.weightBytes, 53408u);
  // fp8 KV: 2 * 2 * 2 * 16 * 1 B = 128 B.
  EXPECT_EQ(stats.kvCacheBytesPerToken, 128u);
}

} // namespace
