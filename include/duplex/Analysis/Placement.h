//===- Placement.h - place each op part on the fastest unit -----*- C++ -*-===//
//
// Prices every part of every op on every unit of a system that can run it,
// transfers included, and picks the fastest: placement follows the cost
// model, never a fixed Op/B threshold. The units' break-even Op/B (ridge
// points) are reported for the reader, not used to decide.
//
// Transfers: values live in the memory of the system's host processor (the
// GPU or xPU) between ops. A part placed on a unit that reads another
// memory (DIMM-PIM in host DDR) pays for its inputs to go there and its
// output to come back, over the link between the two memories. Units that
// share a memory (xPU and Logic-PIM in one HBM) move nothing.
//
// Units in the host (DIMM-PIM) serve every device of their node at once, so
// the per-device share of their work costs devices-per-node times as long.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_ANALYSIS_PLACEMENT_H
#define DUPLEX_ANALYSIS_PLACEMENT_H

#include "duplex/Analysis/StageWork.h"
#include "duplex/CostModel/CostModel.h"
#include "duplex/Hardware/System.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>
#include <vector>

namespace duplex {

/// A user's placement decision, from a placement override file.
struct PlacementOverride {
  /// Matches the record of that index (see --emit=opb)...
  std::optional<unsigned> index;
  /// ...or every record whose label starts with this ("llm.moe",
  /// "llm.linear query").
  std::string match;
  /// Restricts the match to one part (prefill/decode of attention).
  std::optional<llm::WorkPart> part;
  std::string unit;
  /// Where it was read ("file.json: placements[2]"), for diagnostics.
  std::string source;
};

/// Loads `{"placements": [{"index": 3, "unit": "xpu"}, {"match": "llm.moe",
/// "part": "whole", "unit": "logic_pim"}]}`; errors name the file and entry.
llvm::Expected<std::vector<PlacementOverride>>
loadPlacementOverrides(llvm::StringRef path);

/// Time of one part on one unit.
struct UnitTime {
  const hw::Unit *unit = nullptr;
  double kernelSeconds = 0;
  double transferSeconds = 0;
  double seconds() const { return kernelSeconds + transferSeconds; }
};

struct PlacedRecord {
  WorkRecord record;
  const hw::Unit *unit = nullptr;
  /// Every unit that can run the part, in system order.
  llvm::SmallVector<UnitTime, 4> candidates;
  bool overridden = false;
  /// Bytes per device moved to the unit and back (0 when it shares the
  /// host processor's memory), and the link that carries them.
  double inputTransferBytes = 0;
  double outputTransferBytes = 0;
  const hw::Link *link = nullptr;

  const UnitTime &chosen() const;
};

struct RidgePoint {
  const hw::Unit *first = nullptr;
  const hw::Unit *second = nullptr;
  cost::BreakEven breakEven;
};

struct PlacementPlan {
  const hw::System *system = nullptr;
  /// The processor whose memory holds values between ops.
  const hw::Unit *home = nullptr;
  std::vector<PlacedRecord> records;
  /// Filled by callers that report them (computeRidgePoints); the serving
  /// policy places every stage and needs none.
  llvm::SmallVector<RidgePoint, 6> ridgePoints;
};

/// Can a unit of `kind` run `kernel` at all? GPUs and xPUs run everything;
/// Logic-PIM GEMMs, FFNs and attention; bank and bank-group PIM GEMV-like
/// kernels and decode attention; DIMM- and rank-PIM decode attention only
/// (L3). Element-wise passes stay with the host processor, fused into the
/// kernel that produces their input.
bool unitCanRun(hw::UnitKind kind, const llm::Kernel &kernel);

/// What must fit in memory: the model's weights and the KV cache of the
/// stage's requests (all layers, whole system).
struct CapacityNeeds {
  std::string modelName;
  double weightBytes = 0;
  double kvBytesPerToken = 0;
  /// Expert weights, and how many nodes share them (expert parallelism
  /// across nodes; 1: every node holds all experts).
  double expertWeightBytes = 0;
  unsigned expertNodes = 1;
  /// Weights one device holds.
  double weightsPerDevice(unsigned devicesPerNode) const {
    return (weightBytes - expertWeightBytes) / devicesPerNode +
           expertWeightBytes / (double(devicesPerNode) * expertNodes);
  }
};

/// Places every record on `system` (per device). Decode attention reads the
/// KV cache where it lives, so only units whose memory can hold the stage's
/// KV cache (after the weights, in device memory) may run it. `overrides`
/// win over the cost model; an override naming a unit that cannot run the
/// part is an error, and so is a model or stage that fits nowhere (the
/// message gives both sizes).
llvm::Expected<PlacementPlan>
planPlacement(const hw::System &system, std::vector<WorkRecord> records,
              const llm::WorkContext &context, const CapacityNeeds &needs,
              llvm::ArrayRef<PlacementOverride> overrides = {});

/// Break-even Op/B of every pair of units (FP16, peak rates).
llvm::SmallVector<RidgePoint, 6> computeRidgePoints(const hw::System &system);

/// What the model needs of `system`: its weights and KV bytes per token, and
/// for MoE models on several nodes, experts shared by all nodes (expert
/// parallelism between nodes, as the Duplex paper runs Grok-1).
CapacityNeeds capacityNeedsOf(llm::ModelOp model, const hw::System &system);

/// Fails when the weights, split over the devices of a node (tensor/expert
/// parallel; nodes are data-parallel replicas), and the memory the serving
/// runtime keeps exceed a device's memory.
llvm::Error checkWeightsFit(const hw::System &system,
                            const CapacityNeeds &needs);

/// How much of a device's memory a serving runtime gives its KV cache: it
/// may use `memoryUtilization` of the memory (vLLM's
/// gpu_memory_utilization) and gives the KV cache `freeFraction` of what is
/// left after the weights (TensorRT-LLM's free_gpu_memory_fraction). The
/// defaults give it all (the Duplex paper: memory minus weights).
struct KVMemoryShare {
  double memoryUtilization = 1;
  double freeFraction = 1;
};

/// KV-cache tokens one node (a data-parallel replica) holds: its host
/// memory when a host unit can run decode attention (L3 keeps the cache in
/// DIMM-PIM), else its devices' memory after the weights and what the
/// serving runtime keeps (System::runtimeReservedBytes), as much of it as
/// `share` gives.
uint64_t kvCapacityTokens(const hw::System &system, const CapacityNeeds &needs,
                          const KVMemoryShare &share = {});

/// Bytes of KV cache the stage's requests hold once it has run: prompts
/// plus contexts plus each decode request's new token.
double stageKVBytes(const Stage &stage, double kvBytesPerToken);

/// A record as JSON with "unit", "seconds" and "candidates" added.
llvm::json::Object toJSON(const PlacedRecord &placed);
llvm::json::Array ridgePointsToJSON(const PlacementPlan &plan);

/// An override file that reproduces `plan` (one entry per record index).
llvm::json::Value toOverrideJSON(const PlacementPlan &plan);

} // namespace duplex

#endif // DUPLEX_ANALYSIS_PLACEMENT_H
