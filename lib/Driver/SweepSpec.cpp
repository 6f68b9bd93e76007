//===- SweepSpec.cpp - a design-space sweep: base options and axes --------===//

#include "duplex/Driver/SweepSpec.h"

#include "duplex/Hardware/Loader.h"
#include "duplex/Support/InputFile.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLParser.h"
#include "llvm/Support/xxhash.h"

#include <cmath>
#include <functional>
#include <map>
#include <set>

using namespace llvm;

namespace duplex {

namespace {

/// The most points a sweep may expand to: each is a simulation, and the
/// points are held expanded (~1.5 kB each, ~150 MB at the cap). A larger
/// study is several specs.
constexpr size_t kMaxSweepPoints = 100000;

/// A parsed spec value and the line it starts on.
struct SpecValue {
  json::Value value = nullptr;
  unsigned line = 0;
  /// Children with their lines: mapping entries in file order, or list
  /// elements.
  std::vector<std::pair<std::string, SpecValue>> entries;
  std::vector<SpecValue> elements;
  bool isMapping = false;
  bool isList = false;
};

class SpecReader {
public:
  SpecReader(StringRef text, StringRef name) : name(name) {
    sourceMgr.AddNewSourceBuffer(
        MemoryBuffer::getMemBuffer(text, name,
                                   /*RequiresNullTerminator=*/false),
        SMLoc());
  }

  Expected<SpecValue> read(StringRef text) {
    std::string diagnostic;
    sourceMgr.setDiagHandler(
        [](const SMDiagnostic &d, void *context) {
          auto *out = static_cast<std::string *>(context);
          if (out->empty())
            *out = formatv("{0}:{1}: {2}", d.getFilename(), d.getLineNo(),
                           d.getMessage())
                       .str();
        },
        &diagnostic);
    yaml::Stream stream(sourceMgr.getMemoryBuffer(1)->getBuffer(), sourceMgr);
    yaml::document_iterator document = stream.begin();
    if (document == stream.end() || !document->getRoot())
      return error(1, "the file is empty (give base: and axes:)");
    Expected<SpecValue> root = convert(document->getRoot());
    if (!diagnostic.empty())
      return createStringError(inconvertibleErrorCode(), diagnostic);
    if (!root)
      return root.takeError();
    if (++document != stream.end() && document->getRoot() &&
        !isa<yaml::NullNode>(document->getRoot()))
      return error(lineOf(document->getRoot()),
                   "more than one YAML document; a spec is one");
    return root;
  }

  Error error(unsigned line, const Twine &message) const {
    return createStringError(inconvertibleErrorCode(),
                             name + ":" + Twine(line) + ": " + message);
  }

private:
  /// The node's line; a node the parser gave up on (after a syntax error)
  /// may have no location in the buffer: line 1 then (the syntax error is
  /// reported instead).
  unsigned lineOf(yaml::Node *node) {
    SMLoc start = node->getSourceRange().Start;
    if (!start.isValid() || !sourceMgr.FindBufferContainingLoc(start))
      return 1;
    return sourceMgr.getLineAndColumn(start).first;
  }

  /// A plain scalar's type as YAML 1.2's core schema reads it; a quoted
  /// one is a string.
  static json::Value scalarValue(yaml::ScalarNode *node) {
    SmallString<64> storage;
    StringRef text = node->getValue(storage);
    StringRef raw = node->getRawValue();
    if (raw.starts_with("\"") || raw.starts_with("'"))
      return text.str();
    if (text == "true" || text == "True" || text == "TRUE")
      return true;
    if (text == "false" || text == "False" || text == "FALSE")
      return false;
    if (text == "null" || text == "~" || text.empty())
      return nullptr;
    int64_t integer;
    if (!text.getAsInteger(10, integer))
      return integer;
    double number;
    if (!text.getAsDouble(number) && std::isfinite(number))
      return number;
    return text.str();
  }

