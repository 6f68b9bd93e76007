//===- CalibrationProfile.cpp - named sets of calibration values ----------===//

#include "duplex/Hardware/CalibrationProfile.h"
#include "SourcedJSON.h"

#include "duplex/Support/BundledData.h"
#include "duplex/Support/InputFile.h"

#include "llvm/Support/Path.h"

using namespace llvm;

namespace duplex::hw {

using namespace detail;

/// The version string a profile must carry in "format".
static constexpr StringLiteral kFormat = "duplex-calibration-1";

// Unit conversions of the file format (field suffixes), not hardware data.
static constexpr double kMicro = 1e-6;

const CalibrationOverride *findOverride(const UnitOverrides &units,
                                        UnitKind kind) {
  const CalibrationOverride *fallback = nullptr;
  for (const auto &[key, values] : units) {
    if (key == toString(kind))
      return &values;
    if (key == "*")
      fallback = &values;
  }
  return fallback;
}

const RuntimeCalibration *
CalibrationProfile::findRuntime(StringRef runtime) const {
  for (const auto &[name, section] : runtimes)
    if (name == runtime)
      return &section;
  return nullptr;
}

/// `kind`'s entry: a PIM kind takes only what its units use (their rates
/// come from the DRAM timing model, and the host pays the fixed costs), so
/// a profile cannot set something that would silently do nothing.
static CalibrationOverride readOverride(Parser &parser,
                                        const json::Object &object,
                                        StringRef path, StringRef kind) {
  std::optional<UnitKind> unitKind = parseUnitKind(kind);
  if (unitKind && isPim(*unitKind))
    parser.checkKeys(object, path,
                     {"kernel_launch_overhead_us", "static_power_w_per_unit"});
  else
    parser.checkKeys(object, path,
                     {"compute_efficiency", "memory_bandwidth_efficiency",
                      "kernel_launch_overhead_us", "per_layer_overhead_us",
                      "per_step_overhead_us", "overhead_overlap",
                      "compute_memory_unhidden_fraction",
                      "static_power_w_per_unit"});
  CalibrationOverride values;
  values.computeEfficiency = parser.getOptionalNumber(
      object, "compute_efficiency", path, Rule::Fraction);
  values.memoryBandwidthEfficiency = parser.getOptionalNumber(
      object, "memory_bandwidth_efficiency", path, Rule::Fraction);
  auto micro = [&](StringRef key) -> std::optional<double> {
    if (auto value =
            parser.getOptionalNumber(object, key, path, Rule::NonNegative))
      return *value * kMicro;
    return std::nullopt;
  };
  values.kernelLaunchSeconds = micro("kernel_launch_overhead_us");
  values.perLayerSeconds = micro("per_layer_overhead_us");
  values.perStepSeconds = micro("per_step_overhead_us");
  values.overheadOverlap = parser.getOptionalNumber(object, "overhead_overlap",
                                                    path, Rule::NonNegative);
  values.computeMemoryUnhidden = parser.getOptionalNumber(
      object, "compute_memory_unhidden_fraction", path, Rule::NonNegative);
  values.staticWattsPerUnit = parser.getOptionalNumber(
      object, "static_power_w_per_unit", path, Rule::NonNegative);
  return values;
}

/// An object's keys, sorted: the first error and the order of what is read
/// are stable.
static SmallVector<StringRef, 8> sortedKeys(const json::Object &object) {
  SmallVector<StringRef, 8> keys;
  for (const auto &entry : object)
    keys.push_back(entry.first);
  llvm::sort(keys);
  return keys;
}

/// A "units" object: an override per unit kind or "*".
static UnitOverrides readUnits(Parser &parser, const json::Object &units,
                               StringRef unitsPath) {
  UnitOverrides overrides;
  for (StringRef kind : sortedKeys(units)) {
    std::string path = child(unitsPath, kind);
    if (kind != "*" && !parseUnitKind(kind)) {
      parser.fail(path, "unknown unit kind; expected * or one of " +
                            unitKindSpellings());
      continue;
    }
    const json::Object *values = units.getObject(kind);
    if (!values) {
      parser.fail(path,
                  "expected an object, got " + describeType(*units.get(kind)));
      continue;
    }
    overrides.emplace_back(kind.str(),
                           readOverride(parser, *values, path, kind));
  }
  return overrides;
}

Expected<CalibrationProfile> parseCalibrationProfile(StringRef jsonText,
                                                     StringRef fileName,
                                                     StringRef name) {
  // Nesting is bounded before llvm::json recurses into it.
  Expected<json::Value> root = parseBoundedJSON(jsonText, fileName);
  if (!root)
    return root.takeError();
  CalibrationProfile profile;
  profile.name = name.str();
  profile.fileName = fileName.str();
  Parser parser(fileName, profile.sources);
  const json::Object *object = root->getAsObject();
  if (!object) {
    parser.fail("$", "expected an object, got " + describeType(*root));
    return parser.takeError();
  }
  parser.checkKeys(*object, "$",
                   {"format", "description", "units", "runtimes"});
  std::optional<StringRef> format = parser.getString(*object, "format", "$");
  if (format && *format != kFormat)
    parser.fail("$.format",
                "expected \"" + kFormat + "\", got \"" + *format + "\"");
  if (std::optional<StringRef> description =
          parser.getString(*object, "description", "$"))
    profile.description = description->str();
  if (const json::Object *units = parser.getObject(*object, "units", "$"))
    profile.units = readUnits(parser, *units, "$.units");
  if (const json::Object *runtimes =
          parser.getObject(*object, "runtimes", "$", /*required=*/false))
    for (StringRef runtime : sortedKeys(*runtimes)) {
      std::string path = child("$.runtimes", runtime);
      const json::Object *section = runtimes->getObject(runtime);
      if (!section) {
        parser.fail(path, "expected an object, got " +
                              describeType(*runtimes->get(runtime)));
        continue;
      }
      parser.checkKeys(*section, path,
                       {"description", "units", "reserved_memory_gib",
                        "chunked_stage_token_budget"});
      RuntimeCalibration calibration;
      if (std::optional<StringRef> description =
              parser.getString(*section, "description", path))
        calibration.description = description->str();
      // A runtime may set only the memory it keeps.
      if (const json::Object *units =
              parser.getObject(*section, "units", path, /*required=*/false))
        calibration.units = readUnits(parser, *units, path + ".units");
      if (std::optional<double> gib = parser.getOptionalNumber(
              *section, "reserved_memory_gib", path, Rule::NonNegative))
        calibration.reservedMemoryBytes = *gib * kBytesPerGiB;
      if (std::optional<double> tokens =
              parser.getOptionalNumber(*section, "chunked_stage_token_budget",
                                       path, Rule::PositiveInteger))
        calibration.chunkedStageTokens = uint64_t(*tokens);
      profile.runtimes.emplace_back(runtime.str(), std::move(calibration));
    }
  if (parser.failed())
    return parser.takeError();
  return profile;
}

Expected<CalibrationProfile> loadCalibrationProfile(StringRef nameOrPath) {
  Expected<std::unique_ptr<MemoryBuffer>> buffer = openFileOrBundled(
      nameOrPath, getBundledCalibrations(), "calibration profile");
  if (!buffer)
    return buffer.takeError();
  // A file is named by its path as given: a user's `x/paper.json` is not
  // the bundled `paper`.
  return parseCalibrationProfile((*buffer)->getBuffer(),
                                 (*buffer)->getBufferIdentifier(), nameOrPath);
}

/// Fails when `units` names a kind `system` has no unit of.
static Error checkKinds(const UnitOverrides &units, const System &system,
                        StringRef profileName) {
  for (const auto &entry : units) {
    StringRef kind = entry.first;
    if (kind != "*" && !llvm::any_of(system.units, [&](const Unit &unit) {
          return toString(unit.kind) == kind;
        }))
      return createStringError(
          inconvertibleErrorCode(),
          "calibration profile '%s' sets unit kind '%s', but system '%s' has "
          "no such unit",
          profileName.str().c_str(), kind.str().c_str(), system.name.c_str());
  }
  return Error::success();
}

static void applyOverrides(const UnitOverrides &units, System &system) {
  for (Unit &unit : system.units) {
    const CalibrationOverride *values = findOverride(units, unit.kind);
    if (!values)
      continue;
    Calibration &fit = unit.calibration;
    fit.computeEfficiency =
        values->computeEfficiency.value_or(fit.computeEfficiency);
    fit.memoryBandwidthEfficiency = values->memoryBandwidthEfficiency.value_or(
        fit.memoryBandwidthEfficiency);
    fit.kernelLaunchSeconds =
        values->kernelLaunchSeconds.value_or(fit.kernelLaunchSeconds);
    fit.perLayerSeconds = values->perLayerSeconds.value_or(fit.perLayerSeconds);
    fit.perStepSeconds = values->perStepSeconds.value_or(fit.perStepSeconds);
    fit.overheadOverlap = values->overheadOverlap.value_or(fit.overheadOverlap);
    fit.computeMemoryUnhidden =
        values->computeMemoryUnhidden.value_or(fit.computeMemoryUnhidden);
    unit.staticWattsPerUnit =
        values->staticWattsPerUnit.value_or(unit.staticWattsPerUnit);
  }
}

Error applyCalibrationProfile(const CalibrationProfile &profile, System &system,
                              StringRef runtime) {
  const RuntimeCalibration *section =
      runtime.empty() ? nullptr : profile.findRuntime(runtime);
  if (Error error = checkKinds(profile.units, system, profile.name))
    return error;
  // A runtime section may name kinds other systems have (a GPU runtime's
  // values on a PIM system): it sets the kinds this system has.
  applyOverrides(profile.units, system);
  system.calibrationProfile = profile.name;
  if (section) {
    applyOverrides(section->units, system);
    system.runtimeReservedBytes =
        section->reservedMemoryBytes.value_or(system.runtimeReservedBytes);
    if (section->chunkedStageTokens)
      system.runtimeChunkedStageTokens = section->chunkedStageTokens;
    system.calibrationProfile += "/" + runtime.str();
  }
  return Error::success();
}

} // namespace duplex::hw
