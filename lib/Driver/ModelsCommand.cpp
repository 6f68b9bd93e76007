//===- ModelsCommand.cpp - `duplexc models` -------------------------------===//

#include "duplex/Driver/Commands.h"
#include "duplex/Import/HFConfig.h"
#include "duplex/Support/BundledData.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <fmt/format.h>

using namespace llvm;

Expected<duplex::CommandOutput>
duplex::makeModelsOutput(const ModelsOptions &options) {
  json::Array list;
  std::string table;
  for (const BundledFile &file : getBundledModels()) {
    std::string source, type;
    Expected<json::Value> parsed = json::parse(file.contents);
    if (!parsed)
      return parsed.takeError();
    if (const json::Object *root = parsed->getAsObject()) {
      source = root->getString("_source").value_or("").str();
      type = root->getString("model_type").value_or("").str();
    }
    list.push_back(json::Object{
        {"name", file.name}, {"model_type", type}, {"source", source}});
    table += fmt::format("  {:<14}{:<11}{}\n", file.name.str(), type, source);
  }
  std::string text =
      options.json ? formatv("{0:2}", json::Value(std::move(list))).str() + "\n"
                   : "Bundled models (use the name wherever a model path is "
                     "accepted):\n" +
                         table;
  return [text](raw_ostream &os) { os << text; };
}

int duplex::runModelsCommand(const ModelsOptions &options) {
  return emitCommandOutput("duplexc models", makeModelsOutput(options));
}

Expected<duplex::CommandOutput>
duplex::makeDevicesOutput(const DevicesOptions &options) {
  json::Array list;
  std::string table;
  for (const BundledFile &file : getBundledDevices()) {
    Expected<json::Value> parsed = json::parse(file.contents);
    if (!parsed)
      return parsed.takeError();
    std::string description;
    if (const json::Object *root = parsed->getAsObject())
      description = root->getString("description").value_or("").str();
    list.push_back(
        json::Object{{"name", file.name}, {"description", description}});
    table += fmt::format("  {:<34}{}\n", file.name.str(), description);
  }
  std::string text =
      options.json ? formatv("{0:2}", json::Value(std::move(list))).str() + "\n"
                   : "Bundled devices (use the name wherever a device file is "
                     "accepted; docs/device-format.md describes the files):\n" +
                         table;
  return [text](raw_ostream &os) { os << text; };
}

int duplex::runDevicesCommand(const DevicesOptions &options) {
  return emitCommandOutput("duplexc devices", makeDevicesOutput(options));
}
