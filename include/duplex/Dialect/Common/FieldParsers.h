//===- FieldParsers.h - parsers for attribute parameters --------*- C++ -*-===//

#ifndef DUPLEX_DIALECT_COMMON_FIELDPARSERS_H
#define DUPLEX_DIALECT_COMMON_FIELDPARSERS_H

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/APFloat.h"

#include <charconv>
#include <string>

namespace duplex {
/// The shortest text that reads back as exactly `value`, always with a '.'
/// or an exponent so the MLIR parser sees a float (989.4, 32.0, 1.5e+09).
inline std::string formatDouble(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  std::string text(buffer, error == std::errc() ? end : buffer);
  if (text.find_first_of(".n") != std::string::npos) // A dot, inf or nan.
    return text;
  size_t exponent = text.find('e');
  if (exponent == std::string::npos)
    return text + ".0";
  return text.insert(exponent, ".0"); // 5e+05 -> 5.0e+05
}
} // namespace duplex

namespace mlir {
/// Parses double attribute parameters (`#llm.rope<theta = 1.0e4>`,
/// `#dx.work<... opb = 4.0>`), which ODS leaves to the dialect.
template <> struct FieldParser<llvm::APFloat> {
  static FailureOr<llvm::APFloat> parse(AsmParser &parser) {
    double value;
    if (parser.parseFloat(value))
      return failure();
    return llvm::APFloat(value);
  }
};
} // namespace mlir

#endif // DUPLEX_DIALECT_COMMON_FIELDPARSERS_H
