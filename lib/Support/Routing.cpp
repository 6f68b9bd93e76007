//===- Routing.cpp - tokens per expert under top-k routing ----------------===//

#include "duplex/Support/Routing.h"

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
      "unknown routing '%s' (expected, uniform, or zipf:S)",
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

SmallVector<uint64_t, 16> tokensPerExpert(uint64_t tokens, unsigned experts,
                                          unsigned topK,
                                          const RoutingOptions &options,
                                          uint64_t stream) {
  topK = std::min(topK, experts);
  if (tokens == 0 || experts == 0)
    return SmallVector<uint64_t, 16>(experts, 0);
  if (options.mode == RoutingOptions::Mode::Expected)
    return expectedCounts(tokens, experts, topK);
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
