//===- DramTiming.cpp - row-activation model of bank-level PIM ------------===//
//
// A bank-level PIM path streams from `groups` lockstep groups at one column
// command per tCCD_L each (tCCD_L, not tCCD_S: consecutive columns come from
// the same bank group). That gives the peak rate. Rows cost extra where the
// access pattern exposes them:
//
//  * Each contiguous segment starts on a row boundary and fills rows of
//    rowBytes; its last row may be partial. A row that supplies c column
//    commands keeps its group busy for
//      exposed: max(tRCD + c x tCCD_L, tRAS) + tRP
//               (every bank has its own unit and all are busy, so nothing
//               else can be activated meanwhile: Bank-PIM, DIMM-PIM);
//      hidden:  max(c x tCCD_L, tRCD + tRP, (tRAS + tRP) / 2)
//               (the next row opens in an idle bank while this one streams:
//               Logic-PIM bundles, rank interleaving; only rows shorter than
//               the activate/precharge gap, or than half a row cycle of the
//               two alternating banks, show it).
//    Which applies is decided per kind of data (geometry.hides): a layout
//    that keeps a stream's rows in the same banks (Duplex's experts, one
//    bundle section each) exposes them even where idle banks exist.
//  * Segments spread evenly over the groups (fluid), but no workload takes
//    less than its longest single row: a group cannot split a row.
//
// Short per-request KV segments in decode attention thus cost more per byte
// than a long weight stream, and more on per-bank PIM than on bundles.
//
//===----------------------------------------------------------------------===//

#include "UnitModels.h"

#include <algorithm>
#include <cmath>

namespace duplex::cost::detail {

static double rowSeconds(bool hidden, const hw::DramTiming &timing,
                         double columns) {
  double streamingSeconds = columns * timing.tCCDLSeconds;
  if (hidden)
    return std::max({streamingSeconds, timing.tRCDSeconds + timing.tRPSeconds,
                     (timing.tRASSeconds + timing.tRPSeconds) / 2});
  return std::max(timing.tRCDSeconds + streamingSeconds, timing.tRASSeconds) +
         timing.tRPSeconds;
}

double peakBytesPerSecond(const LockstepGeometry &geometry,
                          const hw::DramTiming &timing) {
  return geometry.groups * geometry.accessBytes / timing.tCCDLSeconds;
}

double sustainedBytesPerSecond(const LockstepGeometry &geometry,
                               const hw::DramTiming &timing) {
  // Weights are what a PIM path streams most; their layout sets the rate.
  double columnsPerRow = geometry.rowBytes / geometry.accessBytes;
  return geometry.groups * geometry.rowBytes /
         rowSeconds(geometry.hides(SegmentData::Weights), timing,
                    columnsPerRow);
}

double lockstepBytesPerSecond(const LockstepGeometry &geometry,
                              const hw::DramTiming &timing, Rate rate) {
  return rate == Rate::Peak ? peakBytesPerSecond(geometry, timing)
                            : sustainedBytesPerSecond(geometry, timing);
}

MemoryTime streamSegments(const LockstepGeometry &geometry,
                          const hw::DramTiming &timing,
                          const Workload &workload) {
  double columnsPerRow = geometry.rowBytes / geometry.accessBytes;
  double groupSeconds = 0; // Summed over all groups' work.
  double groupRows = 0;
  double longestRowSeconds = 0;
  for (const Segment &segment : workload.segments) {
    if (segment.bytes <= 0 || segment.count <= 0)
      continue;
    bool hidden = geometry.hides(segment.data);
    double fullRowSeconds = rowSeconds(hidden, timing, columnsPerRow);
    double fullRows = std::floor(segment.bytes / geometry.rowBytes);
    double remainderBytes = segment.bytes - fullRows * geometry.rowBytes;
    double seconds = fullRows * fullRowSeconds;
    double rows = fullRows;
    if (fullRows > 0)
      longestRowSeconds = std::max(longestRowSeconds, fullRowSeconds);
    if (remainderBytes > 0) {
      double lastRowSeconds = rowSeconds(
          hidden, timing, std::ceil(remainderBytes / geometry.accessBytes));
      seconds += lastRowSeconds;
      rows += 1;
      longestRowSeconds = std::max(longestRowSeconds, lastRowSeconds);
    }
    groupSeconds += segment.count * seconds;
    groupRows += segment.count * rows;
  }
  MemoryTime time;
  time.seconds = std::max(groupSeconds / geometry.groups, longestRowSeconds);
  time.rowActivations = groupRows * geometry.banksPerGroup;
  return time;
}

} // namespace duplex::cost::detail
