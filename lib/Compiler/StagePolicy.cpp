//===- StagePolicy.cpp - a compiled model as a stage-cost oracle ----------===//

#include "duplex/Compiler/StagePolicy.h"
#include "duplex/Analysis/ModelStats.h"
#include "duplex/Analysis/StageWork.h"

#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cmath>

using namespace llvm;
using namespace duplex;
using namespace duplex::llm;

StagePolicy::StagePolicy(ModelOp model, std::unique_ptr<hw::System> system,
                         const PolicyOptions &options)
    : model(model), system(std::move(system)), options(options),
      devicesPerNode(this->system->topology.devicesPerNode),
      decoderLayers(computeModelStats(model).numLayers),
      expertTables(*this->system), evaluator(*this->system) {}

Expected<std::unique_ptr<StagePolicy>>
StagePolicy::create(ModelOp model, std::unique_ptr<hw::System> system,
                    const PolicyOptions &options) {
  ModelStats stats = computeModelStats(model);
  CapacityNeeds needs{model.getSymName().str(), double(stats.weightBytes),
                      double(stats.kvCacheBytesPerToken)};
  if (Error error = checkWeightsFit(*system, needs))
    return std::move(error);
  std::unique_ptr<StagePolicy> policy(
      new StagePolicy(model, std::move(system), options));
  policy->needs = needs;
  policy->kvCapacity = duplex::kvCapacityTokens(*policy->system, needs);
  return std::move(policy);
}

Stage StagePolicy::canonicalize(const Stage &stage, std::string &key) const {
  Stage canonical;
  canonical.prefillTokens = stage.prefillTokens;
  llvm::sort(canonical.prefillTokens, std::greater<uint64_t>());
  if (!stage.decodeContexts.empty()) {
    double sum = 0;
    for (uint64_t context : stage.decodeContexts)
      sum += context;
    uint64_t bucket = std::max<uint64_t>(1, options.contextBucketTokens);
    double mean = sum / stage.decodeContexts.size();
    uint64_t rounded =
        std::max<uint64_t>(1, uint64_t(std::llround(mean / bucket)) * bucket);
    canonical.decodeContexts.assign(stage.decodeContexts.size(), rounded);
  }
  key = canonical.str();
  return canonical;
}

Expected<serving::StageCost> StagePolicy::cost(const Stage &stage) {
  ++queries;
  std::string key;
  Stage canonical = canonicalize(stage, key);
  auto found = memo.find(key);
  if (found != memo.end())
    return found->second;
  Expected<serving::StageCost> cost =
      evaluate(canonical, uint64_t(hash_value(key)));
  if (!cost)
    return cost.takeError();
  ++evaluations;
  memo.emplace(std::move(key), *cost);
  return cost;
}

static sim::Kernel toSimKernel(const Kernel &kernel) {
  return std::visit([](const auto &shape) { return sim::Kernel(shape); },
                    kernel);
}

static sim::TaskCategory toTaskCategory(WorkCategory category) {
  switch (category) {
  case WorkCategory::FC:
    return sim::TaskCategory::FC;
  case WorkCategory::AttentionPrefill:
    return sim::TaskCategory::AttentionPrefill;
  case WorkCategory::AttentionDecode:
    return sim::TaskCategory::AttentionDecode;
  case WorkCategory::MoE:
    return sim::TaskCategory::MoE;
  case WorkCategory::Other:
    return sim::TaskCategory::Other;
  }
  llvm_unreachable("unknown category");
}

static sim::WorkPart toSimPart(WorkPart part) {
  switch (part) {
  case WorkPart::Whole:
    return sim::WorkPart::Whole;
  case WorkPart::Prefill:
    return sim::WorkPart::Prefill;
  case WorkPart::Decode:
    return sim::WorkPart::Decode;
  }
  llvm_unreachable("unknown part");
}

/// Row-parallel ops end with partial sums that the devices of a node
/// all-reduce (Megatron-style tensor parallelism); so do MoE layers, whose
/// experts are spread over the devices.
static bool endsWithAllReduce(mlir::Operation *op) {
  if (auto linear = dyn_cast<LinearOp>(op))
    return linear.getKind() == LinearKind::output;
  return isa<MLPOp, MoEOp>(op);
}

/// A placed record as the Sim library's plain work item.
static sim::WorkItem toWorkItem(const PlacedRecord &placed,
                                const hw::System &system,
                                const WorkContext &context,
                                unsigned devicesPerNode) {
  const WorkRecord &record = placed.record;
  sim::WorkItem item;
  item.label = record.label;
  item.opIndex = record.index;
  item.part = toSimPart(record.work.part);
  item.category = toTaskCategory(record.work.category);
  for (const Kernel &kernel : record.work.kernels)
    item.kernels.push_back(toSimKernel(kernel));
  item.tokensPerExpert = record.work.tokensPerExpert;
  item.layers = record.layers;
  item.unit = unsigned(placed.unit - system.units.begin());
  item.inputTransferBytes = placed.inputTransferBytes;
  item.outputTransferBytes = placed.outputTransferBytes;
  if (devicesPerNode > 1 && endsWithAllReduce(record.op)) {
    uint64_t width =
        mlir::cast<ActType>(record.op->getResult(0).getType()).getWidth();
    item.allReduceBytes =
        double(context.stage.tokens()) * width * context.activationBits / 8.0;
    item.allReduceDevices = devicesPerNode;
  }
  return item;
}

Expected<sim::Schedule> StagePolicy::buildSchedule(const Stage &stage,
                                                   uint64_t routingStream) {
  RoutingOptions routing = options.routing;
  routing.seed ^= routingStream;
  bool expertTensorParallel = options.mode == sim::CoprocessMode::PEET;
  WorkContext context =
      makeWorkContext(model, stage, routing, devicesPerNode,
                      expertTensorParallel ? 1 : devicesPerNode);
  Expected<std::vector<WorkRecord>> records = collectStageWork(model, context);
  if (!records)
    return records.takeError();
  Expected<PlacementPlan> plan =
      planPlacement(*system, std::move(*records), context, needs);
  if (!plan)
    return plan.takeError();
  SmallVector<sim::WorkItem, 16> items;
  for (const PlacedRecord &placed : plan->records)
    items.push_back(toWorkItem(placed, *system, context, devicesPerNode));
  sim::StageScheduleOptions scheduleOptions;
  scheduleOptions.mode = options.mode;
  scheduleOptions.name = stage.str();
  scheduleOptions.decoderLayers = decoderLayers;
  scheduleOptions.expertTables = &expertTables;
  return sim::buildStageSchedule(*system, items, scheduleOptions);
}

Expected<serving::StageCost> StagePolicy::evaluate(const Stage &stage,
                                                   uint64_t routingStream) {
  Expected<sim::Schedule> schedule = buildSchedule(stage, routingStream);
  if (!schedule)
    return schedule.takeError();
  if (Error error = evaluator.evaluate(*schedule, result))
    return std::move(error);
  // The evaluator reports one device; the replica's devices run alike.
  serving::StageCost cost;
  cost.seconds = result.stageSeconds;
  cost.joules = result.joules() * devicesPerNode;
  for (unsigned c = 0; c < sim::kNumTaskCategories; ++c) {
    cost.secondsByCategory[c] = result.categorySeconds[c];
    cost.joulesByCategory[c] = result.categoryJoules[c] * devicesPerNode;
  }
  return cost;
}
