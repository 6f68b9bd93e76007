//===- ModelsCommand.cpp - `duplexc models` -------------------------------===//

#include "duplex/Driver/Commands.h"
#include "duplex/Import/HFConfig.h"
#include "duplex/Support/BundledData.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <fmt/format.h>

#include <algorithm>

using namespace llvm;

/// A listing of bundled files: for each, its name and the string `fields`
/// of its JSON (as JSON objects, or a text table under `heading`, each
/// field padded to its width; the last is not).
static Expected<duplex::CommandOutput>
listBundled(ArrayRef<duplex::BundledFile> files,
            ArrayRef<std::pair<StringRef, int>> fields, bool asJSON,
            StringRef heading) {
  json::Array list;
  std::string table;
  size_t nameWidth = 12;
  for (const duplex::BundledFile &file : files)
    nameWidth = std::max(nameWidth, file.name.size());
  for (const duplex::BundledFile &file : files) {
    Expected<json::Value> parsed = json::parse(file.contents);
    if (!parsed)
      return parsed.takeError();
    const json::Object *root = parsed->getAsObject();
    json::Object entry{{"name", file.name}};
    table += fmt::format("  {:<{}}", file.name.str(), nameWidth + 2);
    for (auto [key, width] : fields) {
      std::string value =
          root ? root->getString(key).value_or("").str() : std::string();
      table += fmt::format("{:<{}}", value, width);
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
