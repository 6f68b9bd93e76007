//===- System.h - devices, units, memories and links ------------*- C++ -*-===//
//
// The in-memory form of a device description (devices/*.json, see
// docs/device-format.md). All quantities are in SI base units (seconds,
// bytes, bytes per second, hertz, joules, watts) whatever unit the file uses;
// the field names say which. Every number was read with its source, which
// `System::sourceOf` returns by JSON path.
//
// Plain C++ and LLVM Support only: the cost model, the simulator and the
// Python module use this without MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_HARDWARE_SYSTEM_H
#define DUPLEX_HARDWARE_SYSTEM_H

#include "duplex/Hardware/Types.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <utility>

namespace duplex::hw {

/// DRAM timing parameters the PIM models need, in seconds.
struct DramTiming {
  double tCCDSSeconds = 0; ///< Column-to-column, different bank groups.
  double tCCDLSeconds = 0; ///< Column-to-column, same bank group.
  double tRCDSeconds = 0;  ///< Activate to column command.
  double tRPSeconds = 0;   ///< Precharge.
  double tRASSeconds = 0;  ///< Activate to precharge (minimum row open).
};

/// Duplex's bank bundle: `banksPerBankGroup` banks from every bank group of
/// one rank of a pseudo-channel, read together at tCCD_L.
struct BankBundle {
  unsigned banksPerBankGroup = 0;
  /// How many bundles of a pseudo-channel the PIM path reads at once (the
  /// rest stay with the xPU).
  unsigned activeBundlesPerPseudoChannel = 0;
  /// Over how many bundle sections the layout spreads one stream's rows,
  /// for weights and for the KV cache: a stream kept in as many sections as
  /// the path reads at once cannot open its next row in idle banks. 0: not
  /// stated, spread over every section.
  unsigned sectionsPerWeightStream = 0;
  unsigned sectionsPerKVStream = 0;
};

/// Organisation of an HBM memory (all stacks of one device).
struct HbmOrganization {
  unsigned stacks = 0;
  unsigned channelsPerStack = 0;
  unsigned pseudoChannelsPerChannel = 0;
  unsigned ranksPerPseudoChannel = 0; ///< Stack IDs (SIDs).
  unsigned bankGroupsPerRank = 0;
  unsigned banksPerBankGroup = 0;
  unsigned pseudoChannelWidthBits = 0;
  unsigned burstLength = 0;
  double rowBytes = 0; ///< Row (page) of one bank of a pseudo-channel.
  std::optional<BankBundle> bankBundle;

  unsigned pseudoChannels() const {
    return stacks * channelsPerStack * pseudoChannelsPerChannel;
  }
  unsigned banksPerPseudoChannel() const {
    return ranksPerPseudoChannel * bankGroupsPerRank * banksPerBankGroup;
  }
  unsigned banks() const { return pseudoChannels() * banksPerPseudoChannel(); }
  /// Bytes one column command moves on one pseudo-channel (one bank).
  double bytesPerColumnAccess() const {
    return pseudoChannelWidthBits * burstLength / 8.0;
  }
  unsigned pinCount() const {
    return pseudoChannels() * pseudoChannelWidthBits;
  }
  /// Bank bundles (sections) of one pseudo-channel; 0 without bundles.
  unsigned bundlesPerPseudoChannel() const {
    if (!bankBundle || bankBundle->banksPerBankGroup == 0)
      return 0;
    return ranksPerPseudoChannel *
           (banksPerBankGroup / bankBundle->banksPerBankGroup);
  }
};

/// Organisation of the DIMMs of a host (all channels of one node).
struct DimmOrganization {
  unsigned channels = 0;
  unsigned dimmsPerChannel = 0;
  unsigned ranksPerDimm = 0;
  unsigned chipsPerRank = 0; ///< Data chips, without ECC.
  unsigned chipWidthBits = 0;
  unsigned bankGroupsPerChip = 0;
  unsigned banksPerBankGroup = 0;
  unsigned burstLength = 0;
  double rowBytes = 0; ///< Row (page) of one bank of one chip.

