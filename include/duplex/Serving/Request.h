//===- Request.h - requests of a serving workload ---------------*- C++ -*-===//
//
// What a serving simulation consumes: requests with an arrival time, a prompt
// length and an output length, from a trace file or a generator.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SERVING_REQUEST_H
#define DUPLEX_SERVING_REQUEST_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace duplex::serving {

struct RequestSpec {
  /// Seconds after the first request of the workload.
  double arrivalSeconds = 0;
  uint64_t inputTokens = 0;
  uint64_t outputTokens = 0;
};

/// Reads an Azure LLM inference trace (`TIMESTAMP,ContextTokens,
/// GeneratedTokens`, timestamps `YYYY-MM-DD HH:MM:SS[.fraction]` or plain
/// seconds). Arrivals are made relative to the first row. A missing column,
/// a negative or non-numeric length, a prompt of 0 tokens, a length past
/// kMaxRequestTokens, or an unreadable timestamp is an error naming the file
/// and line; 0 generated tokens is a prefill-only request. `limit` stops
/// after that many requests (0: all); more rows than `maxRequests` (0: no
/// cap) is an error, raised before they are held in memory.
llvm::Expected<std::vector<RequestSpec>> readTraceCSV(llvm::StringRef path,
                                                      uint64_t limit = 0,
                                                      uint64_t maxRequests = 0);

/// The same, from text already in memory (`name` appears in errors).
llvm::Expected<std::vector<RequestSpec>>
parseTraceCSV(llvm::StringRef text, llvm::StringRef name, uint64_t limit = 0,
              uint64_t maxRequests = 0);

/// The longest prompt or output one request may have: 2^30 tokens, a
/// thousand times today's longest context windows. Past it the products of
/// lengths (KV bytes, attention FLOPs) leave the range where the cost model
/// means anything.
constexpr uint64_t kMaxRequestTokens = uint64_t(1) << 30;

} // namespace duplex::serving

#endif // DUPLEX_SERVING_REQUEST_H
