//===- PlausibleRanges.h - bounds on device-description values --*- C++ -*-===//
//
// Every number of a device description must lie in a range that today's
// hardware sits deep inside (about a thousand times either way), so a typo
// (a capacity in bytes where GiB was meant, 1e15 GiB) is an error naming
// the field instead of a 300-digit report, a product that overflows to inf,
// or a capacity that wraps when converted to a token count. The loader
// checks each value against this table; docs/device-format.md lists it and
// a unit test keeps the two in step.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_HARDWARE_PLAUSIBLERANGES_H
#define DUPLEX_HARDWARE_PLAUSIBLERANGES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace duplex::hw {

/// Bounds of one field, in the unit the file writes it in.
struct PlausibleRange {
  llvm::StringLiteral field;
  double min;
  double max;
  /// Why the bounds are where they are: today's extreme, and the margin.
  llvm::StringLiteral basis;
};

/// Every bounded field, in the order docs/device-format.md lists them.
llvm::ArrayRef<PlausibleRange> getPlausibleRanges();

/// The bounds of `field` (a JSON key such as "capacity_gib"), or null when
/// the field has no bounds beyond its sign rule.
const PlausibleRange *findPlausibleRange(llvm::StringRef field);

} // namespace duplex::hw

#endif // DUPLEX_HARDWARE_PLAUSIBLERANGES_H
