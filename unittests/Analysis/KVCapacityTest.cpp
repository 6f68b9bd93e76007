//===- KVCapacityTest.cpp - the KV cache a serving runtime keeps ----------===//
//
// kvCapacityTokens with each runtime's share of device memory. The needs are
// made up to give round numbers; the H100 description has 80 GiB on one
// device per node (devices/h100.json), and every expected count is derived
// by hand in the comment above it.
//
//===----------------------------------------------------------------------===//

#include "duplex/Analysis/Placement.h"
#include "duplex/Hardware/Loader.h"

#include "gtest/gtest.h"

using namespace duplex;

namespace {

constexpr double kGiB = 1024.0 * 1024 * 1024;

class KVCapacityTest : public ::testing::Test {
protected:
  void SetUp() override {
    llvm::Expected<hw::System> loaded = hw::loadSystem("h100");
    ASSERT_TRUE(bool(loaded)) << llvm::toString(loaded.takeError());
    system = std::move(*loaded);
    ASSERT_EQ(system.topology.devicesPerNode, 1u);
    ASSERT_DOUBLE_EQ(system.deviceMemoryBytes(), 80 * kGiB);
    // 40 GiB of weights, 1 MiB of KV cache per token.
    needs.weightBytes = 40 * kGiB;
    needs.kvBytesPerToken = 1024 * 1024;
  }

  hw::System system;
  CapacityNeeds needs;
};

// All the memory after the weights: (80 - 40) GiB / 1 MiB = 40,960 tokens.
TEST_F(KVCapacityTest, DefaultTakesAllMemoryAfterTheWeights) {
  EXPECT_EQ(kvCapacityTokens(system, needs), 40960u);
}

// TensorRT-LLM's free_gpu_memory_fraction 0.9 of the 40 GiB left:
// 36 GiB = 36,864 tokens.
TEST_F(KVCapacityTest, FreeFractionScalesWhatTheWeightsLeave) {
  EXPECT_EQ(kvCapacityTokens(system, needs,
                             {/*memoryUtilization=*/1,
                              /*freeFraction=*/0.9}),
            36864u);
}

// vLLM's gpu_memory_utilization 0.9 of 80 GiB is 72 GiB, 32 GiB after the
// weights: 32,768 tokens.
TEST_F(KVCapacityTest, MemoryUtilizationCapsTheWholeMemory) {
  EXPECT_EQ(kvCapacityTokens(system, needs,
                             {/*memoryUtilization=*/0.9,
                              /*freeFraction=*/1}),
            32768u);
}

// Half the memory is exactly the weights: no room at all, never negative.
TEST_F(KVCapacityTest, NoRoomWhenTheWeightsTakeTheShare) {
  EXPECT_EQ(kvCapacityTokens(system, needs,
                             {/*memoryUtilization=*/0.5,
                              /*freeFraction=*/1}),
            0u);
  EXPECT_EQ(kvCapacityTokens(system, needs,
                             {/*memoryUtilization=*/0.25,
                              /*freeFraction=*/1}),
            0u);
}

// A runtime keeping 4 GiB per device leaves (80 - 40 - 4) GiB = 36 GiB:
// 36,864 tokens; with free_gpu_memory_fraction 0.9, 32.4 GiB = 33,177.6,
// so 33,177 whole tokens.
TEST_F(KVCapacityTest, RuntimeReserveComesOffBeforeTheShare) {
  system.runtimeReservedBytes = 4 * kGiB;
  EXPECT_EQ(kvCapacityTokens(system, needs), 36864u);
  EXPECT_EQ(kvCapacityTokens(system, needs,
                             {/*memoryUtilization=*/1,
                              /*freeFraction=*/0.9}),
            33177u);
}

// 78 GiB of weights fit 80 GiB alone, not with a 4 GiB runtime reserve;
// the message names the reserve and its profile.
TEST_F(KVCapacityTest, WeightsAndReserveMustFit) {
  needs.modelName = "big";
  needs.weightBytes = 78 * kGiB;
  llvm::Error alone = checkWeightsFit(system, needs);
  EXPECT_FALSE(bool(alone)) << "78 GiB of weights fit 80 GiB";
  llvm::consumeError(std::move(alone));
  system.runtimeReservedBytes = 4 * kGiB;
  system.calibrationProfile = "measured/trtllm";
  llvm::Error error = checkWeightsFit(system, needs);
  ASSERT_TRUE(bool(error));
  EXPECT_NE(llvm::toString(std::move(error))
                .find("4.00 GiB of it kept by the serving runtime "
                      "(calibration 'measured/trtllm')"),
            std::string::npos);
}

} // namespace
