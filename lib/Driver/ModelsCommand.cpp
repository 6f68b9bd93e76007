//===- ModelsCommand.cpp - `duplexc models` -------------------------------===//

#include "duplex/Driver/Commands.h"
#include "duplex/Import/HFConfig.h"
#include "duplex/Support/BundledData.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <fmt/format.h>

#include <algorithm>

using namespace llvm;

/// The string `key` of a bundled file's JSON, or "".
static std::string stringField(const json::Value &parsed, StringRef key) {
  const json::Object *root = parsed.getAsObject();
  return root ? root->getString(key).value_or("").str() : std::string();
}

/// A listing of bundled files: for each, its name and the string `fields`
/// of its JSON (as JSON objects, or a text table under `heading`, each
/// field padded to at least its width and one past its longest value; the
/// last is not).
static Expected<duplex::CommandOutput>
listBundled(ArrayRef<duplex::BundledFile> files,
            ArrayRef<std::pair<StringRef, int>> fields, bool asJSON,
            StringRef heading) {
  json::Array list;
  std::string table;
  size_t nameWidth = 12;
  std::vector<json::Value> parsedFiles;
  std::vector<size_t> widths;
  for (auto [key, width] : fields)
    widths.push_back(width);
  for (const duplex::BundledFile &file : files) {
    nameWidth = std::max(nameWidth, file.name.size());
    Expected<json::Value> parsed = json::parse(file.contents);
    if (!parsed)
      return parsed.takeError();
    for (auto [i, field] : enumerate(fields))
      if (field.second > 0)
        widths[i] =
            std::max(widths[i], stringField(*parsed, field.first).size() + 1);
    parsedFiles.push_back(std::move(*parsed));
  }
  for (auto [file, parsed] : zip(files, parsedFiles)) {
    json::Object entry{{"name", file.name}};
    table += fmt::format("  {:<{}}", file.name.str(), nameWidth + 2);
    for (auto [i, field] : enumerate(fields)) {
      StringRef key = field.first;
      std::string value = stringField(parsed, key);
      table += fmt::format("{:<{}}", value, field.second > 0 ? widths[i] : 0);
      entry[key.ltrim('_')] = std::move(value);
    }
    table += "\n";
    list.push_back(std::move(entry));
  }
  std::string text =
      asJSON ? formatv("{0:2}", json::Value(std::move(list))).str() + "\n"
             : heading.str() + "\n" + table;
  return [text](raw_ostream &os) { os << text; };
}

Expected<duplex::CommandOutput>
duplex::makeModelsOutput(const ModelsOptions &options) {
  return listBundled(getBundledModels(), {{"model_type", 11}, {"_source", 0}},
                     options.json,
                     "Bundled models (use the name wherever a model path is "
                     "accepted):");
}

int duplex::runModelsCommand(const ModelsOptions &options) {
  return emitCommandOutput("duplexc models", makeModelsOutput(options));
}

Expected<duplex::CommandOutput>
duplex::makeDevicesOutput(const DevicesOptions &options) {
  return listBundled(getBundledDevices(), {{"description", 0}}, options.json,
                     "Bundled devices (use the name wherever a device file "
                     "is accepted; docs/device-format.md describes the "
                     "files):");
}

int duplex::runDevicesCommand(const DevicesOptions &options) {
  return emitCommandOutput("duplexc devices", makeDevicesOutput(options));
}
