//===- DeviceOverride.h - change a device file's value by path --*- C++ -*-===//
//
// `--set PATH=VALUE` (simulate, compile) and a sweep's device axes change one
// value of a device description before it is checked: PATH follows the
// file's JSON from its root, naming an object's key or, in a list of named
// objects (units, memories, links), the element's "name":
//   device.units.logic_pim.clock_mhz=800
//   device.memories.hbm.bandwidth_gb_per_s=6700
//   links.nvlink4.latency_us=0.3
// A sourced number ({"value", "source"}) keeps its shape: its value is
// replaced and its source says "assumed: --set PATH=VALUE". The loader then
// checks the changed file as any other, with its own diagnostics.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_HARDWARE_DEVICEOVERRIDE_H
#define DUPLEX_HARDWARE_DEVICEOVERRIDE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <string>

namespace duplex::hw {

struct DeviceOverride {
  std::string path;
  /// JSON text (a number, true/false, a quoted string), or a bare word,
  /// taken as a string.
  std::string value;
};

/// Parses "PATH=VALUE".
llvm::Expected<DeviceOverride> parseDeviceOverride(llvm::StringRef text);

/// Applies `overrides` in order to a device description's JSON. An error
/// names the override and what its path does not find.
llvm::Error applyDeviceOverrides(llvm::json::Value &root,
                                 llvm::ArrayRef<DeviceOverride> overrides);

} // namespace duplex::hw

#endif // DUPLEX_HARDWARE_DEVICEOVERRIDE_H