  unsigned ranks() const { return channels * dimmsPerChannel * ranksPerDimm; }
  unsigned chips() const { return ranks() * chipsPerRank; }
  unsigned banksPerChip() const {
    return bankGroupsPerChip * banksPerBankGroup;
  }
  unsigned banks() const { return chips() * banksPerChip(); }
  /// Bytes one column command moves out of one bank of one chip.
  double bytesPerChipAccess() const {
    return chipWidthBits * burstLength / 8.0;
  }
  unsigned channelWidthBits() const { return chipsPerRank * chipWidthBits; }
  unsigned pinCount() const { return channels * channelWidthBits(); }
};

/// Energy of moving data along one access path of a memory.
struct PathEnergy {
  AccessPath path = AccessPath::External;
  double readJoulesPerBit = 0;
  double writeJoulesPerBit = 0;
};

struct Memory {
  std::string name;
  MemoryKind kind = MemoryKind::Hbm3;
  Placement placement = Placement::Device;
  double capacityBytes = 0;
  /// External (datasheet) bandwidth: PHY for HBM, all channels for DIMMs.
  double bytesPerSecond = 0;
  double transfersPerSecondPerPin = 0;
  DramTiming timing;
  std::optional<HbmOrganization> hbm;   ///< Set iff isHbm(kind).
  std::optional<DimmOrganization> dimm; ///< Set iff !isHbm(kind).
  /// Logic-die path bandwidth over external bandwidth (extra TSVs).
  std::optional<double> logicDieBandwidthMultiplier;
  double activateJoulesPerRow = 0; ///< One row of one bank (one chip).
  llvm::SmallVector<PathEnergy, 4> pathEnergies;

  const PathEnergy *findPathEnergy(AccessPath path) const;
  double rowBytes() const { return hbm ? hbm->rowBytes : dimm->rowBytes; }
  /// Bandwidth from pins x data rate, to cross-check the datasheet value.
  double pinBytesPerSecond() const;
};

/// Derating and fixed costs fitted to measurements. PIM units only use
/// kernelLaunchSeconds; their rates come from the DRAM timing model.
struct Calibration {
  double computeEfficiency = 1;
  double memoryBandwidthEfficiency = 1; ///< The eta of the roofline.
  double kernelLaunchSeconds = 0;       ///< Fixed cost of every kernel.
  double perLayerSeconds = 0;           ///< Added once per decoder layer.
  double perStepSeconds = 0;            ///< Added once per serving step.
  /// The share of the per-step and per-layer overhead that runs alongside
  /// the kernels (asynchronous launch, CUDA graphs) and hides behind them,
  /// up to their time: a stage pays overhead - overlap x min(overhead,
  /// kernel time). 0 adds it whole; 1 makes it a floor.
  double overheadOverlap = 0;
  /// The share of the shorter of a kernel's compute and memory times that
  /// does not hide behind the longer: a kernel takes max(c, m) + this x
  /// min(c, m). 0 is the roofline's perfect overlap; real GEMMs at a
  /// moderate batch, where neither term dominates, pay for part of both.
  double computeMemoryUnhidden = 0;
};

struct Unit {
  std::string name;
  UnitKind kind = UnitKind::Gpu;
  Placement placement = Placement::Device;
  unsigned memoryIndex = 0; ///< Index into System::memories.
  unsigned count = 1;       ///< Instances (1 for a GPU/xPU).
  double clockHz = 0;
  /// GPU/xPU: peak of the whole unit. PIM: empty, see flopsPerCyclePerUnit.
  llvm::SmallVector<std::pair<DType, double>, 4> datasheetFlopsPerSecond;
  /// PIM: FLOPs one instance retires per cycle. GPU/xPU: empty.
  llvm::SmallVector<std::pair<DType, double>, 4> flopsPerCyclePerUnit;
  Calibration calibration;
  double joulesPerMac = 0;
  double staticWattsPerUnit = 0;

