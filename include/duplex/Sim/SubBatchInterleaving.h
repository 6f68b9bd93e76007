//===- SubBatchInterleaving.h - L3's GPU + DIMM-PIM scheduling --*- C++ -*-===//
//
// L3/CHIME (arXiv 2504.17584; reference/l3-dimm-pim.md): decode attention
// runs where the KV cache lives (DIMM-PIM in host memory); the GPU runs the
// FC layers and prefill attention. Per decode step and layer, each decode
// request's Q/K/V go over PCIe to the DIMMs and its attention output comes
// back; a prefill request's K/V go once, while the GPU does FC work.
//
// Two sub-batches interleave: while the PIM runs sub-batch i's decode
// attention, the GPU runs sub-batch (1 - i)'s FC layers and prefill
// attention. In steady state one layer costs
//     max(T_GPU(0), T_PIM(1)) + max(T_GPU(1), T_PIM(0)),
// T_GPU = FC (QKV, output projection, FFN) of the sub-batch's tokens + its
// prefill attention; T_PIM = its decode attention with the PCIe transfers
// it exposes. (L3 writes T_GPU with the FC of all tokens; pricing each
// sub-batch's own tokens keeps the cost of reading the weights twice.)
//
// Rankset overlap: one rank per channel (a rankset) takes PCIe data while
// the other R - 1 compute (R = ranks per channel), so PIM compute keeps
// (R - 1)/R of its rate while transfers last and the transfers hide:
//     T_PIM = max(C, W + C / R)   (W: attention alone, C: transfers),
// against W + C without it: PCIe overhead cut by (R - 1)/R (75% at R = 4).
//
// The same machinery gives the baselines: HBM-PIM with sub-batching
// (AttAcc/NeuPIMs: Bank-PIM in the GPU's HBM, no PCIe, shared-bank
// contention from the evaluator) and rank-level DIMM-PIM (no rankset
// overlap by default).
//
// The adaptive sub-batch formation (formSubBatches) asks a predictor for
// T_GPU and T_PIM; CostModelPredictor is the cost model in that role (L3
// fits a linear model and a regressor to measurements instead).
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SIM_SUBBATCHINTERLEAVING_H
#define DUPLEX_SIM_SUBBATCHINTERLEAVING_H

#include "duplex/CostModel/Kernels.h"
#include "duplex/Hardware/System.h"
#include "duplex/Sim/Schedule.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <array>
#include <cstdint>
#include <limits>
#include <optional>

namespace duplex::sim {

/// A dense decoder layer as one device runs it (after tensor parallelism).
struct DecoderLayerShape {
  uint64_t hidden = 0;
  /// Per device: heads / TP and KV heads / TP (at least one).
  cost::AttentionShape attention;
  uint64_t intermediate = 0; ///< FFN width per device.
  bool gated = false;
  unsigned weightBits = 16;
  uint64_t layers = 1;

  /// Bytes of K and V one token adds to one device's share of the cache,
  /// over all layers.
  double kvBytesPerToken() const;
};

/// The per-device shape of a model with `heads`/`kvHeads` heads of
/// `headDim`, split `tensorParallel` ways (as LLMWork.cpp splits it).
DecoderLayerShape makeDecoderLayerShape(uint64_t hidden, unsigned heads,
                                        unsigned kvHeads, unsigned headDim,
                                        uint64_t intermediate, bool gated,
                                        uint64_t layers,
                                        unsigned tensorParallel = 1);

struct SubBatch {
  /// Tokens of each prefill request in this step (a chunk of its prompt).
  llvm::SmallVector<uint64_t, 4> prefillTokens;
  /// Context length of each decode request.
  llvm::SmallVector<uint64_t, 32> decodeContexts;

  uint64_t tokens() const;
  bool empty() const { return prefillTokens.empty() && decodeContexts.empty(); }
};

/// One sub-batch, one layer.
struct SubBatchTimes {
  double fcSeconds = 0;
  double prefillAttentionSeconds = 0;
  /// Decode attention alone on the attention unit.
  double decodeAttentionSeconds = 0;
  /// Q/K/V out and attention outputs back over PCIe (0 without PCIe).
  double transferSeconds = 0;
  /// Prefill K/V to the attention unit's memory (overlaps GPU work).
  double prefillKVSeconds = 0;

  double gpuSeconds = 0; ///< fc + prefill attention.
  double pimSeconds = 0; ///< Decode attention with exposed transfers.
};

/// max(G0, P1) + max(G1, P0): one layer of two interleaved sub-batches.
double interleavedLayerSeconds(const SubBatchTimes &first,
                               const SubBatchTimes &second);

/// T_PIM from attention W and transfers C over R ranksets (file comment);
/// ranksets <= 1 means no overlap: W + C.
double ranksetPimSeconds(double attentionSeconds, double transferSeconds,
                         unsigned ranksets);

class SubBatchPredictor {
public:
  virtual ~SubBatchPredictor();
  virtual llvm::Expected<SubBatchTimes>
  predict(const SubBatch &subBatch) const = 0;
};

struct SubBatchOptions {
  /// Rankset overlap of PCIe transfers with PIM compute; by default on for
  /// DIMM-PIM (L3) and off for the baselines.
  std::optional<bool> ranksetOverlap;
};

/// The cost model as L3's predictor, and the kernels of a sub-batch.
class CostModelPredictor : public SubBatchPredictor {
public:
  /// Fails when `system` has no GPU/xPU or no unit to hold the KV cache
  /// (dimm_pim, rank_pim or bank_pim), or the unit is in host memory
  /// without a host link.
  static llvm::Expected<CostModelPredictor>
  create(const hw::System &system, const DecoderLayerShape &shape,
         const SubBatchOptions &options = {});

