//===- StreamWalker.cpp - follow the residual stream of a graph -----------===//

#include "StreamWalker.h"
#include "NormMatcher.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace duplex;
using namespace duplex::raise;

/// Where diagnostics about `op` point, with its ONNX op type and node name
/// in the message.
static std::string describe(Operation *op) {
  std::string name = getNodeName(op);
  std::string text = getONNXName(op);
  if (!name.empty())
    text += " '" + name + "'";
  return text;
}

void StreamWalker::collectCone(ArrayRef<Value> roots, ArrayRef<Value> stops,
                               llvm::SetVector<Operation *> &cone) {
  llvm::DenseSet<Value> stopSet(stops.begin(), stops.end());
  SmallVector<Value> worklist(roots.begin(), roots.end());
  llvm::DenseSet<Operation *> seen;
  SmallVector<Operation *> found;
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    if (stopSet.contains(value))
      continue;
    Operation *def = value.getDefiningOp();
    if (!def || claimed.contains(def) ||
        isa<ox::WeightOp, ox::ConstantOp, ox::NoneOp>(def) ||
        !seen.insert(def).second)
      continue;
    found.push_back(def);
    worklist.append(def->operand_begin(), def->operand_end());
  }
  // Graph order, so matchers meet producers before consumers.
  llvm::sort(found,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  cone.insert(found.begin(), found.end());
}

//===----------------------------------------------------------------------===//
// Residual blocks
//===----------------------------------------------------------------------===//

bool StreamWalker::findResidual(Value current, ResidualBlock &block) {
  for (Operation *user : current.getUsers()) {
    if (claimed.contains(user))
      continue;
    if (auto add = dyn_cast<ox::AddOp>(user)) {
      Value other = add.getA() == current ? add.getB() : add.getA();
      if (other == current || isParameterOrConstant(other))
        continue;
      block.residual = add;
      block.output = other;
    } else if (isa<ox::MSSkipLayerNormalizationOp,
                   ox::MSSkipSimplifiedLayerNormalizationOp>(user)) {
      Value input = user->getOperand(0), skip = user->getOperand(1);
      block.residual = user;
      block.output = input == current ? skip : input;
      Value bias = isa<ox::MSSkipLayerNormalizationOp>(user)
                       ? user->getOperand(4)
                       : user->getOperand(3);
      block.residualBias = !isa<NoneType>(bias.getType());
    } else {
      continue;
    }
    block.stream = current;
    return true;
  }
  return false;
}

/// Whether `value` feeds a residual add (an Add with a computed operand, or
/// a fused Skip*LayerNormalization).
static bool feedsResidual(Value value) {
  for (Operation *user : value.getUsers()) {
    if (isa<ox::MSSkipLayerNormalizationOp,
            ox::MSSkipSimplifiedLayerNormalizationOp>(user))
      return true;
    if (auto add = dyn_cast<ox::AddOp>(user)) {
      Value other = add.getA() == value ? add.getB() : add.getA();
      if (!isParameterOrConstant(other))
        return true;
    }
  }
  return false;
}

/// Closes `layer` and starts the next one, with the same norm placement.
static void startLayer(RaisedModel &model, LayerInfo &layer) {
  model.layers.push_back(layer);
  LayerInfo next;
  next.placement = layer.placement;
  layer = next;
}

void StreamWalker::raiseBlock(ResidualBlock &block,
                              std::optional<NormInfo> norm, RaisedModel &model,
                              LayerInfo &layer) {
  std::string why;
  Operation *where =
      block.residual ? block.residual : block.output.getDefiningOp();
  SmallVector<Operation *> weightOps;
  if (hasAttentionCore(block)) {
    std::optional<AttentionMatch> match = matchAttention(block, why);
    if (!match) {
      emitWarning(where->getLoc())
          << "the attention block that ends at " << describe(where)
          << " is not raised: " << why;
      return;
    }
    if (layer.attention || layer.ffn)
      startLayer(model, layer);
    layer.attention = match->info;
    layer.attentionNorm = norm;
    layer.attentionResidual = block.residual != nullptr;
    weightOps = match->weightOps;
  } else {
    std::optional<FFNMatch> match = matchFFN(block, model.hiddenSize, why);
    if (!match) {
      emitWarning(where->getLoc())
          << "the residual block that ends at " << describe(where)
          << " is neither attention nor a feed-forward block the raise "
             "recognises: "
          << why;
      return;
    }
    if (layer.ffn)
      startLayer(model, layer);
    layer.ffn = match->info;
    layer.ffnNorm = norm;
    layer.ffnResidual = block.residual != nullptr;
    weightOps = match->weightOps;
  }
  // A weight matrix the matched ops of an earlier block read too is shared
  // across layers (ALBERT-style): the layers' parameters would count it
  // twice. Vectors are left out: torch writes equal-valued initializers
  // (zero biases, unit norm scales) once and lets every layer read it, and
  // so do quantized exports with their scales.
  unsigned thisBlock = blocksRaised++;
  for (Operation *op : weightOps)
    for (Value operand : op->getOperands())
      if (std::optional<WeightRef> weight = getWeight(operand);
          weight &&
          llvm::count_if(weight->shape, [](int64_t d) { return d > 1; }) >= 2) {
        auto [it, inserted] =
            weightBlock.try_emplace(weight->weight.getOperation(), thisBlock);
        if (!inserted && it->second != thisBlock)
          sharedWeights.insert(weight->weight);
      }
  // Everything in the block is accounted for except projections that no
  // part of the match uses: those stay for the final report.
  for (Operation *op : block.ops)
    if (!isProjection(op) || llvm::is_contained(weightOps, op))
      claimed.insert(op);
  if (block.residual)
    claimed.insert(block.residual);
}

