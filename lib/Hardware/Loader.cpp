//===- Loader.cpp - read and validate device descriptions -----------------===//
//
// A hand-written reader rather than llvm::json::ObjectMapper: it needs the
// `{"value", "source"}` shape for every number, kind-dependent sets of
// allowed keys, and messages in the `<file>: $.a.b[0].c: ...` form. The
// first error wins; later checks still run but report nothing.
//
//===----------------------------------------------------------------------===//

#include "duplex/Hardware/Loader.h"
#include "SourcedJSON.h"
#include "duplex/Hardware/PlausibleRanges.h"
#include "duplex/Support/InputFile.h"

#include "duplex/Support/BundledData.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <cstdio>

using namespace llvm;

namespace duplex::hw {

// Unit conversions of the file format (field suffixes), not hardware data.
static constexpr double kGiga = 1e9;
static constexpr double kMega = 1e6;
static constexpr double kTera = 1e12;
static constexpr double kNano = 1e-9;
static constexpr double kMicro = 1e-6;
static constexpr double kPico = 1e-12;

/// The version string a file must carry in "format".
static constexpr StringLiteral kFormat = "duplex-device-1";

/// Datasheet bandwidth may differ this much from pins x data rate (datasheets
/// round; some parts run their pins slightly below the nominal rate).
static constexpr double kBandwidthTolerance = 0.15;

using namespace detail;

namespace {

/// Reads the sections of one file into a System.
class SystemReader {
public:
  SystemReader(Parser &parser, System &system)
      : parser(parser), system(system) {}

  void readRoot(const json::Object &root);

private:
  void readPlacement(const json::Object &section, StringRef path,
                     Placement placement);
  void readMemory(const json::Object &object, StringRef path,
                  Placement placement);
  void readHbmOrganization(const json::Object &object, StringRef path,
                           Memory &memory);
  void readDimmOrganization(const json::Object &object, StringRef path,
                            Memory &memory);
  void readTiming(const json::Object &object, StringRef path, Memory &memory);
  void readMemoryEnergy(const json::Object &object, StringRef path,
                        Memory &memory);
  void checkMemory(const Memory &memory, StringRef path);
  void readUnit(const json::Object &object, StringRef path,
                Placement placement);
  void readTypeMap(const json::Object &object, StringRef path, StringRef field,
                   double scale,
                   SmallVectorImpl<std::pair<DType, double>> &values);
  void checkUnit(const Unit &unit, StringRef path);
  void readLink(const json::Object &object, StringRef path);
  void readTopology(const json::Object &object, StringRef path);

