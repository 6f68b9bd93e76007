//===- RaiseGraph.cpp - raise one onnx.graph to an llm.model --------------===//

#include "GraphQuery.h"
#include "ModelEmitter.h"
#include "StreamWalker.h"

#include "duplex/Conversion/ONNXToLLM/ONNXToLLM.h"
#include "duplex/Dialect/ONNX/Transforms/Passes.h"
#include "duplex/Import/HFConfig.h"
#include "duplex/Import/ModelBuilder.h"
#include "duplex/Import/ONNXTensorSampler.h"
#include "duplex/Support/InputFile.h"

#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <map>
#include <set>

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
}

/// Optimum and onnxruntime-genai ship the model's config.json beside the
/// export: its tie_word_embeddings (or the family's default).
static std::optional<bool> tiedEmbeddingsBeside(StringRef modelPath) {
  if (modelPath.empty())
    return std::nullopt;
  llvm::SmallString<256> config = llvm::sys::path::parent_path(modelPath);
  llvm::sys::path::append(config, "config.json");
  if (!llvm::sys::fs::exists(config))
    return std::nullopt;
  auto buffer = readInputFile(config, "JSON", "config");
  if (!buffer) {
    llvm::consumeError(buffer.takeError());
    return std::nullopt;
  }
  llvm::Expected<ModelDescription> description =
      parseHFConfig((*buffer)->getBuffer(), config);
  if (!description) {
    llvm::consumeError(description.takeError());
    return std::nullopt;
  }
  return description->tiedEmbeddings;
}

/// Elements of the head and the table compared to decide a tie: a few
/// hundred positions, never the whole tensors.
static constexpr unsigned kTieSamples = 256;

/// Decides whether the LM head reuses the token table, by the strongest
/// evidence there is: the option, the same initializer, the two tensors'
/// data (sampled), config.json beside the model, the architecture's
/// default. Returns what decided it.
static std::string decideTiedEmbeddings(ox::GraphOp graph, RaisedModel &model,
                                        const RaiseOptions &options) {
  LMHeadInfo &head = *model.lmHead;
  if (options.tiedEmbeddings) {
    head.tied = *options.tiedEmbeddings;
    return "option";
  }
  if (head.tied)
    return "same initializer";
  if (!model.embedding)
    return "no token table";
  if (head.tableName.empty())
    return "head weight shaped unlike the table";
  StringRef source = graph.getSource().value_or("");
  if (!source.empty() && llvm::sys::fs::exists(source)) {
    auto sampler = ONNXTensorSampler::open(source);
    if (!sampler) {
      llvm::consumeError(sampler.takeError());
    } else {
      std::optional<bool> same = (*sampler)->sameMatrix(
          head.tableName, head.tableShape, head.weightName, head.headTransposed,
          kTieSamples);
      // A square table may be stored either way round.
      if (same && !*same && head.tableShape[0] == head.tableShape[1])
        same = (*sampler)->sameMatrix(head.tableName, head.tableShape,
                                      head.weightName, !head.headTransposed,
                                      kTieSamples);
      if (same) {
        head.tied = *same;
        return *same ? "weight data (sampled, equal)"
                     : "weight data (sampled, different)";
      }
    }
  }
  if (std::optional<bool> tied = tiedEmbeddingsBeside(source)) {
    head.tied = *tied;
    return "config.json beside the model";
  }
  // GPT-2 and OPT (learned positions) tie by default, Llama-family
  // decoders do not (transformers' config defaults).
  head.tied = model.embedding && model.embedding->positionRows > 0;
  emitWarning(graph.getLoc())
      << "the LM head reads '" << head.weightName
      << "', an initializer of the token table's size, and neither weight "
         "data nor a config.json beside the model shows whether it is a "
         "copy of '"
      << head.tableName << "'; taking the architecture's default ("
      << (head.tied ? "tied" : "untied")
      << "); --tied-embeddings=true or false decides";
  return head.tied ? "architecture default (learned positions: tied)"
                   : "architecture default (rotary: untied)";
}

/// Reports ops no part of the model accounts for, grouped by op type, with
/// the parameters of the weights they read: an error when they read any
/// (the model would miss weights) unless partial results are allowed.
/// Sets `partial` when weights are left out.
static LogicalResult reportUnaccounted(ox::GraphOp graph,
                                       ArrayRef<Operation *> ops,
                                       bool allowPartial, bool &partial) {
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
  bool fatal = parameters && !allowPartial;
  partial |= parameters != 0;
  InFlightDiagnostic diag =
      fatal ? emitError(graph.getLoc()) : emitWarning(graph.getLoc());
  diag << ops.size() << " op" << (ops.size() == 1 ? "" : "s")
       << " of the graph " << (ops.size() == 1 ? "is" : "are")
       << " not accounted for by the raised model: " << list;
  if (parameters) {
    // The first few weights name the place; the count says how much.
    constexpr size_t kShownWeights = 8;
    size_t hidden = weightNames.size() > kShownWeights
                        ? weightNames.size() - kShownWeights
                        : 0;
    weightNames.resize(weightNames.size() - hidden);
    diag << "; they read " << parameters << " parameters ("
         << llvm::join(weightNames, ", ")
         << (hidden ? ", and " + std::to_string(hidden) + " more weights" : "")
         << ")";
  }
  if (fatal)
    diag << "; the model would be incomplete (--allow-partial accepts it)";
  return failure(fatal);
}

