//===- CostCache.cpp - memoised cost of kernels on one system -------------===//

#include "duplex/CostModel/CostCache.h"
#include "duplex/CostModel/CostModel.h"
#include "duplex/Hardware/System.h"

using namespace llvm;

namespace duplex::cost {

static Expected<Cost> estimateFresh(const hw::System &system,
                                    const hw::Unit &unit,
                                    const Kernel &kernel) {
  return std::visit(
      [&](const auto &shape) { return cost::estimate(system, unit, shape); },
      kernel);
}

Expected<Cost> CostCache::estimate(const hw::Unit &unit, const Kernel &kernel) {
  // Units are few: their index in the system tells them apart.
  size_t hash = hashKernel(kernel) ^ size_t(&unit - system.units.data());
  auto found = entries.find(hash);
  if (found != entries.end())
    for (const Entry &entry : found->second)
      if (entry.unit == &unit && entry.kernel == kernel) {
        ++hits;
        return entry.cost;
      }
  ++misses;
  Expected<Cost> cost = estimateFresh(system, unit, kernel);
  if (!cost)
    return cost.takeError();
  if (size >= kMaxEntries) {
    entries.clear();
    size = 0;
  }
  entries[hash].push_back(Entry{&unit, kernel, *cost});
  ++size;
  return cost;
}

Expected<Cost> estimateKernel(const hw::System &system, const hw::Unit &unit,
                              const Kernel &kernel, CostCache *cache) {
  if (cache && &cache->getSystem() == &system)
    return cache->estimate(unit, kernel);
  return estimateFresh(system, unit, kernel);
}

} // namespace duplex::cost
