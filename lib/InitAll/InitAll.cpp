//===- InitAll.cpp - register every dialect, pass and translation ---------===//

#include "duplex/InitAllDialects.h"
#include "duplex/InitAllPasses.h"
#include "duplex/InitAllTranslations.h"

#include "duplex/Dialect/Dx/IR/DxDialect.h"
#include "duplex/Dialect/LLM/IR/LLMDialect.h"
#include "duplex/Import/HFConfig.h"
#include "duplex/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"

void duplex::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<llm::LLMDialect, dx::DxDialect>();
}

void duplex::registerAllPasses() { registerTransformsPasses(); }

void duplex::registerAllTranslations() {
  registerHFConfigTranslation();
}