  Expected<SpecValue> convert(yaml::Node *node, unsigned depth = 0) {
    SpecValue out;
    out.line = lineOf(node);
    if (depth > 64)
      return error(out.line, "nested too deep");
    if (auto *scalar = dyn_cast<yaml::ScalarNode>(node)) {
      out.value = scalarValue(scalar);
      return out;
    }
    if (isa<yaml::NullNode>(node))
      return out;
    if (auto *mapping = dyn_cast<yaml::MappingNode>(node)) {
      out.isMapping = true;
      json::Object object;
      for (yaml::KeyValueNode &entry : *mapping) {
        auto *key = dyn_cast_or_null<yaml::ScalarNode>(entry.getKey());
        if (!key)
          return error(out.line, "a key must be a plain name");
        SmallString<64> storage;
        std::string keyText = key->getValue(storage).str();
        yaml::Node *valueNode = entry.getValue();
        if (!valueNode)
          return error(lineOf(key), "'" + keyText + "' has no value");
        Expected<SpecValue> child = convert(valueNode, depth + 1);
        if (!child)
          return child.takeError();
        for (const auto &existing : out.entries)
          if (existing.first == keyText)
            return error(lineOf(key), "'" + keyText + "' is given twice");
        object[keyText] = child->value;
        out.entries.push_back({keyText, std::move(*child)});
      }
      out.value = std::move(object);
      return out;
    }
    if (auto *sequence = dyn_cast<yaml::SequenceNode>(node)) {
      out.isList = true;
      json::Array array;
      for (yaml::Node &element : *sequence) {
        Expected<SpecValue> child = convert(&element, depth + 1);
        if (!child)
          return child.takeError();
        array.push_back(child->value);
        out.elements.push_back(std::move(*child));
      }
      out.value = std::move(array);
      return out;
    }
    return error(out.line, "aliases, anchors and tags are not used in specs");
  }

