//===- Passes.h - Duplex transformation and analysis passes -----*- C++ -*-===//

#ifndef DUPLEX_TRANSFORMS_PASSES_H
#define DUPLEX_TRANSFORMS_PASSES_H

#include "duplex/Dialect/Dx/IR/DxDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace duplex {

#define GEN_PASS_DECL
#include "duplex/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "duplex/Transforms/Passes.h.inc"

} // namespace duplex

#endif // DUPLEX_TRANSFORMS_PASSES_H
