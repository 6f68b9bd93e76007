//===- SubBatchInterleaving.cpp - L3's GPU + DIMM-PIM scheduling ----------===//

#include "duplex/Sim/SubBatchInterleaving.h"

#include "duplex/CostModel/Collectives.h"
#include "duplex/Sim/Pricing.h"

#include <algorithm>
#include <numeric>

using namespace llvm;

namespace duplex::sim {

static constexpr double kBitsPerByte = 8;

/// L3's adaptive scheduler adds decode requests one at a time for MHA and
/// sixteen at a time for GQA (reference/l3-dimm-pim.md, mechanism 4).
static constexpr unsigned kMhaDecodeIncrement = 1;
static constexpr unsigned kGqaDecodeIncrement = 16;

double DecoderLayerShape::kvBytesPerToken() const {
  return 2.0 * attention.kvHeads * attention.headDim * attention.kvBits /
         kBitsPerByte * layers;
}

static uint64_t ceilDiv(uint64_t value, uint64_t parts) {
  return (value + parts - 1) / parts;
}

DecoderLayerShape makeDecoderLayerShape(uint64_t hidden, unsigned heads,
                                        unsigned kvHeads, unsigned headDim,
                                        uint64_t intermediate, bool gated,
                                        uint64_t layers,
                                        unsigned tensorParallel) {
  unsigned tp = std::max(1u, tensorParallel);
  DecoderLayerShape shape;
  shape.hidden = hidden;
  shape.attention.heads = ceilDiv(heads, tp);
  // Fewer KV heads than devices: each device keeps a replica of one.
  shape.attention.kvHeads = ceilDiv(kvHeads, tp);
  if (shape.attention.heads % shape.attention.kvHeads != 0)
    shape.attention.kvHeads = 1;
  shape.attention.headDim = headDim;
  shape.intermediate = ceilDiv(intermediate, tp);
  shape.gated = gated;
  shape.layers = layers;
  return shape;
}

uint64_t SubBatch::tokens() const {
  return std::accumulate(prefillTokens.begin(), prefillTokens.end(),
                         uint64_t(decodeContexts.size()));
}

double interleavedLayerSeconds(const SubBatchTimes &first,
                               const SubBatchTimes &second) {
  return std::max(first.gpuSeconds, second.pimSeconds) +
         std::max(second.gpuSeconds, first.pimSeconds);
}

double ranksetPimSeconds(double attentionSeconds, double transferSeconds,
                         unsigned ranksets) {
  if (ranksets <= 1)
    return attentionSeconds + transferSeconds;
  // While transfers last, (R-1)/R of the PIM computes; after them, all.
  return std::max(transferSeconds,
                  attentionSeconds + transferSeconds / ranksets);
}

SubBatchPredictor::~SubBatchPredictor() = default;

//===----------------------------------------------------------------------===//
// CostModelPredictor
//===----------------------------------------------------------------------===//

Expected<CostModelPredictor>
CostModelPredictor::create(const hw::System &system,
                           const DecoderLayerShape &shape,
                           const SubBatchOptions &options) {
  CostModelPredictor predictor;
  predictor.system = &system;
  predictor.shape = shape;
  predictor.gpuUnit = system.hostProcessor();
  if (!predictor.gpuUnit)
    return createStringError(inconvertibleErrorCode(),
                             "system '%s' has no GPU or xPU for the FC layers",
                             system.name.c_str());
  for (hw::UnitKind kind :
       {hw::UnitKind::DimmPim, hw::UnitKind::RankPim, hw::UnitKind::BankPim})
    if (!predictor.pimUnit)
      predictor.pimUnit = system.firstUnitOfKind(kind);
  if (!predictor.pimUnit)
    return createStringError(
        inconvertibleErrorCode(),
        "system '%s' has no unit to hold the KV cache and run decode "
        "attention (dimm_pim, rank_pim or bank_pim)",
        system.name.c_str());
  const hw::Memory &memory = system.memoryOf(*predictor.pimUnit);
  if (memory.placement != system.memoryOf(*predictor.gpuUnit).placement) {
    predictor.hostLink = system.findLink(hw::LinkScope::Host);
    if (!predictor.hostLink)
      return createStringError(inconvertibleErrorCode(),
                               "system '%s' has '%s' in host memory but no "
                               "host link to reach it",
                               system.name.c_str(),
                               predictor.pimUnit->name.c_str());
  }
  bool overlap = options.ranksetOverlap.value_or(predictor.pimUnit->kind ==
                                                 hw::UnitKind::DimmPim);
  if (overlap && memory.dimm && predictor.hostLink)
    predictor.ranksetCount =
        memory.dimm->dimmsPerChannel * memory.dimm->ranksPerDimm;
  return predictor;
}

SmallVector<Kernel, 3>
CostModelPredictor::fcKernels(const SubBatch &subBatch) const {
  SmallVector<Kernel, 3> kernels;
  uint64_t tokens = subBatch.tokens();
  if (tokens == 0)
    return kernels;
  const cost::AttentionShape &attention = shape.attention;
  auto gemm = [&](uint64_t k, uint64_t n) {
    cost::GemmShape gemm{tokens, k, n};
    gemm.weightBits = shape.weightBits;
    gemm.activationBits = attention.activationBits;
    gemm.computeType = attention.computeType;
    return gemm;
  };
  uint64_t queryWidth = uint64_t(attention.heads) * attention.headDim;
  uint64_t kvWidth = uint64_t(attention.kvHeads) * attention.headDim;
  kernels.push_back(gemm(shape.hidden, queryWidth + 2 * kvWidth));
  kernels.push_back(gemm(queryWidth, shape.hidden));
  cost::ExpertFfn ffn;
  ffn.tokens = tokens;
  ffn.hidden = shape.hidden;
  ffn.intermediate = shape.intermediate;
  ffn.gated = shape.gated;
  ffn.weightBits = shape.weightBits;
  ffn.activationBits = attention.activationBits;
  ffn.computeType = attention.computeType;
  kernels.push_back(ffn);
  return kernels;
}

cost::PrefillAttention
CostModelPredictor::prefillKernel(const SubBatch &subBatch) const {
  cost::PrefillAttention prefill;
  prefill.shape = shape.attention;
  prefill.promptTokens.assign(subBatch.prefillTokens.begin(),
                              subBatch.prefillTokens.end());
  return prefill;
}

cost::DecodeAttention
CostModelPredictor::decodeKernel(const SubBatch &subBatch) const {
  cost::DecodeAttention decode;
  decode.shape = shape.attention;
  for (uint64_t context : subBatch.decodeContexts)
    decode.addRequests(context);
  return decode;
}

double CostModelPredictor::qkvBytes(const SubBatch &subBatch) const {
  const cost::AttentionShape &attention = shape.attention;
  return double(subBatch.decodeContexts.size()) *
         (attention.heads + 2.0 * attention.kvHeads) * attention.headDim *
         attention.activationBits / kBitsPerByte;
}

double CostModelPredictor::outputBytes(const SubBatch &subBatch) const {
  const cost::AttentionShape &attention = shape.attention;
  return double(subBatch.decodeContexts.size()) * attention.heads *
         attention.headDim * attention.activationBits / kBitsPerByte;
}

double CostModelPredictor::prefillKVBytes(const SubBatch &subBatch) const {
  const cost::AttentionShape &attention = shape.attention;
  double tokens = std::accumulate(subBatch.prefillTokens.begin(),
                                  subBatch.prefillTokens.end(), 0.0);
  return tokens * 2.0 * attention.kvHeads * attention.headDim *
         attention.kvBits / kBitsPerByte;
}

Expected<SubBatchTimes>
CostModelPredictor::predict(const SubBatch &subBatch) const {
  SubBatchTimes times;
  Expected<WorkTime> fc = priceWork(*system, *gpuUnit, fcKernels(subBatch));
  if (!fc)
    return fc.takeError();
  times.fcSeconds = fc->seconds;
  if (!subBatch.prefillTokens.empty()) {
    Expected<KernelTime> prefill =
        priceKernel(*system, *gpuUnit, prefillKernel(subBatch));
    if (!prefill)
      return prefill.takeError();
    times.prefillAttentionSeconds = prefill->seconds();
  }
  if (!subBatch.decodeContexts.empty()) {
    Expected<KernelTime> decode =
        priceKernel(*system, *pimUnit, decodeKernel(subBatch));
    if (!decode)
      return decode.takeError();
    times.decodeAttentionSeconds = decode->seconds();
  }
  if (hostLink) {
    // Each copy pays the link's latency; Q/K/V out, then the output back.
    for (double bytes : {qkvBytes(subBatch), outputBytes(subBatch)})
      if (bytes > 0)
        times.transferSeconds += cost::pointToPoint(*hostLink, bytes).seconds;
    if (double bytes = prefillKVBytes(subBatch))
      times.prefillKVSeconds = cost::pointToPoint(*hostLink, bytes).seconds;
  }
  times.gpuSeconds = times.fcSeconds + times.prefillAttentionSeconds;
  if (!subBatch.decodeContexts.empty())
    times.pimSeconds = ranksetPimSeconds(times.decodeAttentionSeconds,
                                         times.transferSeconds, ranksetCount);
  return times;
}

//===----------------------------------------------------------------------===//
// The schedule of one step
//===----------------------------------------------------------------------===//

namespace {
class StepBuilder {
public:
  StepBuilder(const CostModelPredictor &predictor, Schedule &schedule)
      : predictor(predictor), schedule(schedule),
        layers(predictor.getShape().layers) {}

