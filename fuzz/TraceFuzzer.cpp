//===- TraceFuzzer.cpp - fuzz the trace CSV reader ------------------------===//

#include "FuzzSupport.h"

#include "duplex/Serving/Request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace duplex;
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
