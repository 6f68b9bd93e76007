//===- Simulator.h - continuous-batching serving loop -----------*- C++ -*-===//
//
// Orca/vLLM-style continuous batching at stage granularity. Every stage the
// scheduler keeps the running requests decoding, admits waiting requests
// (first come, first served) while the batch, the per-stage token budget and
// the KV cache allow, optionally chunks a prompt to fit the budget, and asks
// the oracle what the stage costs. When decode growth overflows the KV
// cache, the most recently admitted request is preempted: its cache is freed
// and it is queued again to recompute it (vLLM's recompute policy).
//
// Closed loop (the Duplex paper's setting): a finished request is replaced
// at once by the next one. Open loop: requests arrive at their times.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SERVING_SIMULATOR_H
#define DUPLEX_SERVING_SIMULATOR_H

#include "duplex/Serving/Distribution.h"
#include "duplex/Serving/Request.h"
#include "duplex/Serving/StageCost.h"

#include "llvm/ADT/ArrayRef.h"

#include <array>
#include <functional>

namespace duplex::serving {

/// How far a replica's run is: what a progress line shows.
struct ServingProgress {
  uint64_t finishedRequests = 0;
  uint64_t requests = 0;
  double simulatedSeconds = 0;
  uint64_t generatedTokens = 0;
};

struct ServingOptions {
  /// Requests in the running batch at most.
  uint64_t maxBatch = 64;
  /// Tokens one stage may process (prompt tokens + one per decode); 0 for
  /// no limit.
  uint64_t maxTokensPerStage = 0;
  /// Split a prompt across stages to fill the token budget.
  bool chunkedPrefill = false;
  /// A stage that prefills also decodes the running requests; false: prompt
  /// work pauses decoding for that stage (SchedulerPolicy.h).
  bool mixPrefillAndDecode = true;
  /// Admit a request only when the KV cache can hold its prompt and output
  /// together, so no request is ever preempted (SchedulerPolicy.h).
  bool reserveWholeRequest = false;
  /// Replace each finished request at once (arrival times are ignored).
  bool closedLoop = false;
  /// Keep one StageRecord per stage (for a whole-run timeline).
  bool recordStages = false;
  /// Called now and then (and at the end) with how far the run is.
  std::function<void(const ServingProgress &)> progress;
};

/// What happened to one request.
struct RequestRecord {
  double arrivalSeconds = 0;
  double firstTokenSeconds = 0;
  double finishSeconds = 0;
  uint64_t inputTokens = 0;
  /// 0: prefill only; firstTokenSeconds is then meaningless.
  uint64_t outputTokens = 0;
  uint64_t preemptions = 0;
  /// When the request first entered the running batch (the start of its
  /// first stage).
  double scheduledSeconds = 0;
  /// Its position in the workload (trace row or generated order, from 0)
  /// and the data-parallel replica that served it; the driver sets both.
  uint64_t id = 0;
  unsigned replica = 0;
};

enum class StageKind { PrefillOnly, Mixed, DecodeOnly };

/// "prefill-only", "mixed", "decode-only".
llvm::StringRef toString(StageKind kind);

/// One stage as it ran (ServingOptions::recordStages).
struct StageRecord {
  double startSeconds = 0;
  double seconds = 0;
  StageKind kind = StageKind::DecodeOnly;
  uint32_t prefills = 0;
  uint64_t prefillTokens = 0;
  uint32_t decodes = 0;
  /// KV-cache tokens held when the stage ends, and requests waiting to be
  /// admitted when it starts.
  uint64_t kvTokens = 0;
  uint64_t waiting = 0;
  /// StageCost::busySecondsByResource.
  llvm::SmallVector<double, 4> busySeconds;
};

struct ServingResult {
  std::vector<RequestRecord> requests;
  /// Gaps between consecutive tokens of every request (TBT samples), in
  /// the order they happened.
  SampleRuns tokenGapSeconds;
  double simulatedSeconds = 0;
  uint64_t generatedTokens = 0;
  /// Sums over all stages.
  StageCost totals;
  std::array<uint64_t, 3> stagesByKind{};
  /// Busy seconds per category within each StageKind's stages.
  std::array<std::array<double, kNumCostCategories>, 3> secondsByKind{};
  uint64_t preemptions = 0;
  /// Requests in each stage (prefilling or decoding) times the stage's
  /// seconds, summed: divided by simulatedSeconds, the time-weighted mean
  /// batch. And the largest batch of any stage.
  double batchRequestSeconds = 0;
  uint64_t maxBatch = 0;
  /// With ServingOptions::recordStages, every stage in order.
  std::vector<StageRecord> stageRecords;
};

/// Serves `requests` (in arrival order) on one replica whose stages cost
/// what `oracle` says. A request whose prompt alone exceeds the KV cache is
/// an error naming it.
llvm::Expected<ServingResult>
simulateServing(llvm::ArrayRef<RequestSpec> requests, StageOracle &oracle,
                const ServingOptions &options);

} // namespace duplex::serving

#endif // DUPLEX_SERVING_SIMULATOR_H
