//===- System.cpp - a system of devices, units, memories and links --------===//

#include "duplex/Hardware/System.h"
#include "duplex/Hardware/PlausibleRanges.h"

#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace duplex::hw {

const PathEnergy *Memory::findPathEnergy(AccessPath path) const {
  for (const PathEnergy &energy : pathEnergies)
    if (energy.path == path)
      return &energy;
  return nullptr;
}

double Memory::pinBytesPerSecond() const {
  unsigned pins = hbm ? hbm->pinCount() : dimm->pinCount();
  return pins * transfersPerSecondPerPin / 8.0;
}

static std::string
listTypes(const SmallVectorImpl<std::pair<DType, double>> &values) {
  std::string text;
  for (const auto &entry : values) {
    if (!text.empty())
      text += ", ";
    text += toString(entry.first).str();
  }
  return text.empty() ? "none" : text;
}

bool Unit::hasPeakFor(DType type) const {
  for (const auto &entry : datasheetFlopsPerSecond)
    if (entry.first == type)
      return true;
  for (const auto &entry : flopsPerCyclePerUnit)
    if (entry.first == type)
      return true;
  return false;
}

std::optional<DType> Unit::computeTypeFor(DType type) const {
  if (hasPeakFor(type))
    return type;
  for (DType wider : widerTypesOf(type))
    if (hasPeakFor(wider))
      return wider;
  return std::nullopt;
}

Expected<double> Unit::peakFlopsPerSecond(DType wanted) const {
  DType type = computeTypeFor(wanted).value_or(wanted);
  for (const auto &entry : datasheetFlopsPerSecond)
    if (entry.first == type)
      return entry.second;
  for (const auto &entry : flopsPerCyclePerUnit)
    if (entry.first == type)
      return count * clockHz * entry.second;
  const auto &listed =
      isPim(kind) ? flopsPerCyclePerUnit : datasheetFlopsPerSecond;
  return createStringError(
      inconvertibleErrorCode(),
      formatv("unit '{0}' ({1}) has no peak for {2} or a wider type it "
              "could compute {2} at; it lists: {3}",
              name, toString(kind), toString(type), listTypes(listed))
          .str());
}

const Unit *System::findUnit(StringRef unitName) const {
  for (const Unit &unit : units)
    if (unit.name == unitName)
      return &unit;
  return nullptr;
}

const Memory *System::findMemory(StringRef memoryName) const {
  for (const Memory &memory : memories)
    if (memory.name == memoryName)
      return &memory;
  return nullptr;
}

SmallVector<const Unit *, 4> System::unitsOfKind(UnitKind kind) const {
  SmallVector<const Unit *, 4> found;
  for (const Unit &unit : units)
    if (unit.kind == kind)
      found.push_back(&unit);
  return found;
}

const Unit *System::firstUnitOfKind(UnitKind kind) const {
  for (const Unit &unit : units)
    if (unit.kind == kind)
      return &unit;
  return nullptr;
}

const Unit *System::hostProcessor() const {
  for (const Unit &unit : units)
    if (!isPim(unit.kind))
      return &unit;
  return nullptr;
}

const PathEnergy &System::pathEnergyOf(const Unit &unit) const {
  const PathEnergy *energy = memoryOf(unit).findPathEnergy(unit.accessPath());
  assert(energy && "the loader checks that every unit's path has energies");
  return *energy;
}

const Link *System::findLink(LinkScope scope) const {
  for (const Link &link : links)
    if (link.scope == scope)
      return &link;
  return nullptr;
}

Expected<const Link &> System::linkFor(LinkScope scope) const {
  if (const Link *link = findLink(scope))
    return *link;
  return createStringError(inconvertibleErrorCode(),
                           "system '%s' describes no %s link", name.c_str(),
                           toString(scope).str().c_str());
}

static double capacityAt(const SmallVectorImpl<Memory> &memories,
                         Placement placement) {
  double bytes = 0;
  for (const Memory &memory : memories)
    if (memory.placement == placement)
      bytes += memory.capacityBytes;
  return bytes;
}

double System::deviceMemoryBytes() const {
  return capacityAt(memories, Placement::Device);
}

double System::hostMemoryBytes() const {
  return capacityAt(memories, Placement::Host);
}

Expected<System> System::withTopology(unsigned devicesPerNode, unsigned nodes,
                                      unsigned replicasPerNode) const {
  if (devicesPerNode == 0 || nodes == 0 || replicasPerNode == 0)
    return createStringError(
        inconvertibleErrorCode(),
        "system '%s': devices per node (%u), nodes (%u) and replicas per node "
        "(%u) must be positive",
        name.c_str(), devicesPerNode, nodes, replicasPerNode);
  // In 64 bits: two 32-bit counts must not wrap to a small product.
  uint64_t perNode = uint64_t(devicesPerNode) * replicasPerNode;
  if (perNode > topology.maxDevicesPerNode)
    return createStringError(
        inconvertibleErrorCode(),
        "system '%s': %llu devices per node%s exceed the %u that its "
        "intra-node link connects; use more nodes",
        name.c_str(), (unsigned long long)perNode,
        replicasPerNode > 1
            ? formatv(" ({0} replicas of {1})", replicasPerNode, devicesPerNode)
                  .str()
                  .c_str()
            : "",
        topology.maxDevicesPerNode);
  if (const PlausibleRange *range = findPlausibleRange("nodes");
      nodes > range->max)
    return createStringError(inconvertibleErrorCode(),
                             "system '%s': %u nodes is implausible: at most "
                             "%.0f (%s)",
                             name.c_str(), nodes, range->max,
                             range->basis.data());
  if (nodes > 1 && !findLink(LinkScope::InterNode))
    return createStringError(inconvertibleErrorCode(),
                             "system '%s': %u nodes need an inter_node link",
                             name.c_str(), nodes);
  if (devicesPerNode > 1 && !findLink(LinkScope::IntraNode))
    return createStringError(
        inconvertibleErrorCode(),
        "system '%s': %u devices per node need an intra_node link",
        name.c_str(), devicesPerNode);
  System scaled = *this;
  scaled.topology.devicesPerNode = devicesPerNode;
  scaled.topology.nodes = nodes;
  scaled.topology.replicasPerNode = replicasPerNode;
  return scaled;
}

StringRef System::sourceOf(StringRef jsonPath) const {
  auto it = sources.find(jsonPath);
  return it == sources.end() ? StringRef() : StringRef(it->second);
}

} // namespace duplex::hw
