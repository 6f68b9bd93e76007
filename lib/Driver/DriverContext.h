//===- DriverContext.h - the MLIR context of a duplexc command --*- C++ -*-===//

#ifndef DUPLEX_LIB_DRIVER_DRIVERCONTEXT_H
#define DUPLEX_LIB_DRIVER_DRIVERCONTEXT_H

#include "duplex/InitAllDialects.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

#include <memory>

namespace duplex {

/// A context with every Duplex dialect loaded (the passes a command runs
/// create dx attributes on llm modules).
inline std::unique_ptr<mlir::MLIRContext> createDriverContext() {
  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  auto context = std::make_unique<mlir::MLIRContext>(registry);
  context->loadAllAvailableDialects();
  return context;
}

} // namespace duplex

#endif // DUPLEX_LIB_DRIVER_DRIVERCONTEXT_H
