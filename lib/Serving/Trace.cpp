//===- Trace.cpp - request trace CSV reader (Azure, Vidur, BurstGPT) ------===//

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

/// Seconds of a UTC offset "+HH:MM", "-HHMM", "+HH" or "Z" ending `time`,
/// removed from it; 0 when there is none; none when it is malformed.
std::optional<double> takeUTCOffset(StringRef &time) {
  if (time.consume_back("Z") || time.consume_back("z"))
    return 0.0;
  size_t sign = time.find_last_of("+-");
  // The offset follows the seconds: "12:00:00.5+02:00".
  if (sign == StringRef::npos || sign < 5)
    return 0.0;
  StringRef offset = time.substr(sign + 1);
  SmallVector<StringRef, 2> parts;
  if (offset.contains(':'))
    offset.split(parts, ':');
  else if (offset.size() == 4)
    parts = {offset.take_front(2), offset.drop_front(2)};
  else
    parts = {offset};
  unsigned hours = 0, minutes = 0;
  if (parts.size() > 2 || !to_integer(parts[0], hours, 10) || hours > 23 ||
      (parts.size() == 2 &&
       (!to_integer(parts[1], minutes, 10) || minutes > 59)))
    return std::nullopt;
  double seconds = hours * 3600.0 + minutes * 60.0;
  bool east = time[sign] == '+';
  time = time.take_front(sign);
  // Local time = UTC + offset: subtract an eastern offset to get UTC.
  return east ? -seconds : seconds;
}

/// Seconds of `YYYY-MM-DD[ T]HH:MM:SS[.fraction][offset]` (the Azure
/// 2023 and 2024 traces; an offset such as +00:00 is applied), or of a
/// plain number. Empty is no time.
std::optional<double> parseTimestamp(StringRef text) {
  if (text.empty())
    return std::nullopt;
  // strtod also reads "nan" and "inf", which no arrival can be. Four
  // digits and a '-' ("2023-11-16 ...") start no number: a date skips the
  // attempt, a third of reading an Azure trace.
  bool dated = text.size() > 4 && text[4] == '-' &&
               llvm::all_of(text.take_front(4), isDigit);
  double seconds;
  if (!dated && to_float(text, seconds))
    return std::isfinite(seconds) ? std::optional<double>(seconds)
                                  : std::nullopt;
  size_t separator = text.find_first_of(" T");
  if (separator == StringRef::npos)
    return std::nullopt;
  StringRef date = text.take_front(separator);
  StringRef time = text.drop_front(separator + 1).trim();
  std::optional<double> offset = takeUTCOffset(time);
  if (!offset)
    return std::nullopt;
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
      !to_integer(hms[1], minute, 10) || hms[2].empty() ||
      !to_float(hms[2], second) ||
      // Years past 9999 would overflow daysFromCivil (found by
      // fuzz/TraceFuzzer.cpp).
      year < 0 || year > 9999 || month < 1 || month > 12 || day < 1 ||
      day > daysInMonth(year, month) || hour > 23 || minute > 59 ||
      // Written so that a NaN second ("nan", found by the fuzzer) fails.
      !(second >= 0 && second < 61))
    return std::nullopt;
  return double(daysFromCivil(year, month, day)) * 86400.0 + hour * 3600.0 +
         minute * 60.0 + second + *offset;
}

/// The fields of a CSV line (RFC 4180): a field in double quotes may hold
/// commas, and "" stands for a quote. Each field comes back without its
/// quotes or surrounding spaces; `error` says what is malformed.
SmallVector<std::string, 8> splitCSV(StringRef line, std::string &error) {
  SmallVector<std::string, 8> fields;
  std::string field;
  bool quoted = false, wasQuoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
      continue;
    }
    if (c == ',') {
      fields.push_back(wasQuoted ? field : StringRef(field).trim().str());
      field.clear();
      wasQuoted = false;
    } else if (c == '"' && StringRef(field).trim().empty()) {
      quoted = wasQuoted = true;
      field.clear();
    } else if (!(wasQuoted && (c == ' ' || c == '\t'))) {
      field += c;
    }
  }
  if (quoted)
    error = "a quoted field is not closed";
  fields.push_back(wasQuoted ? field : StringRef(field).trim().str());
  return fields;
}

} // namespace

