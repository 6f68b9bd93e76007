//===- RequestMetrics.cpp - per-request latencies and SLOs ----------------===//

#include "duplex/Serving/RequestMetrics.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <variant>

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

void writeRequestTable(ArrayRef<RequestRecord> records,
                       RequestTableFormat format, raw_ostream &os) {
  std::vector<size_t> order(records.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return records[a].id < records[b].id; });
  ArrayRef<StringRef> columns = getRequestTableColumns();
  if (format == RequestTableFormat::CSV) {
    std::string header;
    for (StringRef column : columns)
      header += (header.empty() ? "" : ",") + column.str();
    os << header << "\n";
  }
  std::string row;
  for (size_t i : order) {
    const RequestRecord &record = records[i];
    RequestLatencies latencies = measure(record);
    std::optional<double> firstToken;
    if (record.outputTokens > 0)
      firstToken = record.firstTokenSeconds;
    // One value per column, in order; none: the request has no such value.
    using Cell = std::variant<uint64_t, double, std::nullopt_t>;
    auto optional = [](std::optional<double> value) -> Cell {
      return value ? Cell(*value) : Cell(std::nullopt);
    };
    Cell cells[] = {record.id,
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
    static_assert(std::size(cells) == 12, "one cell per column");
    row.clear();
    if (format == RequestTableFormat::CSV) {
      for (size_t c = 0; c < std::size(cells); ++c) {
        if (c)
          row += ',';
        // fmt's "{}" prints a double's shortest round-trip form.
        std::visit(
            [&](auto value) {
              if constexpr (!std::is_same_v<decltype(value), std::nullopt_t>)
                row += fmt::format("{}", value);
            },
            cells[c]);
      }
    } else {
      json::Object object;
      for (size_t c = 0; c < std::size(cells); ++c)
        std::visit(
            [&](auto value) {
              if constexpr (std::is_same_v<decltype(value), std::nullopt_t>)
                object[columns[c]] = nullptr;
              else
                object[columns[c]] = value;
            },
            cells[c]);
      raw_string_ostream stream(row);
      stream << json::Value(std::move(object));
    }
    os << row << "\n";
  }
}

} // namespace duplex::serving
