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

#include "duplex/Support/Random.h"

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
    /// Each token draws top_k distinct experts uniformly at random. The
    /// stage's counts are drawn at once, in O(experts): a multinomial with
    /// the counts' exact mean, sum and covariance (Routing.cpp).
    Uniform,
    /// As Uniform with Zipf(zipfExponent) popularity (expert i has weight
    /// 1/(i+1)^s; its share is the probability that a token's top_k picks
    /// it, capped at 1).
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

/// Of `devices` devices, where device d holds the experts e with
/// e % devices == d, the one whose experts take longest: each active expert
/// weighs max(1, tokens / ridgeTokens) weight reads (a roofline: its weight
/// read until its tokens pass the unit's ridge point). Below the ridge the
/// device with more active experts is slower, above it the one with more
/// tokens. ridgeTokens <= 0 ranks by tokens; ties go to the lowest index.
unsigned busiestExpertDevice(llvm::ArrayRef<uint64_t> tokensPerExpert,
                             unsigned devices, double ridgeTokens);

} // namespace duplex

#endif // DUPLEX_SUPPORT_ROUTING_H
