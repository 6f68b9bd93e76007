//===- SharedMemory.cpp - bandwidth of units that share a memory ----------===//

#include "duplex/Sim/SharedMemory.h"

#include "duplex/CostModel/CostModel.h"

#include <algorithm>
#include <limits>

namespace duplex::sim {

static constexpr double kUnlimited = std::numeric_limits<double>::infinity();

/// Column rate of `bundles` bank bundles of every pseudo-channel.
static double bundlesBytesPerSecond(const hw::Memory &memory, double bundles) {
  const hw::HbmOrganization &hbm = *memory.hbm;
  double banksPerBundle =
      double(hbm.bankBundle->banksPerBankGroup) * hbm.bankGroupsPerRank;
  return bundles * hbm.pseudoChannels() * banksPerBundle *
         hbm.bytesPerColumnAccess() / memory.timing.tCCDLSeconds;
}

SharedMemoryModel buildSharedMemoryModel(const hw::System &system) {
  SharedMemoryModel model;
  model.sharedBytesPerSecond.assign(system.memories.size(), kUnlimited);
  model.unitCapBytesPerSecond.assign(system.units.size(), kUnlimited);
  for (auto [memoryIndex, memory] : llvm::enumerate(system.memories)) {
    for (const hw::Unit &pim : system.units) {
      if (pim.memoryIndex != memoryIndex || !hw::isPim(pim.kind))
        continue;
      double &shared = model.sharedBytesPerSecond[memoryIndex];
      bool bundled = (pim.kind == hw::UnitKind::LogicPim ||
                      pim.kind == hw::UnitKind::BankGroupPim) &&
                     memory.hbm && memory.hbm->bankBundle;
      if (!bundled) {
        // Every bank has a PIM unit and all of them stream.
        shared = std::min(
            shared, cost::memoryBytesPerSecond(system, pim, cost::Rate::Peak));
        continue;
      }
      const hw::HbmOrganization &hbm = *memory.hbm;
      double bundles = hbm.bundlesPerPseudoChannel();
      double others = bundles - hbm.bankBundle->activeBundlesPerPseudoChannel;
      for (auto [unitIndex, unit] : llvm::enumerate(system.units))
        if (unit.memoryIndex == memoryIndex && !hw::isPim(unit.kind))
          model.unitCapBytesPerSecond[unitIndex] =
              std::min(model.unitCapBytesPerSecond[unitIndex],
                       bundlesBytesPerSecond(memory, std::max(others, 0.0)));
      if (pim.kind == hw::UnitKind::LogicPim &&
          memory.logicDieBandwidthMultiplier)
        shared = std::min(shared, *memory.logicDieBandwidthMultiplier *
                                      memory.bytesPerSecond);
    }
  }
  return model;
}

double bandwidthShare(double sharedBytesPerSecond,
                      double totalDemandBytesPerSecond,
                      double unitCapBytesPerSecond,
                      double demandBytesPerSecond) {
  double share = 1;
  if (totalDemandBytesPerSecond > sharedBytesPerSecond)
    share = sharedBytesPerSecond / totalDemandBytesPerSecond;
  if (demandBytesPerSecond * share > unitCapBytesPerSecond)
    share = unitCapBytesPerSecond / demandBytesPerSecond;
  return share;
}

} // namespace duplex::sim
