//===- Schedule.cpp - streams, tasks, validation and cycles ---------------===//

#include "duplex/Sim/Schedule.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace duplex::sim {

StringRef toString(TaskCategory category) {
  switch (category) {
  case TaskCategory::FC:
    return "fc";
  case TaskCategory::AttentionPrefill:
    return "attention_prefill";
  case TaskCategory::AttentionDecode:
    return "attention_decode";
  case TaskCategory::MoE:
    return "moe";
  case TaskCategory::Communication:
    return "communication";
  case TaskCategory::Other:
    return "other";
  }
  llvm_unreachable("unknown TaskCategory");
}

std::optional<TaskCategory> parseTaskCategory(StringRef text) {
  return StringSwitch<std::optional<TaskCategory>>(text)
      .Case("fc", TaskCategory::FC)
      .Case("attention_prefill", TaskCategory::AttentionPrefill)
      .Case("attention_decode", TaskCategory::AttentionDecode)
      .Case("moe", TaskCategory::MoE)
      .Case("communication", TaskCategory::Communication)
      .Case("other", TaskCategory::Other)
      .Default(std::nullopt);
}

StringRef toString(CollectiveKind kind) {
  switch (kind) {
  case CollectiveKind::PointToPoint:
    return "point_to_point";
  case CollectiveKind::AllReduce:
    return "all_reduce";
  case CollectiveKind::AllGather:
    return "all_gather";
  case CollectiveKind::AllToAll:
    return "all_to_all";
  }
  llvm_unreachable("unknown CollectiveKind");
}

std::optional<CollectiveKind> parseCollectiveKind(StringRef text) {
  return StringSwitch<std::optional<CollectiveKind>>(text)
      .Case("point_to_point", CollectiveKind::PointToPoint)
      .Case("all_reduce", CollectiveKind::AllReduce)
      .Case("all_gather", CollectiveKind::AllGather)
      .Case("all_to_all", CollectiveKind::AllToAll)
      .Default(std::nullopt);
}

StringRef toString(SliceKind kind) {
  switch (kind) {
  case SliceKind::Whole:
    return "whole";
  case SliceKind::Experts:
    return "experts";
  case SliceKind::Requests:
    return "requests";
  case SliceKind::Heads:
    return "heads";
  }
  llvm_unreachable("unknown SliceKind");
}

std::optional<SliceKind> parseSliceKind(StringRef text) {
  return StringSwitch<std::optional<SliceKind>>(text)
      .Case("whole", SliceKind::Whole)
      .Case("experts", SliceKind::Experts)
      .Case("requests", SliceKind::Requests)
      .Case("heads", SliceKind::Heads)
      .Default(std::nullopt);
}

std::string toString(const Slice &slice) {
  if (slice.kind == SliceKind::Whole)
    return "";
  std::string text = toString(slice.kind).str() + "=";
  ArrayRef<uint32_t> indices = slice.indices;
  for (size_t i = 0; i < indices.size();) {
    size_t end = i + 1;
    while (end < indices.size() && indices[end] == indices[end - 1] + 1)
      ++end;
    if (i > 0)
      text += ",";
    if (end - i >= 3) {
      text +=
          std::to_string(indices[i]) + ".." + std::to_string(indices[end - 1]);
      i = end;
    } else {
      text += std::to_string(indices[i]);
      ++i;
    }
  }
  return text;
}

Expected<Slice> parseSlice(StringRef text) {
  Slice slice;
  if (text.empty())
    return slice;
  auto invalid = [&](const Twine &why) {
    return createStringError(inconvertibleErrorCode(),
                             "slice '" + text + "': " + why);
  };
  auto [kindText, list] = text.split('=');
  std::optional<SliceKind> kind = parseSliceKind(kindText);
  if (!kind || *kind == SliceKind::Whole)
    return invalid("expected experts=, requests= or heads= before the "
                   "indices");
  slice.kind = *kind;
  SmallVector<StringRef, 8> items;
  list.split(items, ',');
  for (StringRef item : items) {
    auto [first, last] = item.split("..");
    uint32_t begin = 0, end = 0;
    if (first.trim().getAsInteger(10, begin))
      return invalid("'" + item + "' is not an index or a range a..b");
    end = begin;
    if (!last.empty() && last.trim().getAsInteger(10, end))
      return invalid("'" + item + "' is not an index or a range a..b");
    if (end < begin)
      return invalid("range '" + item + "' runs backwards");
    for (uint64_t index = begin; index <= end; ++index)
      slice.indices.push_back(index);
  }
  return slice;
}

//===----------------------------------------------------------------------===//
// Schedule
//===----------------------------------------------------------------------===//

std::optional<uint32_t> Schedule::findStream(StringRef resource) const {
  for (auto [index, stream] : enumerate(streams))
    if (stream.resource == resource)
      return uint32_t(index);
  return std::nullopt;
}

