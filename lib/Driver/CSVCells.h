//===- CSVCells.h - cells of the CSV tables sweeps and plans write -*- C++ -*-//
//
// RFC 4180 cells from strings and JSON scalars, numbers in their shortest
// exact form, so that a table written on any thread or worker has the
// same bytes.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_LIB_DRIVER_CSVCELLS_H
#define DUPLEX_LIB_DRIVER_CSVCELLS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

#include <string>

namespace duplex {

/// `text`, quoted when it holds a comma, quote or line break.
std::string csvCell(llvm::StringRef text);

/// A JSON scalar as a cell ("" for null, true/false, shortest numbers).
std::string csvCellOf(const llvm::json::Value &value);

/// The cells joined by commas, with a newline.
std::string csvLine(llvm::ArrayRef<std::string> cells);

} // namespace duplex

#endif // DUPLEX_LIB_DRIVER_CSVCELLS_H
