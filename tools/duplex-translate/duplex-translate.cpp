//===- duplex-translate.cpp - import/export of Duplex IR ------------------===//
//
// mlir-translate with the Duplex imports and exports registered, e.g.
//   duplex-translate --import-hf-config config.json
//
//===----------------------------------------------------------------------===//

#include "duplex/InitAllTranslations.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  duplex::registerAllTranslations();
  return mlir::failed(mlir::mlirTranslateMain(
             argc, argv, "Duplex translation tool: model imports and exports"))
             ? 1
             : 0;
}
