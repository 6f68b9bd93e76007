//===- TraceFuzzer.cpp - fuzz the trace CSV reader ------------------------===//

#include "FuzzSupport.h"

#include "duplex/Serving/Request.h"
#include "duplex/Support/Routing.h"

#include <memory>

/// The same bytes as a routing trace (--routing trace:FILE): every token
/// lists the same number of ids, all at most maxId; the counts of a stage
/// sum to its tokens x ids per token.
static void fuzzExpertTrace(llvm::StringRef text) {
  using namespace duplex;
  auto trace = parseExpertTrace(text, "fuzz.csv");
  if (!trace) {
    fuzz::requireNamedError(trace.takeError(), "fuzz.csv");
    return;
  }
  fuzz::require(trace->perToken > 0 && trace->ids.size() % trace->perToken == 0,
                "a token lists no ids, or tokens list different counts");
  for (uint32_t id : trace->ids)
    fuzz::require(id <= trace->maxId, "an id is past maxId");
  if (trace->maxId >= 4096)
    return; // Counting over a million experts adds nothing but time.
  RoutingOptions options;
  options.mode = RoutingOptions::Mode::Trace;
  unsigned perToken = trace->perToken;
  options.trace = std::make_shared<const ExpertTrace>(std::move(*trace));
  uint64_t experts = options.trace->maxId + 1;
  llvm::Error fits = checkRoutingFits(options, experts, perToken);
  bool fitted = !fits;
  llvm::consumeError(std::move(fits));
  fuzz::require(fitted, "a trace does not fit its own experts");
  auto counts = tokensPerExpert(37, unsigned(experts), perToken, options, 3);
  uint64_t total = 0;
  for (uint64_t count : counts)
    total += count;
  fuzz::require(total == 37 * uint64_t(perToken),
                "a stage's counts do not sum to tokens x top-k");
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace duplex;
  fuzzExpertTrace(fuzz::asText(data, size));
  auto requests = serving::parseTraceCSV(fuzz::asText(data, size), "fuzz.csv");
  if (!requests) {
    fuzz::requireNamedError(requests.takeError(), "fuzz.csv:");
    return 0;
  }
  // Arrivals are relative to the first and sorted.
  for (size_t i = 0; i < requests->size(); ++i)
    fuzz::require((*requests)[i].arrivalSeconds >= 0 &&
                      (i == 0 || (*requests)[i].arrivalSeconds >=
                                     (*requests)[i - 1].arrivalSeconds),
                  "arrival times are negative or unsorted");
  return 0;
}