  std::string name;
  SourceMgr sourceMgr;
};

/// Dtype names wait until every option is read (setImportTypes takes both).
struct PendingTypes {
  std::string weight, kv;
};

using OptionSetter = std::function<Error(const json::Value &, SimulateOptions &,
                                         PendingTypes &)>;

Error typeError(const Twine &expected, const json::Value &got) {
  std::string text;
  raw_string_ostream os(text);
  os << got;
  return createStringError(inconvertibleErrorCode(),
                           "expects " + expected + ", got " + text);
}

std::optional<uint64_t> asCount(const json::Value &value) {
  if (std::optional<int64_t> integer = value.getAsInteger())
    if (*integer >= 0)
      return uint64_t(*integer);
  if (std::optional<uint64_t> big = value.getAsUINT64())
    return *big;
  return std::nullopt;
}

/// Setters by the type of the field they fill.
OptionSetter text(std::string SimulateOptions::*field) {
  return [field](const json::Value &v, SimulateOptions &o,
                 PendingTypes &) -> Error {
    std::optional<StringRef> s = v.getAsString();
    if (!s)
      return typeError("a string", v);
    o.*field = s->str();
    return Error::success();
  };
}
template <typename T> OptionSetter count(T SimulateOptions::*field) {
  return [field](const json::Value &v, SimulateOptions &o,
                 PendingTypes &) -> Error {
    std::optional<uint64_t> n = asCount(v);
    if (!n || *n > std::numeric_limits<T>::max())
      return typeError("a whole number", v);
    o.*field = T(*n);
    return Error::success();
  };
}
OptionSetter optionalCount(std::optional<uint64_t> SimulateOptions::*field) {
  return [field](const json::Value &v, SimulateOptions &o,
                 PendingTypes &) -> Error {
    std::optional<uint64_t> n = asCount(v);
    if (!n)
      return typeError("a whole number", v);
    o.*field = *n;
    return Error::success();
  };
}
OptionSetter optionalNumber(std::optional<double> SimulateOptions::*field) {
  return [field](const json::Value &v, SimulateOptions &o,
                 PendingTypes &) -> Error {
    std::optional<double> x = v.getAsNumber();
    if (!x || v.kind() == json::Value::Boolean)
      return typeError("a number", v);
    o.*field = *x;
    return Error::success();
  };
}
OptionSetter flag(bool SimulateOptions::*field) {
  return [field](const json::Value &v, SimulateOptions &o,
                 PendingTypes &) -> Error {
    std::optional<bool> b = v.getAsBoolean();
    if (!b)
      return typeError("true or false", v);
    o.*field = *b;
    return Error::success();
  };
}

/// A list or a mapping of seconds as its --flag string.
std::string flatten(const json::Value &v, StringRef separator) {
  std::string out;
  raw_string_ostream os(out);
  if (const json::Array *list = v.getAsArray()) {
    for (const json::Value &element : *list)
      os << (out.empty() ? "" : ",") << element;
  } else if (const json::Object *object = v.getAsObject()) {
    std::vector<std::string> keys;
    for (const auto &entry : *object)
      keys.push_back(entry.first.str());
    llvm::sort(keys);
    for (const std::string &key : keys)
      os << (out.empty() ? "" : ",") << key << separator << *object->get(key);
  }
  return out;
}

const StringMap<OptionSetter> &optionTable() {
  static const StringMap<OptionSetter> table = [] {
    StringMap<OptionSetter> t;
    t["model"] = text(&SimulateOptions::model);
    t["device"] = text(&SimulateOptions::device);
    t["devices"] = count(&SimulateOptions::devices);
    t["nodes"] = count(&SimulateOptions::nodes);
    t["replicas_per_node"] = count(&SimulateOptions::replicasPerNode);
    t["coprocess"] = text(&SimulateOptions::coprocess);
    t["closed_loop"] = flag(&SimulateOptions::closedLoop);
    t["qps"] = optionalNumber(&SimulateOptions::qps);
    t["arrivals"] = text(&SimulateOptions::arrivals);
    t["trace"] = text(&SimulateOptions::traceFile);
    t["trace_qps"] = optionalNumber(&SimulateOptions::traceQPS);
    t["trace_columns"] = text(&SimulateOptions::traceColumns);
    t["batch"] = count(&SimulateOptions::batch);
    t["batch_per_replica"] = optionalCount(&SimulateOptions::batchPerReplica);
    t["calibration"] = text(&SimulateOptions::calibration);
    t["requests"] = optionalCount(&SimulateOptions::requests);
    t["lin"] = optionalNumber(&SimulateOptions::inputTokens);
    t["lout"] = optionalNumber(&SimulateOptions::outputTokens);
    t["len_std"] = optionalNumber(&SimulateOptions::lengthStd);
    t["max_batched_tokens"] =
        optionalCount(&SimulateOptions::maxTokensPerStage);
    t["chunked_prefill"] = [](const json::Value &v, SimulateOptions &o,
                              PendingTypes &) -> Error {
      std::optional<bool> b = v.getAsBoolean();
      if (!b)
        return typeError("true or false", v);
      o.chunkedPrefill = *b;
      return Error::success();
    };
    t["scheduler"] = text(&SimulateOptions::scheduler);
    t["routing"] = text(&SimulateOptions::routing);
    t["seed"] = count(&SimulateOptions::seed);
    t["allow_long_context"] = flag(&SimulateOptions::allowLongContext);
    t["allow_partial"] = [](const json::Value &v, SimulateOptions &o,
                            PendingTypes &) -> Error {
      std::optional<bool> b = v.getAsBoolean();
      if (!b)
        return typeError("true or false", v);
      o.import.allowPartial = *b;
      return Error::success();
    };
    for (auto [name, member] :
         {std::pair{"weight_dtype", &PendingTypes::weight},
          std::pair{"kv_dtype", &PendingTypes::kv}})
      t[name] = [member = member](const json::Value &v, SimulateOptions &,
                                  PendingTypes &types) -> Error {
        std::optional<StringRef> s = v.getAsString();
        if (!s)
          return typeError("a type name (f16, bf16, fp8, int8, ...)", v);
        types.*member = s->str();
        return Error::success();
      };
    t["percentiles"] = [](const json::Value &v, SimulateOptions &o,
                          PendingTypes &) -> Error {
      if (std::optional<StringRef> s = v.getAsString())
        o.percentiles = s->str();
      else if (v.getAsArray())
        o.percentiles = flatten(v, "");
      else
        return typeError("a list of percents", v);
      return Error::success();
    };
    t["slo"] = [](const json::Value &v, SimulateOptions &o,
                  PendingTypes &) -> Error {
      if (std::optional<StringRef> s = v.getAsString())
        o.slo = s->str();
      else if (v.getAsObject())
        o.slo = flatten(v, "=");
      else
        return typeError("a mapping of seconds ({ttft: 0.2})", v);
      return Error::success();
    };
    for (auto [name, member] :
         {std::pair{"limit_requests", &serving::WorkLimits::maxRequests},
          std::pair{"limit_tokens", &serving::WorkLimits::maxGeneratedTokens},
          std::pair{"limit_prompt_tokens",
                    &serving::WorkLimits::maxPromptTokens}})
      t[name] = [member = member](const json::Value &v, SimulateOptions &o,
                                  PendingTypes &) -> Error {
        std::optional<uint64_t> n = asCount(v);
        if (!n)
          return typeError("a whole number", v);
        o.limits.*member = *n;
        return Error::success();
      };
    return t;
  }();
  return table;
}

/// A device value as --set's VALUE text.
std::string overrideText(const json::Value &v) {
  if (std::optional<StringRef> s = v.getAsString())
    return s->str();
  std::string out;
  raw_string_ostream os(out);
  os << v;
  return out;
}

/// The values of one axis: a list, or {from, to, step} (arithmetic) or
/// {from, to, times} (geometric), `to` included when reached.
Expected<std::vector<SpecValue>>
axisValues(const SpecReader &reader, StringRef key, const SpecValue &axis) {
  if (axis.isList) {
    if (axis.elements.empty())
      return reader.error(axis.line, "axes." + key + ": an empty list");
    return axis.elements;
  }
  if (!axis.isMapping)
    return reader.error(axis.line,
                        "axes." + key +
                            ": give a list of values or a range {from, to, "
                            "step} / {from, to, times}");
  const json::Object &range = *axis.value.getAsObject();
  for (const auto &entry : axis.entries)
    if (!is_contained({"from", "to", "step", "times"}, entry.first))
      return reader.error(entry.second.line,
                          "axes." + key + "." + entry.first +
                              ": a range has from, to and step or times");
  std::optional<double> from = range.getNumber("from");
  std::optional<double> to = range.getNumber("to");
  std::optional<double> step = range.getNumber("step");
  std::optional<double> times = range.getNumber("times");
  auto bad = [&](const Twine &why) {
    return reader.error(axis.line, "axes." + key + ": " + why);
  };
  if (!from || !to)
    return bad("a range needs numbers from and to");
  if (bool(step) == bool(times))
    return bad("a range needs one of step (arithmetic) and times "
               "(geometric)");
  if (step && !(*step > 0))
    return bad("step must be positive");
  if (times && !(*times > 1))
    return bad("times must be more than 1");
  if (*to < *from)
    return bad("to is below from");
  if (times && !(*from > 0))
    return bad("a geometric range starts above 0");
  bool integral = range.get("from")->getAsInteger() &&
                  (step ? bool(range.get("step")->getAsInteger())
                        : std::floor(*times) == *times);
  std::vector<SpecValue> values;
  // A little slack so that 0.1 steps land on `to`.
  double slack = 1e-9 * std::max(std::fabs(*to), 1.0);
  for (size_t i = 0;; ++i) {
    double x = step ? *from + double(i) * *step : *from * std::pow(*times, i);
    if (x > *to + slack)
      break;
    if (values.size() >= kMaxSweepPoints)
      return bad(formatv("more than {0} values", kMaxSweepPoints).str());
    SpecValue value;
    value.line = axis.line;
    value.value =
        integral ? json::Value(int64_t(std::llround(x))) : json::Value(x);
    values.push_back(std::move(value));
  }
  return values;
}

} // namespace

std::vector<StringRef> getSweepOptionNames() {
  std::vector<StringRef> names;
  for (const auto &entry : optionTable())
    names.push_back(entry.getKey());
  llvm::sort(names);
  return names;
}

/// Applies `key` = `value` to `options` (a dotted key: a device value).
static Error assign(const SpecReader &reader, StringRef where, unsigned line,
                    StringRef key, const json::Value &value,
                    SimulateOptions &options, PendingTypes &types) {
  if (key.contains('.')) {
    Expected<hw::DeviceOverride> override =
        hw::parseDeviceOverride((key + "=" + overrideText(value)).str());
    if (!override)
      return reader.error(line, where + ": " + toString(override.takeError()));
    // The same path set twice (base and axis): the later wins.
    llvm::erase_if(options.deviceOverrides,
                   [&](const hw::DeviceOverride &o) { return o.path == key; });
    options.deviceOverrides.push_back(std::move(*override));
    return Error::success();
  }
  auto setter = optionTable().find(key);
  if (setter == optionTable().end()) {
    std::string known = join(getSweepOptionNames(), ", ");
    std::string suggestion;
    for (StringRef name : getSweepOptionNames())
      if (key.edit_distance(name, true, 3) <= 2) {
        suggestion = (" (did you mean '" + name + "'?)").str();
        break;
      }
    return reader.error(line, where + ": unknown option '" + key + "'" +
                                  suggestion +
                                  "; options are duplex.simulate's: " + known +
                                  "; a device value is a path with dots, "
                                  "e.g. device.units.xpu.clock_mhz");
  }
  if (Error error = setter->second(value, options, types))
    return reader.error(line, where + ": " + toString(std::move(error)));
  return Error::success();
}

/// Refuses a key the context's owner sets itself.
static Error checkReserved(const SpecReader &reader,
                           const SweepSpecContext *context, StringRef where,
                           unsigned line, StringRef key) {
  if (!context)
    return Error::success();
  for (const auto &[reserved, why] : context->reserved)
    if (reserved == key)
      return reader.error(line, where + ": '" + key +
                                    "' is not set in this "
                                    "file: " +
                                    why);
  if (context->fixed.get(key))
    return reader.error(line, where + ": '" + key + "' is also given to " +
                                  context->owner + "; give it once");
  return Error::success();
}

Expected<SweepSpec> parseSweepSpec(StringRef text, StringRef name,
                                   const SweepSpecContext *context) {
  SpecReader reader(text, name);
  Expected<SpecValue> root = reader.read(text);
  if (!root)
    return root.takeError();
  if (!root->isMapping)
    return reader.error(root->line, "a spec is a mapping with base: and axes:");
  const SpecValue *base = nullptr, *axes = nullptr, *zip = nullptr;
  for (const auto &[key, value] : root->entries) {
    if (key == "base")
      base = &value;
    else if (key == "axes")
      axes = &value;
    else if (key == "zip")
      zip = &value;
    else
      return reader.error(value.line, "unknown key '" + key +
                                          "' (a spec has base, axes and zip)");
  }
  if (base && !base->isMapping && !base->value.getAsNull())
    return reader.error(base->line, "base: a mapping of options");
  if (!axes || !axes->isMapping || axes->entries.empty())
    return reader.error(axes ? axes->line : root->line,
                        "axes: a mapping of at least one option to its "
                        "values");

  if (base && base->isMapping)
    for (const auto &[key, value] : base->entries)
      if (Error error =
              checkReserved(reader, context, "base." + key, value.line, key))
        return std::move(error);
  for (const auto &[key, axis] : axes->entries)
    if (Error error =
            checkReserved(reader, context, "axes." + key, axis.line, key))
      return std::move(error);

  SweepSpec spec;
  spec.name = name.str();
  std::vector<std::vector<SpecValue>> values;
  for (const auto &[key, axis] : axes->entries) {
    Expected<std::vector<SpecValue>> list = axisValues(reader, key, axis);
    if (!list)
      return list.takeError();
    spec.axes.push_back(key);
    values.push_back(std::move(*list));
  }
  // Zip groups: axes that move together, at the place of their first one.
  std::vector<int> groupOf(spec.axes.size(), -1);
  std::vector<std::vector<size_t>> groups;
  if (zip && !zip->value.getAsNull()) {
    if (!zip->isList)
      return reader.error(zip->line, "zip: a list of lists of axis names");
    for (const SpecValue &group : zip->elements) {
      if (!group.isList || group.elements.size() < 2)
        return reader.error(group.line,
                            "zip: each group lists two or more axes");
      std::vector<size_t> members;
      for (const SpecValue &member : group.elements) {
        std::optional<StringRef> axisName = member.value.getAsString();
        auto found =
            axisName ? llvm::find(spec.axes, *axisName) : spec.axes.end();
        if (found == spec.axes.end())
          return reader.error(member.line, "zip: '" +
                                               overrideText(member.value) +
                                               "' is not an axis");
        size_t index = found - spec.axes.begin();
        if (groupOf[index] >= 0)
          return reader.error(member.line,
                              "zip: '" + *axisName + "' is in two groups");
        if (values[index].size() !=
            values[members.empty() ? index : members[0]].size())
          return reader.error(
              member.line,
              formatv("zip: '{0}' has {1} values, '{2}' {3}: zipped axes "
                      "have as many",
                      *axisName, values[index].size(), spec.axes[members[0]],
                      values[members[0]].size())
                  .str());
        groupOf[index] = groups.size();
        members.push_back(index);
      }
      groups.push_back(std::move(members));
    }
  }
  // The dimensions of the product: an axis, or a zip group at its first.
  std::vector<std::vector<size_t>> dimensions;
  for (size_t a = 0; a < spec.axes.size(); ++a) {
    if (groupOf[a] < 0)
      dimensions.push_back({a});
    else if (groups[groupOf[a]][0] == a)
      dimensions.push_back(groups[groupOf[a]]);
  }
  size_t total = 1;
  for (const std::vector<size_t> &dimension : dimensions) {
    total *= values[dimension[0]].size();
    if (total > kMaxSweepPoints)
      return reader.error(
          axes->line,
          formatv("the axes make more than {0} points", kMaxSweepPoints).str());
  }

  std::set<std::string> checkedDevices;
  for (size_t index = 0; index < total; ++index) {
    SweepPoint point;
    point.index = index;
    point.options.json = true;
    point.options.quiet = true;
    point.options.threads = 1;
    PendingTypes types;
    json::Object settings;
    if (base && base->isMapping)
      for (const auto &[key, value] : base->entries) {
        if (Error error = assign(reader, "base." + key, value.line, key,
                                 value.value, point.options, types))
          return std::move(error);
        settings[key] = value.value;
      }
    // The last dimension moves fastest.
    std::vector<size_t> choice(spec.axes.size());
    size_t rest = index;
    for (size_t d = dimensions.size(); d-- > 0;) {
      size_t n = values[dimensions[d][0]].size();
      for (size_t a : dimensions[d])
        choice[a] = rest % n;
      rest /= n;
    }
    for (size_t a = 0; a < spec.axes.size(); ++a) {
      const SpecValue &value = values[a][choice[a]];
      if (Error error = assign(reader, formatv("axes.{0}", spec.axes[a]).str(),
                               value.line, spec.axes[a], value.value,
                               point.options, types))
        return std::move(error);
      settings[spec.axes[a]] = value.value;
      point.axisValues.push_back({spec.axes[a], value.value});
    }
    // The owner's settings are its own flags, not lines of the file.
    if (context)
      for (const auto &[key, value] : context->fixed) {
        auto setter = optionTable().find(key);
        if (setter == optionTable().end())
          return createStringError(inconvertibleErrorCode(),
                                   "%s: no simulate option '%s'",
                                   context->owner.c_str(), key.str().c_str());
        if (Error error = setter->second(value, point.options, types))
          return createStringError(inconvertibleErrorCode(), "%s: %s: %s",
                                   context->owner.c_str(), key.str().c_str(),
                                   toString(std::move(error)).c_str());
        settings[key] = value;
      }
    if (Error error =
            setImportTypes(point.options.import, types.weight, types.kv))
      return reader.error(base ? base->line : axes->line,
                          toString(std::move(error)));
    if (point.options.model.empty() || point.options.device.empty())
      return reader.error(root->line, "every point needs a model and a "
                                      "device (in base or as axes)");
    // Device values are checked by the loader now, once per distinct
    // device and set of values, not when the point runs.
    if (!point.options.deviceOverrides.empty()) {
      std::string key = point.options.device;
      for (const hw::DeviceOverride &override : point.options.deviceOverrides)
        key += "\n" + override.path + "=" + override.value;
      if (checkedDevices.insert(key).second) {
        Expected<hw::System> system =
            hw::loadSystem(point.options.device, point.options.deviceOverrides);
        if (!system) {
          unsigned line = axes->line;
          std::string where = "axes";
          for (const auto &[axisKey, axis] : axes->entries)
            if (StringRef(axisKey).contains('.')) {
              line = axis.line;
              where = "axes." + axisKey;
              break;
            }
          return reader.error(line,
                              where + ": " + toString(system.takeError()));
        }
      }
    }
    std::string canonical;
    raw_string_ostream os(canonical);
    os << json::Value(std::move(settings));
    point.hash = utohexstr(xxh3_64bits(arrayRefFromStringRef(canonical)),
                           /*LowerCase=*/true, /*Width=*/16);
    spec.points.push_back(std::move(point));
  }
  return spec;
}

Expected<SweepSpec> readSweepSpec(StringRef path,
                                  const SweepSpecContext *context) {
  auto buffer = readInputFile(path, "JSON", "sweep spec");
  if (!buffer)
    return buffer.takeError();
  return parseSweepSpec((*buffer)->getBuffer(), path, context);
}

} // namespace duplex
