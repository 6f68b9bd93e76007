//===- ConfigReader.h - typed field access on a JSON object -----*- C++ -*-===//
//
// Reads the fields of one JSON object with the first error remembered, so an
// importer can read a whole config straight through and report a single
// message that names the file and the field.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_LIB_IMPORT_CONFIGREADER_H
#define DUPLEX_LIB_IMPORT_CONFIGREADER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>

namespace duplex {

class ConfigReader {
public:
  /// `context` follows the field name in messages, e.g. "(model_type 'opt')".
  ConfigReader(const llvm::json::Object &object, llvm::StringRef fileName,
               std::string context)
      : object(object), fileName(fileName.str()), context(std::move(context)) {}

  bool has(llvm::StringRef key) const;
  /// A required positive integer.
  int64_t positive(llvm::StringRef key);
  /// A positive integer, or `fallback` when absent or null.
  int64_t positiveOr(llvm::StringRef key, int64_t fallback);
  /// A non-negative integer, or `fallback` when absent or null.
  int64_t nonNegativeOr(llvm::StringRef key, int64_t fallback);
  /// A positive integer, or nothing when absent or null.
  std::optional<int64_t> optionalPositive(llvm::StringRef key);
  /// A positive number, or `fallback` when absent or null.
  double positiveNumberOr(llvm::StringRef key, double fallback);
  bool boolOr(llvm::StringRef key, bool fallback);
  std::string stringOr(llvm::StringRef key, llvm::StringRef fallback);
  /// A list of non-negative integers (empty when absent or null).
  std::vector<int64_t> intList(llvm::StringRef key);
  /// A list of strings (empty when absent or null).
  std::vector<std::string> stringList(llvm::StringRef key);
  /// A nested object, or null when absent or null.
  const llvm::json::Object *optionalObject(llvm::StringRef key);

  /// Records an error about `key` unless one is already recorded.
  void fail(llvm::StringRef key, const llvm::Twine &message);
  /// Records a whole-config error unless one is already recorded.
  void failConfig(const llvm::Twine &message);
  bool failed() const { return error.has_value(); }
  llvm::Error takeError();

private:
  const llvm::json::Value *lookup(llvm::StringRef key) const;
  std::optional<int64_t> integer(llvm::StringRef key, const char *expected);

  const llvm::json::Object &object;
  std::string fileName;
  std::string context;
  std::optional<std::string> error;
};

} // namespace duplex

#endif // DUPLEX_LIB_IMPORT_CONFIGREADER_H
