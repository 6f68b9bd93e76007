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

Expected<ScheduleMode> duplex::parseScheduleMode(StringRef text) {
  ScheduleMode mode;
  if (text == "l3") {
    mode.subBatchInterleaving = true;
    return mode;
  }
  if (std::optional<sim::CoprocessMode> coprocess =
          sim::parseCoprocessMode(text)) {
    mode.coprocess = *coprocess;
    return mode;
  }
  return createStringError(inconvertibleErrorCode(),
                           "mode '%s' is not one of %s, l3", text.str().c_str(),
                           sim::coprocessModeSpellings().str().c_str());
}

std::string duplex::toString(const ScheduleMode &mode) {
  return mode.subBatchInterleaving ? "l3" : sim::toString(mode.coprocess).str();
}

Expected<PolicyOptions>
duplex::makePolicyOptions(StringRef mode, StringRef routing, uint64_t seed) {
  PolicyOptions options;
  Expected<ScheduleMode> parsedMode = parseScheduleMode(mode);
  if (!parsedMode)
    return createStringError(inconvertibleErrorCode(),
                             "--coprocess: " +
                                 toString(parsedMode.takeError()));
  options.mode = *parsedMode;
  Expected<RoutingOptions> parsedRouting = parseRoutingMode(routing, seed);
  if (!parsedRouting)
    return parsedRouting.takeError();
  options.routing = *parsedRouting;
  return options;
}

/// L3's layer shape: the model's first dense decoder layer, per device.
static Expected<sim::DecoderLayerShape>
denseLayerShape(ModelOp model, unsigned tensorParallel, uint64_t layers) {
  AttentionOp attention;
  MLPOp mlp;
  model.walk([&](mlir::Operation *op) {
    if (auto a = dyn_cast<AttentionOp>(op); a && !attention)
      attention = a;
    if (auto m = dyn_cast<MLPOp>(op); m && !mlp)
      mlp = m;
    if (isa<MoEOp>(op))
      mlp = {};
  });
  bool hasMoE = false;
  model.walk([&](MoEOp) { hasMoE = true; });
  if (!attention || !mlp || hasMoE)
    return createStringError(inconvertibleErrorCode(),
                             "L3 sub-batch interleaving (mode l3) models dense "
                             "decoders; model '%s' %s",
                             model.getSymName().str().c_str(),
                             hasMoE ? "has MoE layers" : "has no dense layer");
  sim::DecoderLayerShape shape = sim::makeDecoderLayerShape(
      mlp.getResult().getType().getWidth(), attention.getNumHeads(),
      attention.getNumKvHeads(), attention.getHeadDim(),
      mlp.getIntermediateSize(), mlp.getGated(), layers, tensorParallel);
  shape.weightBits = getDTypeBits(mlp.getWeightDtype());
  return shape;
}

StagePolicy::StagePolicy(ModelOp model, std::unique_ptr<hw::System> system,
                         const PolicyOptions &options)
    : model(model), system(std::move(system)), options(options),
      devicesPerNode(this->system->topology.devicesPerNode),
      decoderLayers(computeModelStats(model).numLayers),
      expertRidgeOpB(lowestRidgeOpB(*this->system)),
      expertTables(*this->system), costCache(*this->system),
      evaluator(*this->system) {
  evaluator.setCostCache(&costCache);
}

