//===- Collectives.cpp - transfers and collectives over links -------------===//

#include "duplex/CostModel/Collectives.h"

using namespace llvm;

namespace duplex::cost {

static constexpr double kBitsPerByte = 8;

/// `sentBytes` leave each of `devices` devices in `steps` latency-bound
/// steps over `link`.
static Cost transfer(const hw::Link &link, double sentBytes, double steps,
                     unsigned devices) {
  Cost cost;
  cost.bytes = sentBytes;
  cost.linkSeconds = sentBytes / link.bytesPerSecondPerDirection;
  cost.overheadSeconds = steps * link.latencySeconds;
  cost.seconds = cost.linkSeconds + cost.overheadSeconds;
  cost.linkJoules = sentBytes * devices * kBitsPerByte * link.joulesPerBit;
  cost.joules = cost.linkJoules;
  return cost;
}

Cost pointToPoint(const hw::Link &link, double bytes) {
  return transfer(link, bytes, 1, 1);
}

Cost ringAllReduce(const hw::Link &link, double bytes, unsigned devices) {
  if (devices <= 1)
    return Cost();
  double n = devices;
  return transfer(link, 2 * (n - 1) / n * bytes, 2 * (n - 1), devices);
}

Cost ringAllGather(const hw::Link &link, double bytes, unsigned devices) {
  if (devices <= 1)
    return Cost();
  double n = devices;
  return transfer(link, (n - 1) / n * bytes, n - 1, devices);
}

Cost allToAll(const hw::Link &link, double bytes, unsigned devices) {
  // Same volume and step count as a ring all-gather: each device sends the
  // n-1 shards it does not keep.
  return ringAllGather(link, bytes, devices);
}

/// Runs `phase` once in each of `copies` independent groups at the same
/// time: the time is one phase's, the energy all of them.
static void addPhase(Cost &total, const Cost &phase, unsigned copies) {
  total.seconds += phase.seconds;
  total.linkSeconds += phase.linkSeconds;
  total.overheadSeconds += phase.overheadSeconds;
  total.bytes += phase.bytes;
  total.linkJoules += phase.linkJoules * copies;
  total.joules += phase.linkJoules * copies;
}

Expected<Cost> allReduce(const hw::System &system, double bytes,
                         unsigned devices) {
  if (devices > system.totalDevices())
    return createStringError(inconvertibleErrorCode(),
                             "all-reduce over %u devices, but system '%s' "
                             "has %u",
                             devices, system.name.c_str(),
                             system.totalDevices());
  if (devices <= 1)
    return Cost();
  unsigned perNode = system.topology.devicesPerNode;
  if (devices <= perNode) {
    Expected<const hw::Link &> intra = system.linkFor(hw::LinkScope::IntraNode);
    if (!intra)
      return intra.takeError();
    return ringAllReduce(*intra, bytes, devices);
  }
  if (devices % perNode != 0)
    return createStringError(inconvertibleErrorCode(),
                             "all-reduce over %u devices does not fill whole "
                             "nodes of %u",
                             devices, perNode);
  unsigned nodes = devices / perNode;
  Expected<const hw::Link &> inter = system.linkFor(hw::LinkScope::InterNode);
  if (!inter)
    return inter.takeError();
  Cost total;
  Cost shard = ringAllReduce(*inter, bytes / perNode, nodes);
  if (perNode == 1) {
    addPhase(total, shard, perNode);
    return total;
  }
  Expected<const hw::Link &> intra = system.linkFor(hw::LinkScope::IntraNode);
  if (!intra)
    return intra.takeError();
  Cost scatter = ringAllGather(*intra, bytes, perNode);
  addPhase(total, scatter, nodes); // Reduce-scatter inside each node.
  addPhase(total, shard, perNode); // One ring per shard between nodes.
  addPhase(total, scatter, nodes); // All-gather inside each node.
  return total;
}

Expected<Cost> hostCopy(const hw::System &system, double bytes) {
  Expected<const hw::Link &> host = system.linkFor(hw::LinkScope::Host);
  if (!host)
    return host.takeError();
  return pointToPoint(*host, bytes);
}

} // namespace duplex::cost
