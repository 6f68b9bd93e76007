//===- StreamEnds.cpp - where the residual stream starts and ends ---------===//
//
// The token embedding (with learned positions, OPT's projection, onnxruntime's
// EmbedLayerNormalization) that starts the residual stream, and the LM head
// (with OPT's projection, tied or not) that ends it.
//
//===----------------------------------------------------------------------===//

#include "NormMatcher.h"
#include "StreamWalker.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace duplex;
using namespace duplex::raise;

//===----------------------------------------------------------------------===//
// Token embedding
//===----------------------------------------------------------------------===//

/// The graph input `value` is computed from through index plumbing.
static BlockArgument indexSource(Value value) {
  for (int depth = 0; depth < 8; ++depth) {
    if (auto argument = dyn_cast<BlockArgument>(value))
      return argument;
    Operation *def = value.getDefiningOp();
    if (!def || !isa<ox::CastOp, ox::ReshapeOp, ox::UnsqueezeOp, ox::SqueezeOp,
                     ox::FlattenOp, ox::IdentityOp>(def))
      return {};
    value = def->getOperand(0);
  }
  return {};
}

/// A table lookup: Gather along axis 0 of a 2-D weight.
static std::optional<WeightRef> lookupTable(ox::GatherOp gather) {
  if (gather.getAxis().value_or(0) != 0)
    return std::nullopt;
  std::optional<WeightRef> table = getWeight(gather.getData());
  if (!table || table->shape.size() != 2)
    return std::nullopt;
  return table;
}

