//===- SourcedJSON.cpp - {"value", "source"} numbers with paths -----------===//

#include "SourcedJSON.h"
#include "duplex/Hardware/Loader.h"
#include "duplex/Hardware/PlausibleRanges.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/Twine.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace llvm;

namespace duplex::hw {

static constexpr StringLiteral kSourcePrefixes[] = {
    "paper:",    "datasheet:", "spec:",    "simulator:",
    "measured:", "fitted:",    "derived:", "assumed:"};

StringRef sourcePrefixes() {
  return "paper:, datasheet:, spec:, simulator:, measured:, fitted:, "
         "derived:, assumed:";
}

namespace detail {

/// A number as a reader writes it: 0, 5.5, 33500, 3349.76.
std::string shortNumber(double x) {
  char text[32];
  snprintf(text, sizeof(text), "%.6g", x);
  return text;
}

std::string exactNumber(double x) {
  // The fewest digits that read back as `x`: 2048.0000001 must not show as
  // "2048" in "must be a positive integer".
  char text[32];
  for (int digits = 6; digits < 17; ++digits) {
    snprintf(text, sizeof(text), "%.*g", digits, x);
    if (strtod(text, nullptr) == x)
      return text;
  }
  snprintf(text, sizeof(text), "%.17g", x);
  return text;
}

std::string child(StringRef path, StringRef key) {
  return (path + "." + key).str();
}

std::string element(StringRef path, size_t index) {
  return (path + "[" + Twine(index) + "]").str();
}

StringRef describeType(const json::Value &value) {
  switch (value.kind()) {
  case json::Value::Null:
    return "null";
  case json::Value::Boolean:
    return "a boolean";
  case json::Value::Number:
    return "a number";
  case json::Value::String:
    return "a string";
  case json::Value::Array:
    return "an array";
  case json::Value::Object:
    return "an object";
  }
  return "a value";
}

std::string joinKeys(ArrayRef<StringRef> keys) {
  std::string text;
  for (StringRef key : keys) {
    if (!text.empty())
      text += ", ";
    text += key.str();
  }
  return text;
}

void Parser::checkKeys(const json::Object &object, StringRef path,
                       ArrayRef<StringRef> allowed) {
  // Sort for a deterministic "first" unknown key.
  SmallVector<StringRef, 16> keys;
  for (const auto &entry : object)
    keys.push_back(entry.first);
  llvm::sort(keys);
  for (StringRef key : keys) {
    if (llvm::is_contained(allowed, key))
      continue;
    StringRef closest;
    unsigned bestDistance = 4; // Only suggest near misses.
    for (StringRef candidate : allowed) {
      unsigned distance = key.edit_distance(candidate);
      if (distance < bestDistance) {
        bestDistance = distance;
        closest = candidate;
      }
    }
    std::string hint =
        closest.empty() ? "" : (" (did you mean '" + closest + "'?)").str();
    fail(child(path, key),
         "unknown field" + hint + "; allowed here: " + joinKeys(allowed));
  }
}

const json::Object *Parser::getObject(const json::Object &parent, StringRef key,
                                      StringRef path, bool required) {
  const json::Value *value = parent.get(key);
  if (!value) {
    if (required)
      fail(child(path, key), "missing required field");
    return nullptr;
  }
  const json::Object *object = value->getAsObject();
  if (!object)
    fail(child(path, key), "expected an object, got " + describeType(*value));
  return object;
}

const json::Array *Parser::getArray(const json::Object &parent, StringRef key,
                                    StringRef path) {
  const json::Value *value = parent.get(key);
  if (!value) {
    fail(child(path, key), "missing required field");
    return nullptr;
  }
  const json::Array *array = value->getAsArray();
  if (!array)
    fail(child(path, key), "expected an array, got " + describeType(*value));
  return array;
}

std::optional<StringRef> Parser::getString(const json::Object &parent,
                                           StringRef key, StringRef path,
                                           bool required) {
  const json::Value *value = parent.get(key);
  if (!value) {
    if (required)
      fail(child(path, key), "missing required field");
    return std::nullopt;
  }
  std::optional<StringRef> text = value->getAsString();
  if (!text)
    fail(child(path, key), "expected a string, got " + describeType(*value));
  return text;
}

double Parser::readSourcedValue(const json::Value &value, StringRef path,
                                Rule rule, StringRef field) {
  if (value.kind() == json::Value::Number) {
    fail(path, Twine("a number needs a source: write {\"value\": ") +
                   shortNumber(*value.getAsNumber()) +
                   ", \"source\": \"datasheet: ...\"} (source prefixes: " +
                   sourcePrefixes() + ")");
    return 0;
  }
  const json::Object *object = value.getAsObject();
  if (!object) {
    fail(path, "expected {\"value\": number, \"source\": string}, got " +
                   describeType(value));
    return 0;
  }
  checkKeys(*object, path, {"value", "source"});
  const json::Value *number = object->get("value");
  if (!number) {
    fail(child(path, "value"), "missing required field");
    return 0;
  }
  std::optional<double> parsed = number->getAsNumber();
  if (!parsed || number->kind() != json::Value::Number) {
    fail(child(path, "value"),
         "expected a number, got " + describeType(*number));
    return 0;
  }
  std::optional<StringRef> source = getString(*object, "source", path);
  if (source) {
    StringRef trimmed = source->trim();
    bool known = llvm::any_of(kSourcePrefixes, [&](StringRef prefix) {
      return trimmed.starts_with(prefix) &&
             !trimmed.drop_front(prefix.size()).trim().empty();
    });
    if (!known)
      fail(child(path, "source"),
           "must start with one of " + sourcePrefixes() +
               " followed by the reference or arithmetic; got \"" + *source +
               "\"");
    sources[path] = trimmed.str();
  }

  double x = *parsed;
  std::string shown = exactNumber(x);
  if (!std::isfinite(x)) {
    fail(path, "must be a finite number");
    return 0;
  }
  switch (rule) {
  case Rule::Positive:
    if (x <= 0)
      fail(path, "must be positive, got " + shown);
    break;
  case Rule::NonNegative:
    if (x < 0)
      fail(path, "must not be negative, got " + shown);
    break;
  case Rule::PositiveInteger:
    // The bound keeps counts within `unsigned`; no organisation comes close.
    if (x < 1 || x != std::floor(x) || x > 1e9) {
      fail(path, "must be a positive integer, got " + shown);
      // getCount converts the result to unsigned, undefined out of range
      // (found by fuzz/DeviceFuzzer.cpp): return a harmless count.
      return 1;
    }
    break;
  case Rule::Fraction:
    if (x <= 0 || x > 1)
      fail(path, "must be in (0, 1], got " + shown);
    break;
  }
  const PlausibleRange *range = findPlausibleRange(field);
  if (range && (x < range->min || x > range->max)) {
    fail(path, "implausible value " + shown + ": expected " +
                   shortNumber(range->min) + " to " + shortNumber(range->max) +
                   " (" + range->basis +
                   "; docs/device-format.md lists the bounds)");
    // Counts become `unsigned` and capacities token counts: keep them sane.
    return rule == Rule::PositiveInteger ? 1 : range->min;
  }
  return x;
}

double Parser::getNumber(const json::Object &parent, StringRef key,
                         StringRef path, Rule rule) {
  const json::Value *value = parent.get(key);
  if (!value) {
    fail(child(path, key), "missing required field");
    return 0;
  }
  return readSourcedValue(*value, child(path, key), rule, key);
}

std::optional<double> Parser::getOptionalNumber(const json::Object &parent,
                                                StringRef key, StringRef path,
                                                Rule rule) {
  if (!parent.get(key))
    return std::nullopt;
  return getNumber(parent, key, path, rule);
}

} // namespace detail
} // namespace duplex::hw
