//===- SimulatorTest.cpp - the serving loop on hand-checkable cases -------===//

#include "duplex/Serving/Simulator.h"

#include "gtest/gtest.h"

#include <random>

using namespace duplex;
using namespace duplex::serving;

namespace {

/// Stages cost `prefillSeconds` when they hold any prompt work, else
/// `decodeSeconds`; every stage is recorded.
class FixedOracle : public StageOracle {
public:
  FixedOracle(double prefillSeconds, double decodeSeconds,
              uint64_t capacity = 1 << 20)
      : prefillSeconds(prefillSeconds), decodeSeconds(decodeSeconds),
        capacity(capacity) {}
  llvm::Expected<const StageCost &> cost(const Stage &stage) override {
    stages.push_back(stage.str());
    last = StageCost();
    StageCost &cost = last;
    cost.seconds = stage.prefillTokens.empty() ? decodeSeconds : prefillSeconds;
    cost.joules = 2 * cost.seconds;
    cost.secondsOf(CostCategory::FC) = cost.seconds;
    return cost;
  }
  uint64_t kvCapacityTokens() const override { return capacity; }

  std::vector<std::string> stages;

private:
  StageCost last;
  double prefillSeconds, decodeSeconds;
  uint64_t capacity;
};

TEST(Serving, TwoRequestsByHand) {
  // r0 arrives at 0 (10 prompt, 3 output tokens), r1 at 0.5 (20, 2).
  // Stage 1 [0, 1.0]: prefill r0 -> r0's first token at 1.0.
  // Stage 2 [1.0, 2.0]: r0 decodes, r1 prefills -> r0 token 2, r1 token 1.
  // Stage 3 [2.0, 2.1]: both decode -> r0 token 3 (done), r1 token 2 (done).
  FixedOracle oracle(1.0, 0.1);
  std::vector<RequestSpec> requests = {{0.0, 10, 3}, {0.5, 20, 2}};
  ServingOptions options;
  auto result = simulateServing(requests, oracle, options);
  ASSERT_TRUE(bool(result)) << llvm::toString(result.takeError());
  EXPECT_EQ(oracle.stages, (std::vector<std::string>{
                               "prefill=1@10", "prefill=1@20,decode=1@10",
                               "decode=1@11,decode=1@20"}));
  const RequestRecord &r0 = result->requests[0], &r1 = result->requests[1];
  EXPECT_DOUBLE_EQ(r0.firstTokenSeconds - r0.arrivalSeconds, 1.0); // TTFT
  EXPECT_DOUBLE_EQ(r1.firstTokenSeconds - r1.arrivalSeconds, 1.5);
  EXPECT_DOUBLE_EQ(r0.finishSeconds - r0.arrivalSeconds, 2.1); // E2E
  EXPECT_DOUBLE_EQ(r1.finishSeconds - r1.arrivalSeconds, 1.6);
  // TBT samples: r0 1.0 then 0.1; r1 0.1.
  std::vector<double> gaps = result->tokenGapSeconds.expand();
  std::sort(gaps.begin(), gaps.end());
  ASSERT_EQ(gaps.size(), 3u);
  EXPECT_NEAR(gaps[0], 0.1, 1e-12); // 2.1 - 2.0 in binary floating point
  EXPECT_NEAR(gaps[1], 0.1, 1e-12);
  EXPECT_DOUBLE_EQ(gaps[2], 1.0);
  EXPECT_EQ(result->generatedTokens, 5u);
  EXPECT_DOUBLE_EQ(result->simulatedSeconds, 2.1);
  EXPECT_EQ(result->stagesByKind,
            (std::array<uint64_t, 3>{1, 1, 1})); // prefill, mixed, decode
  EXPECT_DOUBLE_EQ(result->totals.joules, 2 * 2.1);
}

TEST(Serving, ClosedLoopThroughputIsBatchOverStageTime) {
  // Every stage costs 0.02 s. Batch 4, 400 requests of 1 prompt token and
  // 100 output tokens, replaced as they finish: every stage emits 4
  // tokens, so throughput = 4 / 0.02 = 200 tokens/s; 40,000 tokens take
  // 10,000 stages = 200 s.
  FixedOracle oracle(0.02, 0.02);
  std::vector<RequestSpec> requests(400, RequestSpec{0.0, 1, 100});
  ServingOptions options;
  options.maxBatch = 4;
  options.closedLoop = true;
  auto result = simulateServing(requests, oracle, options);
  ASSERT_TRUE(bool(result)) << llvm::toString(result.takeError());
  EXPECT_EQ(result->generatedTokens, 40000u);
  EXPECT_NEAR(result->simulatedSeconds, 200.0, 1e-6);
  EXPECT_NEAR(result->generatedTokens / result->simulatedSeconds, 200.0, 1e-6);
}

TEST(Serving, TokenBudgetAndChunkedPrefill) {
  // Budget 8 tokens per stage: a 20-token prompt takes chunks 8, 8, 4.
  FixedOracle oracle(1.0, 1.0);
  std::vector<RequestSpec> requests = {{0.0, 20, 1}};
  ServingOptions options;
  options.maxTokensPerStage = 8;
  options.chunkedPrefill = true;
  auto result = simulateServing(requests, oracle, options);
  ASSERT_TRUE(bool(result)) << llvm::toString(result.takeError());
  EXPECT_EQ(oracle.stages, (std::vector<std::string>{
                               "prefill=1@8", "prefill=1@8", "prefill=1@4"}));
  EXPECT_DOUBLE_EQ(result->requests[0].firstTokenSeconds, 3.0);
}

TEST(Serving, KVExhaustionPreempts) {
  // Capacity 30 tokens; two 10-token prompts fit (20), then each decode
  // stage adds 2 tokens: after 5 stages 30 are used and the next growth
  // (32 > 30) preempts the later request, which recomputes afterwards.
  FixedOracle oracle(1.0, 0.1, /*capacity=*/30);
  std::vector<RequestSpec> requests = {{0.0, 10, 12}, {0.0, 10, 12}};
  ServingOptions options;
  auto result = simulateServing(requests, oracle, options);
  ASSERT_TRUE(bool(result)) << llvm::toString(result.takeError());
  EXPECT_GE(result->preemptions, 1u);
  EXPECT_EQ(result->requests[1].preemptions, result->preemptions);
  EXPECT_EQ(result->requests[0].preemptions, 0u);
  EXPECT_EQ(result->generatedTokens, 24u);
  for (const RequestRecord &record : result->requests)
    EXPECT_GT(record.finishSeconds, 0.0);
}

TEST(Serving, WholeRequestAdmissionWaitsInsteadOfPreempting) {
  // The KVExhaustionPreempts case under TensorRT-LLM's GUARANTEED_NO_EVICT:
  // each request promises 10 + 12 = 22 of the 30 tokens, so r1 (22 + 22 =
  // 44 > 30) waits for r0. r0: prefill [0, 1] (token 1), 11 decodes of
  // 0.1 s -> done at 2.1. r1: prefill [2.1, 3.1] (TTFT 3.1), done at 4.2.
  FixedOracle oracle(1.0, 0.1, /*capacity=*/30);
  std::vector<RequestSpec> requests = {{0.0, 10, 12}, {0.0, 10, 12}};
  ServingOptions options;
  options.reserveWholeRequest = true;
  auto result = simulateServing(requests, oracle, options);
  ASSERT_TRUE(bool(result)) << llvm::toString(result.takeError());
  EXPECT_EQ(result->preemptions, 0u);
  ASSERT_EQ(oracle.stages.size(), 24u); // 2 x (1 prefill + 11 decodes)
  EXPECT_EQ(oracle.stages[0], "prefill=1@10");
  EXPECT_EQ(oracle.stages[11], "decode=1@20"); // r0 alone to the end
  EXPECT_EQ(oracle.stages[12], "prefill=1@10");
  EXPECT_NEAR(result->requests[0].finishSeconds, 2.1, 1e-12);
  EXPECT_NEAR(result->requests[1].firstTokenSeconds, 3.1, 1e-12);
  EXPECT_NEAR(result->requests[1].finishSeconds, 4.2, 1e-12);
  EXPECT_EQ(result->generatedTokens, 24u);
}

TEST(Serving, WholeLengthLargerThanTheCacheIsAnError) {
  // The prompt (20) fits the 30 tokens, but not with its 15 outputs.
  FixedOracle oracle(1.0, 0.1, /*capacity=*/30);
  std::vector<RequestSpec> requests = {{0.0, 20, 15}};
  ServingOptions options;
  options.reserveWholeRequest = true;
  auto result = simulateServing(requests, oracle, options);
  ASSERT_FALSE(bool(result));
  EXPECT_EQ(llvm::toString(result.takeError()),
            "request 0 needs 35 tokens of KV cache for its prompt and output "
            "(the scheduler admits a request only when its whole length "
            "fits) but the system holds 30");
}

TEST(Serving, PromptLargerThanTheCacheIsAnError) {
  FixedOracle oracle(1.0, 0.1, /*capacity=*/16);
  std::vector<RequestSpec> requests = {{0.0, 40, 2}};
  auto result = simulateServing(requests, oracle, {});
  ASSERT_FALSE(bool(result));
  EXPECT_EQ(llvm::toString(result.takeError()),
            "request 0 needs 40 tokens of KV cache for its prompt but the "
            "system holds 16");
}

TEST(Serving, IdleGapsJumpToTheNextArrival) {
  // r1 arrives at 10 s, long after r0 is done at 1 s: its TTFT is one
  // prefill stage, not 9 s of idling.
  FixedOracle oracle(1.0, 0.1);
  std::vector<RequestSpec> requests = {{0.0, 4, 1}, {10.0, 4, 1}};
  auto result = simulateServing(requests, oracle, {});
  ASSERT_TRUE(bool(result)) << llvm::toString(result.takeError());
  EXPECT_DOUBLE_EQ(result->requests[1].firstTokenSeconds, 11.0);
  EXPECT_DOUBLE_EQ(result->simulatedSeconds, 11.0);
}

} // namespace