LogicalResult StreamWalker::findEmbedding(RaisedModel &model) {
  mlir::Block &body = graph.getBody().front();
  // onnxruntime's fused embedding: word + position embeddings and the
  // first layer's LayerNorm.
  for (auto embed : body.getOps<ox::MSEmbedLayerNormalizationOp>()) {
    std::optional<WeightRef> words = getWeight(embed.getWordEmbedding());
    std::optional<WeightRef> positions =
        getWeight(embed.getPositionEmbedding());
    if (!words || words->shape.size() != 2 ||
        isa<NoneType>(embed.getEmbeddingSum().getType()))
      continue;
    EmbeddingInfo info;
    info.vocabSize = words->shape[0];
    info.width = words->shape[1];
    info.weightDType = toDType(words->storedType).value_or(llm::DType::f32);
    if (positions && positions->shape.size() == 2)
      info.positionRows = positions->shape[0];
    model.embedding = info;
    model.hiddenSize = info.width;
    model.activationDType = info.weightDType;
    stream = embed.getEmbeddingSum();
    pending = PendingNorm{embed.getOutput(), getFusedNormInfo(embed)};
    llvm::SetVector<Operation *> cone;
    collectCone({embed.getOutput(), stream}, {}, cone);
    claim(cone.getArrayRef());
    return success();
  }

  // The token table: a lookup indexed by token ids if the graph has one,
  // else the largest lookup indexed by a graph input that does not hold
  // positions (a rotary cos/sin cache indexed by position_ids is no
  // embedding: a draft model fed by inputs_embeds has only that).
  ox::GatherOp tokens;
  int64_t bestRows = -1;
  for (auto gather : body.getOps<ox::GatherOp>()) {
    std::optional<WeightRef> table = lookupTable(gather);
    BlockArgument source = indexSource(gather.getIndices());
    if (!table || !source)
      continue;
    std::string name = graph.getInputName(source.getArgNumber()).lower();
    if (StringRef(name).contains("position") ||
        StringRef(name).contains("pos_"))
      continue;
    int64_t rows = table->shape[0];
    if (StringRef(name).contains("input_ids") ||
        StringRef(name).contains("token"))
      rows = INT64_MAX;
    if (rows > bestRows) {
      bestRows = rows;
      tokens = gather;
    }
  }
  if (!tokens) {
    // A graph fed by inputs_embeds, or a pipeline stage: the first float
    // input of rank 3 is the stream.
    for (BlockArgument input : body.getArguments()) {
      auto type = dyn_cast<RankedTensorType>(input.getType());
      if (!type || type.getRank() != 3 || type.isDynamicDim(2) ||
          !isa<FloatType>(type.getElementType()))
        continue;
      stream = input;
      model.hiddenSize = type.getDimSize(2);
      model.activationDType = getDType(input, llm::DType::f32);
      emitWarning(graph.getLoc())
          << "the graph has no token embedding (no table looked up by token "
             "ids); its input '"
          << graph.getInputName(input.getArgNumber())
          << "' is taken as the hidden states entering the first layer, and "
             "the model counts no embedding table";
      return success();
    }
    return emitError(graph.getLoc())
           << "no token embedding (a Gather from a weight table indexed by "
              "token ids) and no hidden-state input was found; the graph "
              "is not a decoder the raise recognises";
  }

  std::optional<WeightRef> table = lookupTable(tokens);
  EmbeddingInfo info;
  info.vocabSize = table->shape[0];
  info.width = table->shape[1];
  info.weightDType = toDType(table->storedType).value_or(llm::DType::f32);
  Value hidden = tokens.getOutput();
  int64_t width = info.width;
  // OPT's project_in, a position table added on, Gemma's scaling.
  Operation *fusedPositions = nullptr;
  for (int step = 0; step < 4 && !fusedPositions; ++step) {
    Value next;
    for (Operation *user : hidden.getUsers()) {
      if (std::optional<Projection> p = matchProjection(user);
          p && p->input == hidden && !info.projectedWidth &&
          llvm::any_of(p->output.getUsers(),
                       [](Operation *u) { return isa<ox::AddOp>(u); })) {
        info.projectedWidth = p->outFeatures;
        width = p->outFeatures;
        next = p->output;
        break;
      }
      if (!isa<ox::AddOp, ox::MulOp, ox::MSSkipLayerNormalizationOp,
               ox::MSSkipSimplifiedLayerNormalizationOp>(user))
        continue;
      Value other = user->getOperand(0) == hidden ? user->getOperand(1)
                                                  : user->getOperand(0);
      if (isa<ox::MulOp>(user) && getConstantScalar(other)) {
        next = user->getResult(0);
        break;
      }
      auto positions = other.getDefiningOp<ox::GatherOp>();
      std::optional<WeightRef> posTable =
          positions ? lookupTable(positions) : std::nullopt;
      if (isa<ox::MSSkipLayerNormalizationOp,
              ox::MSSkipSimplifiedLayerNormalizationOp>(user) &&
          posTable && posTable->shape[1] == width && !info.positionRows) {
        // onnxruntime fuses `tokens + positions` and the first norm:
        // SkipLayerNormalization(tokens, positions); its sum (output 3)
        // is the stream, its normalised output the first block's input.
        info.positionRows = posTable->shape[0];
        fusedPositions = user;
        break;
      }
      if (isa<ox::AddOp>(user) && posTable && posTable->shape[1] == width &&
          !info.positionRows) {
        info.positionRows = posTable->shape[0];
        // OPT offsets positions by 2: Gather(table, positions + 2).
        if (auto add = positions.getIndices().getDefiningOp<ox::AddOp>())
          for (Value operand : add->getOperands())
            if (std::optional<double> offset = getConstantScalar(operand))
              info.positionOffset = int64_t(*offset);
        next = user->getResult(0);
        break;
      }
    }
    if (!next)
      break;
    hidden = next;
  }
  model.embedding = info;
  model.hiddenSize = width;
  model.activationDType = info.weightDType;
  stream = hidden;
  llvm::SetVector<Operation *> cone;
  if (fusedPositions) {
    Value sum = fusedPositions->getResult(3);
    if (isa<NoneType>(sum.getType()))
      return emitError(fusedPositions->getLoc())
             << "the fused norm that adds the position embedding does not "
                "output the sum, so the residual stream cannot be followed";
    stream = sum;
    pending = PendingNorm{fusedPositions->getResult(0),
                          getFusedNormInfo(fusedPositions)};
    collectCone({sum, fusedPositions->getResult(0)}, {}, cone);
  } else {
    collectCone({stream}, {}, cone);
  }
  claim(cone.getArrayRef());
  return success();
}

//===----------------------------------------------------------------------===//
// Final norm and LM head
//===----------------------------------------------------------------------===//

