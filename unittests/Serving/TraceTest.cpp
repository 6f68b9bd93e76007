//===- TraceTest.cpp - trace CSV reader
//------------------------------------===//

#include "duplex/Serving/Request.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"

#include "gtest/gtest.h"

using namespace duplex::serving;
using llvm::cantFail;
using llvm::consumeError;
using llvm::toString;

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

TEST(Trace, NumbersThatLookLikeDatesAreNumbers) {
  // A date skips the number parse when it starts with four digits and a
  // '-'; "123e-5" has its '-' at the same place but is a number, and
  // "1000" is one too. Arrivals relative to the first: 1000 - 0.00123 and
  // 2000 - 0.00123 (by hand).
  auto requests = parseTraceCSV("123e-5,10,2\n1000,10,2\n2000.0,10,2\n", "t");
  ASSERT_TRUE(bool(requests)) << llvm::toString(requests.takeError());
  ASSERT_EQ(requests->size(), 3u);
  EXPECT_DOUBLE_EQ((*requests)[1].arrivalSeconds, 1000 - 0.00123);
  EXPECT_DOUBLE_EQ((*requests)[2].arrivalSeconds, 2000 - 0.00123);
  // Four digits and a '-' that make no date are no number either.
  EXPECT_NE(errorOf("2023-1,10,2\n"), "<ok>");
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

namespace {

TEST(Trace, ColumnsByHeaderNameInAnyOrder) {
  // Azure's columns reordered, with a column the reader does not need.
  auto azure = parseTraceCSV("GeneratedTokens,extra,ContextTokens,TIMESTAMP\n"
                             "5,x,100,10.5\n6,y,200,12\n",
                             "t.csv");
  ASSERT_TRUE(bool(azure)) << toString(azure.takeError());
  ASSERT_EQ(azure->size(), 2u);
  EXPECT_EQ((*azure)[1].inputTokens, 200u);
  EXPECT_EQ((*azure)[1].outputTokens, 6u);
  EXPECT_DOUBLE_EQ((*azure)[1].arrivalSeconds, 1.5);
  // Vidur's request trace columns (arrived_at in seconds).
  auto vidur = parseTraceCSV("num_prefill_tokens,num_decode_tokens,arrived_at\n"
                             "300,20,0.0\n400,30,0.25\n",
                             "vidur.csv");
  ASSERT_TRUE(bool(vidur)) << toString(vidur.takeError());
  EXPECT_EQ((*vidur)[1].inputTokens, 400u);
  EXPECT_DOUBLE_EQ((*vidur)[1].arrivalSeconds, 0.25);
  // BurstGPT, quoted and with its other columns.
  auto burst = parseTraceCSV(
      "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"
      "5,\"ChatGPT\",472,18,490,Conversation log\n"
      "45,GPT-4,1087,240,1327,API log\n",
      "burst.csv");
  ASSERT_TRUE(bool(burst)) << toString(burst.takeError());
  EXPECT_EQ((*burst)[1].inputTokens, 1087u);
  EXPECT_EQ((*burst)[1].outputTokens, 240u);
  EXPECT_DOUBLE_EQ((*burst)[1].arrivalSeconds, 40.0);
}

TEST(Trace, ColumnMappingAndUnknownHeaders) {
  TraceColumns columns = cantFail(
      parseTraceColumns("arrival=t, prompt=input_len ,output=output_len"));
  auto mapped = parseTraceCSV("input_len,t,output_len\n7,1.0,3\n9,2.0,4\n",
                              "m.csv", 0, 0, columns);
  ASSERT_TRUE(bool(mapped)) << toString(mapped.takeError());
  EXPECT_EQ((*mapped)[1].inputTokens, 9u);
  EXPECT_DOUBLE_EQ((*mapped)[1].arrivalSeconds, 1.0);
  // Errors name the file's own column.
  auto bad = parseTraceCSV("input_len,t,output_len\n7,1.0,-3\n", "m.csv", 0, 0,
                           columns);
  EXPECT_EQ(toString(bad.takeError()), "m.csv:2: output_len -3 is negative");
  auto unknown = parseTraceCSV("when,in,out\n1,2,3\n", "u.csv");
  EXPECT_NE(toString(unknown.takeError())
                .find("u.csv:1: the header names no known trace layout"),
            std::string::npos);
  auto missing = parseTraceCSV("t,input_len\n1,2\n", "m.csv", 0, 0, columns);
  EXPECT_NE(toString(missing.takeError()).find("has no column"),
            std::string::npos);
  auto partial = parseTraceColumns("arrival=t,prompt=p");
  EXPECT_FALSE(bool(partial));
  consumeError(partial.takeError());
  auto twice = parseTraceColumns("arrival=t,arrival=u,prompt=p,output=o");
  EXPECT_FALSE(bool(twice));
  consumeError(twice.takeError());
}

} // namespace

namespace {

TEST(Trace, QuotedCommasEmptyCellsAndTimeZones) {
  // RFC 4180: a quoted field holds commas and "" quotes.
  auto quoted = parseTraceCSV("note,TIMESTAMP,ContextTokens,GeneratedTokens\n"
                              "\"a,7,8,\"\"9\"\"\",0,100,5\n"
                              "z,10,50,3\n",
                              "q.csv");
  ASSERT_TRUE(bool(quoted)) << toString(quoted.takeError());
  EXPECT_EQ((*quoted)[0].inputTokens, 100u);
  EXPECT_DOUBLE_EQ((*quoted)[1].arrivalSeconds, 10.0);
  auto open = parseTraceCSV("TIMESTAMP,ContextTokens,GeneratedTokens\n"
                            "\"0,100,5\n",
                            "o.csv");
  EXPECT_EQ(toString(open.takeError()),
            "o.csv:2: a quoted field is not closed");
  // An empty time is no time (strtod would read it as 0).
  auto empty = parseTraceCSV("TIMESTAMP,ContextTokens,GeneratedTokens\n"
                             ",100,5\n",
                             "e.csv");
  EXPECT_NE(toString(empty.takeError()).find("e.csv:2: TIMESTAMP ''"),
            std::string::npos);
  // pandas' to_csv writes an unnamed index column first.
  auto indexed = parseTraceCSV(",arrived_at,num_prefill_tokens,"
                               "num_decode_tokens\n0,0.0,10,2\n1,0.5,20,3\n",
                               "i.csv");
  ASSERT_TRUE(bool(indexed)) << toString(indexed.takeError());
  EXPECT_EQ((*indexed)[1].inputTokens, 20u);
  // The Azure 2024 traces: ISO dates with a UTC offset. 01:00:01.5+01:00
  // is 00:00:01.5 UTC; Z is UTC.
  auto zoned = parseTraceCSV("TIMESTAMP,ContextTokens,GeneratedTokens\n"
                             "2024-05-10 00:00:00.5+00:00,100,5\n"
                             "2024-05-10T01:00:01.5+01:00,10,2\n"
                             "2024-05-10T00:00:03Z,10,2\n"
                             "2024-05-09T20:00:04-0400,10,2\n",
                             "z.csv");
  ASSERT_TRUE(bool(zoned)) << toString(zoned.takeError());
  EXPECT_DOUBLE_EQ((*zoned)[1].arrivalSeconds, 1.0);
  EXPECT_DOUBLE_EQ((*zoned)[2].arrivalSeconds, 2.5);
  EXPECT_DOUBLE_EQ((*zoned)[3].arrivalSeconds, 3.5);
}

} // namespace
