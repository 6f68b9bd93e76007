//===- SchedulerPolicy.h - how serving frameworks form stages ---*- C++ -*-===//
//
// Serving frameworks batch differently, and TTFT under load depends on it:
// how many tokens one step may process, whether a long prompt is split over
// steps, and whether a step that prefills also decodes. A policy is a row of
// a table (SchedulerPolicy.cpp) with each framework's documented defaults;
// `duplexc simulate --scheduler NAME` picks one, and --max-batched-tokens and
// --chunked-prefill override its budget and chunking.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SERVING_SCHEDULERPOLICY_H
#define DUPLEX_SERVING_SCHEDULERPOLICY_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace duplex::serving {

struct SchedulerPolicy {
  llvm::StringLiteral name;
  /// One line for --help and the docs.
  llvm::StringLiteral summary;
  /// Where the values come from.
  llvm::StringLiteral source;
  /// Tokens one stage may process (prompt tokens + one per decode); 0: no
  /// limit.
  uint64_t tokenBudget = 0;
  /// Split a prompt over stages to fill the budget.
  bool chunkedPrefill = false;
  /// A stage that prefills also decodes the running requests; false: any
  /// prompt work pauses decoding for that stage (prefill first).
  bool mixPrefillAndDecode = true;
  /// Share of a device's memory the runtime may use (vLLM's
  /// gpu_memory_utilization; 1: all of it).
  double memoryUtilization = 1;
  /// Share of the memory left after the weights that becomes KV cache
  /// (TensorRT-LLM's free_gpu_memory_fraction; 1: all of it).
  double kvFreeFraction = 1;
  /// Admit a request only when the KV cache can hold its prompt and all its
  /// output (TensorRT-LLM's GUARANTEED_NO_EVICT): nothing is preempted.
  /// false: admit when the prompt fits and preempt when decodes outgrow
  /// the cache (vLLM).
  bool reserveWholeRequest = false;
};

/// Every policy, the default first.
llvm::ArrayRef<SchedulerPolicy> getSchedulerPolicies();

/// "orca, vllm, ..." for messages and --help.
std::string schedulerPolicySpellings();

/// The policy named `name`, or an error listing the names.
llvm::Expected<const SchedulerPolicy &>
findSchedulerPolicy(llvm::StringRef name);

} // namespace duplex::serving

#endif // DUPLEX_SERVING_SCHEDULERPOLICY_H
