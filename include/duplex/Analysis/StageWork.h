//===- StageWork.h - FLOPs, bytes and Op/B of each op -----------*- C++ -*-===//
// Asks every op of a model, through StageWorkOpInterface, what it does in one
// serving stage, and prices each part's kernels in FLOPs and DRAM bytes.
// Ops inside `llm.repeat` are visited once and carry their layer count.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_ANALYSIS_STAGEWORK_H
#define DUPLEX_ANALYSIS_STAGEWORK_H

#include "duplex/Dialect/LLM/IR/LLMOps.h"
#include "duplex/Hardware/System.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>

namespace duplex {

/// One part of one op (both halves of an attention op in a mixed stage get a
/// record each).
struct WorkRecord {
  /// Position of the op in walk order: the key of placement overrides.
  unsigned index = 0;
  mlir::Operation *op = nullptr;
  /// "llm.linear query", "llm.attention", ...
  std::string label;
  llm::OpWork work;
  /// Layers this op stands for (product of the enclosing repeat counts).
  uint64_t layers = 1;
  /// Per instance (one layer, one device).
  double flops = 0;
  double bytes = 0;
  double opb() const { return bytes > 0 ? flops / bytes : 0; }
};

/// The work context of `model` for `stage`: its activation width, plus the
/// parallelism and routing the caller chose.
llm::WorkContext makeWorkContext(llm::ModelOp model, const Stage &stage,
                                 const RoutingOptions &routing,
                                 unsigned tensorParallel = 1,
                                 unsigned expertParallel = 1);

/// Sets the expert split of `context` for `system`: expert parallel inside
/// a node (or tensor parallel with `expertTensorParallel`, Duplex+ET), and
/// with several nodes expert parallel between them too (each device's
/// experts then serve every node's tokens).
/// The lowest FP16 ridge point (FLOP/B) of `system`'s units, 0 when none
/// has one: WorkContext::expertRidgeOpB, which ranks devices by expert load.
double lowestRidgeOpB(const hw::System &system);

void applyExpertParallelism(llm::WorkContext &context, const hw::System &system,
                            bool expertTensorParallel);

/// An op that does work in a stage, in walk order, with what every stage's
/// records of it share. A serving run lists them once (listWorkOps) and
/// collects each stage's records from the list.
struct WorkOp {
  llm::StageWorkOpInterface op;
  unsigned index = 0;  ///< WorkRecord::index.
  uint64_t layers = 1; ///< WorkRecord::layers.
  /// MoE ops draw their routing in their own stream: the how-manieth MoE op
  /// this is, or none.
  std::optional<uint64_t> moeOrdinal;
};

/// The work ops of `model` in walk order. Fails when a MoE op's routing
/// cannot be drawn (checkRoutingFits).
llvm::Expected<std::vector<WorkOp>> listWorkOps(llm::ModelOp model,
                                                const RoutingOptions &routing);

/// Whether records carry their label (describeOp): a label is only read by
/// messages, placement overrides and named schedules, and spelling it for
/// each of a serving run's stages is measurable.
enum class RecordLabels { With, Without };

/// All records of `ops` (listWorkOps) for `context`'s stage, in walk order.
/// Fails if a kernel is malformed.
llvm::Expected<std::vector<WorkRecord>>
collectStageWork(llvm::ArrayRef<WorkOp> ops, const llm::WorkContext &context,
                 RecordLabels labels = RecordLabels::With);

/// All records of `model` in walk order. Fails if a kernel is malformed.
llvm::Expected<std::vector<WorkRecord>>
collectStageWork(llm::ModelOp model, const llm::WorkContext &context);

/// "llm.linear query", "llm.mlp", "llm.attention": the op and its role.
std::string describeOp(mlir::Operation *op);

/// {"index", "op", "part", "category", "layers", "flops", "bytes", "opb"}
/// (plus "tokens_per_expert" for MoE).
llvm::json::Object toJSON(const WorkRecord &record);

} // namespace duplex

#endif // DUPLEX_ANALYSIS_STAGEWORK_H
