//===- SourcedJSON.h - {"value", "source"} numbers with paths --*- C++ -*-===//
//
// The reader behind device descriptions and calibration profiles: every
// number is {"value": x, "source": "<prefix>: ..."}, unknown keys are
// refused with the nearest known one, and errors read
// `<file>: $.a.b[0].c: ...`. The first error wins; later checks still run but
// report nothing. Internal to the Hardware library.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_LIB_HARDWARE_SOURCEDJSON_H
#define DUPLEX_LIB_HARDWARE_SOURCEDJSON_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>

namespace duplex::hw::detail {

/// The `_gib` field suffix of device files and calibration profiles.
inline constexpr double kBytesPerGiB = 1024.0 * 1024.0 * 1024.0;

/// What a number must satisfy besides being a finite number.
enum class Rule {
  Positive,        ///< > 0 (bandwidth, capacity, clock, FLOPS).
  NonNegative,     ///< >= 0 (latencies, overheads, energies).
  PositiveInteger, ///< 1, 2, ... (counts).
  Fraction,        ///< In (0, 1] (efficiencies).
};

class Parser {
public:
  Parser(llvm::StringRef fileName, llvm::StringMap<std::string> &sources)
      : fileName(fileName), sources(sources) {}

  void fail(const llvm::Twine &path, const llvm::Twine &message) {
    if (!firstError)
      firstError = (fileName + ": " + path + ": " + message).str();
  }
  bool failed() const { return firstError.has_value(); }
  llvm::Error takeError() {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), *firstError);
  }

  /// Rejects keys of `object` not in `allowed`, suggesting the closest one.
  void checkKeys(const llvm::json::Object &object, llvm::StringRef path,
                 llvm::ArrayRef<llvm::StringRef> allowed);

  const llvm::json::Object *getObject(const llvm::json::Object &parent,
                                      llvm::StringRef key, llvm::StringRef path,
                                      bool required = true);
  const llvm::json::Array *getArray(const llvm::json::Object &parent,
                                    llvm::StringRef key, llvm::StringRef path);
  std::optional<llvm::StringRef> getString(const llvm::json::Object &parent,
                                           llvm::StringRef key,
                                           llvm::StringRef path,
                                           bool required = true);

  /// Reads `key` as {"value": number, "source": "<prefix>: ..."}.
  double getNumber(const llvm::json::Object &parent, llvm::StringRef key,
                   llvm::StringRef path, Rule rule);
  std::optional<double> getOptionalNumber(const llvm::json::Object &parent,
                                          llvm::StringRef key,
                                          llvm::StringRef path, Rule rule);
  unsigned getCount(const llvm::json::Object &parent, llvm::StringRef key,
                    llvm::StringRef path) {
    return static_cast<unsigned>(
        getNumber(parent, key, path, Rule::PositiveInteger));
  }
  /// Reads a sourced number that is the value itself (map entries);
  /// `field` names its bounds in PlausibleRanges.h.
  double readSourcedValue(const llvm::json::Value &value, llvm::StringRef path,
                          Rule rule, llvm::StringRef field);

private:
  std::string fileName;
  llvm::StringMap<std::string> &sources;
  std::optional<std::string> firstError;
};

/// A number as a reader writes it: 0, 5.5, 33500, 3349.76.
std::string shortNumber(double x);
/// A number as the file wrote it: as short as it reads back exactly
/// (2048.0000001, 16777217), for the value an error refuses.
std::string exactNumber(double x);
/// `path.key`
std::string child(llvm::StringRef path, llvm::StringRef key);
/// `path[index]`
std::string element(llvm::StringRef path, size_t index);
/// "a number", "an object", ...
llvm::StringRef describeType(const llvm::json::Value &value);
/// "a, b, c"
std::string joinKeys(llvm::ArrayRef<llvm::StringRef> keys);

} // namespace duplex::hw::detail

#endif // DUPLEX_LIB_HARDWARE_SOURCEDJSON_H
