//===- CalibrationProfile.h - named sets of calibration values --*- C++ -*-===//
//
// A calibration profile replaces the derating, fixed costs and static power
// of a system's units, by unit kind, without touching the hardware numbers:
//
//   measured  the device files' own values, fitted on published hardware
//             measurements (experiments/calibrate_gpu.py);
//   paper     what the Duplex and L3 papers and the Duplex authors'
//             simulator assume: datasheet peak and bandwidth, no framework
//             or launch overhead, no static power.
//
// A profile may also hold runtime sections, keyed by a serving runtime's
// --scheduler policy name (`trtllm`): values fitted on that framework's own
// measurements, applied over the profile's when a run names the runtime.
//
// Profiles are data (calibration/*.json, bundled into the tools; a path
// works too), in the device files' {"value", "source"} form, so every value
// keeps its source. docs/device-format.md describes the format.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_HARDWARE_CALIBRATIONPROFILE_H
#define DUPLEX_HARDWARE_CALIBRATIONPROFILE_H

#include "duplex/Hardware/System.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace duplex::hw {

/// The values a profile sets for one unit kind; unset ones keep the
/// device file's.
struct CalibrationOverride {
  std::optional<double> computeEfficiency;
  std::optional<double> memoryBandwidthEfficiency;
  std::optional<double> kernelLaunchSeconds;
  std::optional<double> perLayerSeconds;
  std::optional<double> perStepSeconds;
  std::optional<double> overheadOverlap;
  std::optional<double> computeMemoryUnhidden;
  std::optional<double> staticWattsPerUnit;
};

/// Overrides by unit kind spelling ("gpu", "logic_pim", ...) or "*" for the
/// kinds not listed.
using UnitOverrides = std::vector<std::pair<std::string, CalibrationOverride>>;

/// The override of `units` that applies to `kind`, or null.
const CalibrationOverride *findOverride(const UnitOverrides &units,
                                        UnitKind kind);

/// A profile's values for one serving runtime.
struct RuntimeCalibration {
  std::string description;
  UnitOverrides units;
  /// System::runtimeReservedBytes ("reserved_memory_gib").
  std::optional<double> reservedMemoryBytes;
  /// System::runtimeChunkedStageTokens ("chunked_stage_token_budget").
  std::optional<uint64_t> chunkedStageTokens;
};

struct CalibrationProfile {
  std::string name; ///< The bundled name, or the file's path as given.
  std::string description;
  std::string fileName;
  UnitOverrides units;
  /// By runtime (--scheduler policy) name, sorted.
  std::vector<std::pair<std::string, RuntimeCalibration>> runtimes;
  /// JSON path -> source, as System::sources.
  llvm::StringMap<std::string> sources;

  /// The override that applies to `kind`, or null.
  const CalibrationOverride *find(UnitKind kind) const {
    return findOverride(units, kind);
  }
  /// The section of `runtime`, or null.
  const RuntimeCalibration *findRuntime(llvm::StringRef runtime) const;
};

/// The profile the tools use when none is named.
inline constexpr llvm::StringLiteral kDefaultCalibrationProfile = "measured";

/// Reads `nameOrPath`: a file, or a bundled profile (measured, paper).
llvm::Expected<CalibrationProfile>
loadCalibrationProfile(llvm::StringRef nameOrPath);
llvm::Expected<CalibrationProfile>
parseCalibrationProfile(llvm::StringRef jsonText, llvm::StringRef fileName,
                        llvm::StringRef name);

/// Sets the profile's values on every unit of `system`, then those of its
/// `runtime` section when it has one (with the memory that runtime
/// reserves and the stage token budget it was measured with), and records the
/// profile's name in System::calibrationProfile ("measured/trtllm" when a
/// runtime section applied). Fails when the profile names a unit kind the
/// system does not have (its values would do nothing).
llvm::Error applyCalibrationProfile(const CalibrationProfile &profile,
                                    System &system,
                                    llvm::StringRef runtime = {});

} // namespace duplex::hw

#endif // DUPLEX_HARDWARE_CALIBRATIONPROFILE_H