  Parser &parser;
  System &system;
  /// JSON path of each memory, parallel to system.memories.
  SmallVector<std::string, 2> memoryPaths;
};

} // namespace

void SystemReader::readRoot(const json::Object &root) {
  parser.checkKeys(root, "$",
                   {"format", "description", "references", "device", "host",
                    "links", "topology"});
  if (std::optional<StringRef> format = parser.getString(root, "format", "$"))
    if (*format != kFormat)
      parser.fail("$.format",
                  "expected \"" + kFormat + "\", got \"" + *format + "\"");
  if (std::optional<StringRef> description =
          parser.getString(root, "description", "$"))
    system.description = description->str();
  if (const json::Object *references =
          parser.getObject(root, "references", "$", /*required=*/false))
    for (const auto &entry : *references)
      if (!entry.second.getAsString())
        parser.fail(child("$.references", entry.first),
                    "expected a string (a full citation)");

  if (const json::Object *device = parser.getObject(root, "device", "$")) {
    parser.checkKeys(*device, "$.device", {"name", "units", "memories"});
    if (std::optional<StringRef> name =
            parser.getString(*device, "name", "$.device"))
      system.deviceName = name->str();
    readPlacement(*device, "$.device", Placement::Device);
  }
  if (const json::Object *host =
          parser.getObject(root, "host", "$", /*required=*/false)) {
    parser.checkKeys(*host, "$.host", {"units", "memories"});
    readPlacement(*host, "$.host", Placement::Host);
  }
  if (const json::Array *links = parser.getArray(root, "links", "$"))
    for (size_t i = 0; i < links->size(); ++i) {
      std::string path = element("$.links", i);
      if (const json::Object *link = (*links)[i].getAsObject())
        readLink(*link, path);
      else
        parser.fail(path,
                    "expected an object, got " + describeType((*links)[i]));
    }
  if (const json::Object *topology = parser.getObject(root, "topology", "$"))
    readTopology(*topology, "$.topology");
}

void SystemReader::readPlacement(const json::Object &section, StringRef path,
                                 Placement placement) {
  // Memories first: units refer to them by name.
  if (const json::Array *memories =
          parser.getArray(section, "memories", path)) {
    if (memories->empty())
      parser.fail(child(path, "memories"), "must list at least one memory");
    for (size_t i = 0; i < memories->size(); ++i) {
      std::string memoryPath = element(child(path, "memories"), i);
      if (const json::Object *memory = (*memories)[i].getAsObject())
        readMemory(*memory, memoryPath, placement);
      else
        parser.fail(memoryPath,
                    "expected an object, got " + describeType((*memories)[i]));
    }
  }
  const json::Array *units = parser.getArray(section, "units", path);
  if (!units)
    return;
  if (placement == Placement::Device && units->empty())
    parser.fail(child(path, "units"), "must list at least one unit");
  for (size_t i = 0; i < units->size(); ++i) {
    std::string unitPath = element(child(path, "units"), i);
    if (const json::Object *unit = (*units)[i].getAsObject())
      readUnit(*unit, unitPath, placement);
    else
      parser.fail(unitPath,
                  "expected an object, got " + describeType((*units)[i]));
  }
}

void SystemReader::readMemory(const json::Object &object, StringRef path,
                              Placement placement) {
  Memory memory;
  memory.placement = placement;
  std::optional<StringRef> kindText = parser.getString(object, "kind", path);
  std::optional<MemoryKind> kind =
      kindText ? parseMemoryKind(*kindText) : std::nullopt;
  if (kindText && !kind)
    parser.fail(child(path, "kind"),
                "unknown memory kind '" + *kindText +
                    "'; known kinds: " + memoryKindSpellings());
  if (!kind)
    return;
  memory.kind = *kind;
  SmallVector<StringRef, 10> allowed = {"name",
                                        "kind",
                                        "capacity_gib",
                                        "bandwidth_gb_per_s",
                                        "data_rate_mt_per_s",
                                        "organization",
                                        "timing",
                                        "energy"};
  if (isHbm(*kind))
    allowed.push_back("logic_die_bandwidth_multiplier");
  parser.checkKeys(object, path, allowed);

  if (std::optional<StringRef> name = parser.getString(object, "name", path)) {
    memory.name = name->str();
    if (system.findMemory(*name))
      parser.fail(child(path, "name"), "duplicate memory name '" + *name + "'");
  }
  memory.capacityBytes =
      parser.getNumber(object, "capacity_gib", path, Rule::Positive) *
      kBytesPerGiB;
  memory.bytesPerSecond =
      parser.getNumber(object, "bandwidth_gb_per_s", path, Rule::Positive) *
      kGiga;
  memory.transfersPerSecondPerPin =
      parser.getNumber(object, "data_rate_mt_per_s", path, Rule::Positive) *
      kMega;
  if (isHbm(*kind))
    memory.logicDieBandwidthMultiplier = parser.getOptionalNumber(
        object, "logic_die_bandwidth_multiplier", path, Rule::Positive);

  if (const json::Object *organization =
          parser.getObject(object, "organization", path)) {
    if (isHbm(*kind))
      readHbmOrganization(*organization, child(path, "organization"), memory);
    else
      readDimmOrganization(*organization, child(path, "organization"), memory);
  }
  if (const json::Object *timing = parser.getObject(object, "timing", path))
    readTiming(*timing, child(path, "timing"), memory);
  if (const json::Object *energy = parser.getObject(object, "energy", path))
    readMemoryEnergy(*energy, child(path, "energy"), memory);
  if (parser.failed())
    return;
  checkMemory(memory, path);
  system.memories.push_back(std::move(memory));
  memoryPaths.push_back(path.str());
}

void SystemReader::readHbmOrganization(const json::Object &object,
                                       StringRef path, Memory &memory) {
  parser.checkKeys(object, path,
                   {"stacks", "channels_per_stack",
                    "pseudo_channels_per_channel", "ranks_per_pseudo_channel",
                    "bank_groups_per_rank", "banks_per_bank_group",
                    "pseudo_channel_width_bits", "burst_length",
                    "row_size_bytes", "bank_bundle"});
  HbmOrganization hbm;
  hbm.stacks = parser.getCount(object, "stacks", path);
  hbm.channelsPerStack = parser.getCount(object, "channels_per_stack", path);
  hbm.pseudoChannelsPerChannel =
      parser.getCount(object, "pseudo_channels_per_channel", path);
  hbm.ranksPerPseudoChannel =
      parser.getCount(object, "ranks_per_pseudo_channel", path);
  hbm.bankGroupsPerRank = parser.getCount(object, "bank_groups_per_rank", path);
  hbm.banksPerBankGroup = parser.getCount(object, "banks_per_bank_group", path);
  hbm.pseudoChannelWidthBits =
      parser.getCount(object, "pseudo_channel_width_bits", path);
  hbm.burstLength = parser.getCount(object, "burst_length", path);
  hbm.rowBytes = parser.getCount(object, "row_size_bytes", path);
  if (const json::Object *bundle =
          parser.getObject(object, "bank_bundle", path, /*required=*/false)) {
    std::string bundlePath = child(path, "bank_bundle");
    parser.checkKeys(*bundle, bundlePath,
                     {"banks_per_bank_group",
                      "active_bundles_per_pseudo_channel",
                      "sections_per_weight_stream", "sections_per_kv_stream"});
    BankBundle bankBundle;
    bankBundle.banksPerBankGroup =
        parser.getCount(*bundle, "banks_per_bank_group", bundlePath);
    bankBundle.activeBundlesPerPseudoChannel = parser.getCount(
        *bundle, "active_bundles_per_pseudo_channel", bundlePath);
    // The optional layout fields: read, then held to the bundle count.
    const std::pair<StringRef, unsigned *> sectionFields[] = {
        {"sections_per_weight_stream", &bankBundle.sectionsPerWeightStream},
        {"sections_per_kv_stream", &bankBundle.sectionsPerKVStream}};
    for (auto [key, field] : sectionFields)
      if (std::optional<double> sections = parser.getOptionalNumber(
              *bundle, key, bundlePath, Rule::PositiveInteger))
        *field = static_cast<unsigned>(*sections);
    if (!parser.failed() &&
        bankBundle.banksPerBankGroup > hbm.banksPerBankGroup)
      parser.fail(child(bundlePath, "banks_per_bank_group"),
                  formatv("a bundle cannot take {0} banks of a bank group "
                          "that has {1}",
                          bankBundle.banksPerBankGroup, hbm.banksPerBankGroup)
                      .str());
    unsigned bundlesPerPseudoChannel =
        bankBundle.banksPerBankGroup == 0
            ? 0
            : hbm.ranksPerPseudoChannel *
                  (hbm.banksPerBankGroup / bankBundle.banksPerBankGroup);
    if (!parser.failed() &&
        bankBundle.activeBundlesPerPseudoChannel > bundlesPerPseudoChannel)
      parser.fail(child(bundlePath, "active_bundles_per_pseudo_channel"),
                  formatv("a pseudo-channel has only {0} bundles",
                          bundlesPerPseudoChannel)
                      .str());
    for (auto [key, field] : sectionFields)
      if (!parser.failed() && *field > bundlesPerPseudoChannel)
        parser.fail(child(bundlePath, key),
                    formatv("{0} sections, but a pseudo-channel has only {1} "
                            "bundles",
                            *field, bundlesPerPseudoChannel)
                        .str());
    hbm.bankBundle = bankBundle;
  }
  memory.hbm = hbm;
}

void SystemReader::readDimmOrganization(const json::Object &object,
                                        StringRef path, Memory &memory) {
  parser.checkKeys(object, path,
                   {"channels", "dimms_per_channel", "ranks_per_dimm",
                    "chips_per_rank", "chip_width_bits", "bank_groups_per_chip",
                    "banks_per_bank_group", "burst_length", "row_size_bytes"});
  DimmOrganization dimm;
  dimm.channels = parser.getCount(object, "channels", path);
  dimm.dimmsPerChannel = parser.getCount(object, "dimms_per_channel", path);
  dimm.ranksPerDimm = parser.getCount(object, "ranks_per_dimm", path);
  dimm.chipsPerRank = parser.getCount(object, "chips_per_rank", path);
  dimm.chipWidthBits = parser.getCount(object, "chip_width_bits", path);
  dimm.bankGroupsPerChip =
      parser.getCount(object, "bank_groups_per_chip", path);
  dimm.banksPerBankGroup =
      parser.getCount(object, "banks_per_bank_group", path);
  dimm.burstLength = parser.getCount(object, "burst_length", path);
  dimm.rowBytes = parser.getCount(object, "row_size_bytes", path);
  memory.dimm = dimm;
}

void SystemReader::readTiming(const json::Object &object, StringRef path,
                              Memory &memory) {
  parser.checkKeys(object, path,
                   {"tCCD_S_ns", "tCCD_L_ns", "tRCD_ns", "tRP_ns", "tRAS_ns"});
  DramTiming &timing = memory.timing;
  timing.tCCDSSeconds =
      parser.getNumber(object, "tCCD_S_ns", path, Rule::Positive) * kNano;
  timing.tCCDLSeconds =
      parser.getNumber(object, "tCCD_L_ns", path, Rule::Positive) * kNano;
  timing.tRCDSeconds =
      parser.getNumber(object, "tRCD_ns", path, Rule::Positive) * kNano;
  timing.tRPSeconds =
      parser.getNumber(object, "tRP_ns", path, Rule::Positive) * kNano;
  timing.tRASSeconds =
      parser.getNumber(object, "tRAS_ns", path, Rule::Positive) * kNano;
}

void SystemReader::readMemoryEnergy(const json::Object &object, StringRef path,
                                    Memory &memory) {
  parser.checkKeys(object, path, {"activate_nj_per_row", "paths"});
  memory.activateJoulesPerRow =
      parser.getNumber(object, "activate_nj_per_row", path, Rule::NonNegative) *
      kNano;
  const json::Object *paths = parser.getObject(object, "paths", path);
  if (!paths)
    return;
  std::string pathsPath = child(path, "paths");
  SmallVector<StringRef, 4> allowedPaths;
  if (isHbm(memory.kind))
    allowedPaths = {"external", "logic_die", "bank_group", "bank"};
  else
    allowedPaths = {"external", "rank", "bank"};
  parser.checkKeys(*paths, pathsPath, allowedPaths);
  if (paths->empty())
    parser.fail(pathsPath, "must list at least the external path");
  for (StringRef name : allowedPaths) {
    const json::Object *entry =
        parser.getObject(*paths, name, pathsPath, /*required=*/false);
    if (!entry)
      continue;
    std::string entryPath = child(pathsPath, name);
    parser.checkKeys(*entry, entryPath,
                     {"read_pj_per_bit", "write_pj_per_bit"});
    PathEnergy energy;
    energy.path = *parseAccessPath(name);
    energy.readJoulesPerBit = parser.getNumber(*entry, "read_pj_per_bit",
                                               entryPath, Rule::NonNegative) *
                              kPico;
    energy.writeJoulesPerBit = parser.getNumber(*entry, "write_pj_per_bit",
                                                entryPath, Rule::NonNegative) *
                               kPico;
    memory.pathEnergies.push_back(energy);
  }
}

void SystemReader::checkMemory(const Memory &memory, StringRef path) {
  const DramTiming &timing = memory.timing;
  if (timing.tCCDLSeconds < timing.tCCDSSeconds)
    parser.fail(child(path, "timing.tCCD_L_ns"),
                "must not be shorter than tCCD_S_ns");
  unsigned burstLength =
      memory.hbm ? memory.hbm->burstLength : memory.dimm->burstLength;
  // A column command cannot issue faster than its burst transfers.
  double burstSeconds = burstLength / memory.transfersPerSecondPerPin;
  if (timing.tCCDSSeconds < burstSeconds * (1 - 1e-3))
    parser.fail(child(path, "timing.tCCD_S_ns"),
                formatv("{0} ns is shorter than one burst ({1} beats at {2} "
                        "MT/s = {3} ns)",
                        shortNumber(timing.tCCDSSeconds / kNano), burstLength,
                        shortNumber(memory.transfersPerSecondPerPin / kMega),
                        shortNumber(burstSeconds / kNano))
                    .str());
  double pinBytesPerSecond = memory.pinBytesPerSecond();
  if (std::abs(memory.bytesPerSecond - pinBytesPerSecond) >
      kBandwidthTolerance * pinBytesPerSecond)
    parser.fail(
        child(path, "bandwidth_gb_per_s"),
        formatv("{0} GB/s disagrees with the organisation: {1} pins x "
                "{2} MT/s / 8 = {3} GB/s",
                shortNumber(memory.bytesPerSecond / kGiga),
                memory.hbm ? memory.hbm->pinCount() : memory.dimm->pinCount(),
                shortNumber(memory.transfersPerSecondPerPin / kMega),
                shortNumber(pinBytesPerSecond / kGiga))
            .str());
  if (!memory.findPathEnergy(AccessPath::External))
    parser.fail(child(path, "energy.paths"),
                "missing required field \"external\"");
}

void SystemReader::readTypeMap(
    const json::Object &object, StringRef path, StringRef field, double scale,
    SmallVectorImpl<std::pair<DType, double>> &values) {
  if (object.empty())
    parser.fail(path, "must list at least one data type");
  SmallVector<StringRef, 8> keys;
  for (const auto &entry : object)
    keys.push_back(entry.first);
  llvm::sort(keys);
  for (StringRef key : keys) {
    std::string entryPath = child(path, key);
    std::optional<DType> type = parseDType(key);
    if (!type) {
      parser.fail(entryPath,
                  "unknown data type; known types: " + dtypeSpellings());
      continue;
    }
    double value = parser.readSourcedValue(*object.get(key), entryPath,
                                           Rule::Positive, field);
    values.push_back({*type, value * scale});
  }
}

void SystemReader::readUnit(const json::Object &object, StringRef path,
                            Placement placement) {
  Unit unit;
  unit.placement = placement;
  std::optional<StringRef> kindText = parser.getString(object, "kind", path);
  std::optional<UnitKind> kind =
      kindText ? parseUnitKind(*kindText) : std::nullopt;
  if (kindText && !kind)
    parser.fail(child(path, "kind"),
                "unknown unit kind '" + *kindText +
                    "'; known kinds: " + unitKindSpellings());
  if (!kind)
    return;
  unit.kind = *kind;
  bool pim = isPim(*kind);
  SmallVector<StringRef, 10> allowed = {"name",      "kind",   "memory",
                                        "clock_mhz", "energy", "calibration"};
  if (pim) {
    allowed.push_back("count");
    allowed.push_back("flops_per_cycle_per_unit");
  } else {
    allowed.push_back("peak_tflops");
  }
  parser.checkKeys(object, path, allowed);

  if (std::optional<StringRef> name = parser.getString(object, "name", path)) {
    unit.name = name->str();
    if (system.findUnit(*name))
      parser.fail(child(path, "name"), "duplicate unit name '" + *name + "'");
  }
  if (std::optional<StringRef> memoryName =
          parser.getString(object, "memory", path)) {
    bool found = false;
    std::string known;
    for (unsigned i = 0; i < system.memories.size(); ++i) {
      const Memory &memory = system.memories[i];
      if (memory.placement != placement)
        continue;
      known += (known.empty() ? "" : ", ") + memory.name;
      if (memory.name == *memoryName) {
        unit.memoryIndex = i;
        found = true;
      }
    }
    if (!found)
      parser.fail(child(path, "memory"),
                  "no " + toString(placement) + " memory named '" +
                      *memoryName + "'; " + toString(placement) +
                      " memories: " + (known.empty() ? "none" : known));
  }
  unit.clockHz =
      parser.getNumber(object, "clock_mhz", path, Rule::Positive) * kMega;
  if (pim) {
    unit.count = parser.getCount(object, "count", path);
    if (const json::Object *types =
            parser.getObject(object, "flops_per_cycle_per_unit", path))
      readTypeMap(*types, child(path, "flops_per_cycle_per_unit"),
                  "flops_per_cycle_per_unit", 1, unit.flopsPerCyclePerUnit);
  } else if (const json::Object *types =
                 parser.getObject(object, "peak_tflops", path)) {
    readTypeMap(*types, child(path, "peak_tflops"), "peak_tflops", kTera,
                unit.datasheetFlopsPerSecond);
  }

  if (const json::Object *energy = parser.getObject(object, "energy", path)) {
    std::string energyPath = child(path, "energy");
    parser.checkKeys(*energy, energyPath,
                     {"pj_per_mac", "static_power_w_per_unit"});
    unit.joulesPerMac =
        parser.getNumber(*energy, "pj_per_mac", energyPath, Rule::NonNegative) *
        kPico;
    unit.staticWattsPerUnit = parser.getNumber(
        *energy, "static_power_w_per_unit", energyPath, Rule::NonNegative);
  }
  if (const json::Object *calibration =
          parser.getObject(object, "calibration", path)) {
    std::string calibrationPath = child(path, "calibration");
    Calibration &fit = unit.calibration;
    if (pim) {
      parser.checkKeys(*calibration, calibrationPath,
                       {"kernel_launch_overhead_us"});
    } else {
      parser.checkKeys(*calibration, calibrationPath,
                       {"compute_efficiency", "memory_bandwidth_efficiency",
                        "kernel_launch_overhead_us", "per_layer_overhead_us",
                        "per_step_overhead_us", "overhead_overlap",
                        "compute_memory_unhidden_fraction"});
      fit.computeEfficiency = parser.getNumber(
          *calibration, "compute_efficiency", calibrationPath, Rule::Fraction);
      fit.memoryBandwidthEfficiency =
          parser.getNumber(*calibration, "memory_bandwidth_efficiency",
                           calibrationPath, Rule::Fraction);
      fit.perLayerSeconds =
          parser.getNumber(*calibration, "per_layer_overhead_us",
                           calibrationPath, Rule::NonNegative) *
          kMicro;
      fit.perStepSeconds =
          parser.getNumber(*calibration, "per_step_overhead_us",
                           calibrationPath, Rule::NonNegative) *
          kMicro;
      fit.overheadOverlap =
          parser
              .getOptionalNumber(*calibration, "overhead_overlap",
                                 calibrationPath, Rule::NonNegative)
              .value_or(0);
      fit.computeMemoryUnhidden =
          parser
              .getOptionalNumber(*calibration,
                                 "compute_memory_unhidden_fraction",
                                 calibrationPath, Rule::NonNegative)
              .value_or(0);
    }
    fit.kernelLaunchSeconds =
        parser.getNumber(*calibration, "kernel_launch_overhead_us",
                         calibrationPath, Rule::NonNegative) *
        kMicro;
  }
  if (parser.failed())
    return;
  checkUnit(unit, path);
  system.units.push_back(std::move(unit));
}

void SystemReader::checkUnit(const Unit &unit, StringRef path) {
  bool hostKind =
      unit.kind == UnitKind::DimmPim || unit.kind == UnitKind::RankPim;
  if (hostKind != (unit.placement == Placement::Host)) {
    parser.fail(child(path, "kind"),
                formatv("a {0} unit belongs under $.{1}.units",
                        toString(unit.kind), hostKind ? "host" : "device")
                    .str());
    return;
  }
  const Memory &memory = system.memories[unit.memoryIndex];
  std::string memoryPath = memoryPaths[unit.memoryIndex];
  bool needsHbm = unit.kind == UnitKind::LogicPim ||
                  unit.kind == UnitKind::BankGroupPim ||
                  unit.kind == UnitKind::BankPim;
  if (needsHbm && !isHbm(memory.kind))
    parser.fail(child(path, "memory"),
                formatv("a {0} unit needs an HBM memory, '{1}' is {2}",
                        toString(unit.kind), memory.name, toString(memory.kind))
                    .str());
  if (hostKind && isHbm(memory.kind))
    parser.fail(child(path, "memory"),
                formatv("a {0} unit needs a DDR memory, '{1}' is {2}",
                        toString(unit.kind), memory.name, toString(memory.kind))
                    .str());
  bool bundled =
      unit.kind == UnitKind::LogicPim || unit.kind == UnitKind::BankGroupPim;
  if (bundled && memory.hbm && !memory.hbm->bankBundle)
    parser.fail(child(memoryPath, "organization.bank_bundle"),
                formatv("missing required field: unit '{0}' ({1}) reads bank "
                        "bundles",
                        unit.name, toString(unit.kind))
                    .str());
  if (unit.kind == UnitKind::LogicPim && !memory.logicDieBandwidthMultiplier)
    parser.fail(child(memoryPath, "logic_die_bandwidth_multiplier"),
                formatv("missing required field: unit '{0}' reads through "
                        "the logic die",
                        unit.name)
                    .str());
  if (!memory.findPathEnergy(unit.accessPath()))
    parser.fail(
        child(memoryPath, "energy.paths." + toString(unit.accessPath()).str()),
        formatv("missing required field: unit '{0}' ({1}) reads "
                "through this path",
                unit.name, toString(unit.kind))
            .str());
}

void SystemReader::readLink(const json::Object &object, StringRef path) {
  parser.checkKeys(object, path,
                   {"name", "kind", "scope", "per_direction_bandwidth_gb_per_s",
                    "latency_us", "energy_pj_per_bit"});
  Link link;
  if (std::optional<StringRef> name = parser.getString(object, "name", path))
    link.name = name->str();
  if (std::optional<StringRef> kind = parser.getString(object, "kind", path)) {
    if (std::optional<LinkKind> parsed = parseLinkKind(*kind))
      link.kind = *parsed;
    else
      parser.fail(child(path, "kind"),
                  "unknown link kind '" + *kind +
                      "'; known kinds: " + linkKindSpellings());
  }
  if (std::optional<StringRef> scope =
          parser.getString(object, "scope", path)) {
    if (std::optional<LinkScope> parsed = parseLinkScope(*scope)) {
      link.scope = *parsed;
      if (system.findLink(*parsed))
        parser.fail(child(path, "scope"),
                    "a second " + *scope + " link; describe one per scope");
    } else {
      parser.fail(child(path, "scope"),
                  "unknown link scope '" + *scope +
                      "'; known scopes: " + linkScopeSpellings());
    }
  }
  link.bytesPerSecondPerDirection =
      parser.getNumber(object, "per_direction_bandwidth_gb_per_s", path,
                       Rule::Positive) *
      kGiga;
  link.latencySeconds =
      parser.getNumber(object, "latency_us", path, Rule::NonNegative) * kMicro;
  link.joulesPerBit =
      parser.getNumber(object, "energy_pj_per_bit", path, Rule::NonNegative) *
      kPico;
  if (!parser.failed())
    system.links.push_back(std::move(link));
}

void SystemReader::readTopology(const json::Object &object, StringRef path) {
  parser.checkKeys(object, path,
                   {"devices_per_node", "nodes", "max_devices_per_node"});
  Topology &topology = system.topology;
  topology.devicesPerNode = parser.getCount(object, "devices_per_node", path);
  topology.nodes = parser.getCount(object, "nodes", path);
  topology.maxDevicesPerNode =
      parser.getCount(object, "max_devices_per_node", path);
  if (parser.failed())
    return;
  if (topology.devicesPerNode > topology.maxDevicesPerNode)
    parser.fail(child(path, "devices_per_node"),
                formatv("{0} exceeds max_devices_per_node ({1})",
                        topology.devicesPerNode, topology.maxDevicesPerNode)
                    .str());
  if (topology.devicesPerNode > 1 && !system.findLink(LinkScope::IntraNode))
    parser.fail(child(path, "devices_per_node"),
                "more than one device per node needs an intra_node link");
  if (topology.nodes > 1 && !system.findLink(LinkScope::InterNode))
    parser.fail(child(path, "nodes"),
                "more than one node needs an inter_node link");
}

Expected<System> parseSystem(StringRef jsonText, StringRef fileName,
                             StringRef systemName) {
  System system;
  system.name = systemName.str();
  system.fileName = fileName.str();
  if (Error error = guardJSONText(jsonText, (fileName + ": $").str()))
    return std::move(error);
  Expected<json::Value> parsed = json::parse(jsonText);
  if (!parsed)
    return createStringError(inconvertibleErrorCode(),
                             "%s: $: invalid JSON: %s", fileName.str().c_str(),
                             toString(parsed.takeError()).c_str());
  const json::Object *root = parsed->getAsObject();
  if (!root)
    return createStringError(inconvertibleErrorCode(),
                             "%s: $: expected an object at the top level",
                             fileName.str().c_str());
  Parser parser(fileName, system.sources);
  SystemReader reader(parser, system);
  reader.readRoot(*root);
  if (parser.failed())
    return parser.takeError();
  return system;
}

Expected<System> loadSystem(StringRef nameOrPath,
                            ArrayRef<DeviceOverride> overrides) {
  Expected<std::unique_ptr<MemoryBuffer>> buffer =
      openFileOrBundled(nameOrPath, getBundledDevices(), "device");
  if (!buffer)
    return buffer.takeError();
  // A bundled name is its own name; a path names the system by its stem.
  StringRef identifier = (*buffer)->getBufferIdentifier();
  StringRef systemName = identifier.starts_with("<bundled ")
                             ? nameOrPath
                             : sys::path::stem(nameOrPath);
  if (overrides.empty())
    return parseSystem((*buffer)->getBuffer(), identifier, systemName);
  // The description with its values changed, checked as any file; errors
  // name the file and say the values were set.
  StringRef text = (*buffer)->getBuffer();
  if (Error error = guardJSONText(text, identifier))
    return std::move(error);
  Expected<json::Value> root = parseBoundedJSON(text, identifier);
  if (!root)
    return root.takeError();
  if (Error error = applyDeviceOverrides(*root, overrides))
    return std::move(error);
  std::string changed;
  raw_string_ostream os(changed);
  os << *root;
  return parseSystem(changed, (identifier + " (with --set)").str(), systemName);
}

} // namespace duplex::hw
