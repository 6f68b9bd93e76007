//===- InitAll.cpp - register every dialect, pass and translation ---------===//

#include "duplex/InitAllDialects.h"
#include "duplex/InitAllPasses.h"
#include "duplex/InitAllTranslations.h"

#include "duplex/Conversion/Passes.h"
#include "duplex/Dialect/Dx/IR/DxDialect.h"
#include "duplex/Dialect/LLM/IR/LLMDialect.h"
#include "duplex/Dialect/ONNX/IR/ONNXDialect.h"
#include "duplex/Dialect/ONNX/Transforms/Passes.h"
#include "duplex/Import/HFConfig.h"
#include "duplex/Import/ONNXImport.h"
#include "duplex/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"

void duplex::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<llm::LLMDialect, dx::DxDialect>();
  registry.insert<onnx::ONNXDialect>();
}

void duplex::registerAllPasses() {
  registerTransformsPasses();
  registerConversionPasses();
  onnx::registerONNXTransformsPasses();
}

void duplex::registerAllTranslations() {
  registerHFConfigTranslation();
  registerONNXImportTranslation();
}
