//===- RequestMetricsTest.cpp - TTFT, TPOT, ITL, goodput by hand ----------===//

#include "duplex/Serving/RequestMetrics.h"
#include "duplex/Serving/Report.h"

#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace duplex::serving;

namespace {

/// The error message of `value`, or "" when it holds a value.
template <typename T> std::string errorOf(llvm::Expected<T> value) {
  return value ? std::string() : llvm::toString(value.takeError());
}

RequestRecord record(uint64_t id, double arrival, double firstToken,
                     double finish, uint64_t input, uint64_t output) {
  RequestRecord r;
  r.id = id;
  r.arrivalSeconds = arrival;
  r.scheduledSeconds = arrival;
  r.firstTokenSeconds = firstToken;
  r.finishSeconds = finish;
  r.inputTokens = input;
  r.outputTokens = output;
  return r;
}

/// Three requests on one replica, 3 s of simulated time:
///   0: arrives 0, first token 0.5, done 2.5, 100 + 5 tokens, gaps 0.4,
///      0.6, 0.5, 0.5 (they sum to 2.5 - 0.5);
///   1: arrives 1, its only token at 1.2, 20 + 1 tokens;
///   2: arrives 1.5, prefill only (30 + 0), done 3.
ServingResult threeRequests() {
  ServingResult result;
  result.requests = {record(0, 0, 0.5, 2.5, 100, 5),
                     record(1, 1, 1.2, 1.2, 20, 1),
                     record(2, 1.5, 0, 3.0, 30, 0)};
  result.tokenGapSeconds = {0.4, 0.6, 0.5, 0.5};
  result.generatedTokens = 6;
  result.simulatedSeconds = 3;
  return result;
}

TEST(RequestMetrics, LatenciesAsVLLMDefinesThem) {
  ServingResult result = threeRequests();
  RequestLatencies first = measure(result.requests[0]);
  EXPECT_DOUBLE_EQ(*first.ttft, 0.5);
  // (2.5 - 0.5) / (5 - 1).
  EXPECT_DOUBLE_EQ(*first.tpot, 0.5);
  EXPECT_DOUBLE_EQ(first.e2e, 2.5);
  RequestLatencies one = measure(result.requests[1]);
  EXPECT_NEAR(*one.ttft, 0.2, 1e-15);
  EXPECT_FALSE(one.tpot); // One token: no time per output token.
  RequestLatencies prefillOnly = measure(result.requests[2]);
  EXPECT_FALSE(prefillOnly.ttft);
  EXPECT_FALSE(prefillOnly.tpot);
  EXPECT_DOUBLE_EQ(prefillOnly.e2e, 1.5);
}

TEST(RequestMetrics, ReportAggregatesByHand) {
  ReportOptions options;
  options.percentiles = {50, 90, 99.9};
  ServingReport report = makeReport({threeRequests()}, 0, options);
  // 6 output tokens, 150 prompt tokens, 3 requests over 3 s.
  EXPECT_DOUBLE_EQ(report.throughputTokensPerSecond, 2.0);
  EXPECT_DOUBLE_EQ(report.totalTokensPerSecond, 52.0);
  EXPECT_DOUBLE_EQ(report.requestsPerSecond, 1.0);
  // TTFT {0.5, 0.2}: mean 0.35, std 0.15, p90 = 0.2 + 0.9 x 0.3 = 0.47.
  EXPECT_EQ(report.ttftSeconds.count, 2u);
  EXPECT_NEAR(report.ttftSeconds.mean, 0.35, 1e-15);
  EXPECT_NEAR(report.ttftSeconds.median, 0.35, 1e-15);
  EXPECT_NEAR(report.ttftSeconds.std, 0.15, 1e-15);
  EXPECT_NEAR(report.ttftSeconds.at(90), 0.47, 1e-15);
  // TPOT: only request 0 has two tokens.
  EXPECT_EQ(report.tpotSeconds.count, 1u);
  EXPECT_DOUBLE_EQ(report.tpotSeconds.mean, 0.5);
  EXPECT_DOUBLE_EQ(report.tpotSeconds.std, 0.0);
  // ITL {0.4, 0.6, 0.5, 0.5}: mean 0.5, std sqrt(0.02 / 4).
  EXPECT_EQ(report.itlSeconds.count, 4u);
  EXPECT_NEAR(report.itlSeconds.mean, 0.5, 1e-15);
  EXPECT_NEAR(report.itlSeconds.std, std::sqrt(0.005), 1e-15);
  // p99.9 of {0.4, 0.5, 0.5, 0.6}: rank 2.997, 0.5 + 0.997 x 0.1.
  EXPECT_NEAR(report.itlSeconds.at(99.9), 0.5997, 1e-12);
  // E2E {2.5, 0.2, 1.5}: mean 1.4, median 1.5.
  EXPECT_NEAR(report.e2eSeconds.mean, 1.4, 1e-15);
  EXPECT_DOUBLE_EQ(report.e2eSeconds.median, 1.5);
  EXPECT_FALSE(report.goodput);
}

TEST(RequestMetrics, GoodputCountsRequestsMeetingEverySLO) {
  auto goodputFor = [](llvm::StringRef spec) {
    ReportOptions options;
    options.slo = llvm::cantFail(parseSLO(spec));
    return *makeReport({threeRequests()}, 0, options).goodput;
  };
  // TTFT 300 ms: request 0 (500 ms) misses; 1 meets; 2 has no first token.
  Goodput ttft = goodputFor("ttft=300ms");
  EXPECT_EQ(ttft.goodRequests, 2u);
  EXPECT_DOUBLE_EQ(ttft.attainment, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(ttft.requestsPerSecond, 2.0 / 3.0);
  // TPOT 400 ms: request 0's 500 ms misses.
  EXPECT_EQ(goodputFor("ttft=600ms,tpot=400ms").goodRequests, 2u);
  // Limits are inclusive: TPOT 0.5 s meets tpot=500ms.
  EXPECT_EQ(goodputFor("ttft=0.6,tpot=500ms").goodRequests, 3u);
  // E2E 2 s: request 0 (2.5 s) misses.
  EXPECT_EQ(goodputFor("e2e=2s").goodRequests, 2u);
  EXPECT_EQ(goodputFor("e2e=2000000us").goodRequests, 2u);
}

TEST(RequestMetrics, SLOAndPercentileErrors) {
  EXPECT_NE(errorOf(parseSLO("ttft=200ms,ttft=1s")).find("twice"),
            std::string::npos);
  EXPECT_NE(errorOf(parseSLO("itl=50ms")), "");
  EXPECT_NE(errorOf(parseSLO("ttft=-1ms")), "");
  EXPECT_NE(errorOf(parseSLO("ttft=nan")), "");
  EXPECT_NE(errorOf(parseSLO("ttft=200 minutes")), "");
  EXPECT_NE(errorOf(parsePercentiles("50,101")), "");
  EXPECT_NE(errorOf(parsePercentiles("50,50")), "");
  EXPECT_NE(errorOf(parsePercentiles("")), "");
  EXPECT_NE(errorOf(parsePercentiles("nan")), "");
  std::vector<double> percents = llvm::cantFail(parsePercentiles("99.9, 50"));
  EXPECT_EQ(percents, (std::vector<double>{99.9, 50}));
  EXPECT_EQ(percentileKey(99.9), "p99.9");
  EXPECT_EQ(percentileKey(50), "p50");
}

TEST(RequestMetrics, TableRowsByRequestIdWithEmptyCells) {
  ServingResult result = threeRequests();
  std::swap(result.requests[0], result.requests[2]); // Order by id anyway.
  std::string text;
  llvm::raw_string_ostream os(text);
  writeRequestTable(result.requests, RequestTableFormat::CSV, os);
  EXPECT_EQ(text,
            "request_id,replica,arrival_s,scheduled_s,first_token_s,"
            "completion_s,prompt_tokens,output_tokens,ttft_s,tpot_s,e2e_s,"
            "preemptions\n"
            "0,0,0,0,0.5,2.5,100,5,0.5,0.5,2.5,0\n"
            "1,0,1,1,1.2,1.2,20,1,0.19999999999999996,,0.19999999999999996,0\n"
            "2,0,1.5,1.5,,3,30,0,,,1.5,0\n");
  text.clear();
  writeRequestTable(result.requests, RequestTableFormat::JSONLines, os);
  EXPECT_NE(text.find("\"request_id\":2,"), std::string::npos);
  EXPECT_NE(text.find("\"ttft_s\":null"), std::string::npos);
  EXPECT_NE(errorOf(requestTableFormatFor("out.txt")), "");
  EXPECT_EQ(errorOf(requestTableFormatFor("out.JSONL")), "");
}

TEST(RequestMetrics, EmptyMetricsAreNullInJSON) {
  ServingResult result;
  result.requests = {record(0, 0, 0, 1, 10, 0)}; // Prefill only.
  result.simulatedSeconds = 1;
  llvm::json::Object json = toJSON(makeReport({result}, 0));
  const llvm::json::Object *ttft = json.getObject("ttft_s");
  EXPECT_EQ(ttft->getInteger("count"), 0);
  EXPECT_EQ(*ttft->get("mean"), llvm::json::Value(nullptr));
  EXPECT_EQ(*ttft->get("p99"), llvm::json::Value(nullptr));
  EXPECT_EQ(json.getObject("e2e_s")->getNumber("mean"), 1.0);
}

} // namespace
