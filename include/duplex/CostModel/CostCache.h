//===- CostCache.h - memoised cost of kernels on one system -----*- C++ -*-===//
//
// A serving run prices the same kernels over and over: the placement prices
// every op part on every unit, the stage evaluator prices the chosen one
// again, and stage after stage repeats the same GEMM and expert shapes. The
// cache answers cost::estimate(system, unit, kernel) from a table keyed by
// the unit and the kernel's fields. A hit returns exactly what a fresh
// estimate would: the cost is a pure function of those.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_COSTMODEL_COSTCACHE_H
#define DUPLEX_COSTMODEL_COSTCACHE_H

#include "duplex/CostModel/Cost.h"
#include "duplex/CostModel/Kernels.h"

#include "llvm/ADT/SmallVector.h"

#include <memory>
#include <vector>

namespace duplex::hw {
struct System;
struct Unit;
} // namespace duplex::hw

namespace duplex::cost {

class CostCache {
public:
  /// Entries kept before the table starts over (about 20 MB): a long trace
  /// meets new decode-attention shapes every stage.
  static constexpr size_t kMaxEntries = 1 << 17;

  explicit CostCache(const hw::System &system) : system(system) {}

  /// estimate(system, unit, kernel) for a unit of this cache's system.
  /// Errors are not cached.
  llvm::Expected<Cost> estimate(const hw::Unit &unit, const Kernel &kernel);

  const hw::System &getSystem() const { return system; }
  uint64_t getHits() const { return hits; }
  uint64_t getMisses() const { return misses; }

private:
  struct Entry {
    size_t hash = 0;
    const hw::Unit *unit = nullptr;
    Kernel kernel;
    Cost cost;
  };

  /// Entries are kept in chunks of this many: a growing table never copies
  /// them (the copies of one long vector were half of simulate's page
  /// faults).
  static constexpr size_t kChunkBits = 10;

  Entry &entryAt(size_t index) {
    return chunks[index >> kChunkBits][index & ((1 << kChunkBits) - 1)];
  }
  /// Makes room for one more entry: the table at most half full.
  void reserveSlot();
  /// Points the first free slot from `hash`'s on to entry `index`.
  void placeInSlot(size_t hash, size_t index);

  const hw::System &system;
  /// The entries in the order they were priced, found through `slots`: an
  /// open-addressed table (linear probing) of 1 + an entry's index, 0 when
  /// free. A lookup compares a hash, then the unit and the kernel's fields
  /// in place; it never copies the kernel it looks for.
  std::vector<std::unique_ptr<Entry[]>> chunks;
  size_t size = 0;
  std::vector<uint32_t> slots;
  uint64_t hits = 0;
  uint64_t misses = 0;
};

/// cost::estimate of `kernel` on `unit`, through `cache` when there is one.
llvm::Expected<Cost> estimateKernel(const hw::System &system,
                                    const hw::Unit &unit, const Kernel &kernel,
                                    CostCache *cache);

} // namespace duplex::cost

#endif // DUPLEX_COSTMODEL_COSTCACHE_H
