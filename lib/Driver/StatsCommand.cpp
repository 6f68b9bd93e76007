//===- StatsCommand.cpp - `duplexc stats` ---------------------------------===//

#include "duplex/Analysis/ModelStats.h"
#include "duplex/Driver/Commands.h"
#include "duplex/Import/ModelLoader.h"
#include "duplex/InitAllDialects.h"
#include "duplex/Support/Output.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

int duplex::runStatsCommand(const StatsOptions &options) {
  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  Expected<LoadedModel> loaded =
      loadModel(options.model, &context, options.import);
  if (!loaded)
    return reportError("duplexc stats", loaded.takeError());

  ModelStats stats = computeModelStats(loaded->model);
  Error written = writeOutput(options.outputFile, [&](raw_ostream &os) {
    if (options.json)
      os << formatv("{0:2}", toJSON(stats)) << "\n";
    else
      printModelStats(stats, os);
  });
  if (written)
    return reportError("duplexc stats", std::move(written));
  return 0;
}
