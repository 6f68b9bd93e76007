//===- Cost.h - what a kernel asks of a unit, and what it costs -*- C++ -*-===//
//
// A Workload is a kernel reduced to what the unit models need: FLOPs, bytes
// and how the bytes lie in DRAM (contiguous segments, for the PIM row model).
// A Cost is the time and energy of one workload on one unit, with the
// breakdown the simulator reports.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_COSTMODEL_COST_H
#define DUPLEX_COSTMODEL_COST_H

#include "duplex/Hardware/Types.h"

#include "llvm/ADT/SmallVector.h"

#include <algorithm>

namespace duplex::cost {

/// What a segment holds. A memory layout may place each kind differently
/// (Duplex puts an expert's weights in one bank-bundle section and spreads
/// the KV cache over several), which decides whether the next row can open
/// in another bank while this one streams.
enum class SegmentData { Activations, Weights, KVCache };

/// `count` contiguous runs of `bytes` each, every run starting at a row
/// boundary (the allocator aligns weights and per-request KV blocks).
struct Segment {
  double bytes = 0;
  double count = 1;
  SegmentData data = SegmentData::Activations;
};

struct Workload {
  double flops = 0;
  /// The arithmetic the unit runs at; weights may be narrower (int4 weights
  /// with fp16 compute).
  hw::DType computeType = hw::DType::FP16;
  double readBytes = 0;
  double writeBytes = 0;
  /// Layout of the read and written bytes; sums to bytes().
  llvm::SmallVector<Segment, 4> segments;

  double bytes() const { return readBytes + writeBytes; }
  double opsPerByte() const { return bytes() > 0 ? flops / bytes() : 0; }
};

/// A kernel's time from its compute and memory times: the longer, plus
/// `unhidden` of the shorter (hw::Calibration::computeMemoryUnhidden; 0 is
/// the plain roofline).
inline double rooflineSeconds(double computeSeconds, double memorySeconds,
                              double unhidden) {
  return std::max(computeSeconds, memorySeconds) +
         unhidden * std::min(computeSeconds, memorySeconds);
}

/// Time and energy of one kernel (or one transfer) on one unit (or link).
/// For a kernel: seconds = rooflineSeconds(computeSeconds, memorySeconds,
/// the unit's unhidden fraction) + overheadSeconds. For a transfer: seconds =
/// linkSeconds + overheadSeconds (latency). joules is the sum of the four
/// energy terms.
struct Cost {
  double seconds = 0;
  double joules = 0;
  double flops = 0;
  double bytes = 0; ///< Kernel: DRAM bytes. Transfer: bytes one device sends.

  double computeSeconds = 0;
  double memorySeconds = 0; ///< Includes exposed row activations (PIM).
  double linkSeconds = 0;
  double overheadSeconds = 0; ///< Kernel launch, link latency.

  double dramJoules = 0; ///< Reads, writes and row activations.
  double computeJoules = 0;
  double staticJoules = 0;
  double linkJoules = 0; ///< Summed over all devices of a collective.

  double rowActivations = 0; ///< Bank rows opened (one bank of one chip).

  double opsPerByte() const { return bytes > 0 ? flops / bytes : 0; }
};

} // namespace duplex::cost

#endif // DUPLEX_COSTMODEL_COST_H
