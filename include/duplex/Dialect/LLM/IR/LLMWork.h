//===- LLMWork.h - what an llm op asks of the hardware ----------*- C++ -*-===//
// For one serving stage (prefill and decode requests, tokens per expert),
// every llm op describes its work as cost-model kernels: GEMMs, fused
// attention (prefill and decode parts separately), expert FFNs, element-wise
// passes. The Op/B analysis sums them; the partitioner prices each part on
// each unit.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_DIALECT_LLM_IR_LLMWORK_H
#define DUPLEX_DIALECT_LLM_IR_LLMWORK_H

#include "duplex/CostModel/Kernels.h"
#include "duplex/Support/Routing.h"
#include "duplex/Support/Stage.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <variant>

namespace duplex::cost {
class CostCache;
} // namespace duplex::cost

namespace duplex::llm {

/// Which part of an op a piece of work is. Attention splits into its prefill
/// and decode requests (they may run on different units); everything else is
/// one part.
enum class WorkPart { Whole, Prefill, Decode };
llvm::StringRef toString(WorkPart part);

/// The bucket a piece of work is reported in (time and energy breakdowns).
enum class WorkCategory { FC, AttentionPrefill, AttentionDecode, MoE, Other };
llvm::StringRef toString(WorkCategory category);

using Kernel = cost::Kernel;

/// One placeable part of an op: kernels that run back to back on one unit.
struct OpWork {
  WorkPart part = WorkPart::Whole;
  WorkCategory category = WorkCategory::Other;
  llvm::SmallVector<Kernel, 4> kernels;
  /// MoE only: tokens routed to each expert held by the busiest device in
  /// this stage (the one that sets the layer's time).
  llvm::SmallVector<uint64_t, 16> tokensPerExpert;
};

/// What the ops need to know besides their own attributes.
struct WorkContext {
  Stage stage;
  RoutingOptions routing;
  /// Bits of one activation element (the model's activation_dtype), and
  /// the type its arithmetic runs at (getComputeType).
  unsigned activationBits = 16;
  hw::DType activationComputeType = hw::DType::FP16;
  /// Tensor-parallel degree: dense layers and attention heads are split
  /// this many ways and each device does 1/tensorParallel of the work.
  unsigned tensorParallel = 1;
  /// Devices sharing the experts of a MoE layer (expert parallel): each
  /// device holds num_experts / expertParallel of them. 1 keeps every
  /// expert on every device (split tensor-parallel like dense layers).
  unsigned expertParallel = 1;
  /// Experts are also split tensor-parallel inside a node (Duplex+ET with
  /// expert parallelism across nodes).
  bool expertsTensorParallel = false;
  /// Expert parallelism across nodes: each device's experts serve the
  /// tokens of this many nodes (data-parallel replicas of the dense
  /// layers), so they receive this many times the stage's tokens.
  unsigned expertTokenScale = 1;
  /// The lowest ridge point (FLOP/B at FP16) of the system's units: where
  /// an expert FFN turns compute-bound there. Ranks the devices by expert
  /// load; 0 ranks them by tokens alone.
  double expertRidgeOpB = 0;
  /// Distinguishes independent routing draws (one per MoE op instance).
  uint64_t routingStream = 0;
  /// Where the placement's kernel prices are memoised across stages (a
  /// serving run's); null prices every kernel afresh.
  cost::CostCache *costCache = nullptr;
};

} // namespace duplex::llm

#endif // DUPLEX_DIALECT_LLM_IR_LLMWORK_H
