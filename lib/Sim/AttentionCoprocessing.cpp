//===- AttentionCoprocessing.cpp - prefill and decode attention at once ---===//
//
// Duplex's attention co-processing (paper, "Co-processing"): in a mixed
// stage the prefill requests' attention (compute bound, Op/B grows with the
// prompt) runs on the xPU while the decode requests' attention (Op/B = the
// GQA group size) runs on Logic-PIM, at the same time. The partitioner has
// already put each part on its fastest unit; co-processing lets the two
// parts overlap instead of running one after the other. Each part covers a
// slice of the stage's requests: prefill requests come first (Stage.h).
//
//===----------------------------------------------------------------------===//

#include "ScheduleBuilder.h"

using namespace llvm;

namespace duplex::sim::detail {

/// Requests of one attention part, from its kernels.
static uint64_t requestsOf(const WorkItem &item) {
  uint64_t requests = 0;
  for (const Kernel &kernel : item.kernels) {
    if (const auto *prefill = std::get_if<cost::PrefillAttention>(&kernel))
      requests += prefill->promptTokens.size();
    if (const auto *decode = std::get_if<cost::DecodeAttention>(&kernel))
      requests += decode->requests();
  }
  return requests;
}

Expected<TaskIds> emitAttention(ScheduleBuilder &builder, Chain &chain,
                                ArrayRef<WorkItem> parts, ArrayRef<TaskId> deps,
                                bool concurrent) {
  uint64_t prefillRequests = 0;
  for (const WorkItem &part : parts)
    if (part.part == WorkPart::Prefill)
      prefillRequests += requestsOf(part);

  TaskIds terminals;
  TaskIds serial(deps.begin(), deps.end());
  uint64_t prefillNext = 0, decodeNext = prefillRequests;
  for (const WorkItem &part : parts) {
    Slice slice;
    if (part.part != WorkPart::Whole) {
      slice.kind = SliceKind::Requests;
      uint64_t &next =
          part.part == WorkPart::Prefill ? prefillNext : decodeNext;
      for (uint64_t i = 0, e = requestsOf(part); i < e; ++i)
        slice.indices.push_back(next++);
    }
    ArrayRef<TaskId> waitFor = concurrent ? deps : ArrayRef<TaskId>(serial);
    Expected<TaskId> task = builder.emitOnUnit(
        chain, part, part.part == WorkPart::Whole ? "" : toString(part.part),
        part.kernels, part.unit, waitFor, slice);
    if (!task)
      return task.takeError();
    TaskIds after = {*task};
    if (Error error = builder.emitAllReduce(chain, part, after))
      return std::move(error);
    if (concurrent)
      terminals.append(after.begin(), after.end());
    else
      serial = std::move(after);
  }
  return concurrent ? terminals : serial;
}

} // namespace duplex::sim::detail
