//===- Random.h - portable seeded draws -------------------------*- C++ -*-===//
//
// The simulator's random draws: a tiny generator with a fixed algorithm and
// samplers written on top of it (not <random>'s distributions, whose output
// differs between standard libraries), so one seed gives the same stream
// everywhere.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SUPPORT_RANDOM_H
#define DUPLEX_SUPPORT_RANDOM_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>

namespace duplex {

/// SplitMix64: a tiny portable generator (Steele et al., OOPSLA 2014).
class SplitMix64 {
public:
  explicit SplitMix64(uint64_t seed) : state(seed) {}
  uint64_t next();
  /// Uniform in [0, 1).
  double nextUnit() { return double(next() >> 11) * 0x1.0p-53; }

private:
  uint64_t state;
};

/// A standard normal draw (Box-Muller).
double drawStandardNormal(SplitMix64 &rng);

/// A Binomial(trials, probability) draw. Exact (inversion) while the
/// variance is small; above 100 the normal approximation with the same mean
/// and variance, rounded and clamped to [0, trials], so a draw costs O(1) at
/// any size.
uint64_t drawBinomial(SplitMix64 &rng, uint64_t trials, double probability);

/// A Multinomial(trials, weights / sum(weights)) draw in O(weights): each
/// count is a binomial of the trials left, conditioned on the ones before
/// (weights are non-negative; zero weights get nothing).
llvm::SmallVector<uint64_t, 16> drawMultinomial(SplitMix64 &rng,
                                                uint64_t trials,
                                                llvm::ArrayRef<double> weights);

} // namespace duplex

#endif // DUPLEX_SUPPORT_RANDOM_H
