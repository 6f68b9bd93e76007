//===- Provenance.h - what a result was computed from -----------*- C++ -*-===//
//
// The tools' version and git revision, and a fingerprint of each input
// file, so that a folder of JSON results says what each one holds.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SUPPORT_PROVENANCE_H
#define DUPLEX_SUPPORT_PROVENANCE_H

#include "duplex/Support/BundledData.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace duplex {

/// The project's version ("0.1.0").
llvm::StringRef getDuplexVersion();

/// `git describe --always --dirty` of the source tree at build time, or
/// "unknown" outside a checkout.
llvm::StringRef getDuplexGitRevision();

/// Prints "duplex 0.1.0 (git REV)" and the LLVM it was built with: the
/// tools' --version.
void printDuplexVersion(llvm::raw_ostream &os);

/// {"name": nameOrPath, "source": "bundled" | "file", "xxh3_64": hex of the
/// bytes}: a bundled entry's text or the file's (an existing file wins, as
/// openFileOrBundled decides). An unreadable file has no hash and says why.
llvm::json::Object describeInput(llvm::StringRef nameOrPath,
                                 llvm::ArrayRef<BundledFile> bundled);

} // namespace duplex

#endif // DUPLEX_SUPPORT_PROVENANCE_H
