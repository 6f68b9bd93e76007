//===- Energy.h - energy of DRAM access, compute and idle time --*- C++ -*-===//
//
// Per-bit energies depend on how deep in the DRAM the reader sits (the GPU
// path crosses cell, bank-group mux, global I/O, TSV and interposer; Bank-PIM
// only the cell and column decoder); row activations cost the same on every
// path. Numbers come from the memory's and unit's `energy` groups.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_COSTMODEL_ENERGY_H
#define DUPLEX_COSTMODEL_ENERGY_H

#include "duplex/Hardware/System.h"

namespace duplex::cost {

/// Joules to read `readBytes` and write `writeBytes` through `path` of
/// `memory`, without row activations. Zero if the memory has no such path.
double accessJoules(const hw::Memory &memory, hw::AccessPath path,
                    double readBytes, double writeBytes);

/// Joules of opening `rows` bank rows of `memory`.
double activationJoules(const hw::Memory &memory, double rows);

/// Joules of the multiply-accumulates behind `flops` (2 FLOPs per MAC).
double computeJoules(const hw::Unit &unit, double flops);

/// Static (leakage and idle) joules of all instances of `unit`.
double staticJoules(const hw::Unit &unit, double seconds);

} // namespace duplex::cost

#endif // DUPLEX_COSTMODEL_ENERGY_H
