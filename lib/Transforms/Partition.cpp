//===- Partition.cpp - Op/B analysis and partitioning as a library --------===//

#include "duplex/Transforms/Partition.h"
#include "duplex/Analysis/ModelStats.h"
#include "duplex/CostModel/CostModel.h"
#include "duplex/Dialect/Dx/IR/DxOps.h"
#include "duplex/Hardware/Loader.h"

#include "mlir/IR/Builders.h"

#include <fmt/format.h>

using namespace mlir;
using namespace duplex;
using namespace duplex::llm;

FailureOr<Stage> duplex::resolveStage(ModuleOp module,
                                      const StageOptions &options) {
  std::string spec = options.stage;
  if (spec.empty()) {
    auto attr = module->getAttrOfType<dx::StageAttr>(dx::kStageAttrName);
    if (!attr)
      return module.emitError("no stage: give one (e.g. stage=decode=64@1024)"
                              " or set the module's 'dx.stage' attribute");
    spec = attr.getSpec().str();
  }
  llvm::Expected<Stage> stage = parseStageSpec(spec);
  if (!stage)
    return module.emitError(llvm::toString(stage.takeError()));
  module->setAttr(
      dx::kStageAttrName,
      dx::StageAttr::get(module.getContext(),
                         StringAttr::get(module.getContext(), stage->str())));
  return *stage;
}

FailureOr<ModelOp> duplex::findSingleModel(ModuleOp module) {
  ModelOp found;
  unsigned count = 0;
  module.walk([&](ModelOp model) {
    found = model;
    ++count;
  });
  if (count != 1)
    return module.emitError()
           << "expected exactly one 'llm.model', found " << count;
  return found;
}

static ArrayAttr workArray(MLIRContext *context,
                           ArrayRef<const WorkRecord *> parts) {
  SmallVector<Attribute> items;
  for (const WorkRecord *record : parts)
    items.push_back(dx::WorkAttr::get(
        context, StringAttr::get(context, toString(record->work.part)),
        APFloat(record->flops), APFloat(record->bytes),
        APFloat(record->opb())));
  return ArrayAttr::get(context, items);
}

FailureOr<std::vector<WorkRecord>>
duplex::annotateStageWork(ModelOp model, const WorkContext &context) {
  llvm::Expected<std::vector<WorkRecord>> records =
      collectStageWork(model, context);
  if (!records)
    return model.emitError(llvm::toString(records.takeError()));
  // Records of one op are adjacent (walk order).
  for (size_t i = 0; i < records->size();) {
    Operation *op = (*records)[i].op;
    SmallVector<const WorkRecord *> parts;
    for (; i < records->size() && (*records)[i].op == op; ++i)
      parts.push_back(&(*records)[i]);
    op->setAttr(dx::kWorkAttrName, workArray(model.getContext(), parts));
  }
  return std::move(*records);
}

llvm::Expected<std::unique_ptr<hw::System>>
duplex::loadScaledSystem(StringRef nameOrPath, unsigned devices, unsigned nodes,
                         unsigned replicasPerNode, StringRef calibration,
                         ArrayRef<hw::DeviceOverride> overrides,
                         StringRef runtime) {
  llvm::Expected<hw::System> system = hw::loadSystem(nameOrPath, overrides);
  if (!system)
    return system.takeError();
  llvm::Expected<hw::CalibrationProfile> profile =
      hw::loadCalibrationProfile(calibration);
  if (!profile)
    return profile.takeError();
  if (llvm::Error error =
          hw::applyCalibrationProfile(*profile, *system, runtime))
    return std::move(error);
  if (devices || nodes || replicasPerNode) {
    llvm::Expected<hw::System> scaled = system->withTopology(
        devices ? devices : system->topology.devicesPerNode,
        nodes ? nodes : system->topology.nodes,
        replicasPerNode ? replicasPerNode : system->topology.replicasPerNode);
    if (!scaled)
      return scaled.takeError();
    *system = std::move(*scaled);
  }
  return std::make_unique<hw::System>(std::move(*system));
}

