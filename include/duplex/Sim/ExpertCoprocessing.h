//===- ExpertCoprocessing.h - split MoE experts across two units -*- C++ -*-=//
//
// Duplex's expert co-processing (paper, "Co-processing"): experts of a MoE
// layer do not depend on each other, so the xPU and Logic-PIM can each take
// a share. A lookup table per unit gives one expert's time as a function of
// the tokens it receives (precomputed with the cost model once per expert
// shape and unit). Per stage: start with every expert on the xPU, move the
// experts with the fewest tokens to Logic-PIM one at a time, and keep the
// split with the smallest MoE time.
//
// MoE time of a split = max(xPU sum, PIM sum) + the reduction of the PIM
// experts' partial sums. Logic-PIM splits each expert column-wise over all
// HBM stacks, so its down-projection leaves one partial sum per stack that
// the xPU adds up after both units are done (paper, "Interconnect and
// parallelism"). With no reduction cost this is the paper's max of the two
// sums.
//
// "xPU" below is the system's host processor (GPU or xPU); "PIM" any unit
// that runs expert FFNs in the same memory.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SIM_EXPERTCOPROCESSING_H
#define DUPLEX_SIM_EXPERTCOPROCESSING_H

#include "duplex/CostModel/Kernels.h"
#include "duplex/Hardware/System.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

namespace duplex::sim {

/// Seconds of one expert on one unit, by the tokens it receives.
class ExpertTimeTable {
public:
  ExpertTimeTable() = default;
  /// secondsByTokens[n] is the time for n tokens; n = 0 costs nothing
  /// whatever entry 0 says (an expert without tokens does not run).
  explicit ExpertTimeTable(std::vector<double> secondsByTokens)
      : secondsByTokens(std::move(secondsByTokens)) {}

  /// Tokens 0..maxTokens of `shape` (its `tokens` is ignored) on `unit`.
  static llvm::Expected<ExpertTimeTable> build(const hw::System &system,
                                               const hw::Unit &unit,
                                               const cost::ExpertFfn &shape,
                                               uint64_t maxTokens);

  uint64_t maxTokens() const {
    return secondsByTokens.empty() ? 0 : secondsByTokens.size() - 1;
  }
  /// Beyond maxTokens(), extrapolated along the last two entries (exact
  /// where the roofline is past its ridge point, which a table built up to
  /// a stage's token count always reaches for large counts).
  double seconds(uint64_t tokens) const;

private:
  std::vector<double> secondsByTokens;
};

/// Time the xPU takes to add up the PIM experts' partial sums of `tokens`
/// token-expert pairs: affine in the tokens (exact for the roofline, which
/// is linear in bytes and FLOPs alike).
struct PartialSumReduce {
  double fixedSeconds = 0;
  double secondsPerToken = 0;
  double seconds(uint64_t tokens) const {
    return tokens == 0 ? 0 : fixedSeconds + secondsPerToken * tokens;
  }
};

/// The xPU kernel that adds the partial sums of `tokens` token-expert pairs
/// of width `hidden`: one partial sum per HBM stack of `pim`'s memory.
cost::Elementwise partialSumReduceKernel(const hw::System &system,
                                         const hw::Unit &pim, uint64_t tokens,
                                         uint64_t hidden,
                                         unsigned activationBits);

/// PartialSumReduce of that kernel on `xpu`, fitted from two cost-model
/// points.
llvm::Expected<PartialSumReduce> partialSumReduceCost(const hw::System &system,
                                                      const hw::Unit &xpu,
                                                      const hw::Unit &pim,
                                                      uint64_t hidden,
                                                      unsigned activationBits);

struct ExpertSplit {
  /// Local expert indices with tokens, ascending; experts without tokens
  /// run nowhere.
  llvm::SmallVector<uint32_t, 16> xpuExperts;
  llvm::SmallVector<uint32_t, 16> pimExperts;
  uint64_t xpuTokens = 0;
  uint64_t pimTokens = 0;
  double xpuSeconds = 0;
  double pimSeconds = 0;
  double reduceSeconds = 0;

  double moeSeconds() const {
    return std::max(xpuSeconds, pimSeconds) + reduceSeconds;
  }
};

/// The paper's greedy split of experts receiving `tokensPerExpert` tokens:
/// start with every expert on the xPU and move the ones with the fewest
/// tokens to the PIM while that shortens the layer. With `sections` > 0 the
/// experts lie round-robin in that many memory sections (local expert e in
/// section e % sections) and whole sections move, fewest tokens first, so
/// the two units never read the same banks. Ties keep the split that moved
/// fewer. O(E log E).
ExpertSplit splitExperts(llvm::ArrayRef<uint64_t> tokensPerExpert,
                         const ExpertTimeTable &xpu, const ExpertTimeTable &pim,
                         const PartialSumReduce &reduce = {},
                         unsigned sections = 0);
/// As above, reusing `split`'s storage.
void splitExperts(llvm::ArrayRef<uint64_t> tokensPerExpert,
                  const ExpertTimeTable &xpu, const ExpertTimeTable &pim,
                  const PartialSumReduce &reduce, ExpertSplit &split,
                  unsigned sections = 0);

/// How many groups `pim`'s memory layout moves experts in: the N bank
/// bundles (sections) of a pseudo-channel over the s sections one expert
/// spans, N / s when s divides N (Duplex: 4 / 1; local expert e in group
/// e % (N / s)), else 1 (no two experts' banks are apart, so the xPU cannot
/// take some without sharing banks with the PIM). 0, experts moving one at
/// a time, when the device file states no layout.
unsigned expertSections(const hw::System &system, const hw::Unit &pim);

/// Tables built once per (unit, expert shape) and grown on demand, for a
/// compiler or serving loop that splits experts stage after stage.
class ExpertTableCache {
public:
  explicit ExpertTableCache(const hw::System &system) : system(system) {}
  /// The table of `shape` on unit `unitIndex`, covering at least
  /// `minTokens` tokens. The pointer stays valid until a later get() of the
  /// same unit and shape grows the table.
  llvm::Expected<const ExpertTimeTable *>
  get(unsigned unitIndex, const cost::ExpertFfn &shape, uint64_t minTokens);

private:
  struct Entry {
    unsigned unitIndex;
    cost::ExpertFfn shape;
    ExpertTimeTable table;
  };
  const hw::System &system;
  std::vector<std::unique_ptr<Entry>> entries;
};

} // namespace duplex::sim

#endif // DUPLEX_SIM_EXPERTCOPROCESSING_H