LogicalResult StreamWalker::finish(RaisedModel &model, LayerInfo &layer) {
  if (layer.attention || layer.ffn) {
    model.layers.push_back(layer);
    layer = LayerInfo();
  }
  Value hidden = stream;
  if (pending) {
    model.finalNorm = pending->info;
    hidden = pending->output;
  } else if (std::optional<NormMatch> norm =
                 stream ? matchNorm(stream, model.hiddenSize) : std::nullopt) {
    bool post = !model.layers.empty() &&
                model.layers.back().placement == NormPlacement::Post;
    if (!post) {
      model.finalNorm = norm->info;
      llvm::SetVector<Operation *> cone;
      collectCone({norm->output}, {stream}, cone);
      claim(cone.getArrayRef());
      hidden = norm->output;
    }
  }
  if (hidden && findLMHead(hidden, model))
    return success();

  // No LM head: a graph that ends in hidden states. A block whose result
  // leaves the graph without a residual add (a pipeline stage) is the last
  // layer's.
  Operation *ret = graph.getBody().front().getTerminator();
  for (Value output : ret->getOperands()) {
    ResidualBlock block;
    block.stream = stream;
    block.input = hidden;
    block.output = output;
    collectCone({output}, {stream, hidden}, block.ops);
    if (block.ops.empty() || !hasAttentionCore(block))
      continue;
    raiseBlock(block, std::nullopt, model, layer);
    if (layer.attention || layer.ffn)
      model.layers.push_back(layer);
    break;
  }
  emitWarning(graph.getLoc())
      << "the graph has no LM head (a projection of the final hidden states "
         "to a graph output); the raised model outputs hidden states";
  return success();
}

LogicalResult StreamWalker::walk(RaisedModel &model) {
  if (failed(findEmbedding(model)))
    return failure();
  LayerInfo layer;
  std::optional<NormPlacement> placement;
  while (stream) {
    ResidualBlock block;
    if (!findResidual(stream, block))
      break;
    SmallVector<Value> stops{stream};
    if (pending)
      stops.push_back(pending->output);
    collectCone({block.output}, stops, block.ops);

    // The norm in front of the block: a fused one from the previous
    // residual add, or one applied to the stream inside the block.
    std::optional<NormInfo> norm;
    block.input = stream;
    if (pending) {
      norm = pending->info;
      block.input = pending->output;
    } else if (std::optional<NormMatch> match =
                   matchNorm(stream, model.hiddenSize);
               match && block.contains(match->output)) {
      norm = match->info;
      block.input = match->output;
    }

    // What comes after the residual add: the next stream, and with a fused
    // Skip*LayerNormalization its normalised copy.
    Value next;
    std::optional<PendingNorm> nextPending;
    if (isa<ox::AddOp>(block.residual)) {
      next = block.residual->getResult(0);
    } else {
      Value sum = block.residual->getResult(3);
      next = isa<NoneType>(sum.getType()) ? Value() : sum;
      nextPending = PendingNorm{block.residual->getResult(0),
                                getFusedNormInfo(block.residual)};
    }

    // Post-norm (OPT-350m): the sum goes only through a norm, whose output
    // is the next stream. Decided at the first block.
    std::optional<NormMatch> postNorm;
    if (next && isa<ox::AddOp>(block.residual) && !norm)
      if (std::optional<NormMatch> match = matchNorm(next, model.hiddenSize))
        if (!feedsResidual(next) &&
            (placement == NormPlacement::Post || feedsResidual(match->output)))
          postNorm = match;
    if (!placement)
      placement = postNorm ? NormPlacement::Post : NormPlacement::Pre;
    layer.placement = *placement;

    raiseBlock(block, postNorm ? postNorm->info : norm, model, layer);
    if (postNorm) {
      llvm::SetVector<Operation *> cone;
      collectCone({postNorm->output}, {next}, cone);
      claim(cone.getArrayRef());
      next = postNorm->output;
    }
    stream = next;
    pending = nextPending;
    if (!stream)
      break;
  }
  return finish(model, layer);
}

SmallVector<Operation *> StreamWalker::getUnaccountedOps() {
  // Views of weights and constants (a Transpose of a weight, a Cast of a
  // constant) belong to the ops that use them.
  mlir::Block &body = graph.getBody().front();
  for (Operation &op : llvm::reverse(body)) {
    if (claimed.contains(&op) || op.getNumResults() == 0 ||
        isa<ox::WeightOp, ox::ConstantOp, ox::NoneOp>(op))
      continue;
    bool view = llvm::all_of(op.getOperands(), [](Value operand) {
      Operation *def = operand.getDefiningOp();
      return def && (isa<ox::WeightOp, ox::ConstantOp, ox::NoneOp>(def) ||
                     isParameterOrConstant(operand));
    });
    bool used =
        !op.use_empty() && llvm::all_of(op.getUsers(), [&](Operation *user) {
          return claimed.contains(user);
        });
    if (view && used)
      claimed.insert(&op);
  }
  SmallVector<Operation *> result;
  for (Operation &op : graph.getBody().front())
    if (!claimed.contains(&op) &&
        !isa<ox::WeightOp, ox::ConstantOp, ox::NoneOp, ox::ReturnOp>(op))
      result.push_back(&op);
  return result;
}
