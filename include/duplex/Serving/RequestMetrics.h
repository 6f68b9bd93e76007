//===- RequestMetrics.h - per-request latencies and SLOs --------*- C++ -*-===//
//
// What each request experienced, named and defined as vLLM's serving
// benchmark does (benchmarks/benchmark_serving.py):
//   TTFT  first token - arrival;
//   TPOT  (completion - first token) / (output tokens - 1), for requests
//         of two or more output tokens;
//   E2E   completion - arrival;
//   ITL   the gap between consecutive tokens of a request (pooled over
//         requests in the report: one sample per gap).
// Goodput (DistServe; vLLM's --goodput) is the rate of requests that meet
// every service-level objective given.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SERVING_REQUESTMETRICS_H
#define DUPLEX_SERVING_REQUESTMETRICS_H

#include "duplex/Serving/Simulator.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>

namespace duplex::serving {

struct RequestLatencies {
  /// None for a prefill-only request (no token generated).
  std::optional<double> ttft;
  /// None below two output tokens.
  std::optional<double> tpot;
  double e2e = 0;
};

RequestLatencies measure(const RequestRecord &record);

/// Service-level objectives in seconds; an absent one is not checked.
struct ServiceLevelObjectives {
  std::optional<double> ttft;
  std::optional<double> tpot;
  std::optional<double> e2e;
  bool empty() const { return !ttft && !tpot && !e2e; }
};

/// Parses "ttft=200ms,tpot=50ms,e2e=20s" (units s, ms, us; a bare number
/// is seconds). Each metric at most once; values positive and finite.
llvm::Expected<ServiceLevelObjectives> parseSLO(llvm::StringRef spec);

/// Whether `latencies` meets every objective. A metric the request does not
/// have (no TTFT for a prefill-only request, no TPOT below two tokens) is
/// met, as vLLM counts a one-token request's TPOT as 0.
bool meets(const RequestLatencies &latencies,
           const ServiceLevelObjectives &slo);

/// The per-request table's formats: chosen by the file's extension.
enum class RequestTableFormat { CSV, JSONLines };

/// ".csv" or ".jsonl" (also ".ndjson"); anything else is an error naming
/// the path.
llvm::Expected<RequestTableFormat> requestTableFormatFor(llvm::StringRef path);

/// The column names, in order: request_id, replica, arrival_s, ...
llvm::ArrayRef<llvm::StringRef> getRequestTableColumns();

/// One request's row: a value per column, null where the request has none.
std::vector<llvm::json::Value> requestTableRow(const RequestRecord &record);

/// `records` in request-id order (the table's and the report's sums').
std::vector<const RequestRecord *>
sortedByRequestId(llvm::ArrayRef<RequestRecord> records);

/// Writes one row per request, sorted by request id. Times print in their
/// shortest exact decimal form, so the table re-aggregates to the report's
/// figures; a latency a request lacks is empty (CSV) or null (JSON Lines).
void writeRequestTable(llvm::ArrayRef<RequestRecord> records,
                       RequestTableFormat format, llvm::raw_ostream &os);

} // namespace duplex::serving

#endif // DUPLEX_SERVING_REQUESTMETRICS_H