Expected<std::unique_ptr<StagePolicy>>
StagePolicy::create(ModelOp model, std::unique_ptr<hw::System> system,
                    const PolicyOptions &options) {
  CapacityNeeds needs = capacityNeedsOf(model, *system);
  if (Error error = checkWeightsFit(*system, needs))
    return std::move(error);
  std::unique_ptr<StagePolicy> policy(
      new StagePolicy(model, std::move(system), options));
  Expected<std::vector<WorkOp>> workOps = listWorkOps(model, options.routing);
  if (!workOps)
    return workOps.takeError();
  policy->workOps = std::move(*workOps);
  policy->needs = needs;
  policy->kvCapacity =
      duplex::kvCapacityTokens(*policy->system, needs, options.kvMemory);
  if (options.mode.subBatchInterleaving) {
    auto shape =
        denseLayerShape(model, policy->devicesPerNode, policy->decoderLayers);
    if (!shape)
      return shape.takeError();
    auto predictor = sim::CostModelPredictor::create(*policy->system, *shape);
    if (!predictor)
      return predictor.takeError();
    policy->subBatchPredictor.emplace(std::move(*predictor));
  }
  return std::move(policy);
}

size_t
StagePolicy::CanonicalStageHash::operator()(const CanonicalStage &stage) const {
  return hash_combine(stage.decodes, stage.decodeContext,
                      hash_combine_range(stage.prefillTokens.begin(),
                                         stage.prefillTokens.end()));
}

uint64_t StagePolicy::CanonicalStage::kvTokens() const {
  uint64_t tokens = decodes * (decodeContext + 1);
  for (uint64_t prompt : prefillTokens)
    tokens += prompt;
  return tokens;
}

Stage StagePolicy::CanonicalStage::toStage() const {
  Stage stage;
  stage.prefillTokens.assign(prefillTokens.begin(), prefillTokens.end());
  stage.decodeContexts.assign(decodes, decodeContext);
  return stage;
}

StagePolicy::CanonicalStage
StagePolicy::canonicalize(const Stage &stage) const {
  CanonicalStage canonical;
  canonical.prefillTokens.assign(stage.prefillTokens.begin(),
                                 stage.prefillTokens.end());
  llvm::sort(canonical.prefillTokens, std::greater<uint64_t>());
  canonical.decodes = stage.decodeContexts.size();
  if (!stage.decodeContexts.empty()) {
    // Summed as integers: the same double as summing doubles (a stage's
    // contexts sum far below 2^53), without a conversion per request.
    uint64_t sum = 0;
    for (uint64_t context : stage.decodeContexts)
      sum += context;
    uint64_t bucket = std::max<uint64_t>(1, options.contextBucketTokens);
    double mean = double(sum) / stage.decodeContexts.size();
    uint64_t rounded =
        std::max<uint64_t>(1, uint64_t(std::llround(mean / bucket)) * bucket);
    uint64_t roundedDown =
        std::max<uint64_t>(1, uint64_t(mean / bucket) * bucket);
    canonical.decodeContext = rounded;
    // The serving loop admitted the stage within the KV capacity; rounding
    // up must not push its stand-in past it (placement would reject it).
    if (rounded > roundedDown && canonical.kvTokens() > kvCapacity)
      canonical.decodeContext = roundedDown;
  }
  return canonical;
}

std::vector<std::string> StagePolicy::resourceNames() const {
  std::vector<std::string> names;
  for (const hw::Unit &unit : system->units)
    names.push_back(unit.name);
  for (const hw::Link &link : system->links)
    names.push_back(link.name);
  return names;
}

