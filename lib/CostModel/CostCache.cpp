//===- CostCache.cpp - memoised cost of kernels on one system -------------===//

#include "duplex/CostModel/CostCache.h"
#include "duplex/CostModel/CostModel.h"
#include "duplex/Hardware/System.h"

#include <algorithm>

using namespace llvm;

namespace duplex::cost {

static Expected<Cost> estimateFresh(const hw::System &system,
                                    const hw::Unit &unit,
                                    const Kernel &kernel) {
  return std::visit(
      [&](const auto &shape) { return cost::estimate(system, unit, shape); },
      kernel);
}

void CostCache::placeInSlot(size_t hash, size_t index) {
  size_t mask = slots.size() - 1;
  size_t slot = hash & mask;
  while (slots[slot])
    slot = (slot + 1) & mask;
  slots[slot] = uint32_t(index + 1);
}

void CostCache::reserveSlot() {
  if (size >= kMaxEntries) {
    chunks.clear();
    size = 0;
    std::fill(slots.begin(), slots.end(), 0);
  }
  if (size == chunks.size() << kChunkBits)
    chunks.push_back(std::make_unique<Entry[]>(size_t(1) << kChunkBits));
  if (2 * (size + 1) <= slots.size())
    return;
  slots.assign(std::max<size_t>(1024, 2 * slots.size()), 0);
  for (size_t index = 0; index < size; ++index)
    placeInSlot(entryAt(index).hash, index);
}

Expected<Cost> CostCache::estimate(const hw::Unit &unit, const Kernel &kernel) {
  // Units are few: their index in the system tells them apart.
  size_t hash = hashKernel(kernel) ^ size_t(&unit - system.units.data());
  size_t mask = slots.size() - 1;
  if (!slots.empty())
    for (size_t slot = hash & mask; slots[slot]; slot = (slot + 1) & mask) {
      const Entry &entry = entryAt(slots[slot] - 1);
      if (entry.hash == hash && entry.unit == &unit && entry.kernel == kernel) {
        ++hits;
        return entry.cost;
      }
    }
  ++misses;
  Expected<Cost> cost = estimateFresh(system, unit, kernel);
  if (!cost)
    return cost.takeError();
  reserveSlot();
  entryAt(size) = Entry{hash, &unit, kernel, *cost};
  placeInSlot(hash, size++);
  return cost;
}

Expected<Cost> estimateKernel(const hw::System &system, const hw::Unit &unit,
                              const Kernel &kernel, CostCache *cache) {
  if (cache && &cache->getSystem() == &system)
    return cache->estimate(unit, kernel);
  return estimateFresh(system, unit, kernel);
}

} // namespace duplex::cost
