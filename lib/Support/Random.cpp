//===- Random.cpp - portable seeded draws ---------------------------------===//

#include "duplex/Support/Random.h"

#include <algorithm>
#include <cmath>

namespace duplex {

uint64_t SplitMix64::next() {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

double drawStandardNormal(SplitMix64 &rng) {
  double u1 = rng.nextUnit(), u2 = rng.nextUnit();
  if (u1 < 1e-300)
    u1 = 1e-300;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

/// Above this variance the normal approximation is used: its error in any
/// quantile is then below a percent of a standard deviation, and inversion
/// would walk through hundreds of terms.
static constexpr double kNormalApproximationVariance = 100;

uint64_t drawBinomial(SplitMix64 &rng, uint64_t trials, double probability) {
  if (trials == 0 || !(probability > 0))
    return 0;
  if (probability >= 1)
    return trials;
  // Draw the rarer outcome: inversion then walks O(trials x p) terms and
  // (1-p)^trials cannot underflow (p <= 1/2 and variance <= 100 keep
  // trials x p below 200).
  if (probability > 0.5)
    return trials - drawBinomial(rng, trials, 1 - probability);
  double n = double(trials);
  double variance = n * probability * (1 - probability);
  if (variance > kNormalApproximationVariance) {
    double draw = std::round(n * probability +
                             std::sqrt(variance) * drawStandardNormal(rng));
    return uint64_t(std::clamp(draw, 0.0, n));
  }
  // Inversion: walk the probability mass function from 0.
  double ratio = probability / (1 - probability);
  double mass = std::pow(1 - probability, n);
  double u = rng.nextUnit();
  // The count also kept as a double: trials and count are integers below
  // 2^53, so n - k + 1 and k are the same doubles their conversions give,
  // without two conversions per step.
  uint64_t count = 0;
  double k = 0;
  while (u > mass && count < trials) {
    u -= mass;
    ++count;
    k += 1;
    mass *= ratio * (n - k + 1) / k;
  }
  return count;
}

llvm::SmallVector<uint64_t, 16>
drawMultinomial(SplitMix64 &rng, uint64_t trials,
                llvm::ArrayRef<double> weights) {
  llvm::SmallVector<uint64_t, 16> counts(weights.size(), 0);
  double remainingWeight = 0;
  for (double weight : weights)
    remainingWeight += std::max(weight, 0.0);
  // The last positive weight takes what is left: rounding in the running
  // sum must not lose trials.
  size_t lastPositive = weights.size();
  for (size_t i = weights.size(); i-- > 0;)
    if (weights[i] > 0) {
      lastPositive = i;
      break;
    }
  uint64_t remaining = trials;
  for (size_t i = 0; i < weights.size() && remaining > 0; ++i) {
    double weight = std::max(weights[i], 0.0);
    if (weight <= 0)
      continue;
    counts[i] = i == lastPositive
                    ? remaining
                    : drawBinomial(rng, remaining,
                                   std::min(1.0, weight / remainingWeight));
    remaining -= counts[i];
    remainingWeight -= weight;
  }
  return counts;
}

} // namespace duplex