ArrayRef<TraceFormat> getTraceFormats() {
  static const TraceFormat formats[] = {
      {"azure",
       {"TIMESTAMP", "ContextTokens", "GeneratedTokens"},
       "Azure LLM inference traces 2023 (github.com/Azure/"
       "AzurePublicDataset)"},
      {"vidur",
       {"arrived_at", "num_prefill_tokens", "num_decode_tokens"},
       "Vidur's request traces (microsoft/vidur, data/processed_traces)"},
      {"burstgpt",
       {"Timestamp", "Request tokens", "Response tokens"},
       "BurstGPT (HPMLL/BurstGPT); every row is a request"}};
  return formats;
}

Expected<TraceColumns> parseTraceColumns(StringRef spec) {
  TraceColumns columns;
  SmallVector<StringRef, 3> parts;
  spec.split(parts, ',');
  for (StringRef part : parts) {
    auto [role, column] = part.split('=');
    role = role.trim();
    column = column.trim();
    std::string *target = role == "arrival"  ? &columns.arrival
                          : role == "prompt" ? &columns.prompt
                          : role == "output" ? &columns.output
                                             : nullptr;
    if (!target || column.empty() || !target->empty())
      return createStringError(
          inconvertibleErrorCode(),
          "--trace-columns '%s': give arrival=COLUMN,prompt=COLUMN,"
          "output=COLUMN, each once (header names of the trace)",
          spec.str().c_str());
    *target = column.str();
  }
  if (columns.arrival.empty() || columns.prompt.empty() ||
      columns.output.empty())
    return createStringError(inconvertibleErrorCode(),
                             "--trace-columns '%s' needs arrival, prompt and "
                             "output",
                             spec.str().c_str());
  return columns;
}

namespace {
/// A field as splitCSV left it (unquoted, trimmed).
StringRef cell(StringRef field) { return field; }

/// Where the three columns are, and what they are called (for errors).
struct ColumnPlan {
  size_t index[3] = {0, 1, 2};
  std::string names[3];
  size_t fields = 3; ///< At least this many fields per row.
  bool exactFields = true;
};

/// The plan of a header line, or of a headerless file.
Expected<std::optional<ColumnPlan>>
planColumns(ArrayRef<std::string> header, StringRef name,
            const std::optional<TraceColumns> &wanted) {
  auto isCount = [](StringRef text) {
    int64_t value;
    return !text.empty() && to_integer(text, value, 10);
  };
  auto find = [&](StringRef column) -> std::optional<size_t> {
    for (size_t i = 0; i < header.size(); ++i)
      if (cell(header[i]).equals_insensitive(column))
        return i;
    return std::nullopt;
  };
  auto plan = [&](const TraceColumns &columns) -> std::optional<ColumnPlan> {
    const std::string *names[3] = {&columns.arrival, &columns.prompt,
                                   &columns.output};
    ColumnPlan result;
    result.exactFields = false;
    result.fields = 0;
    for (int i = 0; i < 3; ++i) {
      std::optional<size_t> at = find(*names[i]);
      if (!at)
        return std::nullopt;
      result.index[i] = *at;
      result.names[i] = cell(header[*at]).str();
      result.fields = std::max(result.fields, *at + 1);
    }
    return result;
  };
  // A headerless Azure file: a time first, or whole-number lengths where
  // a header has names.
  bool headerless =
      !header.empty() && (parseTimestamp(cell(header[0])).has_value() ||
                          (header.size() >= 3 && isCount(cell(header[1])) &&
                           isCount(cell(header[2]))));
  if (wanted) {
    if (headerless)
      return createStringError(inconvertibleErrorCode(),
                               "%s: --trace-columns needs a header line; the "
                               "first line is data",
                               name.str().c_str());
    if (std::optional<ColumnPlan> found = plan(*wanted))
      return found;
    std::string missing, have;
    for (const std::string *column :
         {&wanted->arrival, &wanted->prompt, &wanted->output})
      if (!find(*column))
        missing += (missing.empty() ? "'" : ", '") + *column + "'";
    for (const std::string &field : header)
      have += (have.empty() ? "" : ", ") + field;
    return createStringError(inconvertibleErrorCode(),
                             "%s:1: the header has no column %s "
                             "(--trace-columns); its columns are %s",
                             name.str().c_str(), missing.c_str(), have.c_str());
  }
  if (headerless)
    return std::nullopt;
  for (const TraceFormat &format : getTraceFormats())
    if (std::optional<ColumnPlan> found = plan(format.columns))
      return found;
  std::string known;
  for (const TraceFormat &format : getTraceFormats())
    known += (known.empty() ? "" : "; ") + format.name.str() + ": " +
             format.columns.arrival + "," + format.columns.prompt + "," +
             format.columns.output;
  return createStringError(
      inconvertibleErrorCode(),
      "%s:1: the header names no known trace layout (%s); name the "
      "columns with --trace-columns arrival=COL,prompt=COL,output=COL",
      name.str().c_str(), known.c_str());
}
} // namespace

