//===- RoutingTest.cpp - tokens per expert --------------------------------===//

#include "duplex/Support/Routing.h"

#include "gtest/gtest.h"

#include <numeric>

using namespace duplex;

namespace {

uint64_t sum(llvm::ArrayRef<uint64_t> counts) {
  return std::accumulate(counts.begin(), counts.end(), uint64_t(0));
}

/// Mean and (unbiased) variance of `draw()` over `samples` draws.
template <typename Draw>
std::pair<double, double> moments(Draw draw, int samples) {
  double total = 0, squares = 0;
  for (int i = 0; i < samples; ++i) {
    double x = double(draw());
    total += x;
    squares += x * x;
  }
  double mean = total / samples;
  return {mean, (squares - samples * mean * mean) / (samples - 1)};
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

TEST(Routing, CountsNeverExceedTheTokens) {
  // One token picks 3 distinct experts of 4: each count is 0 or 1 and they
  // sum to 3, for every seed (the multinomial may draw an expert twice; the
  // cap passes the excess on).
  RoutingOptions options;
  options.mode = RoutingOptions::Mode::Uniform;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    options.seed = seed;
    auto counts = tokensPerExpert(1, 4, 3, options);
    EXPECT_EQ(sum(counts), 3u);
    for (uint64_t count : counts)
      EXPECT_LE(count, 1u);
  }
}

TEST(Random, MultinomialMeanAndVarianceSmall) {
  // A Mixtral decode stage: 64 tokens x top-2 = 128 assignments over 8
  // experts. Each count is Binomial(128, 1/8): mean 16, variance
  // 128 x 1/8 x 7/8 = 14. Over 4,000 draws the sample mean's standard
  // error is sqrt(14 / 4000) = 0.059 and the sample variance's
  // 14 x sqrt(2 / 3999) = 0.31: the bounds are about 5 of each.
  SplitMix64 rng(11);
  llvm::SmallVector<double, 8> weights(8, 1.0);
  int expert = 0;
  auto [mean, variance] = moments(
      [&] {
        auto counts = drawMultinomial(rng, 128, weights);
        EXPECT_EQ(sum(counts), 128u);
        expert = (expert + 1) % 8; // Every expert, first and last alike.
        return counts[expert];
      },
      4000);
  EXPECT_NEAR(mean, 16.0, 0.3);
  EXPECT_NEAR(variance, 14.0, 1.6);
}

TEST(Random, BinomialMeanAndVarianceLarge) {
  // Binomial(10000, 1/4), past the exact sampler's range (variance 1875 >
  // 100): mean 2500, variance 1875. Over 4,000 draws the standard errors
  // are sqrt(1875 / 4000) = 0.68 and 1875 x sqrt(2 / 3999) = 41.9.
  SplitMix64 rng(5);
  auto [mean, variance] =
      moments([&] { return drawBinomial(rng, 10000, 0.25); }, 4000);
  EXPECT_NEAR(mean, 2500.0, 3.5);
  EXPECT_NEAR(variance, 1875.0, 210.0);
}

TEST(Random, BinomialEdges) {
  SplitMix64 rng(1);
  EXPECT_EQ(drawBinomial(rng, 0, 0.5), 0u);
  EXPECT_EQ(drawBinomial(rng, 7, 0.0), 0u);
  EXPECT_EQ(drawBinomial(rng, 7, 1.0), 7u);
  for (int i = 0; i < 100; ++i)
    EXPECT_LE(drawBinomial(rng, 3, 0.9), 3u);
}

TEST(Routing, UniformCountsHaveTheExactMeanAndVariance) {
  // Mixtral decode: 64 tokens each pick 2 of 8 experts. Expert 0's count is
  // Binomial(64, 1/4): mean 16, variance 64 x 1/4 x 3/4 = 12 (a plain
  // multinomial of 128 assignments would give 14). Over 4,000 stages the
  // standard errors are 0.055 and 12 x sqrt(2 / 3999) = 0.27.
  RoutingOptions options;
  options.mode = RoutingOptions::Mode::Uniform;
  uint64_t stream = 0;
  auto [mean, variance] = moments(
      [&] {
        auto counts = tokensPerExpert(64, 8, 2, options, stream++);
        EXPECT_EQ(sum(counts), 128u);
        return counts[stream % 8];
      },
      4000);
  EXPECT_NEAR(mean, 16.0, 0.3);
  EXPECT_NEAR(variance, 12.0, 1.4);
}

TEST(Routing, BusiestDeviceAboveTheRidgeHasTheMostTokens) {
  // 4 experts on 2 devices (device 0: experts 0 and 2; device 1: 1 and 3)
  // with 5, 1, 0 and 3 tokens. Ranked by tokens (ridge 1): device 0 has
  // max(1, 5) = 5, device 1 has max(1, 1) + max(1, 3) = 4 -> device 0.
  llvm::SmallVector<uint64_t, 4> counts = {5, 1, 0, 3};
  EXPECT_EQ(busiestExpertDevice(counts, 2, 1.0), 0u);
  EXPECT_EQ(busiestExpertDevice(counts, 2, 0.0), 0u);
}

TEST(Routing, BusiestDeviceBelowTheRidgeHasTheMostActiveExperts) {
  // The same counts on a unit whose ridge is 8 tokens (Logic-PIM: 8 Op/B):
  // every expert is a weight read, max(1, n / 8) = 1. Device 0 reads one
  // expert, device 1 two -> device 1.
  llvm::SmallVector<uint64_t, 4> counts = {5, 1, 0, 3};
  EXPECT_EQ(busiestExpertDevice(counts, 2, 8.0), 1u);
  // One device holds all four: it is the busiest.
  EXPECT_EQ(busiestExpertDevice(counts, 1, 8.0), 0u);
}

TEST(Routing, TraceCountsWrapAroundTheRecording) {
  // Two recorded tokens, {0, 1} and {2, 3}; 5 stage tokens take two whole
  // passes (2 each) and one more token from the seeded start: the counts
  // sum to 10, two experts have 3 and two have 2.
  llvm::Expected<ExpertTrace> trace = parseExpertTrace("0,1\n2 3\n", "t");
  ASSERT_TRUE(bool(trace)) << llvm::toString(trace.takeError());
  EXPECT_EQ(trace->perToken, 2u);
  EXPECT_EQ(trace->tokens(), 2u);
  RoutingOptions options;
  options.mode = RoutingOptions::Mode::Trace;
  options.trace = std::make_shared<const ExpertTrace>(std::move(*trace));
  auto counts = tokensPerExpert(5, 4, 2, options, /*stream=*/9);
  EXPECT_EQ(sum(counts), 10u);
  EXPECT_EQ(std::count(counts.begin(), counts.end(), 3u), 2);
  EXPECT_EQ(std::count(counts.begin(), counts.end(), 2u), 2);
  EXPECT_FALSE(bool(checkRoutingFits(options, 4, 2)));
  llvm::Error narrow = checkRoutingFits(options, 3, 2);
  ASSERT_TRUE(bool(narrow));
  EXPECT_EQ(llvm::toString(std::move(narrow)),
            "routing trace 't': expert 3 (line 2) is past the model's 3 "
            "experts");
}

TEST(Routing, ParseErrors) {
  EXPECT_FALSE(bool(parseRoutingMode("zipf:0", 0)));
  llvm::Expected<RoutingOptions> bad = parseRoutingMode("random", 0);
  ASSERT_FALSE(bool(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "unknown routing 'random' (expected, uniform, zipf:S, or "
            "trace:FILE)");
}

} // namespace

namespace {

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

// Zipf counts stay within one per token and sum to tokens x k when most
// experts are every token's (the inclusion probabilities cap at 1).
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
