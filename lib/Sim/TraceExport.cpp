//===- TraceExport.cpp - Chrome trace and schedule JSON of a stage --------===//

#include "duplex/Sim/TraceExport.h"

#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace duplex::sim {

static constexpr double kMicrosecondsPerSecond = 1e6;
/// Chrome trace process id of the stage; tids are stream index + 1.
static constexpr int64_t kPid = 1;

/// Resource of each stream, or none when the system lacks it (the
/// evaluator would have refused such a schedule).
static SmallVector<std::optional<Resource>, 4>
streamResources(const hw::System &system, const Schedule &schedule) {
  SmallVector<std::optional<Resource>, 4> resources;
  for (const Stream &stream : schedule.streams) {
    Expected<Resource> resource = resolveResource(system, stream.resource);
    if (resource)
      resources.push_back(*resource);
    else {
      consumeError(resource.takeError());
      resources.push_back(std::nullopt);
    }
  }
  return resources;
}

json::Value chromeTraceJSON(const hw::System &system, const Schedule &schedule,
                            const StageResult &result) {
  SmallVector<std::optional<Resource>, 4> resources =
      streamResources(system, schedule);
  json::Array events;
  events.push_back(json::Object{
      {"name", "process_name"},
      {"ph", "M"},
      {"pid", kPid},
      {"tid", 0},
      {"args", json::Object{{"name", schedule.name + " on " + system.name}}}});
  for (size_t s = 0; s < schedule.streams.size(); ++s) {
    int64_t tid = s + 1;
    events.push_back(json::Object{
        {"name", "thread_name"},
        {"ph", "M"},
        {"pid", kPid},
        {"tid", tid},
        // The resource's own name, as the schedule JSON's "stream" and
        // "resource" print it; the kind goes in the args.
        {"args", json::Object{{"name", schedule.streams[s].resource}}}});
    events.push_back(json::Object{{"name", "thread_sort_index"},
                                  {"ph", "M"},
                                  {"pid", kPid},
                                  {"tid", tid},
                                  {"args", json::Object{{"sort_index", tid}}}});
  }

  for (auto [id, task] : enumerate(schedule.tasks)) {
    const TaskTiming &timing = result.tasks[id];
    if (task.stream == kNoStream) {
      // A join of several streams: an instant across the process.
      events.push_back(
          json::Object{{"name", task.name},
                       {"cat", "sync"},
                       {"ph", "i"},
                       {"s", "p"},
                       {"ts", timing.startSeconds * kMicrosecondsPerSecond},
                       {"pid", kPid},
                       {"tid", 0}});
      continue;
    }
    json::Object args{
        {"category", toString(task.category)},
        {"unit", schedule.streams[task.stream].resource},
        {"flops", timing.flops},
        {"bytes", timing.bytes},
        {"joules", timing.dynamicJoules},
        {"layers", int64_t(task.layers)},
        {"standalone_us", timing.standaloneSeconds * kMicrosecondsPerSecond}};
    if (task.slice.kind != SliceKind::Whole)
      args["slice"] = toString(task.slice);
    events.push_back(
        json::Object{{"name", task.name},
                     {"cat", toString(task.category)},
                     {"ph", "X"},
                     {"ts", timing.startSeconds * kMicrosecondsPerSecond},
                     {"dur", timing.seconds() * kMicrosecondsPerSecond},
                     {"pid", kPid},
                     {"tid", int64_t(task.stream + 1)},
                     {"args", std::move(args)}});
  }

  // Layers 2..N of each multi-layer segment repeat layer 1's timing: every
  // task of layer 1 again, shifted by a layer's time per repeat, so each
  // track shows the intervals its resource is really busy (an idle unit
  // stays idle) and a layer's share of the repeat is visible.
  for (const SegmentTiming &segment : result.segments) {
    for (uint64_t layer = 1; layer < segment.layers; ++layer) {
      double shift = segment.secondsPerLayer * double(layer);
      for (TaskId id = segment.begin; id < segment.end; ++id) {
        const Task &task = schedule.tasks[id];
        const TaskTiming &timing = result.tasks[id];
        if (task.stream == kNoStream || timing.seconds() <= 0)
          continue;
        events.push_back(json::Object{
            {"name", task.name},
            {"cat", "repeat"},
            {"ph", "X"},
            {"ts", (timing.startSeconds + shift) * kMicrosecondsPerSecond},
            {"dur", timing.seconds() * kMicrosecondsPerSecond},
            {"pid", kPid},
            {"tid", int64_t(task.stream + 1)},
            {"args", json::Object{{"layer", int64_t(layer + 1)},
                                  {"as_task", int64_t(id)},
                                  {"category", toString(task.category)}}}});
      }
    }
  }

  if (result.overheadSeconds > 0) {
    const hw::Unit *host = system.hostProcessor();
    std::optional<uint32_t> stream =
        host ? schedule.findStream(host->name) : std::nullopt;
    if (stream)
      events.push_back(json::Object{
          {"name", "step and layer overhead"},
          {"cat", "overhead"},
          {"ph", "X"},
          {"ts", result.workSeconds * kMicrosecondsPerSecond},
          {"dur", result.overheadSeconds * kMicrosecondsPerSecond},
          {"pid", kPid},
          {"tid", int64_t(*stream + 1)},
          {"args",
           json::Object{{"decoder_layers", int64_t(schedule.decoderLayers)}}}});
  }
  return json::Object{
      {"traceEvents", std::move(events)},
      {"displayTimeUnit", "ns"},
      {"otherData", json::Object{{"schedule", schedule.name},
                                 {"system", system.name},
                                 {"stage_seconds", result.stageSeconds}}}};
}

