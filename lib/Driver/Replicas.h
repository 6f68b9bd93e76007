//===- Replicas.h - data-parallel replicas simulated side by side -*- C++ -*-=//
//
// `duplexc simulate` deals requests round-robin over the data-parallel
// replicas (nodes x replicas per node) and serves each share on its own
// replica. Replicas are independent, so they run on a thread pool; each has
// its own stage policy (its own memo), so a replica's results do not depend
// on which thread ran it or when: the output is byte-identical for any
// thread count.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_LIB_DRIVER_REPLICAS_H
#define DUPLEX_LIB_DRIVER_REPLICAS_H

#include "duplex/Compiler/StagePolicy.h"
#include "duplex/Serving/Simulator.h"
#include "duplex/Support/Progress.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <functional>
#include <memory>
#include <vector>

namespace duplex {

struct ReplicaRun {
  unsigned replicas = 1;
  /// Threads at most (0: one per hardware thread); never more than the
  /// replicas.
  unsigned threads = 0;
  /// A fresh policy for one replica.
  std::function<llvm::Expected<std::unique_ptr<StagePolicy>>()> makePolicy;
  /// Options of every replica but its batch.
  serving::ServingOptions serving;
  /// The maximum batch of a replica.
  std::function<uint64_t(unsigned)> batchFor;
  ProgressBar *progress = nullptr;
};

struct ReplicaResults {
  /// One per replica that had requests, in replica order; request ids and
  /// replicas set to the run's.
  std::vector<serving::ServingResult> results;
  /// The replicas' policies (evaluation counts, the system).
  std::vector<std::unique_ptr<StagePolicy>> policies;
};

/// Serves `requests` (dealt round-robin) on run.replicas replicas. The
/// first error, in replica order, is returned.
llvm::Expected<ReplicaResults>
runReplicas(llvm::ArrayRef<serving::RequestSpec> requests,
            const ReplicaRun &run);

} // namespace duplex

#endif // DUPLEX_LIB_DRIVER_REPLICAS_H
