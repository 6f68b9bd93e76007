//===- InitAllDialects.h - every dialect of the toolchain -------*- C++ -*-===//

#ifndef DUPLEX_INITALLDIALECTS_H
#define DUPLEX_INITALLDIALECTS_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace duplex {
/// Adds every Duplex dialect (and the upstream ones its IR uses).
void registerAllDialects(mlir::DialectRegistry &registry);
} // namespace duplex

#endif // DUPLEX_INITALLDIALECTS_H
