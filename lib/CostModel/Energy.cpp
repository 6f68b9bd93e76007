//===- Energy.cpp - energy of DRAM access, compute and idle time ----------===//

#include "duplex/CostModel/Energy.h"

namespace duplex::cost {

// Unit conversions only.
static constexpr double kBitsPerByte = 8;
static constexpr double kFlopsPerMac = 2;

double accessJoules(const hw::Memory &memory, hw::AccessPath path,
                    double readBytes, double writeBytes) {
  const hw::PathEnergy *energy = memory.findPathEnergy(path);
  if (!energy)
    return 0;
  return kBitsPerByte * (readBytes * energy->readJoulesPerBit +
                         writeBytes * energy->writeJoulesPerBit);
}

double activationJoules(const hw::Memory &memory, double rows) {
  return rows * memory.activateJoulesPerRow;
}

double computeJoules(const hw::Unit &unit, double flops) {
  return flops / kFlopsPerMac * unit.joulesPerMac;
}

double staticJoules(const hw::Unit &unit, double seconds) {
  return unit.staticWatts() * seconds;
}

} // namespace duplex::cost
