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
#include <memory>
#include <string>
#include <vector>

namespace duplex {

/// Recorded routing: the expert ids each token of a real run chose
/// (`perToken` per token, in token order).
struct ExpertTrace {
  std::string fileName;
  unsigned perToken = 0;
  std::vector<uint32_t> ids;
  /// The largest id and the line it is on, to check it against a model.
  uint32_t maxId = 0;
  size_t maxIdLine = 0;
  size_t tokens() const { return perToken ? ids.size() / perToken : 0; }
};

/// Reads an expert trace: one token per line, its expert ids separated by
/// commas (or spaces); blank lines, `#` comments and a header line whose
/// first field is not a number are skipped. Every token lists the same
/// number of distinct ids. Errors name `fileName` and the line.
llvm::Expected<ExpertTrace> parseExpertTrace(llvm::StringRef text,
                                             llvm::StringRef fileName);

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
    /// The tokens of a stage take consecutive tokens of a recorded trace
    /// (ExpertTrace), from a seeded start, wrapping around.
    Trace,
  };
  Mode mode = Mode::Expected;
  double zipfExponent = 1.0;
  uint64_t seed = 0;
  std::shared_ptr<const ExpertTrace> trace; ///< Set in Trace mode.
};

/// Parses `expected`, `uniform`, `zipf:S` (S > 0) or `trace:FILE` (which
/// it reads).
llvm::Expected<RoutingOptions> parseRoutingMode(llvm::StringRef text,
                                                uint64_t seed);

/// Fails unless `routing` can route a MoE layer of `experts` experts and
/// top-`topK`: a trace must list topK ids per token, all below `experts`.
llvm::Error checkRoutingFits(const RoutingOptions &routing, uint64_t experts,
                             unsigned topK);

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
