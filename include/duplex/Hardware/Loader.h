//===- Loader.h - read and validate device descriptions ---------*- C++ -*-===//
//
// Reads devices/*.json (docs/device-format.md) into a hw::System. Every
// number must be written as {"value": x, "source": "..."}; unknown keys,
// missing fields, wrong types, non-positive bandwidths/capacities/clocks and
// unknown kinds are errors of the form
//   <file>: <JSON path>: <what is wrong>
// e.g. "devices/bad.json: $.device.memories[0].bandwidth_gb_per_s: must be
// positive, got 0".
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_HARDWARE_LOADER_H
#define DUPLEX_HARDWARE_LOADER_H

#include "duplex/Hardware/DeviceOverride.h"
#include "duplex/Hardware/System.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace duplex::hw {

/// Loads a device description from a file path or a bundled device name
/// (`duplex`, `h100`, `dgx-a100-dimm-pim`, ...). An existing file wins over
/// a bundled name; an unknown name lists the bundled ones. `overrides`
/// change values of the description before it is checked
/// (DeviceOverride.h).
llvm::Expected<System>
loadSystem(llvm::StringRef nameOrPath,
           llvm::ArrayRef<DeviceOverride> overrides = {});

/// Parses `jsonText`; `fileName` prefixes every error and becomes
/// System::fileName. `systemName` becomes System::name.
llvm::Expected<System> parseSystem(llvm::StringRef jsonText,
                                   llvm::StringRef fileName,
                                   llvm::StringRef systemName);

/// The prefixes a source string must start with ("paper:", "datasheet:",
/// ...), comma separated, for documentation and error messages.
llvm::StringRef sourcePrefixes();

} // namespace duplex::hw

#endif // DUPLEX_HARDWARE_LOADER_H
