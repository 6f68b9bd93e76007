//===- HFConfigTest.cpp - config.json field mapping and diagnostics -------===//

#include "duplex/Import/HFConfig.h"

#include "gtest/gtest.h"

using namespace duplex;

namespace {

std::string errorOf(llvm::StringRef json) {
  llvm::Expected<ModelDescription> model = parseHFConfig(json, "config.json");
  if (model)
    return "<no error>";
  return llvm::toString(model.takeError());
}

TEST(HFConfig, MissingRequiredFieldIsNamed) {
  EXPECT_EQ(errorOf(R"({"model_type": "llama", "hidden_size": 64,
                       "num_hidden_layers": 2, "vocab_size": 10,
                       "intermediate_size": 128})"),
            "config.json: missing required field 'num_attention_heads' "
            "(model_type 'llama')");
}

TEST(HFConfig, UnknownModelTypeListsSupportedOnes) {
  std::string error = errorOf(R"({"model_type": "mamba"})");
  EXPECT_NE(error.find("config.json: field 'model_type' names an unsupported "
                       "architecture 'mamba'"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("mixtral"), std::string::npos) << error;
}

TEST(HFConfig, HeadsNotDivisibleByKVHeads) {
  EXPECT_EQ(errorOf(R"({"model_type": "llama", "hidden_size": 120,
                       "num_hidden_layers": 2, "num_attention_heads": 30,
                       "num_key_value_heads": 4, "vocab_size": 10,
                       "intermediate_size": 128})"),
            "config.json: field 'num_attention_heads' (30) must be a multiple "
            "of 'num_key_value_heads' (4) (model_type 'llama')");
}

TEST(HFConfig, WrongTypeIsNamed) {
  EXPECT_EQ(errorOf(R"({"model_type": "gpt2", "n_embd": "big"})"),
            "config.json: field 'n_embd' must be a positive integer, got "
            "\"big\" (model_type 'gpt2')");
}

TEST(HFConfig, InvalidJSON) {
  std::string error = errorOf("{\"model_type\": ");
  EXPECT_EQ(error.rfind("config.json: not valid JSON", 0), 0u) << error;
}

TEST(HFConfig, Qwen2MoESparseStepAndSharedExpert) {
  llvm::Expected<ModelDescription> model = parseHFConfig(
      R"({"model_type": "qwen2_moe", "hidden_size": 64,
          "num_hidden_layers": 4, "num_attention_heads": 4,
          "num_key_value_heads": 4, "vocab_size": 100,
          "intermediate_size": 256, "moe_intermediate_size": 32,
          "shared_expert_intermediate_size": 128, "num_experts": 8,
          "num_experts_per_tok": 2, "decoder_sparse_step": 2,
          "mlp_only_layers": [3]})",
      "config.json");
  ASSERT_TRUE(bool(model)) << llvm::toString(model.takeError());
  // (i+1) % 2 == 0 -> layers 1 and 3; layer 3 is listed as MLP-only.
  EXPECT_EQ(model->moeLayers, (std::vector<bool>{false, true, false, false}));
  EXPECT_EQ(model->moe.numSharedExperts, 1);
  EXPECT_TRUE(model->moe.sharedExpertGate);
  EXPECT_TRUE(model->qkvBias);
  EXPECT_FALSE(model->outputBias);
}

TEST(HFConfig, GPTNeoXPartialRotaryAndParallelResidual) {
  llvm::Expected<ModelDescription> model = parseHFConfig(
      R"({"model_type": "gpt_neox", "hidden_size": 512,
          "intermediate_size": 2048, "num_hidden_layers": 2,
          "num_attention_heads": 8, "vocab_size": 1000,
          "rotary_pct": 0.25, "rotary_emb_base": 10000})",
      "config.json");
  ASSERT_TRUE(bool(model)) << llvm::toString(model.takeError());
  // head_dim 512/8 = 64; 25% of it rotates.
  EXPECT_EQ(model->headDim, 64);
  ASSERT_TRUE(model->rope.has_value());
  EXPECT_EQ(model->rope->rotaryDim, 16);
  EXPECT_TRUE(model->parallelResidual);
  EXPECT_FALSE(model->sharedParallelNorm);
}

TEST(HFConfig, QuantizationConfigMakesMatmulWeightsInt4) {
  llvm::Expected<ModelDescription> model = parseHFConfig(
      R"({"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 1,
          "num_attention_heads": 4, "vocab_size": 10,
          "intermediate_size": 128, "torch_dtype": "bfloat16",
          "quantization_config": {"quant_method": "gptq", "bits": 4}})",
      "config.json");
  ASSERT_TRUE(bool(model)) << llvm::toString(model.takeError());
  EXPECT_EQ(model->weightDType, llm::DType::bf16);
  EXPECT_EQ(model->getMatmulWeightDType(), llm::DType::int4);
  EXPECT_EQ(model->kvDType, llm::DType::bf16);
}

} // namespace
