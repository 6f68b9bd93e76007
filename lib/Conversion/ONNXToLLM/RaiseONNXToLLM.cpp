//===- RaiseONNXToLLM.cpp - the --raise-onnx-to-llm pass ------------------===//

#include "duplex/Conversion/ONNXToLLM/ONNXToLLM.h"
#include "duplex/Conversion/Passes.h"

namespace duplex {
#define GEN_PASS_DEF_RAISEONNXTOLLM
#include "duplex/Conversion/Passes.h.inc"
} // namespace duplex

using namespace mlir;
using namespace duplex;

namespace {
struct RaiseONNXToLLMPass
    : public duplex::impl::RaiseONNXToLLMBase<RaiseONNXToLLMPass> {
  using Base::Base;

  /// Parses a dtype option; false (with an error) if it names none.
  bool parseDType(StringRef option, StringRef text,
                  std::optional<llm::DType> &result) {
    if (text.empty())
      return true;
    result = parseDTypeName(text);
    if (!result)
      emitError(getOperation().getLoc())
          << "--raise-onnx-to-llm: " << option << "='" << text
          << "' is not a known type (" << llm::getDTypeSpellings() << ")";
    return result.has_value();
  }

  void runOnOperation() override {
    RaiseOptions options;
    options.modelName = modelName;
    options.allowPartial = allowPartial;
    if (!parseDType("weight-dtype", weightDType, options.weightDType) ||
        !parseDType("kv-dtype", kvDType, options.kvDType))
      return signalPassFailure();
    if (tiedEmbeddings == "true" || tiedEmbeddings == "false") {
      options.tiedEmbeddings = tiedEmbeddings == "true";
    } else if (tiedEmbeddings != "auto") {
      emitError(getOperation().getLoc())
          << "--raise-onnx-to-llm: tied-embeddings='" << tiedEmbeddings
          << "' must be auto, true or false";
      return signalPassFailure();
    }

    SmallVector<onnx::GraphOp> graphs(
        getOperation().getBody()->getOps<onnx::GraphOp>());
    for (onnx::GraphOp graph : graphs) {
      if (failed(raiseONNXGraph(graph, options)))
        return signalPassFailure();
      if (!keepGraph)
        graph.erase();
    }
  }
};
} // namespace
