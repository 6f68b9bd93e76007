//===- RoutingTest.cpp - tokens per expert --------------------------------===//

#include "duplex/Support/Routing.h"

#include "gtest/gtest.h"

#include <numeric>

using namespace duplex;

namespace {

uint64_t sum(llvm::ArrayRef<uint64_t> counts) {
  return std::accumulate(counts.begin(), counts.end(), uint64_t(0));
}

TEST(Routing, ExpectedIsEvenWhenEveryExpertIsHit) {
  // Mixtral, 64 tokens, top-2 of 8: 64*2/8 = 16 each; 1-(6/8)^64 ~ 1.
  RoutingOptions options;
  llvm::SmallVector<uint64_t, 16> counts = tokensPerExpert(64, 8, 2, options);
  EXPECT_EQ(counts, (llvm::SmallVector<uint64_t, 16>(8, 16)));
}

TEST(Routing, ExpectedSpreadsOverTheExpertsLikelyHit) {
  // GLaM, 4 tokens, top-2 of 64: 64*(1-(62/64)^4) = 7.5 -> 8 experts get
  // the 8 assignments, one each (never 64 experts with 1/8 token).
  RoutingOptions options;
  llvm::SmallVector<uint64_t, 16> counts = tokensPerExpert(4, 64, 2, options);
  EXPECT_EQ(sum(counts), 8u);
  EXPECT_EQ(std::count(counts.begin(), counts.end(), 1u), 8);
}

TEST(Routing, UniformIsSeededAndSums) {
  RoutingOptions options;
  options.mode = RoutingOptions::Mode::Uniform;
  options.seed = 42;
  auto first = tokensPerExpert(1000, 8, 2, options, /*stream=*/3);
  auto again = tokensPerExpert(1000, 8, 2, options, /*stream=*/3);
  auto other = tokensPerExpert(1000, 8, 2, options, /*stream=*/4);
  EXPECT_EQ(first, again);
  EXPECT_NE(first, other);
  EXPECT_EQ(sum(first), 2000u);
  // 250 expected per expert; a binomial(1000, 1/4) has sigma 13.7, so a
  // count outside 250 +- 70 (5 sigma) means the draw is not uniform.
  for (uint64_t count : first) {
    EXPECT_GT(count, 180u);
    EXPECT_LT(count, 320u);
  }
}

TEST(Routing, TopKExpertsAreDistinct) {
  // top-2 of 2: every token must hit both experts exactly once.
  RoutingOptions options;
  options.mode = RoutingOptions::Mode::Uniform;
  auto counts = tokensPerExpert(100, 2, 2, options);
  EXPECT_EQ(counts, (llvm::SmallVector<uint64_t, 16>{100, 100}));
}

TEST(Routing, ZipfFavoursTheFirstExperts) {
  RoutingOptions options;
  options.mode = RoutingOptions::Mode::Zipf;
  options.zipfExponent = 1.2;
  auto counts = tokensPerExpert(4000, 8, 1, options);
  EXPECT_EQ(sum(counts), 4000u);
  // Weights 1/(i+1)^1.2 sum to H = 2.333: expert 0 holds 1/H = 43% of the
  // tokens (~1714), expert 7 holds 0.0825/H = 3.5% (~141).
  EXPECT_GT(counts[0], 1500u);
  EXPECT_LT(counts[7], 250u);
}

TEST(Routing, ParseErrors) {
  EXPECT_FALSE(bool(parseRoutingMode("zipf:0", 0)));
  llvm::Expected<RoutingOptions> bad = parseRoutingMode("random", 0);
  ASSERT_FALSE(bool(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "unknown routing 'random' (expected, uniform, or zipf:S)");
}

} // namespace

namespace {

/// The draw tokensPerExpert made before its weight tree: a linear scan over
/// the remaining weights per pick, O(k E) per token. The tree must choose
/// exactly the same experts from the same random stream.
llvm::SmallVector<uint64_t, 16> scanCounts(uint64_t tokens, unsigned experts,
                                           unsigned topK, uint64_t seed,
                                           uint64_t stream) {
  SplitMix64 rng(seed * 0x2545f4914f6cdd1dull + stream);
  llvm::SmallVector<uint64_t, 16> counts(experts, 0);
  for (uint64_t t = 0; t < tokens; ++t) {
    std::vector<double> remaining(experts, 1.0);
    double total = experts;
    for (unsigned pick = 0; pick < topK; ++pick) {
      double target = rng.nextUnit() * total, running = 0;
      unsigned chosen = experts - 1;
      for (unsigned e = 0; e < experts; ++e) {
        running += remaining[e];
        if (remaining[e] != 0 && target < running) {
          chosen = e;
          break;
        }
      }
      while (remaining[chosen] == 0)
        chosen = chosen == 0 ? experts - 1 : chosen - 1;
      ++counts[chosen];
      total -= 1;
      remaining[chosen] = 0;
    }
  }
  return counts;
}

TEST(Routing, TreeDrawsWhatTheScanDrew) {
  RoutingOptions options;
  options.mode = RoutingOptions::Mode::Uniform;
  for (auto [experts, topK] : {std::pair<unsigned, unsigned>{8, 2},
                               {64, 2},
                               {128, 8},
                               {256, 8},
                               {7, 3}}) {
    options.seed = experts;
    EXPECT_EQ(tokensPerExpert(300, experts, topK, options, /*stream=*/5),
              scanCounts(300, experts, topK, experts, 5))
        << experts << " experts, top-" << topK;
  }
}

// top_k = experts = 16,000 used to take minutes (O(k E) per token); every
// token now picks every expert in O(E).
TEST(Routing, EveryExpertChosenWhenTopKIsAll) {
  RoutingOptions options;
  options.mode = RoutingOptions::Mode::Uniform;
  auto counts = tokensPerExpert(4096, 16000, 16000, options);
  EXPECT_EQ(counts, (llvm::SmallVector<uint64_t, 16>(16000, 4096)));
  options.mode = RoutingOptions::Mode::Zipf;
  EXPECT_EQ(tokensPerExpert(10, 16000, 20000, options),
            (llvm::SmallVector<uint64_t, 16>(16000, 10)));
}

// Zipf draws stay distinct per token and sum to tokens x k, across the
// periodic rebuild of the weight sums (every 4,096 tokens).
TEST(Routing, ZipfDrawsStayDistinctAcrossRebuilds) {
  RoutingOptions options;
  options.mode = RoutingOptions::Mode::Zipf;
  options.zipfExponent = 1.2;
  auto counts = tokensPerExpert(10000, 16, 15, options);
  EXPECT_EQ(sum(counts), 150000u);
  for (uint64_t count : counts)
    EXPECT_LE(count, 10000u); // At most once per token.
}

} // namespace

namespace {

// Uniform top-k of more than half the experts draws the left-out ones:
// every token still picks exactly k distinct experts, about evenly.
TEST(Routing, UniformTopKOfMostExpertsDrawsTheComplement) {
  RoutingOptions options;
  options.mode = RoutingOptions::Mode::Uniform;
  options.seed = 7;
  auto counts = tokensPerExpert(1000, 16, 15, options);
  EXPECT_EQ(sum(counts), 15000u);
  // Each expert is left out by a token with probability 1/16: 62.5 of
  // 1,000 expected, sigma 7.7; outside 62.5 +- 40 (5 sigma) is not uniform.
  for (uint64_t count : counts) {
    EXPECT_LE(count, 1000u);
    EXPECT_GT(count, 1000u - 103u);
    EXPECT_LT(count, 1000u - 22u);
  }
}

} // namespace