uint32_t Schedule::streamFor(StringRef resource) {
  if (std::optional<uint32_t> existing = findStream(resource))
    return *existing;
  streams.push_back(Stream{resource.str()});
  return streams.size() - 1;
}

TaskId Schedule::addTask(Task task) {
  tasks.push_back(std::move(task));
  return tasks.size() - 1;
}

void Schedule::clear() {
  name.clear();
  streams.clear();
  tasks.clear();
  decoderLayers = 0;
}

void computeSegments(const Schedule &schedule,
                     SmallVectorImpl<Segment> &segments) {
  segments.clear();
  for (auto [index, task] : enumerate(schedule.tasks)) {
    if (segments.empty() || segments.back().layers != task.layers)
      segments.push_back({TaskId(index), TaskId(index), task.layers});
    segments.back().end = index + 1;
  }
}

//===----------------------------------------------------------------------===//
// Resources
//===----------------------------------------------------------------------===//

static std::string describeResources(const hw::System &system) {
  std::string units, links;
  for (const hw::Unit &unit : system.units)
    units += (units.empty() ? "" : ", ") + unit.name;
  for (const hw::Link &link : system.links)
    links += (links.empty() ? "" : ", ") + link.name;
  return "units: " + (units.empty() ? "none" : units) +
         "; links: " + (links.empty() ? "none" : links);
}

Expected<Resource> resolveResource(const hw::System &system, StringRef name) {
  for (auto [index, unit] : enumerate(system.units))
    if (unit.name == name)
      return Resource{Resource::Kind::Unit, unsigned(index)};
  for (auto [index, link] : enumerate(system.links))
    if (link.name == name)
      return Resource{Resource::Kind::Link, unsigned(index)};
  return createStringError(inconvertibleErrorCode(),
                           "system '%s' has no unit or link '%s' (%s)",
                           system.name.c_str(), name.str().c_str(),
                           describeResources(system).c_str());
}

StringRef resourceKindName(const hw::System &system, const Resource &resource) {
  if (resource.kind == Resource::Kind::Unit)
    return hw::toString(system.units[resource.index].kind);
  return hw::toString(system.links[resource.index].kind);
}

static Error taskError(const Task &task, const Twine &message) {
  return createStringError(inconvertibleErrorCode(),
                           "task '" + task.name + "' " + message);
}

Expected<SmallVector<Resource, 4>> bindStreams(const hw::System &system,
                                               const Schedule &schedule) {
  SmallVector<Resource, 4> resources;
  for (auto [index, stream] : enumerate(schedule.streams)) {
    for (size_t other = 0; other < index; ++other)
      if (schedule.streams[other].resource == stream.resource)
        return createStringError(
            inconvertibleErrorCode(),
            "schedule '%s' has two streams on '%s'; a resource runs one "
            "stream",
            schedule.name.c_str(), stream.resource.c_str());
    Expected<Resource> resource = resolveResource(system, stream.resource);
    if (!resource) {
      // Name the first task that would run there: that is what a user wrote.
      auto task = find_if(schedule.tasks,
                          [&](const Task &t) { return t.stream == index; });
      if (task == schedule.tasks.end())
        return resource.takeError();
      consumeError(resource.takeError());
      return taskError(*task, formatv("runs on '{0}', which system '{1}' "
                                      "lacks ({2})",
                                      stream.resource, system.name,
                                      describeResources(system)));
    }
    resources.push_back(*resource);
  }
  return resources;
}

//===----------------------------------------------------------------------===//
// Validation
//===----------------------------------------------------------------------===//

static Error checkTask(const Schedule &schedule, const Task &task,
                       ArrayRef<Resource> resources) {
  if (task.stream == kNoStream) {
    if (!task.isBarrier())
      return taskError(task, "has work but no stream to run it on");
    if (task.layers == 0)
      return taskError(task, "repeats 0 layers; at least 1 is needed");
    return Error::success();
  }
  if (task.stream >= schedule.streams.size())
    return taskError(task, formatv("names stream #{0}, but the schedule has "
                                   "{1}",
                                   task.stream, schedule.streams.size()));
  if (task.layers == 0)
    return taskError(task, "repeats 0 layers; at least 1 is needed");
  if (task.fixedSeconds &&
      (!std::isfinite(*task.fixedSeconds) || *task.fixedSeconds < 0))
    return taskError(task, formatv("has a fixed duration of {0} s; it must "
                                   "be finite and not negative",
                                   *task.fixedSeconds));
  const Stream &stream = schedule.streams[task.stream];
  bool onLink = resources[task.stream].kind == Resource::Kind::Link;
  if (onLink && !task.kernels.empty())
    return taskError(task, "has kernels but runs on link '" + stream.resource +
                               "'; kernels run on units");
  if (!onLink && task.transfer)
    return taskError(task, "has a transfer but runs on unit '" +
                               stream.resource + "'; transfers run on links");
  if (task.transfer &&
      (!std::isfinite(task.transfer->bytes) || task.transfer->bytes < 0))
    return taskError(task, formatv("moves {0} bytes; it must be finite and "
                                   "not negative",
                                   task.transfer->bytes));
  if (task.transfer && task.transfer->devices == 0)
    return taskError(task, "spans 0 devices");
  return Error::success();
}

