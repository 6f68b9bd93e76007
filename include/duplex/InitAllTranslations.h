//===- InitAllTranslations.h - every import/export --------------*- C++ -*-===//

#ifndef DUPLEX_INITALLTRANSLATIONS_H
#define DUPLEX_INITALLTRANSLATIONS_H

namespace duplex {
/// Registers every Duplex import/export with mlir-translate's registry.
void registerAllTranslations();
} // namespace duplex

#endif // DUPLEX_INITALLTRANSLATIONS_H
