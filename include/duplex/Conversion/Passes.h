//===- Passes.h - Duplex conversion passes ----------------------*- C++ -*-===//

#ifndef DUPLEX_CONVERSION_PASSES_H
#define DUPLEX_CONVERSION_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace duplex {

#define GEN_PASS_DECL
#include "duplex/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "duplex/Conversion/Passes.h.inc"

} // namespace duplex

#endif // DUPLEX_CONVERSION_PASSES_H
