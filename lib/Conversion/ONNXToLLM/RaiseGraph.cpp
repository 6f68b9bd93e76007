//===- RaiseGraph.cpp - raise one onnx.graph to an llm.model --------------===//

#include "GraphQuery.h"
#include "ModelEmitter.h"
#include "StreamWalker.h"

#include "duplex/Conversion/ONNXToLLM/ONNXToLLM.h"
#include "duplex/Dialect/ONNX/Transforms/Passes.h"
#include "duplex/Import/ModelBuilder.h"

#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"
#include <map>

using namespace mlir;
using namespace duplex;
using namespace duplex::raise;

/// The model's name: the file's stem, or its directory's name when the
/// stem says nothing (model.onnx, decoder.onnx).
static std::string deriveModelName(ox::GraphOp graph) {
  StringRef source = graph.getSource().value_or("");
  StringRef stem = llvm::sys::path::stem(source);
  StringRef directory =
      llvm::sys::path::filename(llvm::sys::path::parent_path(source));
  bool generic = llvm::is_contained(
      {"model", "decoder", "decoder_model", "decoder_model_merged",
       "decoder_with_past_model", "past", "transformer", "model_quantized"},
      stem);
  if (generic && !directory.empty() && directory != ".")
    return directory.str();
  if (!stem.empty())
    return stem.str();
  return graph.getSymName().str();
}

static void applyOverrides(RaisedModel &model, const RaiseOptions &options) {
  if (options.weightDType) {
    llm::DType dtype = *options.weightDType;
    if (model.embedding)
      model.embedding->weightDType = dtype;
    if (model.lmHead)
      model.lmHead->weightDType = dtype;
    if (model.finalNorm)
      model.finalNorm->weightDType = dtype;
    for (LayerInfo &layer : model.layers) {
      for (std::optional<NormInfo> *norm :
           {&layer.attentionNorm, &layer.ffnNorm})
        if (*norm)
          (*norm)->weightDType = dtype;
      if (layer.attention)
        layer.attention->weightDType = dtype;
      if (layer.ffn)
        layer.ffn->weightDType = dtype;
    }
  }
  if (options.kvDType)
    for (LayerInfo &layer : model.layers)
      if (layer.attention)
        layer.attention->kvDType = *options.kvDType;
  if (options.tiedEmbeddings && model.lmHead)
    model.lmHead->tied = *options.tiedEmbeddings;
}

/// Reports ops no part of the model accounts for, grouped by op type, with
/// the parameters of the weights they read.
static LogicalResult reportUnaccounted(ox::GraphOp graph,
                                       ArrayRef<Operation *> ops, bool strict) {
  if (ops.empty())
    return success();
  std::map<std::string, SmallVector<std::string>> byType;
  llvm::SetVector<Operation *> weights;
  for (Operation *op : ops) {
    std::string name = getNodeName(op);
    byType[getONNXName(op)].push_back(name.empty() ? "unnamed" : name);
    for (Value operand : op->getOperands())
      if (std::optional<WeightRef> weight = getWeight(operand))
        weights.insert(weight->weight);
  }
  std::string list;
  for (auto &[type, names] : byType) {
    list += (list.empty() ? "" : ", ") + type;
    if (names.size() > 1)
      list += " x" + std::to_string(names.size());
    SmallVector<std::string> shown;
    for (size_t i = 0; i < names.size() && i < 3; ++i)
      shown.push_back("'" + names[i] + "'");
    list += " (" + llvm::join(shown, ", ") + (names.size() > 3 ? ", ..." : "") +
            ")";
  }
  uint64_t parameters = 0;
  SmallVector<std::string> weightNames;
  for (Operation *op : weights) {
    auto weight = cast<ox::WeightOp>(op);
    parameters += weight.getNumElements();
    weightNames.push_back(weight.getName().str());
  }
  InFlightDiagnostic diag =
      strict ? emitError(graph.getLoc()) : emitWarning(graph.getLoc());
  diag << ops.size() << " op" << (ops.size() == 1 ? "" : "s")
       << " of the graph " << (ops.size() == 1 ? "is" : "are")
       << " not accounted for by the raised model: " << list;
  if (parameters)
    diag << "; they read " << parameters << " parameters ("
         << llvm::join(weightNames, ", ") << ")";
  return failure(strict);
}

FailureOr<llm::ModelOp> duplex::raiseONNXGraph(ox::GraphOp graph,
                                               const RaiseOptions &options) {
  MLIRContext *context = graph.getContext();
  context->getOrLoadDialect<llm::LLMDialect>();
  // Exporter idioms (no-op casts on the stream, decomposed norms and
  // activations) in one form first: the matchers follow dataflow.
  if (failed(onnx::normalizeGraph(graph)))
    return failure();
  RaisedModel model;
  StreamWalker walker(graph);
  if (failed(walker.walk(model)))
    return failure();
  if (model.layers.empty())
    return emitError(graph.getLoc())
           << "no decoder layer (an attention or feed-forward block on the "
              "residual stream) was recognised";
  if (failed(
          reportUnaccounted(graph, walker.getUnaccountedOps(), options.strict)))
    return failure();
  // An llm.repeat body holds one attention per decoder layer.
  for (auto [index, layer] : llvm::enumerate(model.layers))
    if (!layer.attention)
      return emitError(graph.getLoc())
             << "decoder layer " << index
             << " has a feed-forward block but no attention block the raise "
                "recognised; llm layers need one";
  if (model.lmHead && model.lmHead->mayBeTied && !options.tiedEmbeddings)
    emitRemark(graph.getLoc())
        << "the LM head reads '" << model.lmHead->weightName
        << "', an exporter-made tensor shaped like the token embedding "
           "transposed; if the model ties them (tie_word_embeddings), raise "
           "with tied-embeddings=true to count the table once";
  applyOverrides(model, options);

  model.name =
      options.modelName.empty() ? deriveModelName(graph) : options.modelName;
  std::string producer = graph.getProducer().value_or("").str();
  model.source = graph.getSource().value_or("").str();
  if (!producer.empty())
    model.source += " (" + producer + ")";

  OpBuilder builder(graph);
  llm::ModelOp result;
  if (std::optional<ModelDescription> description = describeModel(model))
    result = buildModel(builder, graph.getLoc(), *description);
  else
    result = emitLayers(builder, graph.getLoc(), model);
  if (failed(verify(result))) {
    result.erase();
    return emitError(graph.getLoc())
           << "the raised llm.model failed verification (see above)";
  }
  return result;
}
