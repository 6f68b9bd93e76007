//===- ReportTest.cpp - percentiles and report merging --------------------===//

#include "duplex/Serving/Report.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <random>

using namespace duplex::serving;

namespace {

TEST(Report, PercentilesInterpolateBetweenRanks) {
  // 1..101: rank p/100 * 100 lands on an element: p50 = 51, p90 = 91,
  // p99 = 100; mean 51.
  std::vector<double> values;
  for (int i = 101; i >= 1; --i)
    values.push_back(i);
  Distribution d = summarize(values);
  EXPECT_DOUBLE_EQ(d.mean, 51.0);
  EXPECT_DOUBLE_EQ(d.at(50), 51.0);
  EXPECT_DOUBLE_EQ(d.at(90), 91.0);
  EXPECT_DOUBLE_EQ(d.at(99), 100.0);
  // {1, 2}: p50 halfway = 1.5 (numpy.percentile's linear method).
  EXPECT_DOUBLE_EQ(summarize({2.0, 1.0}).at(50), 1.5);
  EXPECT_TRUE(summarize({}).empty());
}

TEST(Report, PercentilesBySelectionMatchASort) {
  // Past 64 samples the percentiles are selected, not sorted: 1,000
  // shuffled values 0..999 (a multiplicative permutation mod 1,000, with
  // duplicates of every tenth) must give numpy's linear percentiles of the
  // sorted list. Ranks 0.5 x 1009 = 504.5, 0.9 x 1009 = 908.1 and
  // 0.99 x 1009 = 998.91 of the 1,010 values, interpolated by hand below.
  std::vector<double> values;
  for (int i = 0; i < 1000; ++i)
    values.push_back(double((i * 7919) % 1000));
  for (int i = 0; i < 10; ++i)
    values.push_back(double(i * 100)); // 0, 100, ..., 900 twice.
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  auto reference = [&](double p) {
    double rank = p / 100.0 * (sorted.size() - 1);
    size_t below = size_t(rank);
    return sorted[below] + (rank - below) * (sorted[below + 1] - sorted[below]);
  };
  Distribution d = summarize(values);
  EXPECT_DOUBLE_EQ(d.at(50), reference(50));
  EXPECT_DOUBLE_EQ(d.at(90), reference(90));
  EXPECT_DOUBLE_EQ(d.at(99), reference(99));
  // By hand: sorted[504] = 499 (500 values below 500 plus 0..400's five
  // duplicates put 499 at 504), sorted[505] = 500, so p50 = 499.5.
  EXPECT_DOUBLE_EQ(d.at(50), 499.5);
}

TEST(Report, RunsSummariseAsTheirSamples) {
  // Token gaps are kept as runs of equal values; their summary must be the
  // expanded samples' to the last bit: the same pairwise sums (mean, std)
  // and the same ranks. 40 seeded random sets, from 1 sample to past the
  // 128-sample blocks of the pairwise sum and the quickselect's 16 runs,
  // with few distinct values (long runs, ties across runs) or many.
  std::mt19937_64 random(7);
  for (int trial = 0; trial < 40; ++trial) {
    SampleRuns runs;
    std::vector<double> values;
    size_t runCount = 1 + random() % (trial < 20 ? 40 : 3000);
    unsigned distinct = trial % 2 ? 5 : 1000000;
    for (size_t r = 0; r < runCount; ++r) {
      double value = 0.001 * double(random() % distinct) + 0.0123;
      size_t length = 1 + random() % (trial % 3 ? 50 : 2);
      for (size_t i = 0; i < length; ++i) {
        runs.push_back(value);
        values.push_back(value);
      }
    }
    ASSERT_EQ(runs.size(), values.size());
    EXPECT_EQ(runs.expand(), values);
    std::vector<double> percents = {0, 25, 50, 90, 99, 99.9, 100};
    Distribution expected = summarize(values, percents);
    Distribution got = summarizeRuns(runs, percents);
    EXPECT_EQ(got.count, expected.count);
    // Bit for bit: EQ, not NEAR.
    EXPECT_EQ(got.mean, expected.mean) << "trial " << trial;
    EXPECT_EQ(got.std, expected.std) << "trial " << trial;
    EXPECT_EQ(got.median, expected.median) << "trial " << trial;
    EXPECT_EQ(got.percentiles, expected.percentiles) << "trial " << trial;
  }
  // Equal neighbours merge into one run; appending joins across the seam.
  SampleRuns a = {1.0, 1.0, 2.0}, b = {2.0, 3.0};
  EXPECT_EQ(a.getRuns().size(), 2u);
  a.append(b);
  EXPECT_EQ(a.getRuns().size(), 3u);
  EXPECT_EQ(a.size(), 5u);
  EXPECT_EQ(a.expand(), (std::vector<double>{1, 1, 2, 2, 3}));
  // By hand: {1, 1, 2, 2, 3}: mean 9/5, median 2, p90 at rank 3.6 = 2.6.
  Distribution d = summarizeRuns(a, {90});
  EXPECT_DOUBLE_EQ(d.mean, 1.8);
  EXPECT_DOUBLE_EQ(d.median, 2.0);
  EXPECT_DOUBLE_EQ(d.at(90), 2.6);
  EXPECT_TRUE(summarizeRuns(SampleRuns()).empty());
}

TEST(Report, ReplicasRunSideBySide) {
  ServingResult a, b;
  a.simulatedSeconds = 10;
  a.generatedTokens = 100;
  a.requests = {RequestRecord{0, 1, 10, 5, 50, 0},
                RequestRecord{0, 2, 10, 5, 50, 0}};
  a.totals.joules = 300;
  a.totals.secondsByCategory[size_t(CostCategory::FC)] = 6;
  a.totals.secondsByCategory[size_t(CostCategory::MoE)] = 2;
  b.simulatedSeconds = 20;
  b.generatedTokens = 100;
  b.requests = {RequestRecord{0, 3, 20, 5, 100, 0}};
  b.totals.joules = 100;
  b.totals.secondsByCategory[size_t(CostCategory::MoE)] = 2;
  b.stagesByKind = {1, 2, 3};
  ServingReport report = makeReport({a, b}, 0.5);
  // 200 tokens over the slower replica's 20 s.
  EXPECT_DOUBLE_EQ(report.throughputTokensPerSecond, 10.0);
  EXPECT_DOUBLE_EQ(report.requestsPerSecond, 3.0 / 20.0);
  EXPECT_DOUBLE_EQ(report.joulesPerToken, 2.0);
  EXPECT_DOUBLE_EQ(report.ttftSeconds.mean, 2.0);
  // FC 6 of 10 busy seconds, MoE 4 of 10.
  EXPECT_DOUBLE_EQ(report.timeBreakdown[size_t(CostCategory::FC)], 0.6);
  EXPECT_DOUBLE_EQ(report.timeBreakdown[size_t(CostCategory::MoE)], 0.4);
  EXPECT_EQ(report.stages, (std::array<uint64_t, 3>{1, 2, 3}));
  llvm::json::Object json = toJSON(report);
  for (const char *key : {"throughput_tokens_per_s", "requests_per_s", "ttft_s",
                          "tpot_s", "itl_s", "e2e_s", "energy_j_per_token",
                          "time_breakdown", "energy_breakdown", "stages",
                          "preemptions", "simulated_seconds", "wall_seconds"})
    EXPECT_TRUE(json.get(key)) << key;
}

TEST(Report, EnergyByCategoryAndTimeByStageKind) {
  ServingResult a;
  a.simulatedSeconds = 1;
  a.generatedTokens = 10;
  // 30 J of MoE of which 20 J DRAM, 5 J on links, 15 J static: 50 J.
  a.totals.joules = 50;
  a.totals.staticJoules = 15;
  a.totals.joulesByCategory[size_t(CostCategory::MoE)] = 30;
  a.totals.dramJoulesByCategory[size_t(CostCategory::MoE)] = 20;
  a.totals.joulesByCategory[size_t(CostCategory::Communication)] = 5;
  // Decode-only stages: 3 s MoE, 1 s FC; mixed: 2 s FC.
  a.secondsByKind[size_t(StageKind::DecodeOnly)][size_t(CostCategory::MoE)] = 3;
  a.secondsByKind[size_t(StageKind::DecodeOnly)][size_t(CostCategory::FC)] = 1;
  a.secondsByKind[size_t(StageKind::Mixed)][size_t(CostCategory::FC)] = 2;
  ServingReport report = makeReport({a}, 0);
  // Per token (10 tokens): MoE 2 J DRAM + 1 J compute, links 0.5 J,
  // static 1.5 J; the parts sum to the 5 J/token total.
  EXPECT_DOUBLE_EQ(report.dramJoulesPerToken[size_t(CostCategory::MoE)], 2.0);
  EXPECT_DOUBLE_EQ(report.otherJoulesPerToken[size_t(CostCategory::MoE)], 1.0);
  EXPECT_DOUBLE_EQ(
      report.otherJoulesPerToken[size_t(CostCategory::Communication)], 0.5);
  EXPECT_DOUBLE_EQ(report.staticJoulesPerToken, 1.5);
  EXPECT_DOUBLE_EQ(report.joulesPerToken, 5.0);
  const auto &decode =
      report.timeBreakdownByKind[size_t(StageKind::DecodeOnly)];
  EXPECT_DOUBLE_EQ(decode[size_t(CostCategory::MoE)], 0.75);
  EXPECT_DOUBLE_EQ(decode[size_t(CostCategory::FC)], 0.25);
  const auto &mixed = report.timeBreakdownByKind[size_t(StageKind::Mixed)];
  EXPECT_DOUBLE_EQ(mixed[size_t(CostCategory::FC)], 1.0);
  llvm::json::Object json = toJSON(report);
  const llvm::json::Object *moe =
      json.getObject("energy_j_per_token_by_category")->getObject("moe");
  EXPECT_EQ(moe->getNumber("dram"), 2.0);
  EXPECT_EQ(moe->getNumber("compute"), 1.0);
  EXPECT_EQ(json.getObject("energy_j_per_token_by_category")
                ->getObject("communication")
                ->getNumber("link"),
            0.5);
  EXPECT_EQ(json.getObject("time_breakdown_by_stage")
                ->getObject("decode_only")
                ->getNumber("moe"),
            0.75);
}

} // namespace
