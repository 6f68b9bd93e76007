//===- Routing.cpp - tokens per expert under top-k routing ----------------===//

#include "duplex/Support/Routing.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cmath>
#include <vector>

using namespace llvm;

namespace duplex {

uint64_t SplitMix64::next() {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

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
    if (!to_float(text, exponent) || !(exponent > 0))
      return createStringError(inconvertibleErrorCode(),
                               "routing 'zipf:%s' needs a positive exponent",
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

static SmallVector<uint64_t, 16> sampledCounts(uint64_t tokens,
                                               unsigned experts, unsigned topK,
                                               const RoutingOptions &options,
                                               uint64_t stream) {
  std::vector<double> weights(experts, 1.0);
  if (options.mode == RoutingOptions::Mode::Zipf)
    for (unsigned i = 0; i < experts; ++i)
      weights[i] = 1.0 / std::pow(double(i + 1), options.zipfExponent);
  SplitMix64 rng(options.seed * 0x2545f4914f6cdd1dull + stream);
  SmallVector<uint64_t, 16> counts(experts, 0);
  std::vector<double> remaining;
  for (uint64_t t = 0; t < tokens; ++t) {
    // Draw topK distinct experts without replacement, by weight.
    remaining = weights;
    double total = 0;
    for (double w : remaining)
      total += w;
    for (unsigned pick = 0; pick < topK && pick < experts; ++pick) {
      double target = rng.nextUnit() * total, running = 0;
      unsigned chosen = experts - 1;
      for (unsigned e = 0; e < experts; ++e) {
        if (remaining[e] == 0)
          continue;
        running += remaining[e];
        if (target < running) {
          chosen = e;
          break;
        }
      }
      while (remaining[chosen] == 0) // Rounding at the end of the range.
        chosen = chosen == 0 ? experts - 1 : chosen - 1;
      ++counts[chosen];
      total -= remaining[chosen];
      remaining[chosen] = 0;
    }
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
  return sampledCounts(tokens, experts, topK, options, stream);
}

} // namespace duplex