  /// Peak FLOP/s of all instances for arithmetic in `type`: the datasheet
  /// value for a GPU/xPU, count x clock x FLOPs/cycle for PIM, of the type
  /// computeTypeFor(type) picks. An error names the unit and the types it
  /// lists when neither `type` nor a wider one is listed.
  llvm::Expected<double> peakFlopsPerSecond(DType type) const;
  /// Whether the description lists a peak for `type` itself.
  bool hasPeakFor(DType type) const;
  /// The type arithmetic in `type` runs at: `type` when listed, else the
  /// nearest of widerTypesOf(type) the unit lists (an A100 has no fp8 peak:
  /// fp8 work runs at fp16); none when no such type is listed.
  std::optional<DType> computeTypeFor(DType type) const;
  double staticWatts() const { return staticWattsPerUnit * count; }
  AccessPath accessPath() const { return accessPathOf(kind); }
};

struct Link {
  std::string name;
  LinkKind kind = LinkKind::NVLink;
  LinkScope scope = LinkScope::IntraNode;
  /// What one device can send (and at the same time receive) on this link.
  double bytesPerSecondPerDirection = 0;
  double latencySeconds = 0;
  double joulesPerBit = 0;
};

struct Topology {
  /// Devices of one replica in a node (tensor parallel).
  unsigned devicesPerNode = 1;
  unsigned nodes = 1;
  unsigned maxDevicesPerNode = 1; ///< Size of the intra-node link domain.
  /// Data-parallel replicas inside one node (L3 runs OPT-66B as TP2 DP4 on
  /// one DGX-A100): each has devicesPerNode devices of its own, and all of
  /// them share the node's host memory and host units.
  unsigned replicasPerNode = 1;
};

class System {
public:
  std::string name;        ///< The bundled name or the file's stem.
  std::string description; ///< Free text from the file.
  std::string deviceName;  ///< $.device.name, e.g. "NVIDIA H100 SXM5 80GB".
  std::string fileName;    ///< Where it was loaded from, for diagnostics.
  llvm::SmallVector<Unit, 4> units;
  llvm::SmallVector<Memory, 2> memories;
  llvm::SmallVector<Link, 3> links;
  Topology topology;
  /// The calibration profile applied to the units (CalibrationProfile.h),
  /// empty while they hold the device file's own values.
  std::string calibrationProfile;
  /// Device memory a serving runtime holds besides the weights and the KV
  /// cache (activations, workspace, CUDA context), per device; a
  /// calibration profile's runtime section sets it, else 0.
  double runtimeReservedBytes = 0;
  /// The stage token budget the serving runtime was measured with, prompts
  /// chunked to fit it (a calibration runtime section's
  /// "chunked_stage_token_budget"); unset: the --scheduler policy's own.
  std::optional<uint64_t> runtimeChunkedStageTokens;
  /// JSON path (e.g. "$.device.memories[0].bandwidth_gb_per_s") -> source.
  llvm::StringMap<std::string> sources;

  const Unit *findUnit(llvm::StringRef unitName) const;
  const Memory *findMemory(llvm::StringRef memoryName) const;
  llvm::SmallVector<const Unit *, 4> unitsOfKind(UnitKind kind) const;
  /// The first unit of `kind` in file order, or null.
  const Unit *firstUnitOfKind(UnitKind kind) const;
  /// The unit that runs ordinary kernels: the first GPU or xPU, or null.
  const Unit *hostProcessor() const;

  /// The memory `unit` reads; the path is unit.accessPath().
  const Memory &memoryOf(const Unit &unit) const {
    return memories[unit.memoryIndex];
  }
  /// Energy of the path `unit` reads through (the loader guarantees one).
  const PathEnergy &pathEnergyOf(const Unit &unit) const;

  const Link *findLink(LinkScope scope) const;
  llvm::Expected<const Link &> linkFor(LinkScope scope) const;

  /// Capacity of the memories of one device (HBM): KV cache = this - weights.
  double deviceMemoryBytes() const;
  /// Capacity of the memories of one node's host (DIMMs); 0 if none.
  double hostMemoryBytes() const;
  unsigned totalDevices() const {
    return topology.devicesPerNode * topology.replicasPerNode * topology.nodes;
  }
  /// Devices that share one node's host memory and host units (DIMM-PIM):
  /// every device of every replica in the node.
  unsigned devicesPerHost() const {
    return topology.devicesPerNode * topology.replicasPerNode;
  }
  /// Devices whose work `unit` does in turn: devicesPerHost() for a host
  /// unit, which serves every device of its node, else 1.
  unsigned devicesSharing(const Unit &unit) const {
    return unit.placement == Placement::Host ? devicesPerHost() : 1;
  }
  /// One replica's share of its node's host memory.
  double hostMemoryBytesPerReplica() const {
    return hostMemoryBytes() / topology.replicasPerNode;
  }

  /// A copy with another topology (`--devices N --nodes M
  /// --replicas-per-node R`). The counts must be positive, and the devices
  /// of a node (N x R) at most topology.maxDevicesPerNode.
  llvm::Expected<System> withTopology(unsigned devicesPerNode, unsigned nodes,
                                      unsigned replicasPerNode = 1) const;

  /// The source string of the number at `jsonPath`, or "" if none.
  llvm::StringRef sourceOf(llvm::StringRef jsonPath) const;
};

} // namespace duplex::hw

#endif // DUPLEX_HARDWARE_SYSTEM_H
