//===- InitAllPasses.h - every pass and pipeline ----------------*- C++ -*-===//

#ifndef DUPLEX_INITALLPASSES_H
#define DUPLEX_INITALLPASSES_H

namespace duplex {
/// Registers every Duplex pass and pipeline with the global registry.
void registerAllPasses();
} // namespace duplex

#endif // DUPLEX_INITALLPASSES_H
