//===- Workload.cpp - synthetic request streams ---------------------------===//

#include "duplex/Serving/Workload.h"
#include "duplex/Support/Routing.h"

#include <cmath>

using namespace llvm;

namespace duplex::serving {

namespace {
/// Standard normal draws (Box-Muller on SplitMix64: portable, unlike
/// std::normal_distribution).
class Normal {
public:
  explicit Normal(uint64_t seed) : rng(seed) {}
  double next() {
    double u1 = rng.nextUnit(), u2 = rng.nextUnit();
    if (u1 < 1e-300)
      u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }
  SplitMix64 &generator() { return rng; }

private:
  SplitMix64 rng;
};

uint64_t drawLength(Normal &normal, double mean, double relativeStd) {
  double value = mean;
  if (relativeStd > 0)
    value = mean * (1.0 + relativeStd * normal.next());
  return uint64_t(std::max(1.0, std::round(value)));
}
} // namespace

Expected<std::vector<RequestSpec>>
generateRequests(const SyntheticWorkload &workload) {
  const LengthDistribution &lengths = workload.lengths;
  if (!(lengths.inputMean >= 1) || !(lengths.outputMean >= 1))
    return createStringError(inconvertibleErrorCode(),
                             "input and output lengths must be at least 1 "
                             "token (got %g and %g)",
                             lengths.inputMean, lengths.outputMean);
  if (!(lengths.relativeStd >= 0))
    return createStringError(inconvertibleErrorCode(),
                             "the length deviation must not be negative");
  if (workload.queriesPerSecond && !(*workload.queriesPerSecond > 0))
    return createStringError(inconvertibleErrorCode(),
                             "--qps must be positive (got %g)",
                             *workload.queriesPerSecond);
  Normal normal(workload.seed);
  SplitMix64 arrivals(workload.seed ^ 0xa5a5a5a5a5a5a5a5ull);
  std::vector<RequestSpec> requests;
  requests.reserve(workload.requests);
  double now = 0;
  for (uint64_t i = 0; i < workload.requests; ++i) {
    RequestSpec request;
    request.inputTokens =
        drawLength(normal, lengths.inputMean, lengths.relativeStd);
    request.outputTokens =
        drawLength(normal, lengths.outputMean, lengths.relativeStd);
    if (workload.queriesPerSecond) {
      // Exponential inter-arrival times; the first request arrives at 0.
      if (i > 0)
        now +=
            -std::log(1.0 - arrivals.nextUnit()) / *workload.queriesPerSecond;
      request.arrivalSeconds = now;
    }
    requests.push_back(request);
  }
  return requests;
}

void redrawLengths(std::vector<RequestSpec> &requests,
                   const LengthDistribution &lengths, uint64_t seed) {
  Normal normal(seed);
  for (RequestSpec &request : requests) {
    request.inputTokens =
        drawLength(normal, lengths.inputMean, lengths.relativeStd);
    request.outputTokens =
        drawLength(normal, lengths.outputMean, lengths.relativeStd);
  }
}

} // namespace duplex::serving