  std::optional<TaskId> add(std::string name, StringRef resource,
                            TaskCategory category, ArrayRef<Kernel> kernels,
                            ArrayRef<std::optional<TaskId>> deps) {
    Task task;
    task.name = std::move(name);
    task.stream = schedule.streamFor(resource);
    task.category = category;
    task.kernels.assign(kernels.begin(), kernels.end());
    for (const std::optional<TaskId> &dep : deps)
      if (dep)
        task.deps.push_back(*dep);
    task.layers = layers;
    return schedule.addTask(std::move(task));
  }

  /// The sub-batch's FC and prefill attention on the GPU; the last task.
  std::optional<TaskId> gpuWork(StringRef label, const SubBatch &subBatch,
                                std::optional<TaskId> after) {
    std::optional<TaskId> last;
    SmallVector<Kernel, 3> fc = predictor.fcKernels(subBatch);
    if (!fc.empty())
      last = add((label + " fc").str(), predictor.gpu().name, TaskCategory::FC,
                 fc, {after});
    if (!subBatch.prefillTokens.empty())
      last = add((label + " attention prefill").str(), predictor.gpu().name,
                 TaskCategory::AttentionPrefill,
                 {Kernel(predictor.prefillKernel(subBatch))}, {after});
    return last;
  }

  /// The sub-batch's decode attention (with its transfers' exposed part)
  /// and, on the host link, its Q/K/V and outputs.
  std::optional<TaskId> pimWork(StringRef label, const SubBatch &subBatch,
                                const SubBatchTimes &times,
                                std::optional<TaskId> after) {
    if (subBatch.decodeContexts.empty())
      return std::nullopt;
    std::optional<TaskId> attention =
        add((label + " attention decode").str(), predictor.attentionUnit().name,
            TaskCategory::AttentionDecode,
            {Kernel(predictor.decodeKernel(subBatch))}, {after});
    if (const hw::Link *link = predictor.link()) {
      // The rankset formula already holds the transfers; the evaluator
      // must not price them again.
      schedule.tasks[*attention].fixedSeconds = times.pimSeconds;
      std::optional<TaskId> copy =
          add((label + " qkv and outputs").str(), link->name,
              TaskCategory::Communication, {}, {after});
      Task &task = schedule.tasks[*copy];
      task.transfer = Transfer{
          CollectiveKind::PointToPoint,
          predictor.qkvBytes(subBatch) + predictor.outputBytes(subBatch), 1};
      task.fixedSeconds = times.transferSeconds;
    }
    return attention;
  }

