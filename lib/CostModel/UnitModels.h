//===- UnitModels.h - memory models of each unit family ---------*- C++ -*-===//
// One family per file: Roofline.cpp (gpu, xpu), LogicPIM.cpp (logic_pim,
// bankgroup_pim), BankPIM.cpp (bank_pim), DimmPIM.cpp (dimm_pim, rank_pim),
// with the shared DRAM row model in DramTiming.cpp. CostModel.cpp
// dispatches on the unit kind.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_LIB_COSTMODEL_UNITMODELS_H
#define DUPLEX_LIB_COSTMODEL_UNITMODELS_H

#include "duplex/CostModel/CostModel.h"

#include <array>

namespace duplex::cost::detail {

/// How long a unit's memory path is busy for one workload.
struct MemoryTime {
  double seconds = 0;
  double rowActivations = 0; ///< Bank rows opened (one bank of one chip).
};

/// Banks that a PIM path drives in lockstep form one group: they open rows
/// together and each column command moves accessBytes from the whole group.
struct LockstepGeometry {
  double groups = 0;        ///< Groups streaming in parallel.
  double banksPerGroup = 0; ///< Banks (of one chip) behind one group.
  double accessBytes = 0;   ///< Bytes per column command of a group.
  double rowBytes = 0;      ///< Bytes of one open row of a group.
  /// Per kind of data (indexed by SegmentData): true when a stream's next
  /// row opens in banks the path leaves idle while the current row streams
  /// (bundles whose layout rotates that data over them, rank interleaving);
  /// false when every bank has its own unit and all are busy, or the data
  /// stays in the banks being read.
  std::array<bool, 3> hidesActivation = {false, false, false};

  /// The same answer for every kind of data.
  void setHidesActivation(bool hides) { hidesActivation.fill(hides); }
  bool hides(SegmentData data) const {
    return hidesActivation[static_cast<size_t>(data)];
  }
};

// DramTiming.cpp: the row model shared by the bank-level PIM families.
double peakBytesPerSecond(const LockstepGeometry &geometry,
                          const hw::DramTiming &timing);
double sustainedBytesPerSecond(const LockstepGeometry &geometry,
                               const hw::DramTiming &timing);
/// peakBytesPerSecond or sustainedBytesPerSecond, as `rate` asks.
double lockstepBytesPerSecond(const LockstepGeometry &geometry,
                              const hw::DramTiming &timing, Rate rate);
MemoryTime streamSegments(const LockstepGeometry &geometry,
                          const hw::DramTiming &timing,
                          const Workload &workload);

// Roofline.cpp
double rooflineBytesPerSecond(const hw::Unit &unit, const hw::Memory &memory,
                              Rate rate);
MemoryTime rooflineMemoryTime(const hw::Unit &unit, const hw::Memory &memory,
                              const Workload &workload);

// LogicPIM.cpp (logic_pim and bankgroup_pim)
LockstepGeometry bundleGeometry(const hw::Memory &memory);
double bundlePimBytesPerSecond(const hw::Unit &unit, const hw::Memory &memory,
                               Rate rate);
MemoryTime bundlePimMemoryTime(const hw::Unit &unit, const hw::Memory &memory,
                               const Workload &workload);

// BankPIM.cpp
LockstepGeometry hbmBankGeometry(const hw::Memory &memory);
double bankPimBytesPerSecond(const hw::Memory &memory, Rate rate);
MemoryTime bankPimMemoryTime(const hw::Memory &memory,
                             const Workload &workload);

// DimmPIM.cpp (dimm_pim and rank_pim)
LockstepGeometry dimmBankGeometry(const hw::Memory &memory);
double dimmPimBytesPerSecond(const hw::Memory &memory, Rate rate);
MemoryTime dimmPimMemoryTime(const hw::Memory &memory,
                             const Workload &workload);
double rankPimBytesPerSecond(const hw::Memory &memory);
MemoryTime rankPimMemoryTime(const hw::Memory &memory,
                             const Workload &workload);

} // namespace duplex::cost::detail

#endif // DUPLEX_LIB_COSTMODEL_UNITMODELS_H
