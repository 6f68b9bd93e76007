//===- Collectives.h - transfers and collectives over links -----*- C++ -*-===//
//
// Bandwidth-latency (alpha-beta) models over one link of a system. `bytes`
// is what each device holds (all-reduce, all-gather input) or sends
// (point-to-point, all-to-all). Cost::bytes is what one device sends; the
// link energy counts every device's traffic.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_COSTMODEL_COLLECTIVES_H
#define DUPLEX_COSTMODEL_COLLECTIVES_H

#include "duplex/CostModel/Cost.h"
#include "duplex/Hardware/System.h"

#include "llvm/Support/Error.h"

namespace duplex::cost {

/// One transfer of `bytes` from one endpoint to another.
Cost pointToPoint(const hw::Link &link, double bytes);

/// Ring all-reduce of `bytes` over `devices` devices:
/// 2(n-1)/n x bytes / bandwidth + 2(n-1) x latency.
Cost ringAllReduce(const hw::Link &link, double bytes, unsigned devices);

/// Ring reduce-scatter or all-gather: (n-1)/n x bytes / bandwidth +
/// (n-1) x latency.
Cost ringAllGather(const hw::Link &link, double bytes, unsigned devices);

/// All-to-all where each device holds `bytes` split evenly over all devices
/// (it keeps 1/n): (n-1)/n x bytes / bandwidth + (n-1) x latency.
Cost allToAll(const hw::Link &link, double bytes, unsigned devices);

/// All-reduce over the first `devices` devices of `system`: a ring on the
/// intra-node link inside one node; across nodes, reduce-scatter inside each
/// node, a ring all-reduce of the 1/n shard between nodes, all-gather back.
llvm::Expected<Cost> allReduce(const hw::System &system, double bytes,
                               unsigned devices);

/// A copy between a device and its host (PCIe), e.g. KV to DIMM-PIM.
llvm::Expected<Cost> hostCopy(const hw::System &system, double bytes);

} // namespace duplex::cost

#endif // DUPLEX_COSTMODEL_COLLECTIVES_H
