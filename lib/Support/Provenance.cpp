//===- Provenance.cpp - what a result was computed from -------------------===//

#include "duplex/Support/Provenance.h"

#include "VersionInfo.inc"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/xxhash.h"

using namespace llvm;

namespace duplex {

StringRef getDuplexVersion() { return DUPLEX_VERSION; }

StringRef getDuplexGitRevision() { return DUPLEX_GIT_REVISION; }

void printDuplexVersion(raw_ostream &os) {
  os << "duplex " << getDuplexVersion() << " (git " << getDuplexGitRevision()
     << ")\n  built with LLVM/MLIR " << LLVM_VERSION_STRING << "\n";
}

static std::string hashText(StringRef bytes) {
  return utohexstr(xxh3_64bits(arrayRefFromStringRef(bytes)),
                   /*LowerCase=*/true, /*Width=*/16);
}

json::Object describeInput(StringRef nameOrPath,
                           ArrayRef<BundledFile> bundled) {
  json::Object object{{"name", nameOrPath}};
  if (!sys::fs::exists(nameOrPath)) {
    for (const BundledFile &file : bundled)
      if (file.name == nameOrPath) {
        object["source"] = "bundled";
        object["xxh3_64"] = hashText(file.contents);
        return object;
      }
  }
  object["source"] = "file";
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFile(nameOrPath, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    object["xxh3_64"] = nullptr;
    object["unreadable"] = buffer.getError().message();
    return object;
  }
  object["xxh3_64"] = hashText((*buffer)->getBuffer());
  return object;
}

} // namespace duplex
