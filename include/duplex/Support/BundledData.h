//===- BundledData.h - models and devices compiled into the tools -*- C++
//-*-===//
//
// The files under models/, devices/ and calibration/ are embedded at build
// time, so every tool accepts a bundled name (`mixtral-8x7b`, `duplex`)
// wherever it accepts a path, independent of where the binary runs from.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SUPPORT_BUNDLEDDATA_H
#define DUPLEX_SUPPORT_BUNDLEDDATA_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>

namespace duplex {

/// One embedded data file: its bundled name and text.
struct BundledFile {
  llvm::StringRef name;
  llvm::StringRef contents;
};

/// The bundled model configurations (models/*.json), sorted by name.
llvm::ArrayRef<BundledFile> getBundledModels();

/// The bundled device descriptions (devices/*.json), sorted by name.
llvm::ArrayRef<BundledFile> getBundledDevices();

/// The bundled calibration profiles (calibration/*.json), sorted by name.
llvm::ArrayRef<BundledFile> getBundledCalibrations();

/// Comma-separated bundled names, for "known ones are: ..." diagnostics.
std::string joinBundledNames(llvm::ArrayRef<BundledFile> files);

/// Opens `nameOrPath`: an existing file wins; otherwise a bundled entry of
/// that name; otherwise an error that lists the bundled names. `what` is
/// "model" or "device" and appears in the error. The returned buffer's
/// identifier is the path, or "<bundled model 'name'>".
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
openFileOrBundled(llvm::StringRef nameOrPath, llvm::ArrayRef<BundledFile> files,
                  llvm::StringRef what);

} // namespace duplex

#endif // DUPLEX_SUPPORT_BUNDLEDDATA_H