static dx::SystemAttr targetAttr(MLIRContext *context,
                                 const hw::System &system) {
  SmallVector<Attribute> units;
  for (const hw::Unit &unit : system.units) {
    llvm::Expected<double> flops =
        cost::computeFlopsPerSecond(unit, hw::DType::FP16);
    double peak = flops ? *flops : 0;
    if (!flops)
      llvm::consumeError(flops.takeError());
    double bytesPerSecond = cost::memoryBytesPerSecond(system, unit);
    units.push_back(dx::ProcessingUnitAttr::get(
        context, StringAttr::get(context, unit.name),
        StringAttr::get(context, hw::toString(unit.kind)),
        StringAttr::get(context, system.memoryOf(unit).name),
        APFloat(peak / 1e12), APFloat(bytesPerSecond / 1e12),
        APFloat(bytesPerSecond > 0 ? peak / bytesPerSecond : 0)));
  }
  return dx::SystemAttr::get(context, StringAttr::get(context, system.name),
                             system.topology.devicesPerNode,
                             system.topology.nodes,
                             ArrayAttr::get(context, units));
}

/// Sends the operands of `placed`'s op to its unit and the result back.
static void insertTransfers(const PlacedRecord &placed, const hw::Unit &home) {
  Operation *op = placed.record.op;
  OpBuilder builder(op);
  double seconds = placed.chosen().transferSeconds;
  double totalBytes = placed.inputTransferBytes + placed.outputTransferBytes;
  double inShare = totalBytes > 0 ? placed.inputTransferBytes / totalBytes : 0;
  StringRef link = placed.link ? StringRef(placed.link->name) : "host";
  unsigned operands = op->getNumOperands();
  for (OpOperand &operand : op->getOpOperands()) {
    auto transfer = dx::TransferOp::create(
        builder, op->getLoc(), operand.get().getType(), operand.get(),
        home.name, placed.unit->name, link,
        APFloat(placed.inputTransferBytes / operands),
        APFloat(seconds * inShare / operands));
    operand.set(transfer.getResult());
  }
  builder.setInsertionPointAfter(op);
  Value result = op->getResult(0);
  auto back = dx::TransferOp::create(builder, op->getLoc(), result.getType(),
                                     result, placed.unit->name, home.name, link,
                                     APFloat(placed.outputTransferBytes),
                                     APFloat(seconds * (1 - inShare)));
  result.replaceAllUsesExcept(back.getResult(), back);
}

FailureOr<PartitionResult>
duplex::partitionModule(ModuleOp module, const PartitionOptions &options) {
  MLIRContext *context = module.getContext();
  FailureOr<ModelOp> model = findSingleModel(module);
  if (failed(model))
    return failure();
  FailureOr<Stage> stage = resolveStage(module, options.stage);
  if (failed(stage))
    return failure();
  llvm::Expected<RoutingOptions> routing =
      parseRoutingMode(options.stage.routing, options.stage.seed);
  if (!routing)
    return module.emitError(llvm::toString(routing.takeError()));
  if (options.system.empty())
    return module.emitError("no system: give one (e.g. system=duplex)");
  llvm::Expected<std::unique_ptr<hw::System>> system = loadScaledSystem(
      options.system, options.devices, options.nodes,
      /*replicasPerNode=*/0, options.calibration, options.deviceOverrides);
  if (!system)
    return module.emitError(llvm::toString(system.takeError()));

  unsigned perNode = (*system)->topology.devicesPerNode;
  WorkContext workContext =
      makeWorkContext(*model, *stage, *routing, perNode,
                      options.expertTensorParallel ? 1 : perNode);
  applyExpertParallelism(workContext, **system, options.expertTensorParallel);
  workContext.expertRidgeOpB = lowestRidgeOpB(**system);
  FailureOr<std::vector<WorkRecord>> records =
      annotateStageWork(*model, workContext);
  if (failed(records))
    return failure();

  std::vector<PlacementOverride> overrides;
  if (!options.overridesFile.empty()) {
    auto loaded = loadPlacementOverrides(options.overridesFile);
    if (!loaded)
      return module.emitError(llvm::toString(loaded.takeError()));
    overrides = std::move(*loaded);
  }
  CapacityNeeds needs = capacityNeedsOf(*model, **system);
  llvm::Expected<PlacementPlan> plan = planPlacement(
      **system, std::move(*records), workContext, needs, overrides);
  if (!plan)
    return model->emitError(llvm::toString(plan.takeError()));
  plan->ridgePoints = computeRidgePoints(**system);

  // dx.placement per op (one entry per part), then the transfers.
  for (size_t i = 0; i < plan->records.size();) {
    Operation *op = plan->records[i].record.op;
    SmallVector<Attribute> parts;
    for (; i < plan->records.size() && plan->records[i].record.op == op; ++i)
      parts.push_back(dx::PlacementAttr::get(
          context,
          StringAttr::get(context, toString(plan->records[i].record.work.part)),
          StringAttr::get(context, plan->records[i].unit->name)));
    op->setAttr(dx::kPlacementAttrName, ArrayAttr::get(context, parts));
  }
  for (const PlacedRecord &placed : plan->records)
    if (placed.link)
      insertTransfers(placed, *plan->home);
  module->setAttr(dx::kTargetAttrName, targetAttr(context, **system));

  PartitionResult result;
  result.system = std::move(*system);
  result.plan = std::move(*plan);
  return result;
}