/// The ops from `value` to a graph output through reshapes, casts, adds and
/// soft-capping; empty if it reaches none.
static SmallVector<Operation *> pathToOutput(Value value) {
  SmallVector<Operation *> path;
  for (int depth = 0; depth < 8; ++depth) {
    Operation *next = nullptr;
    for (Operation *user : value.getUsers()) {
      if (isa<ox::ReturnOp>(user))
        return path;
      if (isa<ox::ReshapeOp, ox::CastOp, ox::IdentityOp, ox::AddOp,
              ox::SqueezeOp, ox::UnsqueezeOp, ox::TransposeOp, ox::DivOp,
              ox::MulOp, ox::TanhOp, ox::FlattenOp>(user))
        next = user;
    }
    if (!next)
      return {};
    path.push_back(next);
    value = next->getResult(0);
  }
  return {};
}

bool StreamWalker::findLMHead(Value hidden, RaisedModel &model) {
  for (Operation *user : hidden.getUsers()) {
    std::optional<Projection> head = matchProjection(user);
    if (!head || head->input != hidden)
      continue;
    std::optional<Projection> projectOut;
    SmallVector<Operation *> path = pathToOutput(head->output);
    if (path.empty() &&
        !llvm::any_of(head->output.getUsers(),
                      [](Operation *u) { return isa<ox::ReturnOp>(u); })) {
      // OPT's project_out before the head.
      for (Operation *next : head->output.getUsers())
        if (std::optional<Projection> p = matchProjection(next);
            p && p->input == head->output) {
          SmallVector<Operation *> rest = pathToOutput(p->output);
          if (!rest.empty() ||
              llvm::any_of(p->output.getUsers(),
                           [](Operation *u) { return isa<ox::ReturnOp>(u); })) {
            projectOut = head;
            head = p;
            path = rest;
            break;
          }
        }
      if (!projectOut)
        continue;
    }
    LMHeadInfo info;
    info.vocabSize = head->outFeatures;
    info.bias = head->bias;
    info.weightDType = head->weightDType;
    if (projectOut)
      info.projectedWidth = projectOut->outFeatures;
    // Tied when the head reads the token table itself; a candidate when it
    // reads another initializer of the table's size.
    std::optional<WeightRef> weight = getWeight(head->op->getOperand(1));
    if (model.embedding && weight) {
      info.weightName = weight->weight.getName().str();
      SmallVector<ox::WeightOp> tables;
      for (auto gather : graph.getBody().front().getOps<ox::GatherOp>())
        if (std::optional<WeightRef> table = lookupTable(gather);
            table && table->shape[0] == model.embedding->vocabSize)
          tables.push_back(table->weight);
      for (auto embed :
           graph.getBody().front().getOps<ox::MSEmbedLayerNormalizationOp>())
        if (std::optional<WeightRef> words =
                getWeight(embed.getWordEmbedding()))
          tables.push_back(words->weight);
      ArrayRef<int64_t> headShape =
          cast<RankedTensorType>(weight->weight.getType()).getShape();
      for (ox::WeightOp table : tables) {
        if (table == weight->weight) {
          info.tied = true;
          break;
        }
        ArrayRef<int64_t> tableShape =
            cast<RankedTensorType>(table.getType()).getShape();
        if (headShape.size() != 2 || tableShape.size() != 2 ||
            !info.tableName.empty())
          continue;
        bool same = headShape == tableShape;
        bool transposed =
            headShape[0] == tableShape[1] && headShape[1] == tableShape[0];
        if (!same && !transposed)
          continue;
        info.tableName = table.getName().str();
        info.tableShape.assign(tableShape.begin(), tableShape.end());
        info.headTransposed = !same;
      }
      if (info.tied)
        info.tableName.clear();
    }
    model.lmHead = info;
    claimed.insert(head->op);
    if (head->biasAdd)
      claimed.insert(head->biasAdd);
    if (projectOut) {
      claimed.insert(projectOut->op);
      if (projectOut->biasAdd)
        claimed.insert(projectOut->biasAdd);
    }
    claim(path);
    return true;
  }
  return false;
}