TEST(Serving, SeededLoadsKeepTheCacheAndEveryToken) {
  // The loop keeps the KV tokens held and the decoding count as requests
  // change rather than summing them per stage. Under seeded random loads
  // that preempt, chunk and mix, every stage's recorded KV use (summed
  // afresh from the requests) must stay within the capacity, every request
  // must get exactly its tokens.
  std::mt19937_64 random(15);
  uint64_t preemptions = 0, mixed = 0;
  for (int run = 0; run < 24; ++run) {
    uint64_t capacity = 64 + random() % 512;
    FixedOracle oracle(0.5, 0.1, capacity);
    std::vector<RequestSpec> requests;
    uint64_t expectedTokens = 0;
    double at = 0;
    for (int r = 0; r < 40; ++r) {
      at += double(random() % 100) / 100.0;
      uint64_t prompt = 1 + random() % (capacity / 2);
      uint64_t output = random() % 24; // 0: prefill-only.
      requests.push_back({at, prompt, output});
      expectedTokens += output;
    }
    ServingOptions options;
    options.maxBatch = 1 + random() % 16;
    options.maxTokensPerStage = random() % 2 ? 0 : 16 + random() % 128;
    options.chunkedPrefill = options.maxTokensPerStage && random() % 2;
    options.mixPrefillAndDecode = random() % 2;
    options.recordStages = true;
    auto result = simulateServing(requests, oracle, options);
    ASSERT_TRUE(bool(result)) << llvm::toString(result.takeError());
    EXPECT_EQ(result->generatedTokens, expectedTokens) << "run " << run;
    preemptions += result->preemptions;
    for (const StageRecord &stage : result->stageRecords) {
      ASSERT_LE(stage.kvTokens, capacity) << "run " << run;
      mixed += stage.kind == StageKind::Mixed;
    }
    for (size_t r = 0; r < requests.size(); ++r)
      EXPECT_GE(result->requests[r].finishSeconds,
                result->requests[r].arrivalSeconds)
          << "run " << run << " request " << r;
  }
  // The loads did reach the paths the counters must survive.
  EXPECT_GT(preemptions, 0u);
  EXPECT_GT(mixed, 0u);
}
