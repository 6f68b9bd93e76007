//===- Timeline.cpp - a whole serving run as a Perfetto trace -------------===//

#include "duplex/Serving/Timeline.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

using namespace llvm;

namespace duplex::serving {

namespace {
constexpr double kMicroseconds = 1e6;
/// Track ids inside a replica's process: the stages, then each resource.
constexpr int64_t kStagesTid = 1;
constexpr int64_t kFirstResourceTid = 2;

class TimelineWriter {
public:
  TimelineWriter(const TimelineInput &input, raw_ostream &os)
      : input(input), json(os) {}

  void write() {
    json.object([&] {
      json.attributeArray("traceEvents", [&] {
        for (size_t r = 0; r < input.replicas.size(); ++r)
          writeReplica(r, input.replicas[r]);
      });
      json.attribute("displayTimeUnit", "ms");
      json.attributeObject("otherData", [&] {
        json.attribute("title", input.title);
        json.attribute("kv_capacity_tokens", input.kvCapacityTokens);
        json.attribute("replicas", int64_t(input.replicas.size()));
        json.attribute("window_start_s", input.windowStart);
        if (std::isfinite(input.windowEnd))
          json.attribute("window_end_s", input.windowEnd);
      });
    });
  }

private:
  bool inWindow(double start, double end) const {
    return end >= input.windowStart && start <= input.windowEnd;
  }

  /// A time in microseconds to the nanosecond: what a trace viewer
  /// resolves, in a third of %.17g's characters.
  void time(StringRef key, double seconds) {
    json.attributeBegin(key);
    json.rawValue(fmt::format("{:.3f}", seconds * kMicroseconds));
    json.attributeEnd();
  }

  void metadata(int64_t pid, int64_t tid, StringRef what, StringRef name) {
    json.object([&] {
      json.attribute("name", what);
      json.attribute("ph", "M");
      json.attribute("pid", pid);
      json.attribute("tid", tid);
      json.attributeObject("args", [&] { json.attribute("name", name); });
    });
  }

  void sortIndex(int64_t pid, int64_t tid) {
    json.object([&] {
      json.attribute("name", "thread_sort_index");
      json.attribute("ph", "M");
      json.attribute("pid", pid);
      json.attribute("tid", tid);
      json.attributeObject("args", [&] { json.attribute("sort_index", tid); });
    });
  }

  /// A complete ("X") event from `start` lasting `seconds`; `args` writes
  /// its arguments.
  void slice(StringRef name, StringRef category, int64_t pid, int64_t tid,
             double start, double seconds, function_ref<void()> args) {
    json.object([&] {
      json.attribute("name", name);
      json.attribute("cat", category);
      json.attribute("ph", "X");
      json.attribute("pid", pid);
      json.attribute("tid", tid);
      time("ts", start);
      time("dur", seconds);
      json.attributeObject("args", args);
    });
  }

  void counter(int64_t pid, StringRef name, StringRef key, double seconds,
               uint64_t value) {
    json.object([&] {
      json.attribute("name", name);
      json.attribute("ph", "C");
      json.attribute("pid", pid);
      time("ts", seconds);
      json.attributeObject("args", [&] { json.attribute(key, value); });
    });
  }

  void writeReplica(size_t replica, const ServingResult &result) {
    int64_t pid = replica + 1;
    metadata(pid, 0, "process_name", formatv("replica {0}", replica).str());
    metadata(pid, kStagesTid, "thread_name", "stages");
    sortIndex(pid, kStagesTid);
    for (size_t i = 0; i < input.resources.size(); ++i) {
      metadata(pid, kFirstResourceTid + i, "thread_name", input.resources[i]);
      sortIndex(pid, kFirstResourceTid + i);
    }
    writeStages(pid, result);
    writeRequests(pid, result);
  }

  void writeStages(int64_t pid, const ServingResult &result) {
    // Counters are written when they change: a run of equal decode stages
    // adds no counter events.
    std::optional<uint64_t> batch, kv, queue;
    auto changed = [](std::optional<uint64_t> &last, uint64_t value) {
      bool differs = !last || *last != value;
      last = value;
      return differs;
    };
    for (const StageRecord &stage : result.stageRecords) {
      if (!inWindow(stage.startSeconds, stage.startSeconds + stage.seconds))
        continue;
      StringRef kind = toString(stage.kind);
      slice(kind, "stage", pid, kStagesTid, stage.startSeconds, stage.seconds,
            [&] {
              json.attribute("batch", uint64_t(stage.prefills + stage.decodes));
              json.attribute("prefill_tokens", stage.prefillTokens);
              json.attribute("decodes", uint64_t(stage.decodes));
            });
      for (size_t i = 0; i < stage.busySeconds.size(); ++i) {
        // A resource is busy for at most the stage (its overheads add to
        // the stage, not to the resource).
        double busy = std::min(stage.busySeconds[i], stage.seconds);
        if (busy <= 0)
          continue;
        slice(kind, "busy", pid, int64_t(kFirstResourceTid + i),
              stage.startSeconds, busy, [&] {
                json.attributeBegin("utilisation");
                json.rawValue(fmt::format("{:.4f}", busy / stage.seconds));
                json.attributeEnd();
              });
      }
      uint64_t running = stage.prefills + stage.decodes;
      if (changed(batch, running))
        counter(pid, "batch", "requests", stage.startSeconds, running);
      if (changed(queue, stage.waiting))
        counter(pid, "waiting", "requests", stage.startSeconds, stage.waiting);
      if (changed(kv, stage.kvTokens))
        counter(pid, "kv_cache", "tokens", stage.startSeconds + stage.seconds,
                stage.kvTokens);
    }
  }