void writeChromeTrace(raw_ostream &os, const hw::System &system,
                      const Schedule &schedule, const StageResult &result) {
  os << formatv("{0:2}", chromeTraceJSON(system, schedule, result)) << "\n";
}

json::Value scheduleJSON(const hw::System &system, const Schedule &schedule,
                         const StageResult &result) {
  SmallVector<std::optional<Resource>, 4> resources =
      streamResources(system, schedule);
  json::Array streams;
  for (auto [s, stream] : enumerate(schedule.streams)) {
    json::Object object{{"resource", stream.resource}};
    if (const std::optional<Resource> &resource = resources[s]) {
      object["kind"] = resourceKindName(system, *resource);
      const ResourceUsage &usage = resource->kind == Resource::Kind::Unit
                                       ? result.units[resource->index]
                                       : result.links[resource->index];
      object["busy_seconds"] = usage.busySeconds;
      object["dynamic_joules"] = usage.dynamicJoules;
    }
    streams.push_back(std::move(object));
  }

  json::Array tasks;
  for (auto [id, task] : enumerate(schedule.tasks)) {
    const TaskTiming &timing = result.tasks[id];
    json::Array deps;
    for (TaskId dep : task.deps)
      deps.push_back(int64_t(dep));
    json::Value stream = nullptr;
    if (task.stream != kNoStream)
      stream = schedule.streams[task.stream].resource;
    json::Object object{{"id", int64_t(id)},
                        {"name", task.name},
                        {"stream", std::move(stream)},
                        {"category", toString(task.category)},
                        {"layers", int64_t(task.layers)},
                        {"deps", std::move(deps)},
                        {"start_seconds", timing.startSeconds},
                        {"end_seconds", timing.endSeconds},
                        {"seconds", timing.seconds()},
                        {"standalone_seconds", timing.standaloneSeconds},
                        {"flops", timing.flops},
                        {"bytes", timing.bytes},
                        {"joules", timing.dynamicJoules},
                        {"kernels", int64_t(task.kernels.size())}};
    if (task.slice.kind != SliceKind::Whole)
      object["slice"] = toString(task.slice);
    if (task.transfer)
      object["transfer"] =
          json::Object{{"kind", toString(task.transfer->kind)},
                       {"bytes", task.transfer->bytes},
                       {"devices", int64_t(task.transfer->devices)}};
    if (task.fixedSeconds)
      object["fixed_seconds"] = *task.fixedSeconds;
    tasks.push_back(std::move(object));
  }

  json::Array segments;
  for (const SegmentTiming &segment : result.segments)
    segments.push_back(
        json::Object{{"first_task", int64_t(segment.begin)},
                     {"end_task", int64_t(segment.end)},
                     {"layers", int64_t(segment.layers)},
                     {"start_seconds", segment.startSeconds},
                     {"seconds_per_layer", segment.secondsPerLayer}});

  json::Object categories;
  for (unsigned c = 0; c < kNumTaskCategories; ++c)
    categories[toString(TaskCategory(c))] =
        json::Object{{"busy_seconds", result.categorySeconds[c]},
                     {"joules", result.categoryJoules[c]}};

  return json::Object{{"schedule", schedule.name},
                      {"system", system.name},
                      {"decoder_layers", int64_t(schedule.decoderLayers)},
                      {"stage_seconds", result.stageSeconds},
                      {"work_seconds", result.workSeconds},
                      {"overhead_seconds", result.overheadSeconds},
                      {"joules", result.joules()},
                      {"dynamic_joules", result.dynamicJoules},
                      {"static_joules", result.staticJoules},
                      {"streams", std::move(streams)},
                      {"segments", std::move(segments)},
                      {"categories", std::move(categories)},
                      {"tasks", std::move(tasks)}};
}

void writeScheduleJSON(raw_ostream &os, const hw::System &system,
                       const Schedule &schedule, const StageResult &result) {
  os << formatv("{0:2}", scheduleJSON(system, schedule, result)) << "\n";
}

} // namespace duplex::sim
