//===- LogicPIM.cpp - Logic-PIM and BankGroup-PIM: bank bundles -----------===//
//
// Duplex reads a bank bundle (banksPerBankGroup banks of every bank group of
// one rank) of each pseudo-channel together at tCCD_L: per pseudo-channel
// 8 banks x 32 B per 2 x tCCD_S, i.e. 4x the 32 B per tCCD_S of the external
// path. Logic-PIM also crosses the TSVs to the base die, whose bandwidth is
// logic_die_bandwidth_multiplier x external; BankGroup-PIM sits on the DRAM
// die and does not. Other bundles of the pseudo-channel are idle to the PIM
// path, so the next row can open there while the current one streams, but
// only for data the layout spreads over those bundles: the paper puts each
// expert in one section (bundle index) and the decode KV cache over three,
// so an expert's rows follow each other in the same banks and expose their
// activate and precharge (sections_per_weight_stream in the device file).
//
//===----------------------------------------------------------------------===//

#include "UnitModels.h"

#include <algorithm>

namespace duplex::cost::detail {

LockstepGeometry bundleGeometry(const hw::Memory &memory) {
  const hw::HbmOrganization &hbm = *memory.hbm;
  const hw::BankBundle &bundle = *hbm.bankBundle;
  double banksPerBundle =
      static_cast<double>(bundle.banksPerBankGroup) * hbm.bankGroupsPerRank;
  LockstepGeometry geometry;
  geometry.groups = static_cast<double>(hbm.pseudoChannels()) *
                    bundle.activeBundlesPerPseudoChannel;
  geometry.banksPerGroup = banksPerBundle;
  geometry.accessBytes = banksPerBundle * hbm.bytesPerColumnAccess();
  geometry.rowBytes = banksPerBundle * hbm.rowBytes;
  // Idle bundles can open the next row only for data the layout rotates
  // over more sections than the path reads at once.
  unsigned active = bundle.activeBundlesPerPseudoChannel;
  bool idleBundles = hbm.bundlesPerPseudoChannel() > active;
  geometry.setHidesActivation(idleBundles);
  auto rotates = [&](unsigned sections) {
    return idleBundles && (sections == 0 || sections > active);
  };
  geometry.hidesActivation[size_t(SegmentData::Weights)] =
      rotates(bundle.sectionsPerWeightStream);
  geometry.hidesActivation[size_t(SegmentData::KVCache)] =
      rotates(bundle.sectionsPerKVStream);
  return geometry;
}

/// The TSV limit of the logic-die path; none for BankGroup-PIM.
static double tsvBytesPerSecond(const hw::Unit &unit,
                                const hw::Memory &memory) {
  if (unit.kind != hw::UnitKind::LogicPim)
    return 0;
  return *memory.logicDieBandwidthMultiplier * memory.bytesPerSecond;
}

double bundlePimBytesPerSecond(const hw::Unit &unit, const hw::Memory &memory,
                               Rate rate) {
  LockstepGeometry geometry = bundleGeometry(memory);
  double banksBytesPerSecond =
      lockstepBytesPerSecond(geometry, memory.timing, rate);
  double tsv = tsvBytesPerSecond(unit, memory);
  return tsv > 0 ? std::min(banksBytesPerSecond, tsv) : banksBytesPerSecond;
}

MemoryTime bundlePimMemoryTime(const hw::Unit &unit, const hw::Memory &memory,
                               const Workload &workload) {
  MemoryTime time =
      streamSegments(bundleGeometry(memory), memory.timing, workload);
  if (double tsv = tsvBytesPerSecond(unit, memory))
    time.seconds = std::max(time.seconds, workload.bytes() / tsv);
  return time;
}

} // namespace duplex::cost::detail
