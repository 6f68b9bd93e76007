//===- Workload.cpp - synthetic request streams ---------------------------===//

#include "duplex/Serving/Workload.h"
#include "duplex/Support/Routing.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace duplex::serving {

namespace {
/// Standard normal draws (Random.h: portable, unlike
/// std::normal_distribution).
class Normal {
public:
  explicit Normal(uint64_t seed) : rng(seed) {}
  double next() { return drawStandardNormal(rng); }
  SplitMix64 &generator() { return rng; }

private:
  SplitMix64 rng;
};

uint64_t drawLength(Normal &normal, double mean, double relativeStd) {
  double value = mean;
  if (relativeStd > 0)
    value = mean * (1.0 + relativeStd * normal.next());
  // Within [1, kMaxRequestTokens]: a draw far out in the tail must neither
  // be 0 nor leave the range the conversion and the cost model handle.
  return uint64_t(
      std::clamp(std::round(value), 1.0, double(kMaxRequestTokens)));
}
} // namespace

/// `count` requests against the request limit.
static Error checkRequestCount(uint64_t count, const WorkLimits &limits) {
  if (!limits.maxRequests || count <= limits.maxRequests)
    return Error::success();
  return createStringError(inconvertibleErrorCode(),
                           "%llu requests exceed the work limit of %llu "
                           "(--limit-requests raises it)",
                           (unsigned long long)count,
                           (unsigned long long)limits.maxRequests);
}

Error checkWorkLimits(ArrayRef<RequestSpec> requests,
                      const WorkLimits &limits) {
  if (Error error = checkRequestCount(requests.size(), limits))
    return error;
  // Saturating: with the request limit lifted, the sums could wrap.
  auto addSaturating = [](uint64_t sum, uint64_t value) {
    return value > UINT64_MAX - sum ? UINT64_MAX : sum + value;
  };
  uint64_t generated = 0, prompt = 0;
  for (const RequestSpec &request : requests) {
    generated = addSaturating(generated, request.outputTokens);
    prompt = addSaturating(prompt, request.inputTokens);
  }
  if (limits.maxPromptTokens && prompt > limits.maxPromptTokens)
    return createStringError(
        inconvertibleErrorCode(),
        "the requests' prompts hold %llu tokens, past the work limit of %llu "
        "(docs/robustness.md#work-limits; --limit-prompt-tokens raises it)",
        (unsigned long long)prompt, (unsigned long long)limits.maxPromptTokens);
  if (limits.maxGeneratedTokens && generated > limits.maxGeneratedTokens)
    return createStringError(
        inconvertibleErrorCode(),
        "the requests generate %llu tokens, past the work limit of %llu "
        "(docs/robustness.md#work-limits; --limit-tokens raises it)",
        (unsigned long long)generated,
        (unsigned long long)limits.maxGeneratedTokens);
  return Error::success();
}

ArrayRef<ArrivalProcessInfo> getArrivalProcesses() {
  static const ArrivalProcessInfo processes[] = {
      {"poisson", "exponential gaps at the rate; the default",
       ArrivalProcess::Poisson},
      {"uniform", "evenly spaced, every gap 1/rate", ArrivalProcess::Uniform},
  };
  return processes;
}

Expected<ArrivalProcess> parseArrivalProcess(StringRef name) {
  std::string known;
  for (const ArrivalProcessInfo &info : getArrivalProcesses()) {
    if (info.name == name)
      return info.process;
    known += (known.empty() ? "" : ", ") + info.name.str();
  }
  return createStringError(inconvertibleErrorCode(),
                           "unknown arrival process '%s' (known: %s)",
                           name.str().c_str(), known.c_str());
}

Expected<double> getMeanArrivalRate(ArrayRef<RequestSpec> requests) {
  if (requests.size() < 2)
    return createStringError(inconvertibleErrorCode(),
                             "a rate needs two requests or more (got %zu)",
                             requests.size());
  auto [first, last] =
      std::minmax_element(requests.begin(), requests.end(),
                          [](const RequestSpec &a, const RequestSpec &b) {
                            return a.arrivalSeconds < b.arrivalSeconds;
                          });
  double span = last->arrivalSeconds - first->arrivalSeconds;
  if (!(span > 0))
    return createStringError(inconvertibleErrorCode(),
                             "all %zu requests arrive at the same time: they "
                             "have no rate to rescale",
                             requests.size());
  return double(requests.size() - 1) / span;
}

Error rescaleArrivals(std::vector<RequestSpec> &requests, double rate) {
  if (!(rate >= 1e-6 && rate <= 1e9))
    return createStringError(inconvertibleErrorCode(),
                             "the arrival rate must be 1e-06 to 1e+09 "
                             "requests/s (got %g)",
                             rate);
  Expected<double> current = getMeanArrivalRate(requests);
  if (!current)
    return current.takeError();
  double start = requests.front().arrivalSeconds;
  for (const RequestSpec &request : requests)
    start = std::min(start, request.arrivalSeconds);
  double stretch = *current / rate;
  for (RequestSpec &request : requests)
    request.arrivalSeconds = start + (request.arrivalSeconds - start) * stretch;
  return Error::success();
}

Expected<std::vector<RequestSpec>>
generateRequests(const SyntheticWorkload &workload, const WorkLimits &limits) {
  const LengthDistribution &lengths = workload.lengths;
  constexpr double kMaxLength = double(kMaxRequestTokens);
  if (!(lengths.inputMean >= 1) || !(lengths.outputMean >= 1) ||
      !(lengths.inputMean <= kMaxLength) || !(lengths.outputMean <= kMaxLength))
    return createStringError(inconvertibleErrorCode(),
                             "input and output lengths must be 1 to %llu "
                             "tokens (got %g and %g)",
                             (unsigned long long)kMaxRequestTokens,
                             lengths.inputMean, lengths.outputMean);
  if (!(lengths.relativeStd >= 0 && lengths.relativeStd <= 1))
    return createStringError(inconvertibleErrorCode(),
                             "the length deviation must be 0 to 1 (got %g)",
                             lengths.relativeStd);
  // Before the vector is sized: `--requests 100000000000` must not reach
  // the allocator.
  if (Error error = checkRequestCount(workload.requests, limits))
    return std::move(error);
  // Bounded both ways: 1e-320 requests/s made the arrivals infinite; past a
  // billion requests/s every request arrives at 0 (use --closed-loop).
  if (workload.queriesPerSecond && !(*workload.queriesPerSecond >= 1e-6 &&
                                     *workload.queriesPerSecond <= 1e9))
    return createStringError(inconvertibleErrorCode(),
                             "--qps must be 1e-06 to 1e+09 requests/s (got "
                             "%g)",
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
      // The first request arrives at 0. Poisson gaps are unit exponentials
      // over the rate, so one seed gives the same pattern at every rate,
      // scaled (what a capacity search's bisection relies on).
      // Uniform arrivals are i/rate, not a running sum: no drift.
      if (workload.arrivals == ArrivalProcess::Uniform)
        now = double(i) / *workload.queriesPerSecond;
      else if (i > 0)
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
    if (lengths.inputMean > 0)
      request.inputTokens =
          drawLength(normal, lengths.inputMean, lengths.relativeStd);
    if (lengths.outputMean > 0)
      request.outputTokens =
          drawLength(normal, lengths.outputMean, lengths.relativeStd);
  }
}

} // namespace duplex::serving
