//===- RequestMetrics.cpp - per-request latencies and SLOs ----------------===//

#include "duplex/Serving/RequestMetrics.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cmath>

using namespace llvm;

namespace duplex::serving {

RequestLatencies measure(const RequestRecord &record) {
  RequestLatencies latencies;
  latencies.e2e = record.finishSeconds - record.arrivalSeconds;
  if (record.outputTokens > 0)
    latencies.ttft = record.firstTokenSeconds - record.arrivalSeconds;
  if (record.outputTokens > 1)
    latencies.tpot = (record.finishSeconds - record.firstTokenSeconds) /
                     double(record.outputTokens - 1);
  return latencies;
}

static Error sloError(const Twine &message) {
  return createStringError(inconvertibleErrorCode(),
                           "--slo: " + message +
                               " (e.g. --slo ttft=200ms,tpot=50ms,e2e=20s)");
}

/// "200ms" -> 0.2: a positive, finite number with an optional unit.
static Expected<double> parseSeconds(StringRef text, StringRef metric) {
  static const std::pair<StringRef, double> units[] = {
      {"ms", 1e-3}, {"us", 1e-6}, {"s", 1.0}};
  double scale = 1.0;
  StringRef number = text;
  for (const auto &[suffix, factor] : units)
    if (number.consume_back(suffix)) {
      scale = factor;
      break;
    }
  double value;
  if (number.trim().getAsDouble(value) || !(value > 0) || !std::isfinite(value))
    return sloError("'" + metric + "=" + text +
                    "' is not a positive time in s, ms or us");
  return value * scale;
}

Expected<ServiceLevelObjectives> parseSLO(StringRef spec) {
  ServiceLevelObjectives slo;
  SmallVector<StringRef, 4> parts;
  spec.split(parts, ',');
  for (StringRef part : parts) {
    auto [metric, value] = part.trim().split('=');
    metric = metric.trim();
    std::optional<double> *target =
        StringSwitch<std::optional<double> *>(metric)
            .Case("ttft", &slo.ttft)
            .Case("tpot", &slo.tpot)
            .Case("e2e", &slo.e2e)
            .Default(nullptr);
    if (!target)
      return sloError("'" + part.trim() +
                      "' does not name a metric: ttft, tpot or e2e");
    if (*target)
      return sloError(metric + " is given twice");
    Expected<double> seconds = parseSeconds(value.trim(), metric);
    if (!seconds)
      return seconds.takeError();
    *target = *seconds;
  }
  return slo;
}

bool meets(const RequestLatencies &latencies,
           const ServiceLevelObjectives &slo) {
  auto within = [](std::optional<double> value, std::optional<double> limit) {
    return !limit || !value || *value <= *limit;
  };
  return within(latencies.ttft, slo.ttft) && within(latencies.tpot, slo.tpot) &&
         within(latencies.e2e, slo.e2e);
}

Expected<RequestTableFormat> requestTableFormatFor(StringRef path) {
  StringRef extension = sys::path::extension(path);
  if (extension.equals_insensitive(".csv"))
    return RequestTableFormat::CSV;
  if (extension.equals_insensitive(".jsonl") ||
      extension.equals_insensitive(".ndjson"))
    return RequestTableFormat::JSONLines;
  return createStringError(inconvertibleErrorCode(),
                           "--requests-out '%s': the extension picks the "
                           "format: .csv, or .jsonl for JSON Lines",
                           path.str().c_str());
}

ArrayRef<StringRef> getRequestTableColumns() {
  static const StringRef columns[] = {
      "request_id",    "replica",      "arrival_s",     "scheduled_s",
      "first_token_s", "completion_s", "prompt_tokens", "output_tokens",
      "ttft_s",        "tpot_s",       "e2e_s",         "preemptions"};
  return columns;
}

std::vector<json::Value> requestTableRow(const RequestRecord &record) {
  RequestLatencies latencies = measure(record);
  auto optional = [](std::optional<double> value) -> json::Value {
    if (!value)
      return nullptr;
    return *value;
  };
  std::optional<double> firstToken;
  if (record.outputTokens > 0)
    firstToken = record.firstTokenSeconds;
  return {record.id,
          uint64_t(record.replica),
          record.arrivalSeconds,
          record.scheduledSeconds,
          optional(firstToken),
          record.finishSeconds,
          record.inputTokens,
          record.outputTokens,
          optional(latencies.ttft),
          optional(latencies.tpot),
          latencies.e2e,
          record.preemptions};
}

std::vector<const RequestRecord *>
sortedByRequestId(ArrayRef<RequestRecord> records) {
  std::vector<const RequestRecord *> sorted;
  for (const RequestRecord &record : records)
    sorted.push_back(&record);
  llvm::stable_sort(sorted, [](const RequestRecord *a, const RequestRecord *b) {
    return a->id < b->id;
  });
  return sorted;
}

void writeRequestTable(ArrayRef<RequestRecord> records,
                       RequestTableFormat format, raw_ostream &os) {
  ArrayRef<StringRef> columns = getRequestTableColumns();
  if (format == RequestTableFormat::CSV)
    os << llvm::join(columns, ",") << "\n";
  for (const RequestRecord *record : sortedByRequestId(records)) {
    std::vector<json::Value> cells = requestTableRow(*record);
    assert(cells.size() == columns.size() && "one cell per column");
    if (format == RequestTableFormat::JSONLines) {
      json::Object object;
      for (size_t c = 0; c < cells.size(); ++c)
        object[columns[c]] = std::move(cells[c]);
      os << json::Value(std::move(object)) << "\n";
      continue;
    }
    // Counts are exact in a double (below 2^53); fmt's "{}" prints a
    // double's shortest round-trip form, and an absent value is empty.
    for (size_t c = 0; c < cells.size(); ++c) {
      if (c)
        os << ',';
      if (std::optional<double> number = cells[c].getAsNumber())
        os << fmt::format("{}", *number);
    }
    os << "\n";
  }
}

} // namespace duplex::serving
