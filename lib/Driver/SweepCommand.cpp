//===- SweepCommand.cpp - `duplexc sweep` ---------------------------------===//

#include "duplex/Driver/Commands.h"
#include "duplex/Driver/SweepRun.h"
#include "duplex/Support/Output.h"

#include "llvm/Support/WithColor.h"

using namespace llvm;

int duplex::runSweepCommand(const SweepOptions &options) {
  static constexpr StringLiteral tool = "duplexc sweep";
  Expected<SweepSpec> spec = readSweepSpec(options.specFile);
  if (!spec)
    return reportError(tool, spec.takeError());
  if (options.resume && isOutputSink(options.outputFile))
    return reportError(tool, createStringError(inconvertibleErrorCode(),
                                               "--resume continues the file "
                                               "of -o FILE; give one"));
  SweepRunOptions run;
  run.threads = options.threads;
  run.resume = options.resume;
  run.quiet = options.quiet;
  Expected<size_t> failed = runSweep(*spec, options.outputFile, run);
  if (!failed)
    return reportError(tool, failed.takeError());
  if (*failed) {
    WithColor::error(errs(), tool)
        << *failed << " of " << spec->points.size()
        << " points failed; their rows say why (column error)\n";
    return 1;
  }
  return 0;
}
