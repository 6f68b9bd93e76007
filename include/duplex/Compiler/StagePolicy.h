//===- StagePolicy.h - a compiled model as a stage-cost oracle --*- C++ -*-===//
//
// Compile once, evaluate many stages (DESIGN.md principle 5): for each stage
// the serving loop forms, the policy asks every op of the model for its
// work, places each part on a unit by the cost model (as --dx-partition
// does), builds the co-processing schedule of the chosen mode and evaluates
// it with the stage evaluator. Results are memoised on a canonical form of
// the stage (decode contexts summarised by count and mean, rounded), so a
// long trace costs a few thousand evaluations.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_COMPILER_STAGEPOLICY_H
#define DUPLEX_COMPILER_STAGEPOLICY_H

#include "duplex/Analysis/Placement.h"
#include "duplex/CostModel/CostCache.h"
#include "duplex/Dialect/LLM/IR/LLMOps.h"
#include "duplex/Hardware/System.h"
#include "duplex/Serving/StageCost.h"
#include "duplex/Sim/ExpertCoprocessing.h"
#include "duplex/Sim/Schedule.h"
#include "duplex/Sim/StageEvaluator.h"
#include "duplex/Sim/StageSchedule.h"
#include "duplex/Sim/SubBatchInterleaving.h"

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace duplex {

/// How a stage's work is scheduled: a Duplex co-processing mode
/// (sim/StageSchedule.h; pe-et also makes experts tensor parallel inside a
/// node instead of expert parallel), or L3's sub-batch interleaving.
struct ScheduleMode {
  sim::CoprocessMode coprocess = sim::CoprocessMode::PE;
  bool subBatchInterleaving = false;
};
/// none, pe, pe-et, two-mini-batch or l3.
llvm::Expected<ScheduleMode> parseScheduleMode(llvm::StringRef text);
std::string toString(const ScheduleMode &mode);

struct PolicyOptions {
  ScheduleMode mode;
  RoutingOptions routing;
  /// Decode contexts are summarised by their mean rounded to this many
  /// tokens for memoisation (1: exact means).
  uint64_t contextBucketTokens = 16;
  /// The serving runtime's share of device memory for the KV cache.
  KVMemoryShare kvMemory;
};

/// Options from the spellings tools take: a mode (none, pe, pe-et,
/// two-mini-batch, l3), a routing (expected, uniform, zipf:S) and its seed.
llvm::Expected<PolicyOptions>
makePolicyOptions(llvm::StringRef mode, llvm::StringRef routing, uint64_t seed);

class StagePolicy : public serving::StageOracle {
public:
  /// Fails when the model's weights do not fit the system (the message
  /// gives both sizes).
  static llvm::Expected<std::unique_ptr<StagePolicy>>
  create(llm::ModelOp model, std::unique_ptr<hw::System> system,
         const PolicyOptions &options);

  llvm::Expected<const serving::StageCost &> cost(const Stage &stage) override;
  uint64_t kvCapacityTokens() const override { return kvCapacity; }
  /// The system's units, then its links.
  std::vector<std::string> resourceNames() const override;

  const hw::System &getSystem() const { return *system; }
  /// Stages evaluated (memo misses) and asked for.
  uint64_t getEvaluations() const { return evaluations; }
  uint64_t getQueries() const { return queries; }

  /// The schedule of `stage` as the policy builds it (for export), with
  /// the placement it came from. `named` names it after the stage (the
  /// evaluation of a memo miss skips the string).
  llvm::Expected<sim::Schedule> buildSchedule(const Stage &stage,
                                              uint64_t routingStream = 0,
                                              bool named = true);

private:
  StagePolicy(llm::ModelOp model, std::unique_ptr<hw::System> system,
              const PolicyOptions &options);
  /// What the memo keys a stage by: its prompts, longest first, and its
  /// decodes as a count and a mean context rounded to the bucket.
  struct CanonicalStage {
    llvm::SmallVector<uint64_t, 4> prefillTokens;
    uint64_t decodes = 0;
    uint64_t decodeContext = 0;
    /// The stage it stands for.
    Stage toStage() const;
    /// KV-cache tokens the stage it stands for holds after it runs.
    uint64_t kvTokens() const;
    bool operator==(const CanonicalStage &other) const {
      return decodes == other.decodes && decodeContext == other.decodeContext &&
             prefillTokens == other.prefillTokens;
    }
  };
  /// The memo's hash: the fields themselves, no string built per query (a
  /// trace run asks hundreds of thousands of times).
  struct CanonicalStageHash {
    size_t operator()(const CanonicalStage &stage) const;
  };
  CanonicalStage canonicalize(const Stage &stage) const;
  llvm::Expected<serving::StageCost> evaluate(const Stage &stage,
                                              uint64_t routingStream);
  /// Each op part of `stage` placed, as the Sim library's work items;
  /// labelled (for task names and messages) when `named`.
  llvm::Expected<llvm::SmallVector<sim::WorkItem, 16>>
  placeWork(const Stage &stage, uint64_t routingStream, bool named);
  llvm::Expected<sim::Schedule> buildSubBatchSchedule(const Stage &stage);

  llm::ModelOp model;
  std::unique_ptr<hw::System> system;
  PolicyOptions options;
  /// The model's work ops, listed once for every stage.
  std::vector<WorkOp> workOps;
  CapacityNeeds needs;
  uint64_t kvCapacity = 0;
  unsigned devicesPerNode = 1;
  uint64_t decoderLayers = 0;
  /// The system's lowest ridge point, once (WorkContext::expertRidgeOpB).
  double expertRidgeOpB = 0;
  sim::ExpertTableCache expertTables;
  /// Kernel prices, shared by the placement and the evaluator of every
  /// stage this policy evaluates.
  cost::CostCache costCache;
  /// L3 only: the model's dense layer per device, and the cost model as
  /// L3's predictor.
  std::optional<sim::CostModelPredictor> subBatchPredictor;
  sim::StageEvaluator evaluator;
  sim::StageResult result;
  std::unordered_map<CanonicalStage, serving::StageCost, CanonicalStageHash>
      memo;
  /// The memo entry the last query found: a run of decode stages asks for
  /// the same one again and again. (The map's nodes stay put as it grows.)
  const std::pair<const CanonicalStage, serving::StageCost> *lastFound =
      nullptr;
  uint64_t evaluations = 0;
  uint64_t queries = 0;
};

} // namespace duplex

#endif // DUPLEX_COMPILER_STAGEPOLICY_H
