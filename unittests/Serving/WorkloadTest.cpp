//===- WorkloadTest.cpp - synthetic request streams -----------------------===//

#include "duplex/Serving/Workload.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace duplex::serving;

namespace {

TEST(Workload, FixedLengthsClosedLoop) {
  SyntheticWorkload workload;
  workload.requests = 3;
  workload.lengths = {256, 128, 0};
  auto requests = generateRequests(workload);
  ASSERT_TRUE(bool(requests)) << llvm::toString(requests.takeError());
  for (const RequestSpec &request : *requests) {
    EXPECT_EQ(request.inputTokens, 256u);
    EXPECT_EQ(request.outputTokens, 128u);
    EXPECT_EQ(request.arrivalSeconds, 0.0);
  }
}

TEST(Workload, GaussianMomentsAndSeed) {
  SyntheticWorkload workload;
  workload.requests = 20000;
  workload.lengths = {1024, 1024, 0.1};
  workload.seed = 5;
  auto requests = generateRequests(workload);
  auto again = generateRequests(workload);
  ASSERT_TRUE(requests && again);
  double sum = 0, squares = 0;
  for (size_t i = 0; i < requests->size(); ++i) {
    EXPECT_EQ((*requests)[i].inputTokens, (*again)[i].inputTokens);
    sum += (*requests)[i].inputTokens;
    squares += double((*requests)[i].inputTokens) * (*requests)[i].inputTokens;
  }
  double mean = sum / requests->size();
  double std = std::sqrt(squares / requests->size() - mean * mean);
  // N(1024, 102.4): the sample mean of 20,000 draws is within 5 standard
  // errors (5 * 102.4 / sqrt(20000) = 3.6) of 1024; the std within 5%.
  EXPECT_NEAR(mean, 1024.0, 3.6);
  EXPECT_NEAR(std, 102.4, 5.1);
}

TEST(Workload, PoissonArrivals) {
  SyntheticWorkload workload;
  workload.requests = 10001;
  workload.lengths = {16, 16, 0};
  workload.queriesPerSecond = 8.0;
  auto requests = generateRequests(workload);
  ASSERT_TRUE(bool(requests));
  // 10,000 exponential gaps of mean 1/8 s: total 1250 s, std of the sum
  // sqrt(10000)/8 = 12.5 s; 5 sigma = 62.5 s.
  EXPECT_NEAR(requests->back().arrivalSeconds, 1250.0, 62.5);
  for (size_t i = 1; i < requests->size(); ++i)
    EXPECT_GE((*requests)[i].arrivalSeconds, (*requests)[i - 1].arrivalSeconds);
}

TEST(Workload, UniformArrivalsAreEvenlySpaced) {
  SyntheticWorkload workload;
  workload.requests = 4;
  workload.lengths = {16, 4, 0};
  workload.queriesPerSecond = 8;
  workload.arrivals = ArrivalProcess::Uniform;
  auto requests = generateRequests(workload);
  ASSERT_TRUE(bool(requests));
  // i / 8 requests/s, exactly (no running-sum drift).
  for (size_t i = 0; i < requests->size(); ++i)
    EXPECT_EQ((*requests)[i].arrivalSeconds, double(i) / 8);
  EXPECT_EQ(parseArrivalProcess("uniform").get(), ArrivalProcess::Uniform);
  llvm::Expected<ArrivalProcess> bad = parseArrivalProcess("bursty");
  ASSERT_FALSE(bool(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "unknown arrival process 'bursty' (known: poisson, uniform)");
}

TEST(Workload, PoissonPatternScalesWithTheRate) {
  // One seed: the same unit exponentials over each rate, so doubling the
  // rate halves every arrival time (what the capacity search relies on).
  SyntheticWorkload workload;
  workload.requests = 50;
  workload.lengths = {16, 4, 0};
  workload.seed = 9;
  workload.queriesPerSecond = 3;
  auto slow = generateRequests(workload);
  workload.queriesPerSecond = 6;
  auto fast = generateRequests(workload);
  ASSERT_TRUE(slow && fast);
  for (size_t i = 0; i < slow->size(); ++i)
    EXPECT_NEAR((*fast)[i].arrivalSeconds, (*slow)[i].arrivalSeconds / 2,
                1e-12 * (1 + (*slow)[i].arrivalSeconds));
}

TEST(Workload, RescaledTraceArrivals) {
  // Arrivals 10, 11, 14 s: 2 gaps over 4 s, 0.5 requests/s. At 2
  // requests/s the span is 1 s: 10, 10.25, 11.
  std::vector<RequestSpec> requests(3);
  requests[0].arrivalSeconds = 10;
  requests[1].arrivalSeconds = 11;
  requests[2].arrivalSeconds = 14;
  EXPECT_DOUBLE_EQ(getMeanArrivalRate(requests).get(), 0.5);
  ASSERT_FALSE(bool(rescaleArrivals(requests, 2)));
  EXPECT_DOUBLE_EQ(requests[0].arrivalSeconds, 10);
  EXPECT_DOUBLE_EQ(requests[1].arrivalSeconds, 10.25);
  EXPECT_DOUBLE_EQ(requests[2].arrivalSeconds, 11);
  std::vector<RequestSpec> together(2);
  llvm::Error error = rescaleArrivals(together, 1);
  ASSERT_TRUE(bool(error));
  EXPECT_EQ(llvm::toString(std::move(error)),
            "all 2 requests arrive at the same time: they have no rate to "
            "rescale");
  llvm::Error zero = rescaleArrivals(requests, 0);
  ASSERT_TRUE(bool(zero));
  llvm::consumeError(std::move(zero));
}

TEST(Workload, Errors) {
  SyntheticWorkload workload;
  workload.requests = 1;
  workload.lengths = {0, 16, 0};
  EXPECT_FALSE(bool(generateRequests(workload)));
  workload.lengths = {16, 16, 0};
  workload.queriesPerSecond = -1.0;
  auto bad = generateRequests(workload);
  ASSERT_FALSE(bool(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "--qps must be 1e-06 to 1e+09 requests/s (got -1)");
  // 1e-320 requests/s used to make every arrival infinite.
  workload.queriesPerSecond = 1e-320;
  EXPECT_FALSE(bool(generateRequests(workload)));
  workload.queriesPerSecond = std::nullopt;
  // Lengths past 2^30 tokens, and the request limit before allocation.
  workload.lengths = {16, 18446744073709551615.0, 0};
  bad = generateRequests(workload);
  ASSERT_FALSE(bool(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "input and output lengths must be 1 to 1073741824 tokens (got 16 "
            "and 1.84467e+19)");
  workload.lengths = {16, 16, 0};
  workload.requests = 100000000000ull;
  bad = generateRequests(workload);
  ASSERT_FALSE(bool(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "100000000000 requests exceed the work limit of 4194304 "
            "(--limit-requests raises it)");
}

// The generated-token limit counts every request's output (2 x 16 = 32).
TEST(Workload, GeneratedTokenLimit) {
  std::vector<RequestSpec> requests = {{0, 8, 16}, {0, 8, 16}};
  WorkLimits limits;
  limits.maxGeneratedTokens = 32;
  EXPECT_FALSE(bool(checkWorkLimits(requests, limits)));
  limits.maxGeneratedTokens = 31;
  llvm::Error error = checkWorkLimits(requests, limits);
  ASSERT_TRUE(bool(error));
  EXPECT_EQ(llvm::toString(std::move(error)),
            "the requests generate 32 tokens, past the work limit of 31 "
            "(docs/robustness.md#work-limits; --limit-tokens raises it)");
  limits.maxGeneratedTokens = 0; // Lifted.
  EXPECT_FALSE(bool(checkWorkLimits(requests, limits)));
}

} // namespace
