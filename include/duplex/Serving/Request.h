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
#include <optional>
#include <string>
#include <vector>

namespace duplex::serving {

struct RequestSpec {
  /// Seconds after the first request of the workload.
  double arrivalSeconds = 0;
  uint64_t inputTokens = 0;
  uint64_t outputTokens = 0;
};

/// Which columns of a trace hold a request's arrival, prompt length and
/// output length (header names, compared case-insensitively).
struct TraceColumns {
  std::string arrival;
  std::string prompt;
  std::string output;
};

/// A trace layout the reader knows by its header.
struct TraceFormat {
  llvm::StringRef name;
  TraceColumns columns;
  llvm::StringRef source;
};

/// Azure LLM inference traces (TIMESTAMP,ContextTokens,GeneratedTokens),
/// Vidur's request traces (arrived_at,num_prefill_tokens,
/// num_decode_tokens), BurstGPT (Timestamp,
/// Request tokens, Response tokens).
llvm::ArrayRef<TraceFormat> getTraceFormats();

/// Parses --trace-columns "arrival=COL,prompt=COL,output=COL".
llvm::Expected<TraceColumns> parseTraceColumns(llvm::StringRef spec);

/// Reads a CSV trace of requests. The header picks the columns, in any
/// order and among any others: `columns` when given, else the first known
/// format whose three names the header has. A file without a header (its
/// first field a number) is read by position as the Azure format.
/// Timestamps are `YYYY-MM-DD HH:MM:SS[.fraction]` or plain seconds;
/// arrivals are made relative to the first row. A missing column, a
/// negative or non-numeric length, a prompt of 0 tokens, a length past
/// kMaxRequestTokens, or an unreadable timestamp is an error naming the
/// file, line and column; 0 generated tokens is a prefill-only request.
/// `limit` stops after that many requests (0: all); more rows than
/// `maxRequests` (0: no cap) is an error, raised before they are held in
/// memory.
llvm::Expected<std::vector<RequestSpec>>
readTraceCSV(llvm::StringRef path, uint64_t limit = 0, uint64_t maxRequests = 0,
             const std::optional<TraceColumns> &columns = std::nullopt);

/// The same, from text already in memory (`name` appears in errors).
llvm::Expected<std::vector<RequestSpec>>
parseTraceCSV(llvm::StringRef text, llvm::StringRef name, uint64_t limit = 0,
              uint64_t maxRequests = 0,
              const std::optional<TraceColumns> &columns = std::nullopt);

/// The longest prompt or output one request may have: 2^30 tokens, a
/// thousand times today's longest context windows. Past it the products of
/// lengths (KV bytes, attention FLOPs) leave the range where the cost model
/// means anything.
constexpr uint64_t kMaxRequestTokens = uint64_t(1) << 30;

} // namespace duplex::serving

#endif // DUPLEX_SERVING_REQUEST_H
