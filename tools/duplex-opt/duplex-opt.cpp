//===- duplex-opt.cpp - run Duplex passes on IR files ---------------------===//
//
// mlir-opt with every dialect and pass of the Duplex toolchain registered.
//
//===----------------------------------------------------------------------===//

#include "duplex/InitAllDialects.h"
#include "duplex/InitAllPasses.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  duplex::registerAllDialects(registry);
  duplex::registerAllPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "Duplex optimizer driver: passes over llm/dx/onnx IR\n",
      registry));
}
