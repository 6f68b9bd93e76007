//===- Routing.cpp - tokens per expert under top-k routing ----------------===//

#include "duplex/Support/Routing.h"
#include "duplex/Support/InputFile.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cmath>
#include <vector>

using namespace llvm;

namespace duplex {

Expected<RoutingOptions> parseRoutingMode(StringRef text, uint64_t seed) {
  RoutingOptions options;
  options.seed = seed;
  if (text == "expected") {
    options.mode = RoutingOptions::Mode::Expected;
    return options;
  }
  if (text == "uniform") {
    options.mode = RoutingOptions::Mode::Uniform;
    return options;
  }
  if (text.consume_front("trace:")) {
    auto buffer = readInputFile(text, "trace", "routing trace");
    if (!buffer)
      return buffer.takeError();
    Expected<ExpertTrace> trace =
        parseExpertTrace((*buffer)->getBuffer(), text);
    if (!trace)
      return trace.takeError();
    options.mode = RoutingOptions::Mode::Trace;
    options.trace = std::make_shared<const ExpertTrace>(std::move(*trace));
    return options;
  }
  if (text.consume_front("zipf:")) {
    double exponent;
    // Past 100 every expert but the first has weight 0 in doubles (and
    // `inf` is no exponent): the skew is total long before.
    if (!to_float(text, exponent) || !(exponent > 0 && exponent <= 100))
      return createStringError(inconvertibleErrorCode(),
                               "routing 'zipf:%s' needs an exponent in (0, "
                               "100]",
                               text.str().c_str());
    options.mode = RoutingOptions::Mode::Zipf;
    options.zipfExponent = exponent;
    return options;
  }
  return createStringError(
      inconvertibleErrorCode(),
      "unknown routing '%s' (expected, uniform, zipf:S, or trace:FILE)",
      text.str().c_str());
}

/// Spreads tokens*topK assignments as evenly as possible over the number of
/// experts uniform routing is expected to touch.
static SmallVector<uint64_t, 16>
expectedCounts(uint64_t tokens, unsigned experts, unsigned topK) {
  double missProbability = 1.0 - double(topK) / experts;
  double hit = experts * (1.0 - std::pow(missProbability, double(tokens)));
  uint64_t assignments = tokens * topK;
  uint64_t active = std::clamp<uint64_t>(
      uint64_t(std::llround(hit)), std::min<uint64_t>(1, assignments),
      std::min<uint64_t>(experts, assignments));
  SmallVector<uint64_t, 16> counts(experts, 0);
  for (uint64_t i = 0; i < active; ++i)
    counts[i] = assignments / active + (i < assignments % active ? 1 : 0);
  return counts;
}

/// The probability that one token's top-k picks expert i, when it draws k
/// distinct experts with probability proportional to `weights`
/// (approximated by water-filling: min(1, c w_i), summing to k). Uniform
/// weights give k/E each.
static SmallVector<double, 16> inclusionProbabilities(ArrayRef<double> weights,
                                                      unsigned topK) {
  // Weights are in decreasing order (Zipf by rank, or all equal), so the
  // experts capped at probability 1 are a prefix.
  SmallVector<double, 16> probabilities(weights.size(), 0.0);
  double rest = 0;
  for (double weight : weights)
    rest += weight;
  size_t capped = 0;
  while (capped < weights.size() && capped < topK &&
         (topK - capped) * weights[capped] >= rest) {
    rest -= weights[capped];
    ++capped;
  }
  for (size_t i = 0; i < weights.size(); ++i)
    probabilities[i] =
        i < capped ? 1.0 : std::min(1.0, (topK - capped) * weights[i] / rest);
  return probabilities;
}

/// Integers near `values`, each in [0, cap], summing to `total`: floors,
/// then the difference one at a time in a rotated order (from a random
/// start, so no expert is favoured).
static SmallVector<uint64_t, 16> roundToTotal(ArrayRef<double> values,
                                              uint64_t total, uint64_t cap,
                                              SplitMix64 &rng) {
  size_t size = values.size();
  SmallVector<uint64_t, 16> counts(size, 0);
  uint64_t sum = 0;
  for (size_t i = 0; i < size; ++i) {
    counts[i] = uint64_t(std::clamp(std::floor(values[i]), 0.0, double(cap)));
    sum += counts[i];
  }
  size_t start = size_t(rng.next() % size);
  // total <= size x cap, so each pass moves at least one unit.
  while (sum != total)
    for (size_t j = 0; j < size && sum != total; ++j) {
      uint64_t &count = counts[(start + j) % size];
      if (sum < total && count < cap) {
        ++count;
        ++sum;
      } else if (sum > total && count > 0) {
        --count;
        --sum;
      }
    }
  return counts;
}

/// The stage's tokens-per-expert counts drawn in O(experts), whatever the
/// token count: the counts of T tokens that each pick k distinct experts
/// have mean T p_i and covariance T (p_i (1 - p_i) on the diagonal) with an
/// exact sum T k. A multinomial of m trials over q_i = p_i (1 - p_i) / S
/// (S = sum of p_i (1 - p_i)), m = T S / (1 - sum q_i^2), centred at T p_i,
/// has that mean, that sum and that variance; for uniform routing its whole
/// covariance is exact (it is proportional to I - 11'/E either way).
static SmallVector<uint64_t, 16> sampledCounts(uint64_t tokens,
                                               unsigned experts, unsigned topK,
                                               const RoutingOptions &options,
                                               uint64_t stream) {
  // Every expert is every token's choice: nothing to draw.
  if (topK >= experts)
    return SmallVector<uint64_t, 16>(experts, tokens);
  SmallVector<double, 16> weights(experts, 1.0);
  if (options.mode == RoutingOptions::Mode::Zipf)
    for (unsigned i = 0; i < experts; ++i)
      weights[i] = 1.0 / std::pow(double(i + 1), options.zipfExponent);
  SmallVector<double, 16> inclusion = inclusionProbabilities(weights, topK);
  SmallVector<double, 16> spread(experts, 0.0);
  double spreadSum = 0;
  for (unsigned i = 0; i < experts; ++i) {
    spread[i] = inclusion[i] * (1 - inclusion[i]);
    spreadSum += spread[i];
  }
  double squares = 0;
  for (double &share : spread) {
    share = spreadSum > 0 ? share / spreadSum : 0;
    squares += share * share;
  }
  double trials =
      squares < 1 ? std::round(double(tokens) * spreadSum / (1 - squares)) : 0;
  SplitMix64 rng(options.seed * 0x2545f4914f6cdd1dull + stream);
  SmallVector<uint64_t, 16> drawn =
      drawMultinomial(rng, uint64_t(trials), spread);
  SmallVector<double, 16> values(experts, 0.0);
  for (unsigned i = 0; i < experts; ++i)
    values[i] = double(tokens) * inclusion[i] - trials * spread[i] + drawn[i];
  return roundToTotal(values, tokens * topK, tokens, rng);
}

/// An expert id no MoE layer has (llm::kMaxExperts is 2^20).
static constexpr uint64_t kMaxTraceExpertId = uint64_t(1) << 20;

Expected<ExpertTrace> parseExpertTrace(StringRef text, StringRef fileName) {
  ExpertTrace trace;
  trace.fileName = fileName.str();
  auto lineError = [&](size_t line, const Twine &message) {
    return createStringError(inconvertibleErrorCode(),
                             fileName + ":" + Twine(line) + ": " + message);
  };
  size_t lineNumber = 0;
  bool first = true;
  SmallVector<StringRef, 16> fields;
  while (!text.empty()) {
    auto [rawLine, rest] = text.split('\n');
    text = rest;
    ++lineNumber;
    StringRef line = rawLine.trim();
    if (line.empty() || line.starts_with("#"))
      continue;
    fields.clear();
    line.split(fields, ',', -1, /*KeepEmpty=*/false);
    if (fields.size() == 1) { // Separated by spaces, or a single id.
      fields.clear();
      line.split(fields, ' ', -1, /*KeepEmpty=*/false);
    }
    uint64_t probe;
    if (first && !to_integer(fields.front().trim(), probe, 10)) {
      first = false; // A header.
      continue;
    }
    first = false;
    size_t start = trace.ids.size();
    for (StringRef field : fields) {
      uint64_t id;
      if (!to_integer(field.trim(), id, 10))
        return lineError(lineNumber, "expert id '" + field.trim() +
                                         "' is not a whole number");
      if (id >= kMaxTraceExpertId)
        return lineError(lineNumber, "expert id " + Twine(id) +
                                         " is past the 2^20 experts a MoE "
                                         "layer may have");
      for (size_t i = start; i < trace.ids.size(); ++i)
        if (trace.ids[i] == id)
          return lineError(lineNumber, "expert " + Twine(id) +
                                           " is listed twice for one token");
      trace.ids.push_back(uint32_t(id));
      if (trace.ids.size() == 1 || id > trace.maxId) {
        trace.maxId = uint32_t(id);
        trace.maxIdLine = lineNumber;
      }
    }
    unsigned count = unsigned(trace.ids.size() - start);
    if (trace.perToken == 0)
      trace.perToken = count;
    else if (count != trace.perToken)
      return lineError(lineNumber, "lists " + Twine(count) +
                                       " experts; the lines before list " +
                                       Twine(trace.perToken));
  }
  if (trace.ids.empty())
    return createStringError(inconvertibleErrorCode(),
                             "%s: the routing trace has no tokens",
                             fileName.str().c_str());
  return trace;
}

Error checkRoutingFits(const RoutingOptions &routing, uint64_t experts,
                       unsigned topK) {
  if (routing.mode != RoutingOptions::Mode::Trace || !routing.trace)
    return Error::success();
  const ExpertTrace &trace = *routing.trace;
  if (trace.perToken != topK)
    return createStringError(inconvertibleErrorCode(),
                             "routing trace '%s' lists %u experts per token, "
                             "but the model's MoE layers route each token to "
                             "%u",
                             trace.fileName.c_str(), trace.perToken, topK);
  if (trace.maxId >= experts)
    return createStringError(
        inconvertibleErrorCode(),
        "routing trace '%s': expert %u (line %zu) is past the model's %llu "
        "experts",
        trace.fileName.c_str(), trace.maxId, trace.maxIdLine,
        (unsigned long long)experts);
  return Error::success();
}

/// The stage's tokens take consecutive tokens of the trace from a start
/// the seed and stream pick, wrapping around.
static SmallVector<uint64_t, 16> tracedCounts(uint64_t tokens, unsigned experts,
                                              const RoutingOptions &options,
                                              uint64_t stream) {
  SmallVector<uint64_t, 16> counts(experts, 0);
  const ExpertTrace &trace = *options.trace;
  size_t rows = trace.tokens();
  SplitMix64 rng(options.seed * 0x2545f4914f6cdd1dull + stream);
  size_t row = size_t(rng.next() % rows);
  // Whole passes over the trace count every recorded choice at once.
  uint64_t passes = tokens / rows;
  if (passes)
    for (uint32_t id : trace.ids)
      if (id < experts)
        counts[id] += passes;
  for (uint64_t t = 0; t < tokens % rows; ++t, row = (row + 1) % rows)
    for (unsigned k = 0; k < trace.perToken; ++k) {
      uint32_t id = trace.ids[row * trace.perToken + k];
      if (id < experts)
        ++counts[id];
    }
  return counts;
}

SmallVector<uint64_t, 16> tokensPerExpert(uint64_t tokens, unsigned experts,
                                          unsigned topK,
                                          const RoutingOptions &options,
                                          uint64_t stream) {
  topK = std::min(topK, experts);
  if (tokens == 0 || experts == 0)
    return SmallVector<uint64_t, 16>(experts, 0);
  if (options.mode == RoutingOptions::Mode::Expected)
    return expectedCounts(tokens, experts, topK);
  if (options.mode == RoutingOptions::Mode::Trace && options.trace)
    return tracedCounts(tokens, experts, options, stream);
  return sampledCounts(tokens, experts, topK, options, stream);
}

unsigned busiestExpertDevice(ArrayRef<uint64_t> counts, unsigned devices,
                             double ridgeTokens) {
  // An expert's time on a roofline unit is its weight read until its
  // tokens pass the unit's ridge point, then grows with the tokens:
  // max(1, n / ridge) weight reads. Below the ridge the device with more
  // active experts is slower; above it, the one with more tokens.
  double ridge = ridgeTokens > 0 ? ridgeTokens : 1;
  unsigned busiest = 0;
  double busiestLoad = -1;
  for (unsigned device = 0; device < std::max(1u, devices); ++device) {
    double load = 0;
    for (size_t expert = device; expert < counts.size();
         expert += std::max(1u, devices))
      if (counts[expert] > 0)
        load += std::max(1.0, double(counts[expert]) / ridge);
    if (load > busiestLoad) {
      busiest = device;
      busiestLoad = load;
    }
  }
  return busiest;
}

} // namespace duplex
