//===- Routing.h - tokens per expert under top-k routing --------*- C++ -*-===//
//
// How many of a stage's tokens each expert of a MoE layer receives. The Duplex
// paper routes uniformly at random per token; a Zipf skew models popular
// experts. Everything is seeded and uses a portable generator, so the same
// seed gives the same counts on every platform.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SUPPORT_ROUTING_H
#define DUPLEX_SUPPORT_ROUTING_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>

namespace duplex {

struct RoutingOptions {
  enum class Mode {
    /// The expectation of uniform routing: T*k/E tokens per expert, spread
    /// over the E*(1-(1-k/E)^T) experts expected to be hit at all.
    Expected,
    /// Each token draws top_k distinct experts uniformly at random.
    Uniform,
    /// Each token draws top_k distinct experts with Zipf(zipfExponent)
    /// popularity (expert i has weight 1/(i+1)^s).
    Zipf,
  };
  Mode mode = Mode::Expected;
  double zipfExponent = 1.0;
  uint64_t seed = 0;
};

/// Parses `expected`, `uniform` or `zipf:S` (S > 0).
llvm::Expected<RoutingOptions> parseRoutingMode(llvm::StringRef text,
                                                uint64_t seed);

/// Tokens each of `experts` experts receives when `tokens` tokens each pick
/// `topK` distinct experts. The counts sum to tokens * topK. `stream`
/// distinguishes independent draws (one per layer, per stage) for one seed.
llvm::SmallVector<uint64_t, 16> tokensPerExpert(uint64_t tokens,
                                                unsigned experts, unsigned topK,
                                                const RoutingOptions &options,
                                                uint64_t stream = 0);

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

} // namespace duplex

#endif // DUPLEX_SUPPORT_ROUTING_H
