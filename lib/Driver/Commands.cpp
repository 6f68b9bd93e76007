//===- Commands.cpp - what the duplexc subcommands share ------------------===//

#include "duplex/Driver/Commands.h"
#include "duplex/Import/HFConfig.h"
#include "duplex/Support/Output.h"

using namespace llvm;

int duplex::emitCommandOutput(StringRef tool, Expected<CommandOutput> output,
                              StringRef outputFile) {
  if (!output)
    return reportError(tool, output.takeError());
  if (Error error = writeOutput(outputFile, *output))
    return reportError(tool, std::move(error));
  return 0;
}

static Error setType(std::optional<duplex::llm::DType> &out, StringRef flag,
                     StringRef name) {
  if (name.empty())
    return Error::success();
  out = duplex::parseDTypeName(name);
  if (out)
    return Error::success();
  return createStringError(inconvertibleErrorCode(),
                           "--%s=%s is not a known type (%s)",
                           flag.str().c_str(), name.str().c_str(),
                           duplex::llm::getDTypeSpellings().str().c_str());
}

Error duplex::setImportTypes(HFImportOptions &import, StringRef weightDType,
                             StringRef kvDType) {
  if (Error error = setType(import.weightDType, "weight-dtype", weightDType))
    return error;
  return setType(import.kvDType, "kv-dtype", kvDType);
}
