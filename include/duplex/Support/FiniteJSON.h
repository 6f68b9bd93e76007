//===- FiniteJSON.h - no inf or nan reaches an output -----------*- C++ -*-===//
//
// llvm::json prints a non-finite double as `inf` or `nan`, which is not
// JSON, and a text report would print the same. The tools check the JSON
// form of every result before writing it in either form: a non-finite value
// means a model or device number drove the arithmetic out of range, and the
// user gets a diagnostic naming the field instead of an unreadable file.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_SUPPORT_FINITEJSON_H
#define DUPLEX_SUPPORT_FINITEJSON_H

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

namespace duplex {

/// Fails when any number in `value` is infinite or NaN, naming its path
/// (`$.ttft_s.p50`); `what` says which result it is ("the serving report").
llvm::Error requireFiniteJSON(const llvm::json::Value &value,
                              llvm::StringRef what);

} // namespace duplex

#endif // DUPLEX_SUPPORT_FINITEJSON_H
