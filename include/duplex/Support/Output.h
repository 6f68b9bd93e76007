//===- Output.h - atomic output files and error reporting -------*- C++ -*-===//

#ifndef DUPLEX_SUPPORT_OUTPUT_H
#define DUPLEX_SUPPORT_OUTPUT_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>

namespace duplex {

/// Writes through `write` to `path` ("-" is stdout). A file is written to a
/// temporary next to it and renamed into place only on success, so a failed
/// run never leaves a partial output behind.
llvm::Error writeOutput(llvm::StringRef path,
                        llvm::function_ref<void(llvm::raw_ostream &)> write);

/// Prints "<tool>: error: <message>" to stderr and returns exit code 1.
int reportError(llvm::StringRef tool, llvm::Error error);

} // namespace duplex

#endif // DUPLEX_SUPPORT_OUTPUT_H
