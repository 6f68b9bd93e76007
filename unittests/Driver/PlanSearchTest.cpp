//===- PlanSearchTest.cpp - the capacity plan's rate search ---------------===//
//
// The search against pass/fail functions whose threshold is known, with
// probe counts derived by hand: doubling or halving from the target brackets
// the threshold within a factor of 2, and each geometric bisection takes the
// square root of the bracket's ratio, so reaching 1 + tol takes the least k
// with 2^(1/2^k) <= 1 + tol; for tol = 0.02, 2^k >= 1/log2(1.02) = 35.0,
// k = 6.
//
//===----------------------------------------------------------------------===//

#include "duplex/Driver/Plan.h"

#include "gtest/gtest.h"

using namespace duplex;

namespace {

/// Passes below `threshold` requests/s, counting its calls.
struct Threshold {
  double threshold;
  unsigned calls = 0;
  llvm::Expected<bool> operator()(double rate) {
    ++calls;
    return rate <= threshold;
  }
};

TEST(PlanSearch, ThresholdAboveTheTarget) {
  Threshold passes{37.3};
  RateSearchOptions options;
  options.target = 10;
  llvm::Expected<RateSearch> search = searchMaxRate(options, std::ref(passes));
  ASSERT_TRUE(bool(search)) << llvm::toString(search.takeError());
  EXPECT_TRUE(search->meetsTarget);
  // The threshold lies in [max, min failing), a bracket within 2%.
  EXPECT_LE(search->maxRate, 37.3);
  EXPECT_GT(search->minFailingRate, 37.3);
  EXPECT_LE(search->minFailingRate, search->maxRate * 1.02);
  // 10 passes, 20 passes, 40 fails: bracket [20, 40], then 6 bisections.
  EXPECT_EQ(search->probes, 1u + 2u + 6u);
  EXPECT_EQ(passes.calls, search->probes);
}

TEST(PlanSearch, ThresholdBelowTheTarget) {
  Threshold passes{3};
  RateSearchOptions options;
  options.target = 10;
  llvm::Expected<RateSearch> search = searchMaxRate(options, std::ref(passes));
  ASSERT_TRUE(bool(search)) << llvm::toString(search.takeError());
  EXPECT_FALSE(search->meetsTarget);
  EXPECT_LE(search->maxRate, 3);
  EXPECT_GT(search->minFailingRate, 3);
  EXPECT_LE(search->minFailingRate, search->maxRate * 1.02);
  // 10 fails, 5 fails, 2.5 passes: bracket [2.5, 5], then 6 bisections.
  EXPECT_EQ(search->probes, 1u + 2u + 6u);
}

TEST(PlanSearch, ThresholdAtTheTargetPasses) {
  Threshold passes{10};
  RateSearchOptions options;
  options.target = 10;
  options.tolerance = 0.1;
  llvm::Expected<RateSearch> search = searchMaxRate(options, std::ref(passes));
  ASSERT_TRUE(bool(search));
  EXPECT_TRUE(search->meetsTarget);
  EXPECT_DOUBLE_EQ(search->maxRate, 10);
  // 2^(1/2^k) <= 1.1: 2^k >= 1/log2(1.1) = 7.27, k = 3.
  EXPECT_EQ(search->probes, 1u + 1u + 3u);
}

TEST(PlanSearch, NothingPassesDownToTheFloor) {
  Threshold passes{0};
  RateSearchOptions options;
  options.target = 8;
  options.maxSteps = 5;
  llvm::Expected<RateSearch> search = searchMaxRate(options, std::ref(passes));
  ASSERT_TRUE(bool(search));
  EXPECT_EQ(search->maxRate, 0);
  EXPECT_DOUBLE_EQ(search->minFailingRate, 8.0 / 32);
  EXPECT_EQ(search->probes, 6u);
}

TEST(PlanSearch, EverythingPassesUpToTheCeiling) {
  Threshold passes{1e30};
  RateSearchOptions options;
  options.target = 8;
  options.maxSteps = 5;
  llvm::Expected<RateSearch> search = searchMaxRate(options, std::ref(passes));
  ASSERT_TRUE(bool(search));
  EXPECT_DOUBLE_EQ(search->maxRate, 8.0 * 32);
  EXPECT_EQ(search->minFailingRate, 0);
}

TEST(PlanSearch, AProbeErrorEndsTheSearch) {
  unsigned calls = 0;
  auto failing = [&](double rate) -> llvm::Expected<bool> {
    if (++calls == 3)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "out of memory at %g", rate);
    return true;
  };
  RateSearchOptions options;
  options.target = 1;
  llvm::Expected<RateSearch> search = searchMaxRate(options, failing);
  ASSERT_FALSE(bool(search));
  EXPECT_EQ(llvm::toString(search.takeError()), "out of memory at 4");
}

TEST(PlanSearch, BadSettingsAreErrors) {
  Threshold passes{1};
  RateSearchOptions options;
  options.target = 0;
  llvm::Expected<RateSearch> zero = searchMaxRate(options, std::ref(passes));
  ASSERT_FALSE(bool(zero));
  EXPECT_NE(llvm::toString(zero.takeError()).find("target rate"),
            std::string::npos);
  options.target = 1;
  options.tolerance = 0;
  llvm::Expected<RateSearch> tight = searchMaxRate(options, std::ref(passes));
  ASSERT_FALSE(bool(tight));
  EXPECT_NE(llvm::toString(tight.takeError()).find("tolerance"),
            std::string::npos);
  EXPECT_EQ(passes.calls, 0u);
}

} // namespace
