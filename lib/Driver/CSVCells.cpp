//===- CSVCells.cpp - cells of the CSV tables sweeps and plans write ------===//

#include "CSVCells.h"

#include <fmt/format.h>

#include <optional>

using namespace llvm;

namespace duplex {

std::string csvCell(StringRef text) {
  if (text.find_first_of(",\"\r\n") == StringRef::npos)
    return text.str();
  std::string quoted = "\"";
  for (char c : text)
    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string csvCellOf(const json::Value &value) {
  if (value.getAsNull())
    return "";
  if (std::optional<bool> b = value.getAsBoolean())
    return *b ? "true" : "false";
  if (std::optional<int64_t> i = value.getAsInteger())
    return std::to_string(*i);
  if (std::optional<double> d = value.getAsNumber())
    return fmt::format("{}", *d);
  if (std::optional<StringRef> s = value.getAsString())
    return csvCell(*s);
  return "";
}

std::string csvLine(ArrayRef<std::string> cells) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i)
    line += (i ? "," : "") + cells[i];
  return line + "\n";
}

} // namespace duplex
