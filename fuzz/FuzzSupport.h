//===- FuzzSupport.h - checks shared by the fuzz targets --------*- C++ -*-===//
//
// What every target asserts beyond "no crash": a rejected input gets an
// error that names it (design principle 7), and an accepted one can be
// printed. A failed check aborts, which libFuzzer reports as a crash.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_FUZZ_FUZZSUPPORT_H
#define DUPLEX_FUZZ_FUZZSUPPORT_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstdlib>

namespace duplex::fuzz {

/// The fuzzer's bytes as text (not null-terminated).
inline llvm::StringRef asText(const uint8_t *data, size_t size) {
  return llvm::StringRef(reinterpret_cast<const char *>(data), size);
}

/// Consumes `error`; aborts if its message does not contain `name`, the
/// input's name or the prefix every message of that reader starts with.
inline void requireNamedError(llvm::Error error, llvm::StringRef name) {
  std::string message = llvm::toString(std::move(error));
  if (llvm::StringRef(message).contains(name))
    return;
  llvm::errs() << "error message does not name the input '" << name
               << "': " << message << "\n";
  std::abort();
}

/// Aborts with `what` when `condition` is false.
inline void require(bool condition, llvm::StringRef what) {
  if (condition)
    return;
  llvm::errs() << "fuzz check failed: " << what << "\n";
  std::abort();
}

} // namespace duplex::fuzz

#endif // DUPLEX_FUZZ_FUZZSUPPORT_H