Expected<const serving::StageCost &> StagePolicy::cost(const Stage &stage) {
  ++queries;
  CanonicalStage canonical = canonicalize(stage);
  if (lastFound && lastFound->first == canonical)
    return lastFound->second;
  auto found = memo.find(canonical);
  if (found != memo.end()) {
    lastFound = &*found;
    return found->second; // The map's nodes stay put as it grows.
  }
  // The routing draw of a stage is seeded by its spelled-out form.
  Stage stand = canonical.toStage();
  Expected<serving::StageCost> cost =
      evaluate(stand, uint64_t(hash_value(stand.str())));
  if (!cost)
    return cost.takeError();
  ++evaluations;
  lastFound = &*memo.emplace(std::move(canonical), std::move(*cost)).first;
  return lastFound->second;
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

/// A placed record as the Sim library's plain work item, filled in place
/// (its kernels sit inline: a move copies them); the record's label and
/// kernels move into it.
static void fillWorkItem(sim::WorkItem &item, PlacedRecord &placed,
                         const hw::System &system, const WorkContext &context,
                         unsigned devicesPerNode) {
  WorkRecord &record = placed.record;
  item.label = std::move(record.label);
  item.opIndex = record.index;
  item.part = toSimPart(record.work.part);
  item.category = toTaskCategory(record.work.category);
  item.kernels.assign(std::make_move_iterator(record.work.kernels.begin()),
                      std::make_move_iterator(record.work.kernels.end()));
  item.tokensPerExpert = std::move(record.work.tokensPerExpert);
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
  // Experts spread over nodes: tokens cross to the nodes holding their
  // experts and come back. A device sends its share of its node's routed
  // tokens and receives the tokens of the experts it holds (with ET, a
  // node's devices share those); the all-to-all lasts as long as the
  // busiest device's larger direction.
  unsigned nodes = system.topology.nodes;
  if (nodes > 1 && isa<MoEOp>(record.op)) {
    uint64_t width =
        mlir::cast<ActType>(record.op->getResult(0).getType()).getWidth();
    auto moe = cast<MoEOp>(record.op);
    double sent =
        double(context.stage.tokens()) * moe.getTopK() / devicesPerNode;
    double received = 0;
    for (uint64_t tokens : item.tokensPerExpert)
      received += tokens;
    if (context.expertsTensorParallel)
      received /= devicesPerNode;
    item.allToAllBytes =
        std::max(sent, received) * width * context.activationBits / 8.0;
    item.allToAllDevices = nodes;
  }
}

Expected<SmallVector<sim::WorkItem, 16>>
StagePolicy::placeWork(const Stage &stage, uint64_t routingStream, bool named) {
  RoutingOptions routing = options.routing;
  routing.seed ^= routingStream;
  bool expertTensorParallel =
      options.mode.coprocess == sim::CoprocessMode::PEET;
  WorkContext context =
      makeWorkContext(model, stage, routing, devicesPerNode,
                      expertTensorParallel ? 1 : devicesPerNode);
  applyExpertParallelism(context, *system, expertTensorParallel);
  context.expertRidgeOpB = expertRidgeOpB;
  context.costCache = &costCache;
  Expected<std::vector<WorkRecord>> records = collectStageWork(
      workOps, context, named ? RecordLabels::With : RecordLabels::Without);
  if (!records)
    return records.takeError();
  Expected<PlacementPlan> plan =
      planPlacement(*system, std::move(*records), context, needs);
  if (!plan)
    return plan.takeError();
  SmallVector<sim::WorkItem, 16> items;
  items.reserve(plan->records.size());
  for (PlacedRecord &placed : plan->records)
    fillWorkItem(items.emplace_back(), placed, *system, context,
                 devicesPerNode);
  return items;
}

/// Deals the stage's requests alternately into two halves.
static std::pair<Stage, Stage> halves(const Stage &stage) {
  std::pair<Stage, Stage> split;
  for (auto [i, prompt] : llvm::enumerate(stage.prefillTokens))
    (i % 2 ? split.second : split.first).prefillTokens.push_back(prompt);
  for (auto [i, context] : llvm::enumerate(stage.decodeContexts))
    ((stage.prefillTokens.size() + i) % 2 ? split.second : split.first)
        .decodeContexts.push_back(context);
  return split;
}

/// L3's adaptive scheduler forms the two sub-batches: one prefill each, then
/// decodes (1 at a time for MHA, 16 for GQA) to the sub-batch whose PIM time
/// still hides under the other's GPU time. The serving loop has already
/// admitted the stage's requests by KV capacity, so every one is placed.
Expected<sim::Schedule> StagePolicy::buildSubBatchSchedule(const Stage &stage) {
  sim::FormationOptions formation;
  formation.decodeIncrement =
      sim::defaultDecodeIncrement(subBatchPredictor->getShape().attention);
  formation.placeEveryRequest = true;
  Expected<sim::SubBatchPlan> plan = sim::formSubBatches(
      *subBatchPredictor, stage.prefillTokens, stage.decodeContexts, formation);
  if (!plan)
    return plan.takeError();
  return sim::buildSubBatchSchedule(*subBatchPredictor, plan->subBatches[0],
                                    plan->subBatches[1]);
}

Expected<sim::Schedule> StagePolicy::buildSchedule(const Stage &stage,
                                                   uint64_t routingStream,
                                                   bool named) {
  if (options.mode.subBatchInterleaving)
    return buildSubBatchSchedule(stage);
  sim::StageScheduleOptions scheduleOptions;
  scheduleOptions.mode = options.mode.coprocess;
  if (named)
    scheduleOptions.name = stage.str();
  scheduleOptions.nameTasks = named;
  scheduleOptions.decoderLayers = decoderLayers;
  scheduleOptions.expertTables = &expertTables;
  // A stage of one request has no second mini-batch to overlap with: it
  // runs as one batch, one unit at a time (it used to fail with "the half
  // batches have 13 and 0 ops").
  if (options.mode.coprocess == sim::CoprocessMode::TwoMiniBatch &&
      stage.prefillTokens.size() + stage.decodeContexts.size() < 2)
    scheduleOptions.mode = sim::CoprocessMode::None;
  if (scheduleOptions.mode == sim::CoprocessMode::TwoMiniBatch) {
    auto [firstHalf, secondHalf] = halves(stage);
    auto first = placeWork(firstHalf, routingStream, named);
    if (!first)
      return first.takeError();
    auto second = placeWork(secondHalf, routingStream + 1, named);
    if (!second)
      return second.takeError();
    return sim::buildTwoMiniBatchSchedule(*system, *first, *second,
                                          scheduleOptions);
  }
  auto items = placeWork(stage, routingStream, named);
  if (!items)
    return items.takeError();
  return sim::buildStageSchedule(*system, *items, scheduleOptions);
}

Expected<serving::StageCost> StagePolicy::evaluate(const Stage &stage,
                                                   uint64_t routingStream) {
  // The fast path builds without labels and names; when building or
  // evaluating fails, both run again named, so the message names the op
  // or task.
  Expected<sim::Schedule> schedule =
      buildSchedule(stage, routingStream, /*named=*/false);
  Error error =
      schedule ? evaluator.evaluate(*schedule, result) : schedule.takeError();
  if (error) {
    consumeError(std::move(error));
    Expected<sim::Schedule> named = buildSchedule(stage, routingStream);
    if (!named)
      return named.takeError();
    if (Error namedError = evaluator.evaluate(*named, result))
      return std::move(namedError);
    return createStringError(inconvertibleErrorCode(),
                             "stage %s could be built and evaluated only "
                             "with its ops and tasks named",
                             stage.str().c_str());
  }
  // The evaluator reports one device; the replica's devices run alike.
  serving::StageCost cost;
  cost.seconds = result.stageSeconds;
  cost.joules = result.joules() * devicesPerNode;
  cost.staticJoules = result.staticJoules * devicesPerNode;
  for (unsigned c = 0; c < sim::kNumTaskCategories; ++c) {
    cost.secondsByCategory[c] = result.categorySeconds[c];
    cost.joulesByCategory[c] = result.categoryJoules[c] * devicesPerNode;
    cost.dramJoulesByCategory[c] =
        result.categoryDramJoules[c] * devicesPerNode;
  }
  for (const sim::ResourceUsage &usage : result.units)
    cost.busySecondsByResource.push_back(usage.busySeconds);
  for (const sim::ResourceUsage &usage : result.links)
    cost.busySecondsByResource.push_back(usage.busySeconds);
  return cost;
}
