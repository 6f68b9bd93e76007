//===- BundledData.cpp - models and devices compiled into the tools -------===//

#include "duplex/Support/BundledData.h"
#include "duplex/Support/InputFile.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <vector>

using namespace llvm;

namespace duplex {

static ArrayRef<BundledFile> sortedOnce(std::vector<BundledFile> &files) {
  llvm::sort(files, [](const BundledFile &a, const BundledFile &b) {
    return a.name < b.name;
  });
  return files;
}

ArrayRef<BundledFile> getBundledModels() {
  static std::vector<BundledFile> files = {
#include "BundledModels.inc"
  };
  static ArrayRef<BundledFile> sorted = sortedOnce(files);
  return sorted;
}

ArrayRef<BundledFile> getBundledDevices() {
  static std::vector<BundledFile> files = {
#include "BundledDevices.inc"
  };
  static ArrayRef<BundledFile> sorted = sortedOnce(files);
  return sorted;
}

ArrayRef<BundledFile> getBundledCalibrations() {
  static std::vector<BundledFile> files = {
#include "BundledCalibrations.inc"
  };
  static ArrayRef<BundledFile> sorted = sortedOnce(files);
  return sorted;
}

std::string joinBundledNames(ArrayRef<BundledFile> files) {
  std::string names;
  for (const BundledFile &file : files) {
    if (!names.empty())
      names += ", ";
    names += file.name.str();
  }
  return names;
}

Expected<std::unique_ptr<MemoryBuffer>>
openFileOrBundled(StringRef nameOrPath, ArrayRef<BundledFile> files,
                  StringRef what) {
  // A folder that happens to share a bundled name (say `duplex/` in the
  // working directory) is not the file the user meant.
  if (sys::fs::exists(nameOrPath) && !sys::fs::is_directory(nameOrPath))
    return readInputFile(nameOrPath,
                         nameOrPath.ends_with(".mlir") ? "MLIR" : "JSON",
                         (what + " file").str());
  for (const BundledFile &file : files)
    if (file.name == nameOrPath)
      return MemoryBuffer::getMemBuffer(
          file.contents, ("<bundled " + what + " '" + file.name + "'>").str(),
          /*RequiresNullTerminator=*/false);
  // A directory that is no bundled name: say so rather than "not a file".
  if (sys::fs::is_directory(nameOrPath))
    return createStringError(inconvertibleErrorCode(),
                             "cannot read %s file '%s': it is a directory",
                             what.str().c_str(), nameOrPath.str().c_str());
  // The closest bundled name, when it is close enough to be a typo.
  StringRef closest;
  std::string typed = nameOrPath.lower();
  unsigned best = std::max<size_t>(2, typed.size() / 3) + 1;
  for (const BundledFile &file : files) {
    unsigned distance = StringRef(typed).edit_distance(
        file.name.lower(), /*AllowReplacements=*/true, best);
    if (!typed.empty() && distance < best) {
      best = distance;
      closest = file.name;
    }
  }
  std::string suggestion = closest.empty()
                               ? std::string()
                               : (" (did you mean '" + closest + "'?)").str();
  return createStringError(
      inconvertibleErrorCode(),
      "'%s' is neither a %s file nor a bundled %s name%s; bundled %ss are: %s",
      nameOrPath.str().c_str(), what.str().c_str(), what.str().c_str(),
      suggestion.c_str(), what.str().c_str(), joinBundledNames(files).c_str());
}

} // namespace duplex
