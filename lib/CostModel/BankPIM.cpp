//===- BankPIM.cpp - Bank-PIM: one unit per HBM bank ----------------------===//
//
// Every bank of every pseudo-channel (both ranks) streams at one column per
// tCCD_L: ranks x banks / (tCCD_L / tCCD_S) = 2 x 16 / 2 = 16x the external
// path on HBM3 and HBM2e, the paper's and L3's 16x. All banks are busy, so
// each row exposes its activation and precharge.
//
//===----------------------------------------------------------------------===//

#include "UnitModels.h"

namespace duplex::cost::detail {

LockstepGeometry hbmBankGeometry(const hw::Memory &memory) {
  const hw::HbmOrganization &hbm = *memory.hbm;
  LockstepGeometry geometry;
  geometry.groups = hbm.banks();
  geometry.banksPerGroup = 1;
  geometry.accessBytes = hbm.bytesPerColumnAccess();
  geometry.rowBytes = hbm.rowBytes;
  geometry.setHidesActivation(false);
  return geometry;
}

double bankPimBytesPerSecond(const hw::Memory &memory, Rate rate) {
  LockstepGeometry geometry = hbmBankGeometry(memory);
  return lockstepBytesPerSecond(geometry, memory.timing, rate);
}

MemoryTime bankPimMemoryTime(const hw::Memory &memory,
                             const Workload &workload) {
  return streamSegments(hbmBankGeometry(memory), memory.timing, workload);
}

} // namespace duplex::cost::detail
