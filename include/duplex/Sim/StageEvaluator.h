//===- StageEvaluator.h - timeline, time and energy of a stage --*- C++ -*-===//
//
// List scheduling of a Schedule's DAG: each stream runs one task at a time in
// stream order; a task starts when its dependencies are done and its stream
// is free. Durations come from the cost model (Pricing.h) and are computed
// as the simulation runs: while units that share a memory are busy together,
// each running task progresses at standalone / shared speed, where the
// shared duration reprices its memory time with the bandwidth share of
// SharedMemory.h (a fluid, processor-sharing simulation that re-rates at
// every start and finish).
//
// Each segment (Schedule.h) is simulated once and counted `layers` times;
// the host processor's calibration adds perStepSeconds once and
// perLayerSeconds per decoder layer after the work, less the share that
// overlaps it (Calibration::overheadOverlap). Energy: the tasks'
// DRAM, compute and link energy, plus every unit's static power over the
// whole stage (host units: one device's share). All results are per device.
//
// The evaluator keeps its buffers between calls: a serving simulator that
// evaluates millions of stages reuses one evaluator and one StageResult and
// allocates nothing once they have grown (the cost model's own workloads
// aside). An evaluator is not thread-safe: use one per thread.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SIM_STAGEEVALUATOR_H
#define DUPLEX_SIM_STAGEEVALUATOR_H

#include "duplex/Hardware/System.h"
#include "duplex/Sim/Pricing.h"
#include "duplex/Sim/Schedule.h"
#include "duplex/Sim/SharedMemory.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <array>
#include <vector>

namespace duplex::sim {

enum class MemorySharing {
  /// Units of one memory never slow each other (the paper's idealisation).
  Independent,
  /// SharedMemory.h's split of the shared data-path stage.
  SplitBandwidth,
};

struct EvaluateOptions {
  MemorySharing memorySharing = MemorySharing::SplitBandwidth;
  /// Add the host processor's per-step and per-layer overheads.
  bool includeOverheads = true;
};

/// When one task ran (its first instance when its segment repeats).
struct TaskTiming {
  double startSeconds = 0; ///< From the start of the stage.
  double endSeconds = 0;
  /// What it would take alone on its memory.
  double standaloneSeconds = 0;
  double dynamicJoules = 0; ///< One instance.
  double dramJoules = 0;    ///< Its DRAM part (the rest is compute or link).
  double flops = 0;         ///< One instance.
  double bytes = 0;         ///< DRAM bytes, or bytes one device sends.

  double seconds() const { return endSeconds - startSeconds; }
};

/// One unit or link over the whole stage.
struct ResourceUsage {
  double busySeconds = 0;
  double dynamicJoules = 0;
  double staticJoules = 0;
};

struct SegmentTiming {
  TaskId begin = 0;
  TaskId end = 0;
  uint64_t layers = 1;
  double startSeconds = 0;
  double secondsPerLayer = 0;
};

struct StageResult {
  std::vector<TaskTiming> tasks;             ///< Indexed like Schedule::tasks.
  llvm::SmallVector<ResourceUsage, 4> units; ///< Indexed like System::units.
  llvm::SmallVector<ResourceUsage, 4> links; ///< Indexed like System::links.
  llvm::SmallVector<SegmentTiming, 4> segments;
  /// Busy seconds per TaskCategory, summed over resources and layers.
  std::array<double, kNumTaskCategories> categorySeconds{};
  /// Dynamic joules per TaskCategory, summed over layers.
  std::array<double, kNumTaskCategories> categoryJoules{};
  /// The DRAM part of categoryJoules.
  std::array<double, kNumTaskCategories> categoryDramJoules{};
  double workSeconds = 0;     ///< Sum of segments x layers.
  double overheadSeconds = 0; ///< Per-step and per-layer calibration.
  double stageSeconds = 0;    ///< workSeconds + overheadSeconds.
  double dynamicJoules = 0;
  double staticJoules = 0;

  double joules() const { return dynamicJoules + staticJoules; }
  double categorySecondsOf(TaskCategory category) const {
    return categorySeconds[unsigned(category)];
  }
};

class StageEvaluator {
public:
  explicit StageEvaluator(const hw::System &system,
                          EvaluateOptions options = {});

  /// Evaluates `schedule` into `result`, reusing its storage. A malformed
  /// schedule (see validate()) is an error naming the task.
  llvm::Error evaluate(const Schedule &schedule, StageResult &result);
  llvm::Expected<StageResult> evaluate(const Schedule &schedule);

  const hw::System &getSystem() const { return system; }
  const SharedMemoryModel &getSharedMemory() const { return sharedMemory; }
  const EvaluateOptions &getOptions() const { return options; }
  /// Memoises kernel prices across evaluate() calls (for this evaluator's
  /// system; the results are the same). Not owned; null: none.
  void setCostCache(cost::CostCache *cache) { costCache = cache; }

private:
  /// Per task, for the running simulation.
  struct TaskState {
    uint32_t firstKernel = 0; ///< Into kernelTimes.
    uint32_t endKernel = 0;
    int32_t memory = -1; ///< Memory index of a unit task, -1 otherwise.
    int32_t unit = -1;   ///< Unit index of a unit task, -1 otherwise.
    bool fixed = false;  ///< Fixed duration: never re-rated.
    double standaloneSeconds = 0;
    double demandBytesPerSecond = 0;
    double remainingSeconds = 0; ///< Standalone seconds of work left.
    double rate = 1;
    uint32_t pendingDeps = 0;
  };

  llvm::Error priceTasks(const Schedule &schedule, StageResult &result);
  llvm::Error simulateSegment(const Schedule &schedule, const Segment &segment,
                              double segmentStart, StageResult &result,
                              double &segmentSeconds);
  void rateRunning();
  double sharedSeconds(const TaskState &state, double share) const;

  const hw::System &system;
  EvaluateOptions options;
  cost::CostCache *costCache = nullptr;
  SharedMemoryModel sharedMemory;

  // Buffers reused across calls.
  llvm::SmallVector<Resource, 4> resources;
  llvm::SmallVector<Segment, 4> segments;
  std::vector<TaskState> states;
  std::vector<KernelTime> kernelTimes;
  llvm::SmallVector<KernelTime, 4> scratchTimes;
  std::vector<uint32_t> successorOffsets;
  std::vector<TaskId> successors;
  std::vector<uint32_t> fillCursor;
  llvm::SmallVector<TaskId, 8> readyBarriers;
  std::vector<uint32_t> streamOffsets;
  std::vector<TaskId> streamTasks;
  llvm::SmallVector<uint32_t, 4> streamCursor;
  llvm::SmallVector<int64_t, 4> running; ///< Task per stream, -1 when idle.
  llvm::SmallVector<double, 2> memoryDemand;
  llvm::SmallVector<uint32_t, 2> memoryBusyUnits;
};

} // namespace duplex::sim

#endif // DUPLEX_SIM_STAGEEVALUATOR_H
