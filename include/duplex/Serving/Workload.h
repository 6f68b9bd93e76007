//===- Workload.h - synthetic request streams -------------------*- C++ -*-===//
//
// Requests for a serving run when no trace is given: lengths fixed or drawn
// from a Gaussian around (Lin, Lout) as in the Duplex paper, arrivals at a
// QPS (a Poisson process, or evenly spaced), or all at time 0 for a closed
// loop (the simulator then admits a new request the moment one finishes).
// Seeded with a portable generator: the same seed gives the same requests
// everywhere. A trace's arrivals can be rescaled to another mean rate.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SERVING_WORKLOAD_H
#define DUPLEX_SERVING_WORKLOAD_H

#include "duplex/Serving/Request.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>

namespace duplex::serving {

struct LengthDistribution {
  double inputMean = 0;
  double outputMean = 0;
  /// Standard deviation of both lengths as a fraction of their mean (0:
  /// fixed lengths). Draws are rounded and kept at 1 token or more.
  double relativeStd = 0;
};

/// How requests arrive at a given rate.
enum class ArrivalProcess {
  /// Exponential gaps (the Duplex paper's and vLLM's benchmark default).
  Poisson,
  /// Every gap 1/rate (Vidur's "static" intervals): no bursts, so queueing
  /// comes from the system alone.
  Uniform,
};

struct ArrivalProcessInfo {
  llvm::StringLiteral name;
  llvm::StringLiteral summary;
  ArrivalProcess process;
};

/// The processes by name, for --arrivals and its help.
llvm::ArrayRef<ArrivalProcessInfo> getArrivalProcesses();
/// The process named `name`; an error lists the known names.
llvm::Expected<ArrivalProcess> parseArrivalProcess(llvm::StringRef name);

struct SyntheticWorkload {
  uint64_t requests = 0;
  LengthDistribution lengths;
  /// Arrivals at this rate; unset: every request at time 0.
  std::optional<double> queriesPerSecond;
  ArrivalProcess arrivals = ArrivalProcess::Poisson;
  uint64_t seed = 0;
};

/// How much one run may ask of the simulator, checked before anything is
/// allocated: its memory grows by ~100-155 B per request and ~18-33 B per
/// generated token, its time by ~2.2 us per generated token at batch 1
/// (docs/robustness.md#work-limits has the measurements). 0 lifts a limit.
struct WorkLimits {
  /// 4,194,304 requests: about 0.5 GB (the Azure traces have 8,819 and
  /// 19,366).
  uint64_t maxRequests = uint64_t(1) << 22;
  /// 16,777,216 generated tokens: about 38 s and 0.6 GB at batch 1 (the
  /// Azure conversation trace generates 4,088,665).
  uint64_t maxGeneratedTokens = uint64_t(1) << 24;
  /// 134,217,728 prompt tokens: MoE stages sample each prompt token's
  /// experts, ~80 ns per token for Mixtral (about 11 s); the Azure traces
  /// have 18,059,974 and 22,361,870.
  uint64_t maxPromptTokens = uint64_t(1) << 27;
};

/// Fails when `requests` exceed `limits`, naming the flag that lifts them.
llvm::Error checkWorkLimits(llvm::ArrayRef<RequestSpec> requests,
                            const WorkLimits &limits);

/// Checks the numbers (positive means up to kMaxRequestTokens, non-negative
/// std, positive QPS, the request count within `limits`) and draws the
/// requests.
llvm::Expected<std::vector<RequestSpec>>
generateRequests(const SyntheticWorkload &workload,
                 const WorkLimits &limits = {});

/// The mean arrival rate of `requests` (sorted by arrival): the gaps
/// between the first and the last arrival over their span; an error when
/// fewer than two requests or all arrive at once.
llvm::Expected<double> getMeanArrivalRate(llvm::ArrayRef<RequestSpec> requests);

/// Stretches or compresses the arrival times, from the first, so that the
/// mean rate is `rate` requests/s (a trace's pattern at another load).
llvm::Error rescaleArrivals(std::vector<RequestSpec> &requests, double rate);

/// Replaces the lengths of trace requests with draws from `lengths` (for a
/// trace's arrival pattern with the paper's length distribution).
/// A mean of 0 keeps that length as it is.
void redrawLengths(std::vector<RequestSpec> &requests,
                   const LengthDistribution &lengths, uint64_t seed);

} // namespace duplex::serving

#endif // DUPLEX_SERVING_WORKLOAD_H