Expected<std::vector<RequestSpec>>
parseTraceCSV(StringRef text, StringRef name, uint64_t limit,
              uint64_t maxRequests,
              const std::optional<TraceColumns> &columns) {
  std::vector<RequestSpec> requests;
  std::optional<double> first, previous;
  size_t lineNumber = 0;
  ColumnPlan plan;
  plan.names[0] = "TIMESTAMP";
  plan.names[1] = "ContextTokens";
  plan.names[2] = "GeneratedTokens";
  // A UTF-8 byte-order mark (spreadsheet exports write one) is no part of
  // the header.
  text.consume_front("\xEF\xBB\xBF");
  bool planned = false;
  while (!text.empty() && (limit == 0 || requests.size() < limit)) {
    auto [rawLine, rest] = text.split('\n');
    text = rest;
    ++lineNumber;
    StringRef line = rawLine.trim();
    if (line.empty())
      continue;
    std::string malformed;
    SmallVector<std::string, 8> fields = splitCSV(line, malformed);
    if (!malformed.empty())
      return lineError(name, lineNumber, malformed);
    if (!planned) {
      planned = true;
      Expected<std::optional<ColumnPlan>> header =
          planColumns(fields, name, columns);
      if (!header)
        return header.takeError();
      if (*header) {
        plan = std::move(**header);
        continue; // The header line.
      }
    }
    if (plan.exactFields ? fields.size() != plan.fields
                         : fields.size() < plan.fields)
      return lineError(name, lineNumber,
                       "expected " +
                           Twine(plan.exactFields ? "" : "at least ") +
                           Twine(plan.fields) + " columns (" + plan.names[0] +
                           "," + plan.names[1] + "," + plan.names[2] +
                           "), found " + Twine(fields.size()));
    StringRef stamp = cell(fields[plan.index[0]]);
    std::optional<double> time = parseTimestamp(stamp);
    if (!time)
      return lineError(name, lineNumber,
                       plan.names[0] + " '" + stamp +
                           "' is neither 'YYYY-MM-DD HH:MM:SS[.f]' nor a "
                           "number of seconds");
    uint64_t lengths[2];
    for (int i = 0; i < 2; ++i) {
      const std::string &column = plan.names[i + 1];
      StringRef value = cell(fields[plan.index[i + 1]]);
      int64_t parsed;
      if (!to_integer(value, parsed, 10))
        return lineError(name, lineNumber,
                         column + " '" + value +
                             "' is not a whole number of tokens");
      if (parsed < 0)
        return lineError(name, lineNumber,
                         column + " " + Twine(parsed) + " is negative");
      if (uint64_t(parsed) > kMaxRequestTokens)
        return lineError(name, lineNumber,
                         column + " " + Twine(parsed) +
                             " is past the longest request the simulator "
                             "takes (" +
                             Twine(kMaxRequestTokens) + " tokens)");
      lengths[i] = uint64_t(parsed);
    }
    // Every prompt has at least one token (BOS); 0 would be read as 1 and
    // the trace misreported. 0 generated tokens is a prefill-only request.
    if (lengths[0] == 0)
      return lineError(name, lineNumber,
                       plan.names[1] +
                           " 0: a request needs a prompt of at least 1 token");
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
                       plan.names[0] +
                           " goes back in time (the trace must be sorted by "
                           "arrival)");
    previous = *time;
    // Arrivals are relative to the first; a span past 1e9 s (31 years)
    // is no trace, and at 1e300 s the latencies vanished in rounding.
    if (*time - *first > kMaxTraceSpanSeconds)
      return lineError(name, lineNumber,
                       plan.names[0] +
                           " is more than 1e9 s (31 years) after the first "
                           "request's");
    requests.push_back({*time - *first, lengths[0], lengths[1]});
  }
  return requests;
}

Expected<std::vector<RequestSpec>>
readTraceCSV(StringRef path, uint64_t limit, uint64_t maxRequests,
             const std::optional<TraceColumns> &columns) {
  auto buffer = readInputFile(path, "trace", "trace");
  if (!buffer)
    return buffer.takeError();
  return parseTraceCSV((*buffer)->getBuffer(), path, limit, maxRequests,
                       columns);
}

} // namespace duplex::serving
