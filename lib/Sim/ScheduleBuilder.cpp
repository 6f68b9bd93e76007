//===- ScheduleBuilder.cpp - shared steps of the schedule builders --------===//

#include "ScheduleBuilder.h"

#include "duplex/CostModel/Collectives.h"

using namespace llvm;

namespace duplex::sim::detail {

void ScheduleBuilder::beginOp(Chain &chain, uint64_t layers) {
  if (chain.layers != layers)
    chain.frontier.clear();
  chain.layers = layers;
}

std::string ScheduleBuilder::baseName(const Chain &chain,
                                      const WorkItem &item) const {
  if (!nameTasks)
    return std::string();
  return chain.prefix + item.label + " #" + std::to_string(item.opIndex);
}

Task &ScheduleBuilder::startTask(StringRef resource, std::string name,
                                 TaskCategory category, ArrayRef<TaskId> deps,
                                 uint64_t layers) {
  uint32_t stream = schedule.streamFor(resource);
  Task &task = schedule.tasks.emplace_back();
  task.name = std::move(name);
  task.stream = stream;
  task.category = category;
  task.deps.assign(deps.begin(), deps.end());
  task.layers = layers;
  return task;
}

Expected<TaskId>
ScheduleBuilder::emitOnUnit(const Chain &chain, const WorkItem &item,
                            StringRef suffix, ArrayRef<Kernel> kernels,
                            unsigned unitIndex, ArrayRef<TaskId> deps,
                            const Slice &slice) {
  if (unitIndex >= system.units.size())
    return createStringError(inconvertibleErrorCode(),
                             "'%s' is placed on unit #%u, but system '%s' "
                             "has %zu units",
                             baseName(chain, item).c_str(), unitIndex,
                             system.name.c_str(), system.units.size());
  const hw::Unit &unit = system.units[unitIndex];
  std::string name = baseName(chain, item);
  if (!suffix.empty() && nameTasks)
    name += " " + suffix.str();

  const hw::Unit *home = system.hostProcessor();
  bool remote = home && system.memoryOf(unit).placement !=
                            system.memoryOf(*home).placement;
  const hw::Link *link =
      remote ? system.findLink(hw::LinkScope::Host) : nullptr;
  if (remote && !link)
    return createStringError(inconvertibleErrorCode(),
                             "'%s' runs on '%s' in host memory, but system "
                             "'%s' has no host link to copy its data",
                             name.c_str(), unit.name.c_str(),
                             system.name.c_str());
  TaskId copied = 0;
  if (link && item.inputTransferBytes > 0) {
    Task &copy = startTask(link->name, extend(name, " to " + unit.name),
                           TaskCategory::Communication, deps, item.layers);
    copy.transfer =
        Transfer{CollectiveKind::PointToPoint, item.inputTransferBytes, 1};
    copied = lastTask();
    deps = copied;
  }
  Task &work = startTask(unit.name, name, item.category, deps, item.layers);
  work.kernels.assign(kernels.begin(), kernels.end());
  work.slice = slice;
  TaskId last = lastTask();
  if (link && item.outputTransferBytes > 0) {
    Task &copy = startTask(link->name, extend(name, " from " + unit.name),
                           TaskCategory::Communication, last, item.layers);
    copy.transfer =
        Transfer{CollectiveKind::PointToPoint, item.outputTransferBytes, 1};
    last = lastTask();
  }
  return last;
}

Error ScheduleBuilder::emitAllToAll(const Chain &chain, const WorkItem &item,
                                    TaskIds &frontier, StringRef what) {
  if (item.allToAllBytes <= 0 || item.allToAllDevices <= 1)
    return Error::success();
  Expected<const hw::Link &> link = system.linkFor(hw::LinkScope::InterNode);
  if (!link)
    return link.takeError();
  Task &exchange =
      startTask(link->name, extend(baseName(chain, item), " " + what),
                TaskCategory::Communication, frontier, item.layers);
  exchange.transfer = Transfer{CollectiveKind::AllToAll, item.allToAllBytes,
                               item.allToAllDevices};
  frontier.assign(1, lastTask());
  return Error::success();
}

Error ScheduleBuilder::emitAllReduce(const Chain &chain, const WorkItem &item,
                                     TaskIds &frontier) {
  if (item.allReduceBytes <= 0 || item.allReduceDevices <= 1)
    return Error::success();
  bool inNode = item.allReduceDevices <= system.topology.devicesPerNode;
  Expected<const hw::Link &> link = system.linkFor(
      inNode ? hw::LinkScope::IntraNode : hw::LinkScope::InterNode);
  if (!link)
    return link.takeError();
  std::optional<double> fixedSeconds;
  if (!inNode) {
    // Across nodes: reduce-scatter, ring between nodes, all-gather
    // (cost::allReduce); the inter-node link carries the task.
    Expected<cost::Cost> cost =
        cost::allReduce(system, item.allReduceBytes, item.allReduceDevices);
    if (!cost)
      return cost.takeError();
    fixedSeconds = cost->seconds;
  }
  Task &reduce =
      startTask(link->name, extend(baseName(chain, item), " all-reduce"),
                TaskCategory::Communication, frontier, item.layers);
  reduce.transfer = Transfer{CollectiveKind::AllReduce, item.allReduceBytes,
                             item.allReduceDevices};
  reduce.fixedSeconds = fixedSeconds;
  frontier.assign(1, lastTask());
  return Error::success();
}

} // namespace duplex::sim::detail
