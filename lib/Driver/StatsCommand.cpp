//===- StatsCommand.cpp - `duplexc stats` ---------------------------------===//

#include "DriverContext.h"
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
  std::unique_ptr<mlir::MLIRContext> contextOwner = createDriverContext();
  mlir::MLIRContext &context = *contextOwner;
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
