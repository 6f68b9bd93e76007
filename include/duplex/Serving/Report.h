//===- Report.h - serving metrics as the literature names them -*- C++ -*-===//
//
// Throughputs (requests, output and total tokens per second), TTFT, TPOT,
// ITL and E2E latency (count, mean, median, std and chosen percentiles, as
// vLLM's serving benchmark defines them: RequestMetrics.h), goodput under
// SLOs, energy per token, time and energy breakdowns, stage counts — the
// keys of `duplexc simulate --json`.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SERVING_REPORT_H
#define DUPLEX_SERVING_REPORT_H

#include "duplex/Serving/Distribution.h"
#include "duplex/Serving/RequestMetrics.h"
#include "duplex/Serving/Simulator.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace duplex::serving {

/// What a report summarises beyond the defaults.
struct ReportOptions {
  std::vector<double> percentiles{getDefaultPercentiles().begin(),
                                  getDefaultPercentiles().end()};
  /// Goodput is reported when any objective is set.
  ServiceLevelObjectives slo;
};

/// Requests meeting every SLO: their count, share and rate.
struct Goodput {
  ServiceLevelObjectives slo;
  uint64_t goodRequests = 0;
  double attainment = 0;
  double requestsPerSecond = 0;
};

struct ServingReport {
  /// What ran ("mixtral-8x7b on duplex, 4 devices x 1 node, ..."), printed
  /// first in the human report.
  std::string title;
  /// The model was raised from ONNX with --allow-partial and leaves out
  /// weights or layers of the graph: the numbers are for the partial model.
  bool partialModel = false;
  /// The calibration profile the units ran under (empty: not recorded).
  std::string calibration;
  /// The scheduler policy's name (SchedulerPolicy.h; empty: not recorded).
  std::string scheduler;
  /// The stage token budget (0: none) and chunking the run used: the
  /// policy's, or --max-batched-tokens / --chunked-prefill.
  uint64_t stageTokenBudget = 0;
  bool chunkedPrefill = false;
  /// The maximum running batch of the system, of each replica (the first;
  /// later ones may have one less) and the data-parallel replicas.
  uint64_t batchLimit = 0;
  uint64_t batchLimitPerReplica = 0;
  unsigned replicas = 1;
  /// The KV cache of one replica in tokens (0: not recorded; UINT64_MAX: a
  /// model without one), the device memory per device its serving runtime
  /// keeps besides weights and cache, and whether a request is admitted
  /// only when its whole length fits (SchedulerPolicy::reserveWholeRequest).
  uint64_t kvCapacityTokens = 0;
  double runtimeReservedBytes = 0;
  bool kvWholeRequestAdmission = false;
  /// Output tokens per second (vLLM's output token throughput).
  double throughputTokensPerSecond = 0;
  /// Prompt and output tokens per second.
  double totalTokensPerSecond = 0;
  double requestsPerSecond = 0;
  Distribution ttftSeconds;
  /// Per request (RequestMetrics.h), over requests of two or more tokens.
  Distribution tpotSeconds;
  /// Every gap between consecutive tokens of any request.
  Distribution itlSeconds;
  Distribution e2eSeconds;
  std::optional<Goodput> goodput;
  double joulesPerToken = 0;
  /// Fractions of the categories' summed busy time and energy.
  std::array<double, kNumCostCategories> timeBreakdown{};
  std::array<double, kNumCostCategories> energyBreakdown{};
  /// Joules per generated token by category, split into the DRAM part and
  /// the rest (compute; link energy for communication), and idle power.
  std::array<double, kNumCostCategories> dramJoulesPerToken{};
  std::array<double, kNumCostCategories> otherJoulesPerToken{};
  double staticJoulesPerToken = 0;
  /// timeBreakdown within each StageKind's stages (all zero for a kind
  /// that never ran).
  std::array<std::array<double, kNumCostCategories>, 3> timeBreakdownByKind{};
  std::array<uint64_t, 3> stages{};
  uint64_t preemptions = 0;
  /// Requests in flight, summed over replicas: each replica's mean over the
  /// simulated time (idle gaps count as 0), and the largest batch of any of
  /// its stages (L3's "batch size").
  double meanBatch = 0;
  uint64_t maxBatch = 0;
  uint64_t requests = 0;
  /// Requests that generate no token (trace rows with GeneratedTokens 0):
  /// in E2E, not in TTFT.
  uint64_t prefillOnlyRequests = 0;
  /// Requests simulated past the model's max_position_embeddings
  /// (--allow-long-context).
  uint64_t longContextRequests = 0;
  uint64_t generatedTokens = 0;
  /// Prompt tokens of the served requests (each counted once, however
  /// often preemption made it recompute them).
  uint64_t promptTokens = 0;
  double simulatedSeconds = 0;
  double wallSeconds = 0;
  /// What the run was computed from (the driver's: model, device and trace
  /// fingerprints, every option, version); printed as "inputs" when set.
  llvm::json::Object inputs;
};

/// Merges the results of data-parallel replicas (which ran side by side:
/// the run lasts as long as the slowest) into one report.
ServingReport makeReport(llvm::ArrayRef<ServingResult> replicas,
                         double wallSeconds,
                         const ReportOptions &options = ReportOptions());

/// The `duplexc simulate --json` object.
llvm::json::Object toJSON(const ServingReport &report);

/// Every top-level key toJSON can print, sorted (--json's help).
std::vector<std::string> getReportKeys();

/// A report for people.
void printReport(const ServingReport &report, llvm::raw_ostream &os);

} // namespace duplex::serving

#endif // DUPLEX_SERVING_REPORT_H
