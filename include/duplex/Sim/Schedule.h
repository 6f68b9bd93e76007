//===- Schedule.h - per-unit streams of tasks with dependencies -*- C++ -*-===//
//
// The plain form of a co-processing schedule (the `dx` schedule IR is built
// from and lowered to it). A schedule has one stream per resource (a unit or
// a link of the system); each stream runs its tasks one at a time in the
// order they appear in Schedule::tasks. A task starts when every task it
// depends on has finished and its stream is free.
//
// A task is a slice of an op (some experts, some requests, some heads) given
// as cost-model kernels, a transfer over a link, or a fixed duration. A task
// with no work at all is a barrier: it waits for its dependencies and holds
// its stream for no time. A barrier on no stream (kNoStream, the IR's
// `dx.sync`) holds nothing; it only joins its dependencies.
//
// Layers: consecutive tasks with the same `layers` count form a segment.
// Segments run one after another (an implicit barrier); a segment is
// evaluated once and counts `layers` times, so an 80-layer model costs what
// one layer costs (DESIGN.md principle 2). A dependency may point to an
// earlier segment (the barrier already satisfies it) but not to a later one.
//
// Plain C++ and LLVM Support only.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SIM_SCHEDULE_H
#define DUPLEX_SIM_SCHEDULE_H

#include "duplex/CostModel/Kernels.h"
#include "duplex/Hardware/System.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace duplex::sim {

/// The bucket a task's time and energy are reported in. The first five
/// match llm::WorkCategory; communication is the schedule's own.
enum class TaskCategory {
  FC,
  AttentionPrefill,
  AttentionDecode,
  MoE,
  Communication,
  Other,
};
inline constexpr unsigned kNumTaskCategories = 6;

llvm::StringRef toString(TaskCategory category);
std::optional<TaskCategory> parseTaskCategory(llvm::StringRef text);

/// A kernel the cost model prices (the compiler's op work uses the same).
using Kernel = cost::Kernel;

/// How data moves over a link (cost/Collectives.h gives each one's model).
enum class CollectiveKind { PointToPoint, AllReduce, AllGather, AllToAll };

llvm::StringRef toString(CollectiveKind kind);
std::optional<CollectiveKind> parseCollectiveKind(llvm::StringRef text);

/// A transfer on a link stream. `bytes` is what each device holds
/// (collectives) or sends (point to point).
struct Transfer {
  CollectiveKind kind = CollectiveKind::PointToPoint;
  double bytes = 0;
  unsigned devices = 1; ///< Collectives only.
};

/// Which part of an op a task covers.
enum class SliceKind { Whole, Experts, Requests, Heads };

llvm::StringRef toString(SliceKind kind);
std::optional<SliceKind> parseSliceKind(llvm::StringRef text);

struct Slice {
  SliceKind kind = SliceKind::Whole;
  /// Expert, request or head indices (empty for Whole).
  llvm::SmallVector<uint32_t, 8> indices;
};

/// The dx IR's slice text: "experts=0,3,5", "requests=0..63" (runs of three
/// or more as an inclusive range), "" for Whole.
std::string toString(const Slice &slice);
/// Parses that text (ranges and single indices may mix: "heads=0..3,8").
llvm::Expected<Slice> parseSlice(llvm::StringRef text);

using TaskId = uint32_t;
/// Task::stream of a barrier that holds no stream.
inline constexpr uint32_t kNoStream = ~uint32_t(0);

struct Task {
  std::string name;
  /// Index into Schedule::streams, or kNoStream for a barrier.
  uint32_t stream = 0;
  TaskCategory category = TaskCategory::Other;
  /// Priced on the stream's unit and run back to back.
  llvm::SmallVector<Kernel, 1> kernels;
  /// Priced on the stream's link. A task has kernels or a transfer, not both.
  std::optional<Transfer> transfer;
  /// When set, the task takes this long whatever its kernels or transfer
  /// would cost (they still give its energy, FLOPs and bytes). For work the
  /// caller prices itself (L3's rankset overlap) or a measured duration.
  std::optional<double> fixedSeconds;
  Slice slice;
  /// Tasks that must finish before this one starts.
  llvm::SmallVector<TaskId, 4> deps;
  /// Times this task's segment repeats (decoder layers).
  uint64_t layers = 1;

  bool isBarrier() const {
    return kernels.empty() && !transfer && !fixedSeconds;
  }
};

/// The resource a stream runs on: a unit or a link of the system.
struct Resource {
  enum class Kind { Unit, Link };
  Kind kind = Kind::Unit;
  unsigned index = 0; ///< Into System::units or System::links.
};

struct Stream {
  /// Name of a unit or link of the system ("xpu", "logic_pim", "pcie5").
  std::string resource;
};

struct Schedule {
  std::string name;
  llvm::SmallVector<Stream, 4> streams;
  std::vector<Task> tasks;
  /// Decoder layers the host processor's per-layer overhead is charged for
  /// (hw::Calibration::perLayerSeconds); the builder sets the model's layer
  /// count. Segments' `layers` say how work repeats, this what it costs
  /// beyond the work.
  uint64_t decoderLayers = 0;

  /// The stream on `resource`, added if missing.
  uint32_t streamFor(llvm::StringRef resource);
  std::optional<uint32_t> findStream(llvm::StringRef resource) const;
  TaskId addTask(Task task);
  const Task &task(TaskId id) const { return tasks[id]; }
  /// Empties the schedule but keeps its storage.
  void clear();
};

/// The unit or link called `name`. An error lists what the system has.
llvm::Expected<Resource> resolveResource(const hw::System &system,
                                         llvm::StringRef name);

/// "xpu", "logic_pim", "gpu", "dimm_pim", ... for units; "nvlink", "pcie",
/// "infiniband" for links: what a trace names the resource's track.
llvm::StringRef resourceKindName(const hw::System &system,
                                 const Resource &resource);

/// Checks that every stream names a unit or link of `system` (an error names
/// the first task on a missing one), that tasks do kernel work on units and
/// transfers on links, that dependencies are in range and point to the same
/// or an earlier segment, and that dependencies plus stream order have no
/// cycle (the error lists the cycle's tasks).
llvm::Error validate(const hw::System &system, const Schedule &schedule);

/// Binds each stream of `schedule` to its resource (validate() checks the
/// rest). Errors as validate().
llvm::Expected<llvm::SmallVector<Resource, 4>>
bindStreams(const hw::System &system, const Schedule &schedule);

/// Half-open ranges [begin, end) of consecutive tasks with equal `layers`.
struct Segment {
  TaskId begin = 0;
  TaskId end = 0;
  uint64_t layers = 1;
};
void computeSegments(const Schedule &schedule,
                     llvm::SmallVectorImpl<Segment> &segments);

} // namespace duplex::sim

#endif // DUPLEX_SIM_SCHEDULE_H