/// The layer a KV-cache input or output belongs to: the first number in a
/// name that says past, present or cache ("past_key_values.3.key",
/// "present_3", "key_cache.3"); recurrent or convolution state is not KV.
static std::optional<unsigned> kvCacheLayer(StringRef name) {
  std::string lower = name.lower();
  StringRef text(lower);
  if (!(text.contains("past") || text.contains("present") ||
        text.contains("cache")) ||
      text.contains("state") || text.contains("conv"))
    return std::nullopt;
  size_t start = text.find_first_of("0123456789");
  if (start == StringRef::npos)
    return std::nullopt;
  unsigned layer = 0;
  if (text.substr(start).take_while(llvm::isDigit).getAsInteger(10, layer))
    return std::nullopt;
  return layer;
}

/// Normalisations in the graph (after the normalisation pass, each one op)
/// and in the raised model: a norm the raise absorbed without placing it
/// (a parallel-residual layer's second norm) makes them differ.
static size_t countGraphNorms(ox::GraphOp graph) {
  size_t count = 0;
  for (Operation &op : graph.getBody().front())
    if (isa<ox::RMSNormalizationOp, ox::LayerNormalizationOp,
            ox::SimplifiedLayerNormalizationOp, ox::MSSkipLayerNormalizationOp,
            ox::MSSkipSimplifiedLayerNormalizationOp,
            ox::MSEmbedLayerNormalizationOp>(op))
      ++count;
  return count;
}

static size_t countRaisedNorms(const RaisedModel &model) {
  size_t count = model.finalNorm ? 1 : 0;
  for (const LayerInfo &layer : model.layers)
    count += (layer.attentionNorm ? 1 : 0) + (layer.ffnNorm ? 1 : 0) +
             (layer.attention && layer.attention->qkNormEps ? 2 : 0);
  return count;
}

/// Checks the raised layers against what the graph says: one KV cache per
/// attention layer, an LM head where the graph outputs logits, every norm
/// placed, no weight matrix shared by two layers. An error unless partial
/// results are allowed; sets `partial`.
static LogicalResult checkStructure(ox::GraphOp graph, const RaisedModel &model,
                                    ArrayRef<ox::WeightOp> sharedWeights,
                                    bool allowPartial, bool &partial) {
  std::set<unsigned> kvLayers;
  for (unsigned i = 0, e = graph.getNumArguments(); i < e; ++i)
    if (std::optional<unsigned> layer = kvCacheLayer(graph.getInputName(i)))
      kvLayers.insert(*layer);
  for (unsigned i = 0, e = graph.getNumResults(); i < e; ++i)
    if (std::optional<unsigned> layer = kvCacheLayer(graph.getOutputName(i)))
      kvLayers.insert(*layer);
  size_t attentionLayers = llvm::count_if(
      model.layers, [](const LayerInfo &layer) { return layer.attention; });
  std::string problem;
  if (!kvLayers.empty() && kvLayers.size() != attentionLayers)
    problem = "the graph has KV-cache inputs/outputs for " +
              std::to_string(kvLayers.size()) + " layers but the raise found " +
              std::to_string(attentionLayers) + " attention layers";
  bool logits = false;
  for (unsigned i = 0, e = graph.getNumResults(); i < e; ++i)
    logits |= StringRef(graph.getOutputName(i)).lower().find("logits") !=
              std::string::npos;
  if (problem.empty() && logits && !model.lmHead)
    problem = "the graph outputs logits but the raise found no LM head "
              "producing them";
  size_t graphNorms = countGraphNorms(graph);
  size_t raisedNorms = countRaisedNorms(model);
  if (problem.empty() && raisedNorms < graphNorms)
    problem = "the graph has " + std::to_string(graphNorms) +
              " normalisations but the raised model places " +
              std::to_string(raisedNorms) +
              " (a layer shape the raise does not follow, such as a "
              "parallel residual with two norms)";
  if (problem.empty() && !sharedWeights.empty())
    problem = "initializer '" +
              ox::WeightOp(sharedWeights.front()).getName().str() +
              "' is read by " +
              "the weights of two layers (layers sharing weights); the "
              "raised layers would count it once per layer";
  if (problem.empty())
    return success();
  partial = true;
  if (allowPartial) {
    emitWarning(graph.getLoc()) << problem << "; the model is partial";
    return success();
  }
  return emitError(graph.getLoc())
         << problem
         << "; the raised model would be wrong (--allow-partial accepts it)";
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
  bool partial = false;
  if (failed(reportUnaccounted(graph, walker.getUnaccountedOps(),
                               options.allowPartial, partial)) ||
      failed(checkStructure(graph, model, walker.getSharedWeights(),
                            options.allowPartial, partial)))
    return failure();
  // An llm.repeat body holds one attention per decoder layer.
  for (auto [index, layer] : llvm::enumerate(model.layers))
    if (!layer.attention)
      return emitError(graph.getLoc())
             << "decoder layer " << index
             << " has a feed-forward block but no attention block the raise "
                "recognised; llm layers need one";
  std::string tieEvidence;
  if (model.lmHead)
    tieEvidence = decideTiedEmbeddings(graph, model, options);
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
  if (partial)
    result->setAttr("llm.partial", builder.getUnitAttr());
  if (!tieEvidence.empty())
    result->setAttr("llm.tied_embeddings_evidence",
                    builder.getStringAttr(tieEvidence));
  if (failed(verify(result))) {
    result.erase();
    return emitError(graph.getLoc())
           << "the raised llm.model failed verification (see above)";
  }
  return result;
}
