//===- DimmPIM.cpp - DIMM-PIM (per bank) and rank-PIM (per rank) ----------===//
//
// L3's bank-level DIMM-PIM: each bank of each x8 chip has a unit reading
// chipWidth x BL / 8 = 8 B per tCCD_L (DDR4-3200: 8 tCK = 5 ns -> 1.6 GB/s
// per bank); 16 ch x 2 DIMMs x 2 ranks x 8 chips x 16 banks = 8192 banks ->
// ~13.1 TB/s. All banks are busy, so rows expose activation; a DDR4 chip row
// is 128 columns long, so only very short segments notice.
//
// Rank-level PIM: a unit on each DIMM buffer chip reads its rank at the full
// channel rate (data rate x 64 bit), all ranks at once: ranks x channel
// bandwidth (64 x 25.6 GB/s = 1.6 TB/s). Ordinary bank interleaving inside
// the rank hides row activations.
//
//===----------------------------------------------------------------------===//

#include "UnitModels.h"

namespace duplex::cost::detail {

LockstepGeometry dimmBankGeometry(const hw::Memory &memory) {
  const hw::DimmOrganization &dimm = *memory.dimm;
  LockstepGeometry geometry;
  geometry.groups = dimm.banks();
  geometry.banksPerGroup = 1;
  geometry.accessBytes = dimm.bytesPerChipAccess();
  geometry.rowBytes = dimm.rowBytes;
  geometry.setHidesActivation(false);
  return geometry;
}

double dimmPimBytesPerSecond(const hw::Memory &memory, Rate rate) {
  LockstepGeometry geometry = dimmBankGeometry(memory);
  return lockstepBytesPerSecond(geometry, memory.timing, rate);
}

MemoryTime dimmPimMemoryTime(const hw::Memory &memory,
                             const Workload &workload) {
  return streamSegments(dimmBankGeometry(memory), memory.timing, workload);
}

double rankPimBytesPerSecond(const hw::Memory &memory) {
  const hw::DimmOrganization &dimm = *memory.dimm;
  double channelBytesPerSecond =
      memory.transfersPerSecondPerPin * dimm.channelWidthBits() / 8.0;
  return dimm.ranks() * channelBytesPerSecond;
}

MemoryTime rankPimMemoryTime(const hw::Memory &memory,
                             const Workload &workload) {
  MemoryTime time;
  time.seconds = workload.bytes() / rankPimBytesPerSecond(memory);
  // A rank burst opens the same row in every chip of the rank.
  time.rowActivations = workload.bytes() / memory.rowBytes();
  return time;
}

} // namespace duplex::cost::detail
