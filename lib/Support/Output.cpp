//===- Output.cpp - atomic output files and error reporting ---------------===//

#include "duplex/Support/Output.h"

#include "llvm/Support/WithColor.h"

using namespace llvm;

Error duplex::writeOutput(StringRef path,
                          function_ref<void(raw_ostream &)> write) {
  if (path == "-") {
    write(outs());
    outs().flush();
    return Error::success();
  }
  // llvm::writeToOutput writes a temporary file and renames it on success.
  Error error = writeToOutput(path, [&](raw_ostream &os) {
    write(os);
    return Error::success();
  });
  if (error)
    return createStringError(inconvertibleErrorCode(), "cannot write '%s': %s",
                             path.str().c_str(),
                             toString(std::move(error)).c_str());
  return Error::success();
}

int duplex::reportError(StringRef tool, Error error) {
  outs().flush();
  WithColor::error(errs(), tool) << toString(std::move(error)) << "\n";
  return 1;
}
