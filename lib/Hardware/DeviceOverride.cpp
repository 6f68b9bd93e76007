//===- DeviceOverride.cpp - change a device file's value by path ----------===//

#include "duplex/Hardware/DeviceOverride.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

using namespace llvm;

namespace duplex::hw {

static Error overrideError(const DeviceOverride &override,
                           const Twine &message) {
  return createStringError(inconvertibleErrorCode(), "--set " + override.path +
                                                         "=" + override.value +
                                                         ": " + message);
}

Expected<DeviceOverride> parseDeviceOverride(StringRef text) {
  auto [path, value] = text.split('=');
  path = path.trim();
  value = value.trim();
  if (!text.contains('=') || path.empty() || value.empty() ||
      path.starts_with(".") || path.ends_with(".") || path.contains(".."))
    return createStringError(inconvertibleErrorCode(),
                             "--set '%s' is not PATH=VALUE (e.g. --set "
                             "device.units.logic_pim.clock_mhz=800)",
                             text.str().c_str());
  return DeviceOverride{path.str(), value.str()};
}

/// The names of the keys of `object`, or of the named elements of `array`,
/// for "it has ..." in errors.
static std::string childrenOf(const json::Value &node) {
  SmallVector<std::string, 8> names;
  if (const json::Object *object = node.getAsObject()) {
    for (const auto &entry : *object)
      if (!entry.first.str().empty() && entry.first.str()[0] != '_')
        names.push_back(entry.first.str());
  } else if (const json::Array *array = node.getAsArray()) {
    for (const json::Value &element : *array)
      if (const json::Object *object = element.getAsObject())
        if (std::optional<StringRef> name = object->getString("name"))
          names.push_back(name->str());
  }
  llvm::sort(names);
  return names.empty() ? std::string("nothing") : join(names, ", ");
}

/// The child of `node` called `segment`: an object's key or the element of
/// a list whose "name" it is.
static json::Value *child(json::Value &node, StringRef segment) {
  if (json::Object *object = node.getAsObject())
    return object->get(segment);
  if (json::Array *array = node.getAsArray())
    for (json::Value &element : *array)
      if (json::Object *object = element.getAsObject())
        if (object->getString("name") == segment)
          return &element;
  return nullptr;
}

static json::Value parseValue(StringRef text) {
  if (Expected<json::Value> parsed = json::parse(text))
    return std::move(*parsed);
  else
    consumeError(parsed.takeError());
  return json::Value(text.str()); // A bare word: a string.
}

Error applyDeviceOverrides(json::Value &root,
                           ArrayRef<DeviceOverride> overrides) {
  for (const DeviceOverride &override : overrides) {
    SmallVector<StringRef, 8> segments;
    StringRef(override.path).split(segments, '.');
    json::Value *node = &root;
    std::string at = "the device file";
    for (size_t i = 0; i + 1 < segments.size(); ++i) {
      json::Value *next = child(*node, segments[i]);
      if (!next || !(next->getAsObject() || next->getAsArray()))
        return overrideError(override, "no '" + segments[i] + "' in " + at +
                                           " (it has " + childrenOf(*node) +
                                           ")");
      node = next;
      at = join(ArrayRef<StringRef>(segments).take_front(i + 1), ".");
    }
    json::Object *parent = node->getAsObject();
    if (!parent && child(*node, segments.back()))
      return overrideError(override,
                           "'" + override.path + "' is a section, not a value");
    if (!parent)
      return overrideError(override, at +
                                         " is a list: name one of its "
                                         "elements (" +
                                         childrenOf(*node) + ")");
    StringRef key = segments.back();
    json::Value value = parseValue(override.value);
    json::Value *target = parent->get(key);
    if (target && target->getAsObject() &&
        target->getAsObject()->get("value")) {
      // A sourced number keeps its shape and says where it came from.
      json::Object &sourced = *target->getAsObject();
      sourced["value"] = std::move(value);
      sourced["source"] =
          "assumed: --set " + override.path + "=" + override.value;
      continue;
    }
    if (target && (target->getAsObject() || target->getAsArray()))
      return overrideError(override, "'" + override.path +
                                         "' is a section, not a value (it "
                                         "has " +
                                         childrenOf(*target) + ")");
    // A plain field keeps its shape; one the file leaves out takes a source
    // if it is a number, as the loader requires of sourced numbers.
    if (!target && value.getAsNumber())
      (*parent)[key] = json::Object{
          {"value", std::move(value)},
          {"source", "assumed: --set " + override.path + "=" + override.value}};
    else
      (*parent)[key] = std::move(value);
  }
  return Error::success();
}

} // namespace duplex::hw
