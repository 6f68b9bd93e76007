//===- duplex-opt.cpp - run Duplex passes on IR files ---------------------===//
//
// mlir-opt with every dialect and pass of the Duplex toolchain registered.
// `-o FILE` replaces FILE only when the run succeeds (duplex/Support/Output.h).
//
//===----------------------------------------------------------------------===//

#include "duplex/InitAllDialects.h"
#include "duplex/InitAllPasses.h"
#include "duplex/Support/Output.h"
#include "duplex/Support/Provenance.h"

#include "llvm/Support/CommandLine.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  // --version names the project after MLIR's own lines.
  llvm::cl::AddExtraVersionPrinter(duplex::printDuplexVersion);
  mlir::DialectRegistry registry;
  duplex::registerAllDialects(registry);
  duplex::registerAllPasses();
  return duplex::runWithSafeOutput(
      argc, argv, "duplex-opt", [&](int toolArgc, char **toolArgv) {
        return mlir::asMainReturnCode(mlir::MlirOptMain(
            toolArgc, toolArgv,
            "Duplex optimizer driver: passes over llm/dx/onnx IR\n", registry));
      });
}
