//===- StageWork.cpp - FLOPs, bytes and Op/B of every op in a stage -------===//

#include "duplex/Analysis/StageWork.h"
#include "duplex/CostModel/CostModel.h"
#include "duplex/CostModel/Kernels.h"

#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
using namespace duplex;
using namespace duplex::llm;

llm::WorkContext duplex::makeWorkContext(ModelOp model, const Stage &stage,
                                         const RoutingOptions &routing,
                                         unsigned tensorParallel,
                                         unsigned expertParallel) {
  WorkContext context;
  context.stage = stage;
  context.routing = routing;
  context.activationBits = getDTypeBits(model.getActivationDtype());
  context.activationComputeType = getComputeType(model.getActivationDtype());
  context.tensorParallel = std::max(1u, tensorParallel);
  context.expertParallel = std::max(1u, expertParallel);
  return context;
}

void duplex::applyExpertParallelism(WorkContext &context,
                                    const hw::System &system,
                                    bool expertTensorParallel) {
  unsigned perNode = system.topology.devicesPerNode;
  unsigned nodes = system.topology.nodes;
  context.expertParallel = expertTensorParallel ? 1 : perNode;
  context.expertsTensorParallel = expertTensorParallel;
  context.expertTokenScale = 1;
  if (nodes > 1) {
    context.expertParallel *= nodes;
    context.expertTokenScale = nodes;
  }
}

double duplex::lowestRidgeOpB(const hw::System &system) {
  double lowest = 0;
  for (const hw::Unit &unit : system.units) {
    llvm::Expected<double> ridge =
        cost::ridgePoint(system, unit, hw::DType::FP16);
    if (!ridge) {
      llvm::consumeError(ridge.takeError()); // No FP16 peak: no ridge.
      continue;
    }
    if (lowest == 0 || *ridge < lowest)
      lowest = *ridge;
  }
  return lowest;
}

std::string duplex::describeOp(Operation *op) {
  std::string label = op->getName().getStringRef().str();
  if (auto linear = dyn_cast<LinearOp>(op))
    label += " " + stringifyLinearKind(linear.getKind()).str();
  return label;
}

static llvm::Expected<cost::Workload> workloadOf(const Kernel &kernel) {
  return std::visit(
      [](const auto &shape) -> llvm::Expected<cost::Workload> {
        return cost::workloadOf(shape);
      },
      kernel);
}

static void listOps(Block &block, uint64_t layers, std::vector<WorkOp> &ops,
                    uint64_t &moeOps) {
  for (Operation &op : block) {
    if (auto repeat = dyn_cast<RepeatOp>(op)) {
      listOps(repeat.getBody().front(), layers * repeat.getCount(), ops,
              moeOps);
      continue;
    }
    auto stageWork = dyn_cast<StageWorkOpInterface>(op);
    if (!stageWork)
      continue;
    WorkOp &workOp = ops.emplace_back();
    workOp.op = stageWork;
    workOp.index = ops.size() - 1;
    workOp.layers = layers;
    if (isa<MoEOp>(op))
      workOp.moeOrdinal = moeOps++;
  }
}

llvm::Expected<std::vector<WorkOp>>
duplex::listWorkOps(ModelOp model, const RoutingOptions &routing) {
  std::vector<WorkOp> ops;
  uint64_t moeOps = 0;
  listOps(model.getBody().front(), 1, ops, moeOps);
  for (WorkOp workOp : ops)
    if (auto moe = dyn_cast<MoEOp>(workOp.op.getOperation()))
      if (llvm::Error error =
              checkRoutingFits(routing, moe.getNumExperts(), moe.getTopK()))
        return std::move(error);
  return ops;
}

llvm::Expected<std::vector<WorkRecord>>
duplex::collectStageWork(ArrayRef<WorkOp> ops, const WorkContext &context,
                         RecordLabels labels) {
  std::vector<WorkRecord> records;
  // A model's records number a few per decoder layer kind: no regrowth.
  records.reserve(std::max<size_t>(64, ops.size() + 8));
  // Each MoE op draws its own routing; only then is the context (and its
  // stage) copied, once.
  std::optional<WorkContext> moeContext;
  llvm::SmallVector<OpWork, 2> parts;
  for (const WorkOp &workOp : ops) {
    const WorkContext *opContext = &context;
    if (workOp.moeOrdinal) {
      if (!moeContext)
        moeContext = context;
      moeContext->routingStream =
          context.routingStream * 1000003 + *workOp.moeOrdinal;
      opContext = &*moeContext;
    }
    parts.clear();
    StageWorkOpInterface stageWork = workOp.op;
    stageWork.getStageWork(*opContext, parts);
    for (OpWork &part : parts) {
      // Built in place: a record's kernels sit inline, so a move copies
      // them.
      WorkRecord &record = records.emplace_back();
      record.index = workOp.index;
      record.op = stageWork.getOperation();
      if (labels == RecordLabels::With)
        record.label = describeOp(record.op);
      record.layers = workOp.layers;
      for (const Kernel &kernel : part.kernels) {
        llvm::Expected<cost::Workload> workload = workloadOf(kernel);
        if (!workload)
          return workload.takeError();
        record.flops += workload->flops;
        record.bytes += workload->bytes();
      }
      record.work = std::move(part);
    }
  }
  return std::move(records);
}

llvm::Expected<std::vector<WorkRecord>>
duplex::collectStageWork(ModelOp model, const WorkContext &context) {
  llvm::Expected<std::vector<WorkOp>> ops = listWorkOps(model, context.routing);
  if (!ops)
    return ops.takeError();
  return collectStageWork(*ops, context);
}

llvm::json::Object duplex::toJSON(const WorkRecord &record) {
  llvm::json::Object object{
      {"index", record.index},
      {"op", record.label},
      {"part", toString(record.work.part)},
      {"category", toString(record.work.category)},
      {"layers", record.layers},
      {"flops", record.flops},
      {"bytes", record.bytes},
      {"opb", record.opb()},
  };
  if (!record.work.tokensPerExpert.empty()) {
    llvm::json::Array tokens;
    for (uint64_t count : record.work.tokensPerExpert)
      tokens.push_back(count);
    object["tokens_per_expert"] = std::move(tokens);
  }
  return object;
}