//===----------------------------------------------------------------------===//
// Tables
//===----------------------------------------------------------------------===//

void duplex::printWorkTable(ArrayRef<WorkRecord> records,
                            llvm::raw_ostream &os) {
  std::string text =
      fmt::format("{:>4}  {:<26}{:<9}{:>7}{:>13}{:>13}{:>10}\n", "#", "op",
                  "part", "layers", "GFLOP", "MB", "Op/B");
  for (const WorkRecord &r : records)
    text += fmt::format("{:>4}  {:<26}{:<9}{:>7}{:>13.3f}{:>13.3f}{:>10.2f}\n",
                        r.index, r.label, toString(r.work.part).str(), r.layers,
                        r.flops / 1e9, r.bytes / 1e6, r.opb());
  os << text;
}

void duplex::printPlacementTable(const PlacementPlan &plan,
                                 llvm::raw_ostream &os) {
  std::string text =
      fmt::format("{:>4}  {:<26}{:<9}{:>10}  {:<12}{:>12}  {}\n", "#", "op",
                  "part", "Op/B", "unit", "us", "alternatives (us)");
  for (const PlacedRecord &p : plan.records) {
    std::string alternatives;
    for (const UnitTime &c : p.candidates)
      if (c.unit != p.unit)
        alternatives +=
            fmt::format("{}{} {:.2f}", alternatives.empty() ? "" : ", ",
                        c.unit->name, c.seconds() * 1e6);
    text += fmt::format("{:>4}  {:<26}{:<9}{:>10.2f}  {:<12}{:>12.2f}  {}{}\n",
                        p.record.index, p.record.label,
                        toString(p.record.work.part).str(), p.record.opb(),
                        p.unit->name, p.chosen().seconds() * 1e6, alternatives,
                        p.overridden ? " (override)" : "");
  }
  os << text;
}

void duplex::printRidgePoints(const PlacementPlan &plan,
                              llvm::raw_ostream &os) {
  std::string text;
  for (const RidgePoint &point : plan.ridgePoints) {
    const cost::BreakEven &even = point.breakEven;
    if (even.opsPerByte)
      text +=
          fmt::format("ridge point {} / {}: {:.2f} FLOP/B ({} faster "
                      "below, {} above)\n",
                      point.first->name, point.second->name, *even.opsPerByte,
                      even.fasterBelow->name, even.fasterAbove->name);
    else
      text += fmt::format("ridge point {} / {}: none ({} is faster at every "
                          "Op/B)\n",
                          point.first->name, point.second->name,
                          even.fasterBelow->name);
  }
  os << text;
}
