//===- ImportAndRaise.cpp - an ONNX file as an llm.model ------------------===//

#include "duplex/Conversion/ONNXToLLM/ONNXToLLM.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace duplex;

llvm::Expected<OwningOpRef<ModuleOp>>
duplex::importAndRaiseONNX(StringRef path, MLIRContext *context,
                           const HFImportOptions &dtypes,
                           const ONNXImportOptions &importOptions) {
  context->getOrLoadDialect<llm::LLMDialect>();
  context->getOrLoadDialect<onnx::ONNXDialect>();
  // Warnings (unknown operators, what the raise leaves out) are printed;
  // without a handler MLIR would only print errors.
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, context, llvm::errs());

  auto module = importONNXFile(path, context, importOptions);
  if (!module)
    return module.takeError();
  RaiseOptions options;
  options.weightDType = dtypes.weightDType;
  options.kvDType = dtypes.kvDType;
  options.allowPartial = dtypes.allowPartial;
  options.tiedEmbeddings = dtypes.tiedEmbeddings;
  SmallVector<onnx::GraphOp> graphs((*module)->getOps<onnx::GraphOp>());
  for (onnx::GraphOp graph : graphs) {
    if (failed(raiseONNXGraph(graph, options)))
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "%s: the ONNX graph could not be raised to llm ops (see above)",
          path.str().c_str());
    graph.erase();
  }
  return std::move(*module);
}
