//===- Summary.cpp - a loaded device description as JSON ------------------===//

#include "duplex/Hardware/Summary.h"

using namespace llvm;
using namespace duplex::hw;

static json::Object unitJSON(const System &system, const Unit &unit) {
  json::Object peaks;
  auto addPeak = [&](DType type) {
    if (Expected<double> peak = unit.peakFlopsPerSecond(type))
      peaks[toString(type)] = *peak;
    else
      consumeError(peak.takeError());
  };
  for (const auto &[type, flops] : unit.datasheetFlopsPerSecond)
    addPeak(type);
  for (const auto &[type, flops] : unit.flopsPerCyclePerUnit)
    addPeak(type);
  // The types the unit does not list that it computes at a wider one
  // (docs/device-format.md: an A100 computes fp8 at fp16).
  json::Object computesAs;
  for (DType type : allDTypes()) {
    std::optional<DType> runsAt = unit.computeTypeFor(type);
    if (runsAt && *runsAt != type)
      computesAs[toString(type)] = toString(*runsAt);
  }
  return json::Object{{"name", unit.name},
                      {"kind", toString(unit.kind)},
                      {"placement", toString(unit.placement)},
                      {"memory", system.memoryOf(unit).name},
                      {"count", unit.count},
                      {"clock_hz", unit.clockHz},
                      {"peak_flops_per_s", std::move(peaks)},
                      {"computes_as", std::move(computesAs)}};
}

json::Value duplex::hw::summaryJSON(const System &system) {
  json::Array units, memories, links;
  for (const Unit &unit : system.units)
    units.push_back(unitJSON(system, unit));
  for (const Memory &memory : system.memories)
    memories.push_back(json::Object{{"name", memory.name},
                                    {"kind", toString(memory.kind)},
                                    {"placement", toString(memory.placement)},
                                    {"capacity_bytes", memory.capacityBytes},
                                    {"bytes_per_s", memory.bytesPerSecond}});
  for (const Link &link : system.links)
    links.push_back(json::Object{
        {"name", link.name},
        {"kind", toString(link.kind)},
        {"scope", toString(link.scope)},
        {"bytes_per_s_per_direction", link.bytesPerSecondPerDirection},
        {"latency_s", link.latencySeconds}});
  return json::Object{
      {"name", system.name},
      {"device_name", system.deviceName},
      {"description", system.description},
      {"file", system.fileName},
      {"devices_per_node", system.topology.devicesPerNode},
      {"nodes", system.topology.nodes},
      {"max_devices_per_node", system.topology.maxDevicesPerNode},
      {"device_memory_bytes", system.deviceMemoryBytes()},
      {"host_memory_bytes", system.hostMemoryBytes()},
      {"units", std::move(units)},
      {"memories", std::move(memories)},
      {"links", std::move(links)}};
}
