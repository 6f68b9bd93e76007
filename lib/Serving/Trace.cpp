//===- Trace.cpp - Azure LLM inference trace CSV reader -------------------===//

#include "duplex/Serving/Request.h"
#include "duplex/Support/InputFile.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <optional>

using namespace llvm;

namespace duplex::serving {

namespace {

constexpr double kMaxTraceSpanSeconds = 1e9;

Error lineError(StringRef name, size_t line, const Twine &message) {
  return createStringError(inconvertibleErrorCode(),
                           name + ":" + Twine(line) + ": " + message);
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// days_from_civil).
int64_t daysFromCivil(int64_t year, unsigned month, unsigned day) {
  year -= month <= 2;
  int64_t era = (year >= 0 ? year : year - 399) / 400;
  unsigned yearOfEra = unsigned(year - era * 400);
  unsigned dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  unsigned dayOfEra =
      yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
  return era * 146097 + int64_t(dayOfEra) - 719468;
}

/// Days in `month` of `year` (proleptic Gregorian): February 30 is no date.
unsigned daysInMonth(int64_t year, unsigned month) {
  static const unsigned days[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[(month - 1) % 12];
}

/// Seconds of `YYYY-MM-DD HH:MM:SS[.fraction]`, or of a plain number.
std::optional<double> parseTimestamp(StringRef text) {
  // strtod also reads "nan" and "inf", which no arrival can be.
  double seconds;
  if (to_float(text, seconds))
    return std::isfinite(seconds) ? std::optional<double>(seconds)
                                  : std::nullopt;
  auto [date, time] = text.split(' ');
  SmallVector<StringRef, 3> ymd, hms;
  date.split(ymd, '-');
  time.split(hms, ':');
  if (ymd.size() != 3 || hms.size() != 3)
    return std::nullopt;
  int64_t year;
  unsigned month, day, hour, minute;
  double second;
  if (!to_integer(ymd[0], year, 10) || !to_integer(ymd[1], month, 10) ||
      !to_integer(ymd[2], day, 10) || !to_integer(hms[0], hour, 10) ||
      !to_integer(hms[1], minute, 10) || !to_float(hms[2], second) ||
      // Years past 9999 would overflow daysFromCivil (found by
      // fuzz/TraceFuzzer.cpp).
      year < 0 || year > 9999 || month < 1 || month > 12 || day < 1 ||
      day > daysInMonth(year, month) || hour > 23 || minute > 59 ||
      // Written so that a NaN second ("nan", found by the fuzzer) fails.
      !(second >= 0 && second < 61))
    return std::nullopt;
  return double(daysFromCivil(year, month, day)) * 86400.0 + hour * 3600.0 +
         minute * 60.0 + second;
}

} // namespace

Expected<std::vector<RequestSpec>> parseTraceCSV(StringRef text, StringRef name,
                                                 uint64_t limit,
                                                 uint64_t maxRequests) {
  std::vector<RequestSpec> requests;
  std::optional<double> first, previous;
  size_t lineNumber = 0;
  // A UTF-8 byte-order mark (spreadsheet exports write one) is no part of
  // the header.
  text.consume_front("\xEF\xBB\xBF");
  while (!text.empty() && (limit == 0 || requests.size() < limit)) {
    auto [rawLine, rest] = text.split('\n');
    text = rest;
    ++lineNumber;
    StringRef line = rawLine.trim();
    if (line.empty())
      continue;
    SmallVector<StringRef, 4> fields;
    line.split(fields, ',');
    if (lineNumber == 1 && !fields.empty() &&
        fields[0].trim().equals_insensitive("TIMESTAMP"))
      continue; // The header.
    if (fields.size() != 3)
      return lineError(name, lineNumber,
                       "expected 3 columns (TIMESTAMP,ContextTokens,"
                       "GeneratedTokens), found " +
                           Twine(fields.size()));
    std::optional<double> time = parseTimestamp(fields[0].trim());
    if (!time)
      return lineError(name, lineNumber,
                       "TIMESTAMP '" + fields[0].trim() +
                           "' is neither 'YYYY-MM-DD HH:MM:SS[.f]' nor a "
                           "number of seconds");
    const char *columns[] = {"ContextTokens", "GeneratedTokens"};
    uint64_t lengths[2];
    for (int i = 0; i < 2; ++i) {
      StringRef value = fields[i + 1].trim();
      int64_t parsed;
      if (!to_integer(value, parsed, 10))
        return lineError(name, lineNumber,
                         Twine(columns[i]) + " '" + value +
                             "' is not a whole number of tokens");
      if (parsed < 0)
        return lineError(name, lineNumber,
                         Twine(columns[i]) + " " + Twine(parsed) +
                             " is negative");
      if (uint64_t(parsed) > kMaxRequestTokens)
        return lineError(name, lineNumber,
                         Twine(columns[i]) + " " + Twine(parsed) +
                             " is past the longest request the simulator "
                             "takes (" +
                             Twine(kMaxRequestTokens) + " tokens)");
      lengths[i] = uint64_t(parsed);
    }
    // Every prompt has at least one token (BOS); 0 would be read as 1 and
    // the trace misreported. 0 generated tokens is a prefill-only request.
    if (lengths[0] == 0)
      return lineError(name, lineNumber,
                       "ContextTokens 0: a request needs a prompt of at least "
                       "1 token");
    if (maxRequests && requests.size() == maxRequests)
      return lineError(name, lineNumber,
                       "the trace has more than " + Twine(maxRequests) +
                           " requests, the work limit (--limit-requests "
                           "raises it; --requests N serves the first N)");
    if (!first)
      first = *time;
    // Against the previous arrival, not only the first one: the serving
    // loop admits requests in file order.
    if (previous && *time < *previous)
      return lineError(name, lineNumber,
                       "TIMESTAMP goes back in time (the trace must be sorted "
                       "by arrival)");
    previous = *time;
    // Arrivals are relative to the first; a span past 1e9 s (31 years)
    // is no trace, and at 1e300 s the latencies vanished in rounding.
    if (*time - *first > kMaxTraceSpanSeconds)
      return lineError(name, lineNumber,
                       "TIMESTAMP is more than 1e9 s (31 years) after the "
                       "first request's");
    requests.push_back({*time - *first, lengths[0], lengths[1]});
  }
  return requests;
}

Expected<std::vector<RequestSpec>> readTraceCSV(StringRef path, uint64_t limit,
                                                uint64_t maxRequests) {
  auto buffer = readInputFile(path, "trace", "trace");
  if (!buffer)
    return buffer.takeError();
  return parseTraceCSV((*buffer)->getBuffer(), path, limit, maxRequests);
}

} // namespace duplex::serving
