//===- StatsCommand.cpp - `duplexc stats` ---------------------------------===//

#include "DriverContext.h"
#include "duplex/Analysis/ModelStats.h"
#include "duplex/Driver/Commands.h"
#include "duplex/Import/ModelLoader.h"
#include "duplex/InitAllDialects.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;
using namespace duplex;

Expected<CommandOutput> duplex::makeStatsOutput(const StatsOptions &options) {
  std::unique_ptr<mlir::MLIRContext> context = createDriverContext();
  Expected<LoadedModel> loaded =
      loadModel(options.model, context.get(), options.import);
  if (!loaded)
    return loaded.takeError();
  return [stats = computeModelStats(loaded->model),
          json = options.json](raw_ostream &os) {
    if (json)
      os << formatv("{0:2}", toJSON(stats)) << "\n";
    else
      printModelStats(stats, os);
  };
}

int duplex::runStatsCommand(const StatsOptions &options) {
  return emitCommandOutput("duplexc stats", makeStatsOutput(options),
                           options.outputFile);
}