  void asyncEvent(int64_t pid, StringRef phase, uint64_t id, StringRef name,
                  double seconds) {
    json.object([&] {
      json.attribute("name", name);
      json.attribute("cat", "request");
      json.attribute("ph", phase);
      json.attribute("id", id);
      json.attribute("pid", pid);
      json.attribute("tid", kStagesTid);
      time("ts", seconds);
    });
  }

  void flowEvent(int64_t pid, StringRef phase, uint64_t id, double seconds) {
    json.object([&] {
      json.attribute("name", "prefill");
      json.attribute("cat", "dependency");
      json.attribute("ph", phase);
      json.attribute("id", id);
      json.attribute("pid", pid);
      json.attribute("tid", kStagesTid);
      time("ts", seconds);
      if (phase == "f")
        json.attribute("bp", "e"); // Bind to the enclosing stage slice.
    });
  }

  /// The stage running just after `seconds` (`after`) or just before it:
  /// its index, found by its start time.
  static size_t stageAt(ArrayRef<StageRecord> stages, double seconds,
                        bool after) {
    auto begin = stages.begin();
    auto it = after ? std::upper_bound(begin, stages.end(), seconds,
                                       [](double t, const StageRecord &s) {
                                         return t < s.startSeconds;
                                       })
                    : std::lower_bound(begin, stages.end(), seconds,
                                       [](const StageRecord &s, double t) {
                                         return s.startSeconds < t;
                                       });
    return it == begin ? 0 : size_t(it - begin) - 1;
  }

  void writeRequests(int64_t pid, const ServingResult &result) {
    ArrayRef<StageRecord> stages = result.stageRecords;
    for (const RequestRecord &request : result.requests) {
      if (!inWindow(request.arrivalSeconds, request.finishSeconds))
        continue;
      std::string name = formatv("request {0}", request.id).str();
      asyncEvent(pid, "b", request.id, name, request.arrivalSeconds);
      asyncEvent(pid, "b", request.id, "queued", request.arrivalSeconds);
      asyncEvent(pid, "e", request.id, "queued", request.scheduledSeconds);
      double prefillEnd = request.outputTokens ? request.firstTokenSeconds
                                               : request.finishSeconds;
      asyncEvent(pid, "b", request.id, "prefill", request.scheduledSeconds);
      asyncEvent(pid, "e", request.id, "prefill", prefillEnd);
      if (request.outputTokens > 1) {
        asyncEvent(pid, "b", request.id, "decode", prefillEnd);
        asyncEvent(pid, "e", request.id, "decode", request.finishSeconds);
      }
      asyncEvent(pid, "e", request.id, name, request.finishSeconds);
      // A prompt spread over stages (chunked, or resumed after other
      // work): an arrow from the stage that admitted it to the stage that
      // finished it, each bound at its middle.
      if (stages.empty())
        continue;
      size_t first = stageAt(stages, request.scheduledSeconds, true);
      size_t last = stageAt(stages, prefillEnd, false);
      if (first >= last)
        continue;
      auto middle = [&](size_t i) {
        return stages[i].startSeconds + stages[i].seconds / 2;
      };
      flowEvent(pid, "s", request.id, middle(first));
      flowEvent(pid, "f", request.id, middle(last));
    }
  }

  const TimelineInput &input;
  json::OStream json;
};
} // namespace

Error parseTimelineWindow(StringRef spec, TimelineInput &input) {
  auto [start, end] = spec.split(':');
  auto bad = [&]() {
    return createStringError(inconvertibleErrorCode(),
                             "--timeline-window '%s' is not START:END in "
                             "simulated seconds, START <= END (e.g. 0:60, or "
                             "120: for the rest of the run)",
                             spec.str().c_str());
  };
  if (!spec.contains(':'))
    return bad();
  double from = 0, to = std::numeric_limits<double>::infinity();
  if (!start.trim().empty() &&
      (start.trim().getAsDouble(from) || !std::isfinite(from)))
    return bad();
  if (!end.trim().empty() && (end.trim().getAsDouble(to) || std::isnan(to)))
    return bad();
  if (from < 0)
    return createStringError(inconvertibleErrorCode(),
                             "--timeline-window '%s': the start is before the "
                             "run's (0 s)",
                             spec.str().c_str());
  if (!(from <= to))
    return bad();
  input.windowStart = from;
  input.windowEnd = to;
  return Error::success();
}

void writeTimeline(const TimelineInput &input, raw_ostream &os) {
  TimelineWriter(input, os).write();
  os << "\n";
}

} // namespace duplex::serving
