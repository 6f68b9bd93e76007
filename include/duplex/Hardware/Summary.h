//===- Summary.h - a loaded device description as JSON ----------*- C++ -*-===//
//
// What a loaded hw::System holds, in the units its users read (bytes, FLOP/s,
// seconds): the Python module's duplex.load_device() returns it.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_HARDWARE_SUMMARY_H
#define DUPLEX_HARDWARE_SUMMARY_H

#include "duplex/Hardware/System.h"

#include "llvm/Support/JSON.h"

namespace duplex::hw {

/// Name, topology, memory capacities, and every unit (with its peak FLOP/s
/// per type), memory and link of `system`.
llvm::json::Value summaryJSON(const System &system);

} // namespace duplex::hw

#endif // DUPLEX_HARDWARE_SUMMARY_H
