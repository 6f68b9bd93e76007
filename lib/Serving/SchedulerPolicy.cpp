//===- SchedulerPolicy.cpp - how serving frameworks form stages -----------===//

#include "duplex/Serving/SchedulerPolicy.h"

using namespace llvm;

namespace duplex::serving {

static const SchedulerPolicy kPolicies[] = {
    {"orca",
     "iteration-level batching: whole prompts join the running decodes in "
     "one stage, no token budget (the Duplex paper's setting; default)",
     "G.-I. Yu et al., Orca, OSDI 2022 (iteration-level scheduling); the "
     "Duplex paper serves with Orca-style continuous batching "
     "(../shared/reference/duplex-paper.md)",
     /*tokenBudget=*/0, /*chunkedPrefill=*/false,
     /*mixPrefillAndDecode=*/true},
    {"vllm",
     "vLLM V1: chunked prefill always on, 8,192 tokens per step, decodes "
     "first; 90% of device memory for weights and KV cache",
     "vLLM V1 EngineArgs defaults for the OpenAI server on GPUs with >= 70 "
     "GiB (H100): max_num_batched_tokens 8192, max_num_seqs 1024, "
     "gpu_memory_utilization 0.9; V1 always uses chunked prefill "
     "(vllm/engine/arg_utils.py)",
     /*tokenBudget=*/8192, /*chunkedPrefill=*/true,
     /*mixPrefillAndDecode=*/true, /*memoryUtilization=*/0.9},
    {"vllm-v0",
     "vLLM V0 without chunked prefill: prefill first, a stage that prefills "
     "does not decode (also the Duplex authors' simulator); 90% of device "
     "memory for weights and KV cache",
     "vLLM V0 scheduler: waiting prompts are scheduled before running "
     "decodes and not batched with them, gpu_memory_utilization 0.9; the "
     "Duplex simulator lineage (LLMSimulator, src/scheduler/scheduler.cpp) "
     "pauses decoding while a prefill is pending",
     /*tokenBudget=*/0, /*chunkedPrefill=*/false,
     /*mixPrefillAndDecode=*/false, /*memoryUtilization=*/0.9},
    {"trtllm",
     "TensorRT-LLM in-flight batching: 8,192 tokens per step, whole "
     "prompts (chunked context off); KV cache in 90% of the memory left "
     "after the weights, a request admitted only when the cache can hold "
     "its prompt and output (never preempted)",
     "TensorRT-LLM BuildConfig max_num_tokens 8192; enable_chunked_prefill "
     "defaults to off; the in-flight batching scheduler fills the step with "
     "generation and context requests up to max_num_tokens (docs: 'Tuning "
     "Max Batch Size and Max Num Tokens'); KvCacheConfig "
     "free_gpu_memory_fraction 0.9; SchedulerConfig capacity_scheduler_policy "
     "GUARANTEED_NO_EVICT (the default: blocks for the request's whole "
     "length are promised at admission)",
     /*tokenBudget=*/8192, /*chunkedPrefill=*/false,
     /*mixPrefillAndDecode=*/true, /*memoryUtilization=*/1,
     /*kvFreeFraction=*/0.9, /*reserveWholeRequest=*/true},
    {"sarathi",
     "Sarathi-Serve: stall-free batching with 512-token chunks, decodes "
     "first",
     "A. Agrawal et al., Sarathi-Serve, OSDI 2024: chunked prefills within a "
     "token budget (512 for strict latency targets, 2048 relaxed), decodes "
     "never stalled by prefills",
     /*tokenBudget=*/512, /*chunkedPrefill=*/true,
     /*mixPrefillAndDecode=*/true},
};

ArrayRef<SchedulerPolicy> getSchedulerPolicies() { return kPolicies; }

std::string schedulerPolicySpellings() {
  std::string text;
  for (const SchedulerPolicy &policy : kPolicies) {
    if (!text.empty())
      text += ", ";
    text += policy.name.str();
  }
  return text;
}

Expected<const SchedulerPolicy &> findSchedulerPolicy(StringRef name) {
  for (const SchedulerPolicy &policy : kPolicies)
    if (policy.name == name)
      return policy;
  return createStringError(
      inconvertibleErrorCode(), "--scheduler: unknown policy '%s' (known: %s)",
      name.str().c_str(), schedulerPolicySpellings().c_str());
}

} // namespace duplex::serving
