//===- Replicas.cpp - data-parallel replicas simulated side by side -------===//

#include "Replicas.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"

#include <atomic>
#include <mutex>
#include <optional>

using namespace llvm;
using namespace duplex::serving;

namespace duplex {

namespace {
/// Every replica's latest progress, combined into one line.
class CombinedProgress {
public:
  CombinedProgress(ProgressBar *bar, size_t replicas, uint64_t requests)
      : bar(bar), latest(replicas), requests(requests) {}

  void update(unsigned replica, const ServingProgress &progress) {
    if (!bar)
      return;
    std::lock_guard<std::mutex> lock(mutex);
    latest[replica] = progress;
    uint64_t finished = 0, tokens = 0;
    double simulated = 0;
    for (const ServingProgress &each : latest) {
      finished += each.finishedRequests;
      tokens += each.generatedTokens;
      simulated = std::max(simulated, each.simulatedSeconds);
    }
    std::string detail = formatv("{0}/{1} requests, {2:f1} s simulated",
                                 finished, requests, simulated)
                             .str();
    if (simulated > 0)
      detail += formatv(", {0:f0} tokens/s", tokens / simulated).str();
    bar->update(requests ? double(finished) / requests : 1.0, detail);
  }

private:
  ProgressBar *bar;
  std::mutex mutex;
  std::vector<ServingProgress> latest;
  uint64_t requests;
};
} // namespace

Expected<ReplicaResults> runReplicas(ArrayRef<RequestSpec> requests,
                                     const ReplicaRun &run) {
  unsigned replicas = std::max(1u, run.replicas);
  ReplicaResults out;
  // Policies are made here, in order, on this thread: their construction
  // reads the model's IR.
  out.policies.resize(replicas);
  for (unsigned replica = 0; replica < replicas; ++replica) {
    Expected<std::unique_ptr<StagePolicy>> policy = run.makePolicy();
    if (!policy)
      return policy.takeError();
    out.policies[replica] = std::move(*policy);
  }
  std::vector<std::vector<RequestSpec>> shares(replicas);
  for (size_t i = 0; i < requests.size(); ++i)
    shares[i % replicas].push_back(requests[i]);

  CombinedProgress progress(run.progress, replicas, requests.size());
  std::vector<std::optional<ServingResult>> results(replicas);
  std::vector<std::optional<std::string>> errors(replicas);
  auto serve = [&](unsigned replica) {
    ServingOptions serving = run.serving;
    serving.maxBatch = run.batchFor(replica);
    serving.progress = [&progress, replica](const ServingProgress &p) {
      progress.update(replica, p);
    };
    Expected<ServingResult> result =
        simulateServing(shares[replica], *out.policies[replica], serving);
    if (!result) {
      errors[replica] = toString(result.takeError());
      return;
    }
    // Request i of the share is request replica + i x replicas of the run.
    for (RequestRecord &record : result->requests) {
      record.id = replica + record.id * replicas;
      record.replica = replica;
    }
    results[replica] = std::move(*result);
  };

  unsigned threads = run.threads
                         ? run.threads
                         : llvm::hardware_concurrency().compute_thread_count();
  threads = std::max(1u, std::min(threads, replicas));
  if (threads == 1) {
    for (unsigned replica = 0; replica < replicas; ++replica)
      if (!shares[replica].empty())
        serve(replica);
  } else {
    DefaultThreadPool pool(llvm::hardware_concurrency(threads));
    for (unsigned replica = 0; replica < replicas; ++replica)
      if (!shares[replica].empty())
        pool.async([&serve, replica] { serve(replica); });
    pool.wait();
  }
  for (unsigned replica = 0; replica < replicas; ++replica) {
    if (errors[replica])
      return createStringError(inconvertibleErrorCode(), *errors[replica]);
    if (results[replica])
      out.results.push_back(std::move(*results[replica]));
  }
  return out;
}

} // namespace duplex
