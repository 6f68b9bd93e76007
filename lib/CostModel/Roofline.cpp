//===- Roofline.cpp - GPU and xPU: calibrated roofline --------------------===//
//
// A GPU/xPU reads its HBM through the external path at the datasheet
// bandwidth derated by eta (memory_bandwidth_efficiency); its memory
// controller interleaves banks, so row activations hide behind other banks
// and only count for energy (every byte streamed opens its share of a row).
//
//===----------------------------------------------------------------------===//

#include "UnitModels.h"

namespace duplex::cost::detail {

double rooflineBytesPerSecond(const hw::Unit &unit, const hw::Memory &memory,
                              Rate rate) {
  double efficiency =
      rate == Rate::Sustained ? unit.calibration.memoryBandwidthEfficiency : 1;
  return memory.bytesPerSecond * efficiency;
}

MemoryTime rooflineMemoryTime(const hw::Unit &unit, const hw::Memory &memory,
                              const Workload &workload) {
  MemoryTime time;
  time.seconds =
      workload.bytes() / rooflineBytesPerSecond(unit, memory, Rate::Sustained);
  time.rowActivations = workload.bytes() / memory.rowBytes();
  return time;
}

} // namespace duplex::cost::detail
