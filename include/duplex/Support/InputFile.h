//===- InputFile.h - bounded reading of input files -------------*- C++ -*-===//
//
// Every file the tools read whole goes through here: only regular files
// (a device such as /dev/zero, a FIFO or a directory is refused before a
// byte is read), at most a size per kind of input, and JSON no deeper than
// a fixed nesting (llvm::json::parse recurses, so a file nested 40,000 deep
// would overflow the stack). The limits are generous for real inputs and
// documented in docs/robustness.md; DUPLEX_MAX_INPUT_BYTES (or duplexc's
// --max-input-bytes) raises the size limit for every kind.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SUPPORT_INPUTFILE_H
#define DUPLEX_SUPPORT_INPUTFILE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>

namespace duplex {

/// A kind of input and its size limit in bytes.
struct InputKind {
  llvm::StringLiteral name;
  uint64_t maxBytes;
};

/// The kinds of input, with their limits: what --help and the docs list.
llvm::ArrayRef<InputKind> getInputKinds();

/// The size limit of input kind `name` ("JSON", "trace", "ONNX", "MLIR"),
/// or the override when one is set.
uint64_t getInputSizeLimit(llvm::StringRef name);

/// Sets one size limit for every kind (0: back to the per-kind limits).
void setInputSizeLimitOverride(uint64_t bytes);

/// Reads the file at `path` whole, as input kind `kind`; `what` names it in
/// errors ("model file", "trace"). Refuses non-regular files and files over
/// the kind's limit.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
readInputFile(llvm::StringRef path, llvm::StringRef kind, llvm::StringRef what,
              bool isText = true);

/// The deepest nesting of arrays and objects JSON inputs may have.
constexpr unsigned kMaxJSONDepth = 256;

/// The deepest bracket nesting MLIR and ONNX text inputs may have: their
/// parsers recurse too (20,000 nested modules overflowed the stack).
constexpr unsigned kMaxTextDepth = 1024;

/// Fails when `text` nests `{ ( [ <` deeper than kMaxTextDepth (outside
/// string literals); `fileName` and `what` ("MLIR", "ONNX text") name it.
llvm::Error checkTextNesting(llvm::StringRef text, llvm::StringRef fileName,
                             llvm::StringRef what);

/// Drops a UTF-8 byte-order mark from `text` (RFC 8259, 8.1) and fails when
/// its arrays and objects nest deeper than kMaxJSONDepth; the error starts
/// with `where`. What every JSON input goes through before llvm::json.
llvm::Error guardJSONText(llvm::StringRef &text, llvm::StringRef where);

/// Parses `text` as JSON once guardJSONText accepts it. Errors start with
/// `fileName`.
llvm::Expected<llvm::json::Value> parseBoundedJSON(llvm::StringRef text,
                                                   llvm::StringRef fileName);

/// The deepest bracket nesting of `text` outside string literals (JSON,
/// MLIR): `open`/`close` are the bracket characters counted. Sets `line`
/// to where the deepest level starts.
unsigned getNestingDepth(llvm::StringRef text, llvm::StringRef open,
                         llvm::StringRef close, unsigned &line);

} // namespace duplex

#endif // DUPLEX_SUPPORT_INPUTFILE_H
