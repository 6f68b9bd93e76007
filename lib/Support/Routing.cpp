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

namespace {
/// Weights with prefix sums (a Fenwick tree): the expert a uniform draw in
/// [0, total) lands on, and removing or restoring one expert, each in
/// O(log experts). A linear scan per pick made top-k of E experts cost
/// O(k E) per token: 16,000 of 16,000 experts took minutes.
class WeightTree {
public:
  explicit WeightTree(ArrayRef<double> weights)
      : tree(weights.size() + 1, 0.0) {
    for (size_t i = 1; i < tree.size(); ++i) {
      tree[i] += weights[i - 1];
      size_t parent = i + (i & -i);
      if (parent < tree.size())
        tree[parent] += tree[i];
    }
    top = 1;
    while (top * 2 < tree.size())
      top *= 2;
  }

  void add(size_t expert, double delta) {
    for (size_t i = expert + 1; i < tree.size(); i += i & -i)
      tree[i] += delta;
  }

  /// The first expert whose running sum of weights (in index order)
  /// exceeds `target`: the one a linear scan would choose.
  size_t find(double target) const {
    size_t position = 0;
    for (size_t step = top; step > 0; step /= 2)
      if (position + step < tree.size() && tree[position + step] <= target) {
        position += step;
        target -= tree[position];
      }
    return position; // 0-based: the element after the prefix kept.
  }

private:
  std::vector<double> tree;
  size_t top = 1;
};
} // namespace

static SmallVector<uint64_t, 16> sampledCounts(uint64_t tokens,
                                               unsigned experts, unsigned topK,
                                               const RoutingOptions &options,
                                               uint64_t stream) {
  SmallVector<uint64_t, 16> counts(experts, 0);
  // Every expert is every token's choice: nothing to draw.
  if (topK >= experts) {
    counts.assign(experts, tokens);
    return counts;
  }
  bool zipf = options.mode == RoutingOptions::Mode::Zipf;
  // Uniform top-k of more than half the experts: draw the E - k experts
  // each token leaves out instead (a uniform k-subset is the complement of
  // a uniform (E - k)-subset), so a token costs O(min(k, E - k) log E).
  bool complement = !zipf && topK > experts / 2;
  unsigned draws = complement ? experts - topK : topK;
  std::vector<double> weights(experts, 1.0);
  if (zipf)
    for (unsigned i = 0; i < experts; ++i)
      weights[i] = 1.0 / std::pow(double(i + 1), options.zipfExponent);
  double fullTotal = 0;
  for (double w : weights)
    fullTotal += w;
  SplitMix64 rng(options.seed * 0x2545f4914f6cdd1dull + stream);
  WeightTree tree(weights);
  std::vector<bool> taken(experts, false);
  SmallVector<unsigned, 16> chosen;
  for (uint64_t t = 0; t < tokens; ++t) {
    // Draw topK distinct experts without replacement, by weight; the same
    // draws a scan over the remaining weights in index order makes.
    double total = fullTotal;
    chosen.clear();
    for (unsigned pick = 0; pick < draws; ++pick) {
      size_t expert = tree.find(rng.nextUnit() * total);
      // Rounding at the end of the range, or a removed expert's residue in
      // the sums (Zipf weights): step to a remaining one.
      if (expert >= experts)
        expert = experts - 1;
      while (taken[expert])
        expert = expert == 0 ? experts - 1 : expert - 1;
      ++counts[expert];
      taken[expert] = true;
      chosen.push_back(expert);
      total -= weights[expert];
      tree.add(expert, -weights[expert]);
    }
    // Restore the chosen experts for the next token. Unit weights restore
    // exactly; Zipf weights may leave an ulp of residue per round trip, so
    // their sums are rebuilt every 4,096 tokens (O(experts) each time).
    for (unsigned expert : chosen) {
      taken[expert] = false;
      tree.add(expert, weights[expert]);
    }
    if (zipf && t % 4096 == 4095)
      tree = WeightTree(weights);
  }
  // `counts` holds how often each expert was left out.
  if (complement)
    for (uint64_t &count : counts)
      count = tokens - count;
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