  void prefillKV(StringRef label, const SubBatch &subBatch,
                 std::optional<TaskId> after) {
    const hw::Link *link = predictor.link();
    double bytes = predictor.prefillKVBytes(subBatch);
    if (!link || bytes <= 0)
      return;
    std::optional<TaskId> copy = add((label + " prefill kv").str(), link->name,
                                     TaskCategory::Communication, {}, {after});
    schedule.tasks[*copy].transfer =
        Transfer{CollectiveKind::PointToPoint, bytes, 1};
  }

private:
  const CostModelPredictor &predictor;
  Schedule &schedule;
  uint64_t layers;
};
} // namespace

Expected<Schedule> buildSubBatchSchedule(const CostModelPredictor &predictor,
                                         const SubBatch &first,
                                         const SubBatch &second) {
  Expected<SubBatchTimes> firstTimes = predictor.predict(first);
  if (!firstTimes)
    return firstTimes.takeError();
  Expected<SubBatchTimes> secondTimes = predictor.predict(second);
  if (!secondTimes)
    return secondTimes.takeError();

  Schedule schedule;
  schedule.name = "sub-batch step";
  schedule.decoderLayers = predictor.getShape().layers;
  // Fix the stream order: GPU, attention unit, link.
  schedule.streamFor(predictor.gpu().name);
  schedule.streamFor(predictor.attentionUnit().name);
  if (const hw::Link *link = predictor.link())
    schedule.streamFor(link->name);

  StepBuilder step(predictor, schedule);
  // Phase 1: sb0 on the GPU, sb1's decode attention of the layer before.
  std::optional<TaskId> gpu0 = step.gpuWork("sb0", first, std::nullopt);
  std::optional<TaskId> pim1 =
      step.pimWork("sb1", second, *secondTimes, std::nullopt);
  step.prefillKV("sb0", first, gpu0);
  // Phase 2: sb1 on the GPU (after its attention), sb0's decode attention.
  std::optional<TaskId> gpu1 = step.gpuWork("sb1", second, pim1);
  step.pimWork("sb0", first, *firstTimes, gpu0);
  step.prefillKV("sb1", second, gpu1);
  return schedule;
}

//===----------------------------------------------------------------------===//
// Adaptive formation
//===----------------------------------------------------------------------===//

unsigned defaultDecodeIncrement(const cost::AttentionShape &attention) {
  return attention.heads == attention.kvHeads ? kMhaDecodeIncrement
                                              : kGqaDecodeIncrement;
}

Expected<SubBatchPlan> formSubBatches(const SubBatchPredictor &predictor,
                                      ArrayRef<uint64_t> prefillPrompts,
                                      ArrayRef<uint64_t> decodeContexts,
                                      const FormationOptions &options) {
  if (options.decodeIncrement == 0)
    return createStringError(inconvertibleErrorCode(),
                             "the decode increment must be positive");
  SubBatchPlan plan;
  auto fits = [&](double bytes) {
    return plan.kvBytes + bytes <= options.kvCapacityBytes;
  };
  auto predictInto = [&](unsigned i) -> Error {
    Expected<SubBatchTimes> times = predictor.predict(plan.subBatches[i]);
    if (!times)
      return times.takeError();
    plan.times[i] = *times;
    return Error::success();
  };

  // One prefill per sub-batch, first come first served.
  size_t nextPrefill = 0;
  std::optional<unsigned> lastPrefillIn;
  for (unsigned i = 0; i < 2 && nextPrefill < prefillPrompts.size(); ++i) {
    double bytes = prefillPrompts[nextPrefill] * options.kvBytesPerToken;
    if (!fits(bytes)) {
      plan.kvMemoryFull = true;
      break;
    }
    plan.kvBytes += bytes;
    plan.subBatches[i].prefillTokens.push_back(prefillPrompts[nextPrefill]);
    plan.prefillRequests[i].push_back(nextPrefill++);
    lastPrefillIn = i;
  }
  for (unsigned i = 0; i < 2; ++i)
    if (Error error = predictInto(i))
      return std::move(error);
  // Placing every request: the other prefills, each to the sub-batch with
  // less GPU work.
  while (options.placeEveryRequest && nextPrefill < prefillPrompts.size()) {
    double bytes = prefillPrompts[nextPrefill] * options.kvBytesPerToken;
    if (!fits(bytes)) {
      plan.kvMemoryFull = true;
      break;
    }
    unsigned i = plan.times[1].gpuSeconds < plan.times[0].gpuSeconds ? 1 : 0;
    plan.kvBytes += bytes;
    plan.subBatches[i].prefillTokens.push_back(prefillPrompts[nextPrefill]);
    plan.prefillRequests[i].push_back(nextPrefill++);
    lastPrefillIn = i;
    if (Error error = predictInto(i))
      return std::move(error);
  }

  // Decode requests, an increment at a time, to a sub-batch whose PIM time
  // still fits under its partner's GPU time.
  size_t nextDecode = 0;
  auto addDecodes = [&](unsigned i) -> Expected<bool> {
    bool added = false;
    size_t end =
        std::min(decodeContexts.size(), nextDecode + options.decodeIncrement);
    for (; nextDecode < end; ++nextDecode) {
      double bytes = (decodeContexts[nextDecode] + 1) * options.kvBytesPerToken;
      if (!fits(bytes)) {
        plan.kvMemoryFull = true;
        break;
      }
      plan.kvBytes += bytes;
      plan.subBatches[i].decodeContexts.push_back(decodeContexts[nextDecode]);
      plan.decodeRequests[i].push_back(nextDecode);
      added = true;
    }
    if (Error error = predictInto(i))
      return std::move(error);
    return added;
  };
  while (nextDecode < decodeContexts.size() && !plan.kvMemoryFull) {
    bool progressed = false;
    for (unsigned i = 0; i < 2 && nextDecode < decodeContexts.size(); ++i) {
      if (plan.times[i].pimSeconds > plan.times[1 - i].gpuSeconds)
        continue;
      Expected<bool> added = addDecodes(i);
      if (!added)
        return added.takeError();
      progressed |= *added;
      if (plan.kvMemoryFull)
        break;
    }
    if (progressed || plan.kvMemoryFull)
      continue;
    if (!options.placeEveryRequest)
      break;
    // Both PIM phases already exceed the GPU phases beside them: the PIM
    // bounds the step, so balance the PIM work.
    Expected<bool> added =
        addDecodes(plan.times[1].pimSeconds < plan.times[0].pimSeconds ? 1 : 0);
    if (!added)
      return added.takeError();
    if (!*added)
      break;
  }

  // Memory full and the PIM idles next to the last prefill's GPU work:
  // shorten that prefill to the largest chunk whose GPU time fits.
  if (plan.kvMemoryFull && lastPrefillIn) {
    unsigned j = *lastPrefillIn;
    double target = plan.times[1 - j].pimSeconds;
    if (plan.times[j].gpuSeconds > target) {
      SubBatch trial = plan.subBatches[j];
      uint64_t full = trial.prefillTokens.back();
      uint64_t low = 1, high = full; // Largest t in [1, full] that fits.
      while (low < high) {
        uint64_t mid = low + (high - low + 1) / 2;
        trial.prefillTokens.back() = mid;
        Expected<SubBatchTimes> times = predictor.predict(trial);
        if (!times)
          return times.takeError();
        if (times->gpuSeconds <= target)
          low = mid;
        else
          high = mid - 1;
      }
      plan.subBatches[j].prefillTokens.back() = low;
      plan.chunkedPrefillTokens = low;
      plan.kvBytes -= double(full - low) * options.kvBytesPerToken;
      if (Error error = predictInto(j))
        return std::move(error);
    }
  }
  plan.layerSeconds = interleavedLayerSeconds(plan.times[0], plan.times[1]);
  return plan;
}

} // namespace duplex::sim
