//===- FiniteJSON.cpp - no inf or nan reaches an output -------------------===//

#include "duplex/Support/FiniteJSON.h"

#include "llvm/ADT/SmallVector.h"

#include <cmath>

using namespace llvm;

namespace duplex {

/// The path of the first non-finite number under `value`, or nothing.
/// Explicit stack: results nest a few levels, but a generic walker must not
/// recurse on what it is given.
static std::optional<std::string> findNonFinite(const json::Value &root,
                                                double &found) {
  SmallVector<std::pair<const json::Value *, std::string>, 16> stack;
  stack.push_back({&root, "$"});
  while (!stack.empty()) {
    auto [value, path] = stack.pop_back_val();
    if (const json::Object *object = value->getAsObject()) {
      // Visit keys in sorted order: the reported path is deterministic.
      SmallVector<StringRef, 16> keys;
      for (const auto &entry : *object)
        keys.push_back(entry.first);
      llvm::sort(keys, std::greater<StringRef>());
      for (StringRef key : keys)
        stack.push_back({object->get(key), path + "." + key.str()});
    } else if (const json::Array *array = value->getAsArray()) {
      for (size_t i = array->size(); i-- > 0;)
        stack.push_back({&(*array)[i], path + "[" + std::to_string(i) + "]"});
    } else if (value->kind() == json::Value::Number) {
      std::optional<double> number = value->getAsNumber();
      if (number && !std::isfinite(*number)) {
        found = *number;
        return path;
      }
    }
  }
  return std::nullopt;
}

Error requireFiniteJSON(const json::Value &value, StringRef what) {
  double found = 0;
  std::optional<std::string> path = findNonFinite(value, found);
  if (!path)
    return Error::success();
  return createStringError(
      inconvertibleErrorCode(),
      "%s has a non-finite value (%s) at %s: a model, device or workload "
      "number drove the arithmetic out of range (docs/device-format.md lists "
      "the device bounds)",
      what.str().c_str(), std::isnan(found) ? "nan" : "inf", path->c_str());
}

} // namespace duplex