  llvm::Expected<SubBatchTimes>
  predict(const SubBatch &subBatch) const override;

  /// QKV, output projection and FFN of the sub-batch's tokens.
  llvm::SmallVector<Kernel, 3> fcKernels(const SubBatch &subBatch) const;
  cost::PrefillAttention prefillKernel(const SubBatch &subBatch) const;
  cost::DecodeAttention decodeKernel(const SubBatch &subBatch) const;
  /// Bytes over PCIe per layer: Q/K/V out, attention output back, prefill
  /// K/V out.
  double qkvBytes(const SubBatch &subBatch) const;
  double outputBytes(const SubBatch &subBatch) const;
  double prefillKVBytes(const SubBatch &subBatch) const;

  const hw::Unit &gpu() const { return *gpuUnit; }
  const hw::Unit &attentionUnit() const { return *pimUnit; }
  /// The host link, or null when the attention unit shares the GPU's memory.
  const hw::Link *link() const { return hostLink; }
  /// Ranksets the transfers overlap over (1: no overlap).
  unsigned ranksets() const { return ranksetCount; }
  const DecoderLayerShape &getShape() const { return shape; }
  const hw::System &getSystem() const { return *system; }

private:
  CostModelPredictor() = default;
  const hw::System *system = nullptr;
  DecoderLayerShape shape;
  const hw::Unit *gpuUnit = nullptr;
  const hw::Unit *pimUnit = nullptr;
  const hw::Link *hostLink = nullptr;
  unsigned ranksetCount = 1;
};

/// One layer of two interleaved sub-batches as a Schedule: a segment of
/// shape.layers layers whose tasks are the steady state (the first
/// sub-batch's GPU work with the second's PIM work of the layer before,
/// then the second's GPU work with the first's PIM work), on the GPU, the
/// attention unit and the host link. Schedule::decoderLayers = layers.
llvm::Expected<Schedule>
buildSubBatchSchedule(const CostModelPredictor &predictor,
                      const SubBatch &first, const SubBatch &second);

struct FormationOptions {
  /// Decode requests added at a time (positive); defaultDecodeIncrement()
  /// gives L3's.
  unsigned decodeIncrement = 1;
  /// Free bytes in the attention unit's memory for KV, and what one token
  /// takes there (the same scope, e.g. one device's share).
  double kvCapacityBytes = std::numeric_limits<double>::infinity();
  double kvBytesPerToken = 0;
  /// Place every candidate (a serving loop that has already admitted them
  /// by KV capacity): prefills beyond the first two go to the sub-batch
  /// with less GPU time, and once both PIM times exceed their partners' GPU
  /// times, decodes go to the sub-batch with less PIM time.
  bool placeEveryRequest = false;
};

/// L3's decode increment for an attention shape.
unsigned defaultDecodeIncrement(const cost::AttentionShape &attention);

struct SubBatchPlan {
  std::array<SubBatch, 2> subBatches;
  std::array<SubBatchTimes, 2> times;
  /// Indices into the candidate lists, per sub-batch.
  std::array<llvm::SmallVector<uint32_t, 4>, 2> prefillRequests;
  std::array<llvm::SmallVector<uint32_t, 32>, 2> decodeRequests;
  /// Set when the last prefill was cut to balance the step: its tokens
  /// this step (the rest wait for the next).
  std::optional<uint64_t> chunkedPrefillTokens;
  bool kvMemoryFull = false;
  double kvBytes = 0;
  double layerSeconds = 0; ///< interleavedLayerSeconds of the two.
};

/// L3's adaptive formation: one prefill per sub-batch (first come, first
/// served), then decode requests `decodeIncrement` at a time to the
/// sub-batch whose PIM time is still below its partner's GPU time, until
/// T_PIM > T_GPU for both, the candidates run out, or the KV memory is
/// full; when it is full and the PIM idles, the last prefill is chunked so
/// its sub-batch's T_GPU matches the other's T_PIM. With
/// `placeEveryRequest` no candidate is left out (see FormationOptions).
llvm::Expected<SubBatchPlan> formSubBatches(
    const SubBatchPredictor &predictor, llvm::ArrayRef<uint64_t> prefillPrompts,
    llvm::ArrayRef<uint64_t> decodeContexts, const FormationOptions &options);

} // namespace duplex::sim

#endif // DUPLEX_SIM_SUBBATCHINTERLEAVING_H
