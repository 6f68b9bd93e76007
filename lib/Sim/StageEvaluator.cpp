//===- StageEvaluator.cpp - list scheduling with shared bandwidth ---------===//

#include "duplex/Sim/StageEvaluator.h"

#include "duplex/CostModel/Energy.h"

#include <algorithm>
#include <limits>

using namespace llvm;

namespace duplex::sim {

/// A task whose remaining work is below this fraction of its standalone
/// time finishes with the one that set the step (rounding of rate x dt).
static constexpr double kFinishTolerance = 1e-12;

StageEvaluator::StageEvaluator(const hw::System &system,
                               EvaluateOptions options)
    : system(system), options(options),
      sharedMemory(buildSharedMemoryModel(system)) {}

Expected<StageResult> StageEvaluator::evaluate(const Schedule &schedule) {
  StageResult result;
  if (Error error = evaluate(schedule, result))
    return std::move(error);
  return result;
}

/// validate() finds and names what is wrong; used once a cheap check fails.
static Error malformed(const hw::System &system, const Schedule &schedule) {
  if (Error error = validate(system, schedule))
    return error;
  return createStringError(inconvertibleErrorCode(),
                           "schedule '%s' cannot be evaluated",
                           schedule.name.c_str());
}

Error StageEvaluator::priceTasks(const Schedule &schedule,
                                 StageResult &result) {
  states.assign(schedule.tasks.size(), TaskState());
  kernelTimes.clear();
  for (auto [id, task] : enumerate(schedule.tasks)) {
    TaskState &state = states[id];
    TaskTiming &timing = result.tasks[id];
    state.firstKernel = state.endKernel = kernelTimes.size();
    if (task.stream == kNoStream)
      continue; // A barrier on no stream: no work, no resource.
    const Resource &resource = resources[task.stream];
    if (resource.kind == Resource::Kind::Link) {
      if (!task.kernels.empty())
        return malformed(system, schedule);
      if (task.transfer) {
        cost::Cost cost =
            priceTransfer(system.links[resource.index], *task.transfer);
        state.standaloneSeconds = cost.seconds;
        timing.dynamicJoules = cost.joules;
        timing.bytes = cost.bytes;
      }
    } else {
      if (task.transfer)
        return malformed(system, schedule);
      const hw::Unit &unit = system.units[resource.index];
      scratchTimes.clear();
      if (Error error =
              priceKernels(system, unit, task.kernels, scratchTimes, costCache))
        return createStringError(inconvertibleErrorCode(),
                                 "task '%s' on '%s': %s", task.name.c_str(),
                                 unit.name.c_str(),
                                 toString(std::move(error)).c_str());
      double busySeconds = 0; // Without launch overheads: no bytes flow.
      for (const KernelTime &time : scratchTimes) {
        kernelTimes.push_back(time);
        state.standaloneSeconds += time.seconds();
        busySeconds += time.seconds() - time.overheadSeconds;
        timing.dynamicJoules += time.dynamicJoules;
        timing.dramJoules += time.dramJoules;
        timing.flops += time.flops;
        timing.bytes += time.bytes;
      }
      state.endKernel = kernelTimes.size();
      state.unit = resource.index;
      state.memory = unit.memoryIndex;
      if (busySeconds > 0)
        state.demandBytesPerSecond = timing.bytes / busySeconds;
    }
    if (task.fixedSeconds) {
      state.standaloneSeconds = *task.fixedSeconds;
      state.fixed = true;
    }
    timing.standaloneSeconds = state.standaloneSeconds;
  }
  return Error::success();
}

double StageEvaluator::sharedSeconds(const TaskState &state,
                                     double share) const {
  double seconds = 0;
  for (uint32_t k = state.firstKernel; k < state.endKernel; ++k)
    seconds += kernelTimes[k].secondsWithBandwidthShare(share);
  return seconds;
}

void StageEvaluator::rateRunning() {
  unsigned active = 0;
  for (int64_t id : running)
    if (id >= 0) {
      states[id].rate = 1;
      ++active;
    }
  // A task running alone shares its memory with nobody.
  if (options.memorySharing == MemorySharing::Independent || active < 2)
    return;
  memoryDemand.assign(system.memories.size(), 0);
  memoryBusyUnits.assign(system.memories.size(), 0);
  for (int64_t id : running) {
    if (id < 0 || states[id].memory < 0 || states[id].fixed)
      continue;
    memoryDemand[states[id].memory] += states[id].demandBytesPerSecond;
    ++memoryBusyUnits[states[id].memory]; // One task per stream and unit.
  }
  for (int64_t id : running) {
    if (id < 0)
      continue;
    TaskState &state = states[id];
    if (state.memory < 0 || state.fixed || memoryBusyUnits[state.memory] < 2 ||
        state.standaloneSeconds <= 0)
      continue;
    double share =
        bandwidthShare(sharedMemory.sharedBytesPerSecond[state.memory],
                       memoryDemand[state.memory],
                       sharedMemory.unitCapBytesPerSecond[state.unit],
                       state.demandBytesPerSecond);
    if (share < 1)
      state.rate = state.standaloneSeconds / sharedSeconds(state, share);
  }
}

Error StageEvaluator::simulateSegment(const Schedule &schedule,
                                      const Segment &segment,
                                      double segmentStart, StageResult &result,
                                      double &segmentSeconds) {
  size_t count = segment.end - segment.begin;
  size_t streamCount = schedule.streams.size();

  // Successors inside the segment (CSR) and pending dependency counts.
  successorOffsets.assign(count + 1, 0);
  for (TaskId id = segment.begin; id < segment.end; ++id) {
    states[id].pendingDeps = 0;
    for (TaskId dep : schedule.tasks[id].deps)
      if (dep >= segment.begin) {
        ++successorOffsets[dep - segment.begin + 1];
        ++states[id].pendingDeps;
      }
  }
  for (size_t i = 0; i < count; ++i)
    successorOffsets[i + 1] += successorOffsets[i];
  successors.resize(successorOffsets[count]);
  fillCursor.assign(count, 0);
  for (TaskId id = segment.begin; id < segment.end; ++id)
    for (TaskId dep : schedule.tasks[id].deps)
      if (dep >= segment.begin) {
        uint32_t local = dep - segment.begin;
        successors[successorOffsets[local] + fillCursor[local]++] = id;
      }

  // Each stream's tasks in stream order (CSR).
  streamOffsets.assign(streamCount + 1, 0);
  for (TaskId id = segment.begin; id < segment.end; ++id)
    if (schedule.tasks[id].stream != kNoStream)
      ++streamOffsets[schedule.tasks[id].stream + 1];
  for (size_t s = 0; s < streamCount; ++s)
    streamOffsets[s + 1] += streamOffsets[s];
  streamTasks.resize(streamOffsets[streamCount]);
  streamCursor.assign(streamCount, 0);
  for (TaskId id = segment.begin; id < segment.end; ++id) {
    uint32_t stream = schedule.tasks[id].stream;
    if (stream != kNoStream)
      streamTasks[streamOffsets[stream] + streamCursor[stream]++] = id;
  }
  streamCursor.assign(streamCount, 0);
  running.assign(streamCount, -1);

  double now = 0;
  size_t finished = 0;
  // Finishes `id` now and releases its successors; a stream-less barrier
  // whose last dependency this was finishes at once, and so on.
  auto finish = [&](TaskId id) {
    readyBarriers.clear();
    readyBarriers.push_back(id);
    while (!readyBarriers.empty()) {
      TaskId done = readyBarriers.pop_back_val();
      result.tasks[done].endSeconds = segmentStart + now;
      ++finished;
      uint32_t local = done - segment.begin;
      for (uint32_t i = successorOffsets[local];
           i < successorOffsets[local + 1]; ++i) {
        TaskId next = successors[i];
        if (--states[next].pendingDeps == 0 &&
            schedule.tasks[next].stream == kNoStream) {
          result.tasks[next].startSeconds = segmentStart + now;
          readyBarriers.push_back(next);
        }
      }
    }
  };
  for (TaskId id = segment.begin; id < segment.end; ++id)
    if (schedule.tasks[id].stream == kNoStream && states[id].pendingDeps == 0) {
      result.tasks[id].startSeconds = segmentStart;
      finish(id);
    }

  while (finished < count) {
    bool anyRunning = false;
    for (size_t s = 0; s < streamCount; ++s) {
      if (running[s] < 0 &&
          streamCursor[s] < streamOffsets[s + 1] - streamOffsets[s]) {
        TaskId head = streamTasks[streamOffsets[s] + streamCursor[s]];
        if (states[head].pendingDeps == 0) {
          running[s] = head;
          ++streamCursor[s];
          states[head].remainingSeconds = states[head].standaloneSeconds;
          result.tasks[head].startSeconds = segmentStart + now;
        }
      }
      anyRunning |= running[s] >= 0;
    }
    if (!anyRunning)
      return malformed(system, schedule); // Deadlock: a cycle.

    rateRunning();
    double step = std::numeric_limits<double>::infinity();
    int64_t first = -1;
    for (int64_t id : running)
      if (id >= 0) {
        double left = states[id].remainingSeconds / states[id].rate;
        if (left < step) {
          step = left;
          first = id;
        }
      }
    now += step;
    for (size_t s = 0; s < streamCount; ++s) {
      int64_t id = running[s];
      if (id < 0)
        continue;
      TaskState &state = states[id];
      state.remainingSeconds -= state.rate * step;
      if (id != first &&
          state.remainingSeconds > kFinishTolerance * state.standaloneSeconds)
        continue;
      running[s] = -1;
      finish(id);
    }
  }
  segmentSeconds = now;
  return Error::success();
}

Error StageEvaluator::evaluate(const Schedule &schedule, StageResult &result) {
  Expected<SmallVector<Resource, 4>> bound = bindStreams(system, schedule);
  if (!bound)
    return bound.takeError();
  resources = std::move(*bound);
  computeSegments(schedule, segments);

  // Cheap structural checks; validate() explains any failure.
  size_t segmentIndex = 0;
  for (auto [id, task] : enumerate(schedule.tasks)) {
    while (id >= segments[segmentIndex].end)
      ++segmentIndex;
    bool streamless = task.stream == kNoStream;
    if ((streamless && !task.isBarrier()) ||
        (!streamless && task.stream >= schedule.streams.size()) ||
        task.layers == 0 || (task.fixedSeconds && !(*task.fixedSeconds >= 0)))
      return malformed(system, schedule);
    for (TaskId dep : task.deps)
      if (dep == id || dep >= segments[segmentIndex].end)
        return malformed(system, schedule);
  }

  result.tasks.assign(schedule.tasks.size(), TaskTiming());
  result.units.assign(system.units.size(), ResourceUsage());
  result.links.assign(system.links.size(), ResourceUsage());
  result.segments.clear();
  result.categorySeconds.fill(0);
  result.categoryJoules.fill(0);
  result.categoryDramJoules.fill(0);
  result.workSeconds = result.overheadSeconds = result.stageSeconds = 0;
  result.dynamicJoules = result.staticJoules = 0;
  if (Error error = priceTasks(schedule, result))
    return error;

  for (const Segment &segment : segments) {
    double seconds = 0;
    if (Error error = simulateSegment(schedule, segment, result.workSeconds,
                                      result, seconds))
      return error;
    result.segments.push_back({segment.begin, segment.end, segment.layers,
                               result.workSeconds, seconds});
    result.workSeconds += seconds * segment.layers;
  }

  for (auto [id, task] : enumerate(schedule.tasks)) {
    if (task.stream == kNoStream)
      continue;
    const TaskTiming &timing = result.tasks[id];
    const Resource &resource = resources[task.stream];
    ResourceUsage &usage = resource.kind == Resource::Kind::Unit
                               ? result.units[resource.index]
                               : result.links[resource.index];
    double layers = task.layers;
    usage.busySeconds += timing.seconds() * layers;
    usage.dynamicJoules += timing.dynamicJoules * layers;
    result.categorySeconds[unsigned(task.category)] +=
        timing.seconds() * layers;
    result.categoryJoules[unsigned(task.category)] +=
        timing.dynamicJoules * layers;
    result.categoryDramJoules[unsigned(task.category)] +=
        timing.dramJoules * layers;
    result.dynamicJoules += timing.dynamicJoules * layers;
  }

  const hw::Unit *host = system.hostProcessor();
  if (options.includeOverheads && host) {
    const hw::Calibration &fit = host->calibration;
    double overhead =
        fit.perStepSeconds + fit.perLayerSeconds * schedule.decoderLayers;
    // The part that runs alongside the kernels hides behind them.
    result.overheadSeconds =
        overhead - fit.overheadOverlap * std::min(overhead, result.workSeconds);
  }
  result.stageSeconds = result.workSeconds + result.overheadSeconds;

  for (auto [index, unit] : enumerate(system.units)) {
    // A host unit idles for all devices of its node at once.
    double joules = cost::staticJoules(unit, result.stageSeconds) /
                    system.devicesSharing(unit);
    result.units[index].staticJoules = joules;
    result.staticJoules += joules;
  }
  return Error::success();
}

} // namespace duplex::sim
