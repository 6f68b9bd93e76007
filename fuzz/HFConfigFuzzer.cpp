//===- HFConfigFuzzer.cpp - fuzz the Hugging Face config importer ---------===//
//
// Imports the input as a config.json and, when it is accepted, computes the
// model's statistics as `duplexc stats` does.
//
//===----------------------------------------------------------------------===//

#include "FuzzMLIR.h"

#include "duplex/Analysis/ModelStats.h"
#include "duplex/Dialect/LLM/IR/LLMOps.h"
#include "duplex/Import/HFConfig.h"

#include "mlir/IR/BuiltinOps.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace duplex;
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  fuzz::silenceDiagnostics(context);
  auto module = importHFConfig(fuzz::asText(data, size), "fuzz.json", &context);
  if (!module) {
    fuzz::requireNamedError(module.takeError(), "fuzz.json");
    return 0;
  }
  fuzz::verifyAndPrint(module->get());
  module->get().walk(
      [](llm::ModelOp model) { (void)computeModelStats(model); });
  return 0;
}
