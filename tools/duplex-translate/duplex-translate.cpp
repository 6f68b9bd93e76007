//===- duplex-translate.cpp - import/export of Duplex IR ------------------===//
//
// mlir-translate with the Duplex imports and exports registered, e.g.
//   duplex-translate --import-hf-config config.json
// `-o FILE` replaces FILE only when the run succeeds (duplex/Support/Output.h).
//
//===----------------------------------------------------------------------===//

#include "duplex/InitAllTranslations.h"
#include "duplex/Support/Output.h"
#include "duplex/Support/Provenance.h"

#include "llvm/Support/CommandLine.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  // --version names the project after MLIR's own lines.
  llvm::cl::AddExtraVersionPrinter(duplex::printDuplexVersion);
  duplex::registerAllTranslations();
  return duplex::runWithSafeOutput(
      argc, argv, "duplex-translate", [](int toolArgc, char **toolArgv) {
        return mlir::failed(mlir::mlirTranslateMain(
                   toolArgc, toolArgv,
                   "Duplex translation tool: model imports and exports"))
                   ? 1
                   : 0;
      });
}
