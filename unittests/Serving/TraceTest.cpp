//===- TraceTest.cpp - Azure trace CSV reader -----------------------------===//

#include "duplex/Serving/Request.h"

#include "llvm/Support/FileSystem.h"

#include "gtest/gtest.h"

using namespace duplex::serving;

namespace {

std::string errorOf(llvm::StringRef text) {
  auto requests = parseTraceCSV(text, "trace.csv");
  return requests ? "<ok>" : llvm::toString(requests.takeError());
}

TEST(Trace, AzureFormat) {
  auto requests = parseTraceCSV("TIMESTAMP,ContextTokens,GeneratedTokens\n"
                                "2023-11-16 18:15:46.6805900,374,44\n"
                                "2023-11-16 18:15:50.9951690,396,109\n"
                                "2023-11-17 00:00:00.0000000,1,1\n",
                                "trace.csv");
  ASSERT_TRUE(bool(requests)) << llvm::toString(requests.takeError());
  ASSERT_EQ(requests->size(), 3u);
  EXPECT_EQ((*requests)[0].arrivalSeconds, 0.0);
  EXPECT_EQ((*requests)[0].inputTokens, 374u);
  EXPECT_EQ((*requests)[0].outputTokens, 44u);
  // 50.9951690 - 46.6805900 s.
  EXPECT_NEAR((*requests)[1].arrivalSeconds, 4.314579, 1e-6);
  // Across midnight: 24:00:00 - 18:15:46.68059 = 20653.31941 s.
  EXPECT_NEAR((*requests)[2].arrivalSeconds, 20653.31941, 1e-5);
}

TEST(Trace, PlainSecondsAndLimit) {
  auto requests = parseTraceCSV("10.5,100,5\n12,200,6\n13,300,7\n", "t", 2);
  ASSERT_TRUE(bool(requests)) << llvm::toString(requests.takeError());
  ASSERT_EQ(requests->size(), 2u);
  EXPECT_EQ((*requests)[1].arrivalSeconds, 1.5);
}

TEST(Trace, ErrorsNameTheLine) {
  EXPECT_EQ(errorOf("TIMESTAMP,ContextTokens,GeneratedTokens\n"
                    "2023-11-16 18:15:46.68,374,44\n"
                    "2023-11-16 18:15:47.00,-3,44\n"),
            "trace.csv:3: ContextTokens -3 is negative");
  EXPECT_EQ(errorOf("1,12,many\n"),
            "trace.csv:1: GeneratedTokens 'many' is not a whole number of "
            "tokens");
  EXPECT_EQ(errorOf("1,12\n"), "trace.csv:1: expected 3 columns "
                               "(TIMESTAMP,ContextTokens,GeneratedTokens), "
                               "found 2");
  EXPECT_EQ(errorOf("yesterday,1,2\n"),
            "trace.csv:1: TIMESTAMP 'yesterday' is neither 'YYYY-MM-DD "
            "HH:MM:SS[.f]' nor a number of seconds");
  EXPECT_EQ(errorOf("5,1,2\n4,1,2\n"),
            "trace.csv:2: TIMESTAMP goes back in time (the trace must be "
            "sorted by arrival)");
  // Timestamps whose day count would overflow, and non-finite numbers, are
  // not times (found by fuzz/TraceFuzzer.cpp).
  EXPECT_EQ(errorOf("62388888888888888-11-16 18:15:00,9,5\n"),
            "trace.csv:1: TIMESTAMP '62388888888888888-11-16 18:15:00' is "
            "neither 'YYYY-MM-DD HH:MM:SS[.f]' nor a number of seconds");
  EXPECT_EQ(errorOf("nan,9,5\n"),
            "trace.csv:1: TIMESTAMP 'nan' is neither 'YYYY-MM-DD "
            "HH:MM:SS[.f]' nor a number of seconds");
  // Each arrival is checked against the one before it, not only the first
  // (found by fuzz/TraceFuzzer.cpp).
  EXPECT_EQ(errorOf("0,186,2\n10.5,256,32\n\n2.25,64,1\n"),
            "trace.csv:4: TIMESTAMP goes back in time (the trace must be "
            "sorted by arrival)");
}

TEST(Trace, SharedAzureConversationTrace) {
  std::string path =
      std::string(DUPLEX_SHARED_TRACES) + "/AzureLLMInferenceTrace_conv.csv";
  if (!llvm::sys::fs::exists(path))
    GTEST_SKIP() << "no shared trace at " << path;
  auto requests = readTraceCSV(path);
  ASSERT_TRUE(bool(requests)) << llvm::toString(requests.takeError());
  // testdata/traces/README.md: 19,366 requests over 1 h; 4,088,665 output
  // and 22,361,870 input tokens (summed with Python's csv module).
  EXPECT_EQ(requests->size(), 19366u);
  uint64_t input = 0, output = 0;
  for (const RequestSpec &request : *requests) {
    input += request.inputTokens;
    output += request.outputTokens;
  }
  EXPECT_EQ(input, 22361870u);
  EXPECT_EQ(output, 4088665u);
  EXPECT_LT(requests->back().arrivalSeconds, 3600.0);
}

} // namespace
