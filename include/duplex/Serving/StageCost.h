//===- StageCost.h - what one serving stage costs ---------------*- C++ -*-===//
//
// The serving loop asks a StageOracle for the time and energy of each stage
// it forms. The oracle the tools use compiles the model for the device once
// and evaluates every stage through the placement/co-processing policy and
// the stage evaluator; tests use hand-made oracles with known stage times.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SERVING_STAGECOST_H
#define DUPLEX_SERVING_STAGECOST_H

#include "duplex/Support/Stage.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <array>
#include <string>
#include <vector>

namespace duplex::serving {

/// Where time and energy go, as the serving literature reports it.
enum class CostCategory {
  FC,
  AttentionPrefill,
  AttentionDecode,
  MoE,
  Communication,
  Other
};
constexpr size_t kNumCostCategories = 6;
llvm::StringRef toString(CostCategory category);

struct StageCost {
  double seconds = 0;
  double joules = 0;
  /// Busy time per category (they may overlap across units, so they need
  /// not sum to `seconds`; the report normalises them).
  std::array<double, kNumCostCategories> secondsByCategory{};
  std::array<double, kNumCostCategories> joulesByCategory{};
  /// The DRAM part of joulesByCategory (the rest: compute, or link energy
  /// for communication).
  std::array<double, kNumCostCategories> dramJoulesByCategory{};
  double staticJoules = 0; ///< Idle power over the stage (part of joules).
  /// Busy seconds of each resource of one device in the stage, in the
  /// order of StageOracle::resourceNames() (empty when the oracle does not
  /// say): what a whole-run timeline draws per unit and link.
  llvm::SmallVector<double, 4> busySecondsByResource;

  double &secondsOf(CostCategory c) { return secondsByCategory[size_t(c)]; }
  double &joulesOf(CostCategory c) { return joulesByCategory[size_t(c)]; }
};

class StageOracle {
public:
  virtual ~StageOracle();
  /// Time and energy of `stage` on the whole system (all devices of one
  /// data-parallel replica). The cost is the oracle's and stays valid until
  /// its next call: the serving loop asks hundreds of thousands of times and
  /// copies only what it keeps.
  virtual llvm::Expected<const StageCost &> cost(const Stage &stage) = 0;
  /// KV-cache tokens one replica can hold (memory minus weights).
  virtual uint64_t kvCapacityTokens() const = 0;
  /// The units and links StageCost::busySecondsByResource follows.
  virtual std::vector<std::string> resourceNames() const { return {}; }
};

} // namespace duplex::serving

#endif // DUPLEX_SERVING_STAGECOST_H
