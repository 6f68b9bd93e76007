//===- ConfigReader.cpp - typed field access on a JSON object -------------===//

#include "ConfigReader.h"
#include "duplex/Dialect/LLM/IR/LLMOps.h"

#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace llvm;

namespace duplex {

/// A short rendering of a JSON value for "got ..." in messages.
static std::string render(const json::Value &value) {
  std::string text;
  raw_string_ostream os(text);
  os << value;
  if (text.size() > 40)
    text = text.substr(0, 37) + "...";
  return text;
}

bool ConfigReader::has(StringRef key) const { return lookup(key) != nullptr; }

const json::Value *ConfigReader::lookup(StringRef key) const {
  const json::Value *value = object.get(key);
  if (!value || value->kind() == json::Value::Null)
    return nullptr;
  return value;
}

void ConfigReader::fail(StringRef key, const Twine &message) {
  if (!error)
    error = (fileName + ": field '" + key + "' " + message +
             (context.empty() ? "" : " " + context))
                .str();
}

void ConfigReader::failConfig(const Twine &message) {
  if (!error)
    error = (fileName + ": " + message).str();
}

Error ConfigReader::takeError() {
  if (!error)
    return Error::success();
  return createStringError(inconvertibleErrorCode(), *error);
}

std::optional<int64_t> ConfigReader::integer(StringRef key,
                                             const char *expected) {
  const json::Value *value = lookup(key);
  if (!value)
    return std::nullopt;
  std::optional<int64_t> number = value->getAsInteger();
  // Exporters sometimes write integral values as 4096.0.
  if (!number)
    if (std::optional<double> real = value->getAsNumber())
      // Converting a double outside int64_t's range is undefined: check
      // the range first (found by fuzz/HFConfigFuzzer.cpp).
      if (*real >= -0x1p63 && *real < 0x1p63 && std::trunc(*real) == *real)
        number = int64_t(*real);
  if (!number) {
    fail(key, Twine("must be ") + expected + ", got " + render(*value));
    return std::nullopt;
  }
  return number;
}

int64_t ConfigReader::positive(StringRef key) {
  if (!lookup(key)) {
    if (!error)
      error = (fileName + ": missing required field '" + key + "'" +
               (context.empty() ? "" : " " + context))
                  .str();
    return 1;
  }
  return positiveOr(key, 1);
}

// Sizes, counts and lengths of real configs are far below this; above it
// the importer's products (4 * hidden_size, heads * head_dim, ...) could
// overflow (found by fuzz/HFConfigFuzzer.cpp).
static constexpr int64_t kMaxConfigInteger = (int64_t(1) << 31) - 1;

/// Fields whose value sizes per-item structures of the importer and the
/// simulator, with tighter bounds: a layer list of 2^31 - 1 entries (an MoE
/// pattern with no period gives one repeat op per layer) took gigabytes.
struct FieldBound {
  StringLiteral key;
  int64_t max;
  StringLiteral why;
};
static constexpr int64_t kMaxExperts = int64_t(duplex::llm::kMaxExperts);
static constexpr StringLiteral kExpertsWhy =
    "PEER, the largest MoE, has 1024^2";
static constexpr FieldBound kFieldBounds[] = {
    {"num_hidden_layers", 1 << 16, "the deepest published LLMs have ~126"},
    {"n_layer", 1 << 16, "the deepest published LLMs have ~126"},
    {"num_layers", 1 << 16, "the deepest published LLMs have ~126"},
    {"num_local_experts", kMaxExperts, kExpertsWhy},
    {"num_experts", kMaxExperts, kExpertsWhy},
    {"n_routed_experts", kMaxExperts, kExpertsWhy},
    {"moe_num_experts", kMaxExperts, kExpertsWhy},
};

int64_t ConfigReader::positiveOr(StringRef key, int64_t fallback) {
  std::optional<int64_t> value = integer(key, "a positive integer");
  if (!value)
    return fallback;
  if (*value <= 0 || *value > kMaxConfigInteger) {
    fail(key, "must be a positive integer up to " + Twine(kMaxConfigInteger) +
                  ", got " + Twine(*value));
    return fallback;
  }
  for (const FieldBound &bound : kFieldBounds)
    if (key == bound.key && *value > bound.max) {
      fail(key, "must be at most " + Twine(bound.max) + " (" + bound.why +
                    "), got " + Twine(*value));
      return fallback;
    }
  return *value;
}

int64_t ConfigReader::nonNegativeOr(StringRef key, int64_t fallback) {
  std::optional<int64_t> value = integer(key, "a non-negative integer");
  if (!value)
    return fallback;
  if (*value < 0 || *value > kMaxConfigInteger) {
    fail(key, "must be a non-negative integer up to " +
                  Twine(kMaxConfigInteger) + ", got " + Twine(*value));
    return fallback;
  }
  return *value;
}

std::optional<int64_t> ConfigReader::optionalPositive(StringRef key) {
  if (!lookup(key))
    return std::nullopt;
  int64_t value = positiveOr(key, 0);
  return value > 0 ? std::optional<int64_t>(value) : std::nullopt;
}

double ConfigReader::positiveNumberOr(StringRef key, double fallback) {
  const json::Value *value = lookup(key);
  if (!value)
    return fallback;
  std::optional<double> number = value->getAsNumber();
  if (!number || !(*number > 0)) {
    fail(key, "must be a positive number, got " + render(*value));
    return fallback;
  }
  return *number;
}

bool ConfigReader::boolOr(StringRef key, bool fallback) {
  const json::Value *value = lookup(key);
  if (!value)
    return fallback;
  std::optional<bool> flag = value->getAsBoolean();
  if (!flag) {
    fail(key, "must be true or false, got " + render(*value));
    return fallback;
  }
  return *flag;
}

std::string ConfigReader::stringOr(StringRef key, StringRef fallback) {
  const json::Value *value = lookup(key);
  if (!value)
    return fallback.str();
  std::optional<StringRef> text = value->getAsString();
  if (!text) {
    fail(key, "must be a string, got " + render(*value));
    return fallback.str();
  }
  return text->str();
}

std::vector<int64_t> ConfigReader::intList(StringRef key) {
  std::vector<int64_t> list;
  const json::Value *value = lookup(key);
  if (!value)
    return list;
  const json::Array *array = value->getAsArray();
  if (!array) {
    fail(key, "must be a list of integers, got " + render(*value));
    return list;
  }
  for (const json::Value &element : *array) {
    std::optional<int64_t> number = element.getAsInteger();
    if (!number || *number < 0) {
      fail(key, "must hold non-negative integers, got " + render(element));
      return {};
    }
    list.push_back(*number);
  }
  return list;
}

std::vector<std::string> ConfigReader::stringList(StringRef key) {
  std::vector<std::string> list;
  const json::Value *value = lookup(key);
  if (!value)
    return list;
  const json::Array *array = value->getAsArray();
  if (!array) {
    fail(key, "must be a list of strings, got " + render(*value));
    return list;
  }
  for (const json::Value &element : *array) {
    std::optional<StringRef> text = element.getAsString();
    if (!text) {
      fail(key, "must hold strings, got " + render(element));
      return {};
    }
    list.push_back(text->str());
  }
  return list;
}

const json::Object *ConfigReader::optionalObject(StringRef key) {
  const json::Value *value = lookup(key);
  if (!value)
    return nullptr;
  const json::Object *nested = value->getAsObject();
  if (!nested)
    fail(key, "must be an object, got " + render(*value));
  return nested;
}

} // namespace duplex