namespace {
/// Which task must finish before `task` may start, and why.
struct Wait {
  TaskId before;
  bool streamOrder; ///< Stream order rather than a dependency.
};
} // namespace

/// Kahn's algorithm on one segment; on failure, walks back from a task that
/// never became ready to a cycle and names it.
static Error checkAcyclic(const Schedule &schedule, const Segment &segment) {
  size_t count = segment.end - segment.begin;
  std::vector<SmallVector<Wait, 4>> waits(count);
  std::vector<SmallVector<TaskId, 4>> successors(count);
  SmallVector<int64_t, 8> lastOnStream(schedule.streams.size(), -1);
  for (TaskId id = segment.begin; id < segment.end; ++id) {
    const Task &task = schedule.tasks[id];
    for (TaskId dep : task.deps)
      if (dep >= segment.begin) {
        waits[id - segment.begin].push_back({dep, false});
        successors[dep - segment.begin].push_back(id);
      }
    if (task.stream == kNoStream)
      continue;
    int64_t &last = lastOnStream[task.stream];
    if (last >= 0) {
      waits[id - segment.begin].push_back({TaskId(last), true});
      successors[last - segment.begin].push_back(id);
    }
    last = id;
  }
  std::vector<unsigned> pending(count);
  SmallVector<TaskId, 16> ready;
  for (size_t i = 0; i < count; ++i) {
    pending[i] = waits[i].size();
    if (pending[i] == 0)
      ready.push_back(segment.begin + i);
  }
  size_t done = 0;
  while (!ready.empty()) {
    TaskId id = ready.pop_back_val();
    ++done;
    for (TaskId next : successors[id - segment.begin])
      if (--pending[next - segment.begin] == 0)
        ready.push_back(next);
  }
  if (done == count)
    return Error::success();

  // Every task left has a predecessor left: follow them until one repeats.
  TaskId start = segment.begin;
  while (pending[start - segment.begin] == 0)
    ++start;
  SmallVector<TaskId, 8> path;
  SmallVector<bool, 8> viaStream;
  DenseSet<TaskId> seen;
  TaskId current = start;
  while (seen.insert(current).second) {
    path.push_back(current);
    for (const Wait &wait : waits[current - segment.begin])
      if (pending[wait.before - segment.begin] != 0) {
        viaStream.push_back(wait.streamOrder);
        current = wait.before;
        break;
      }
  }
  // path[i] waits for path[i + 1]; the cycle starts where `current` is.
  size_t first = find(path, current) - path.begin();
  std::string text;
  // Printed in the order the tasks would run: path[i] runs before
  // path[i - 1], and path[first] before path.back().
  for (size_t i = path.size(); i-- > first;) {
    const Task &task = schedule.tasks[path[i]];
    bool stream = i > first ? viaStream[i - 1] : viaStream.back();
    text += "'" + task.name + "'";
    text += stream ? " -(stream '" + schedule.streams[task.stream].resource +
                         "' order)-> "
                   : " -> ";
  }
  text += "'" + schedule.tasks[path.back()].name + "'";
  const Task &culprit = schedule.tasks[path.back()];
  return taskError(culprit, "is on a dependency cycle: " + text);
}

Error validate(const hw::System &system, const Schedule &schedule) {
  Expected<SmallVector<Resource, 4>> resources = bindStreams(system, schedule);
  if (!resources)
    return resources.takeError();
  SmallVector<Segment, 4> segments;
  computeSegments(schedule, segments);
  for (const Segment &segment : segments) {
    for (TaskId id = segment.begin; id < segment.end; ++id) {
      const Task &task = schedule.tasks[id];
      if (Error error = checkTask(schedule, task, *resources))
        return error;
      for (TaskId dep : task.deps) {
        if (dep >= schedule.tasks.size())
          return taskError(task,
                           formatv("depends on task #{0}, but the schedule "
                                   "has {1}",
                                   dep, schedule.tasks.size()));
        if (dep == id)
          return taskError(task, "depends on itself");
        if (dep >= segment.end)
          return taskError(
              task, formatv("depends on '{0}', which repeats {1} layers "
                            "after this task's {2}-layer group; a task may "
                            "only wait for its own or an earlier group",
                            schedule.tasks[dep].name,
                            schedule.tasks[dep].layers, task.layers));
      }
    }
    if (Error error = checkAcyclic(schedule, segment))
      return error;
  }
  return Error::success();
}

} // namespace duplex::sim
