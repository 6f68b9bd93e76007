//===- AttentionParts.cpp - the pieces of an attention block --------------===//
//
// Traces queries, keys and values back to their projections (through head
// reshapes, rotary embedding, past-KV concatenation, static-cache scatters
// and repeat_kv's Expand+Reshape), finds the decomposed attention core, the
// output projection, the rotary embedding, the head size and any sliding
// window.
//
//===----------------------------------------------------------------------===//

#include "AttentionParts.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace duplex;
using namespace duplex::raise;

/// The projection whose result (or bias add) is `value`.
static Operation *projectionProducing(Value value) {
  Operation *def = value.getDefiningOp();
  if (!def)
    return nullptr;
  if (isProjection(def))
    return def;
  if (isa<ox::AddOp>(def))
    for (Value operand : def->getOperands())
      if (Operation *producer = operand.getDefiningOp())
        if (std::optional<Projection> p = matchProjection(producer))
          if (p->biasAdd == def)
            return producer;
  return nullptr;
}

void duplex::raise::traceToProjections(Value start, const ResidualBlock &block,
                                       Trace &t) {
  SmallVector<Value> worklist{start};
  llvm::DenseSet<Value> visited;
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    if (!visited.insert(value).second)
      continue;
    if (isa<BlockArgument>(value)) {
      if (value != block.input && value != block.stream)
        t.pastInput = value;
      continue;
    }
    Operation *def = value.getDefiningOp();
    if (!block.contains(def))
      continue;
    if (Operation *projection = projectionProducing(value)) {
      t.projections.insert(projection);
      continue;
    }
    auto pushActivations = [&](Operation *op) {
      for (Value operand : op->getOperands())
        if (!isParameterOrConstant(operand) &&
            !isa<NoneType>(operand.getType()))
          worklist.push_back(operand);
    };
    llvm::TypeSwitch<Operation *>(def)
        .Case<ox::TransposeOp, ox::CastOp, ox::IdentityOp, ox::UnsqueezeOp,
              ox::SqueezeOp, ox::ExpandOp, ox::DropoutOp>(
            [&](Operation *op) { worklist.push_back(op->getOperand(0)); })
        .Case([&](ox::ReshapeOp op) {
          t.reshapes.push_back(op);
          worklist.push_back(op.getData());
        })
        .Case([&](ox::SliceOp op) {
          if (std::optional<SmallVector<int64_t>> steps =
                  getConstantInts(op.getSteps()))
            if (llvm::is_contained(*steps, 2))
              t.strided = true;
          worklist.push_back(op.getData());
        })
        .Case([&](ox::NegOp op) {
          t.rotateHalf = true;
          worklist.push_back(op.getX());
        })
        .Case([&](ox::ConcatOp op) {
          for (Value input : op.getInputs()) {
            if (isa<BlockArgument>(input) && input != block.input &&
                input != block.stream)
              t.pastInput = input;
            else
              worklist.push_back(input);
          }
        })
        .Case([&](ox::SplitOp op) {
          t.splits.push_back({op, cast<OpResult>(value).getResultNumber()});
          worklist.push_back(op.getInput());
        })
        .Case([&](ox::TensorScatterOp op) {
          if (isa<BlockArgument>(op.getPastCache()))
            t.pastInput = op.getPastCache();
          worklist.push_back(op.getUpdate());
        })
        .Case<ox::MulOp, ox::DivOp>([&](Operation *op) {
          for (Value operand : op->getOperands())
            t.factors.push_back(operand);
          pushActivations(op);
        })
        .Case<ox::AddOp, ox::SubOp>(pushActivations)
        .Case<ox::RMSNormalizationOp, ox::SimplifiedLayerNormalizationOp,
              ox::LayerNormalizationOp>([&](Operation *op) {
          t.norms.push_back(op);
          worklist.push_back(op->getOperand(0));
        })
        .Case<ox::RotaryEmbeddingOp, ox::MSRotaryEmbeddingOp>(
            [&](Operation *op) {
              t.rotaryOps.push_back(op);
              worklist.push_back(op->getOperand(0));
            })
        .Default([](Operation *) {});
  }
}

/// The head size a reshape into [batch, sequence, heads, head_size] gives.
std::optional<int64_t> duplex::raise::headDimFromReshapes(const Trace &t) {
  for (auto it = t.reshapes.rbegin(); it != t.reshapes.rend(); ++it) {
    ox::ReshapeOp reshape = *it;
    auto shape = evaluateShape(reshape.getShape());
    if (!shape || shape->size() != 4)
      continue;
    std::optional<int64_t> last = shape->back();
    if (last && *last > 0)
      return last;
  }
  return std::nullopt;
}

/// sqrt(head_size) from the score scaling: Div by sqrt(d), Mul by 1/sqrt(d).
std::optional<int64_t> duplex::raise::headDimFromScale(Operation *scoreOp) {
  std::optional<double> factor;
  if (auto div = dyn_cast<ox::DivOp>(scoreOp))
    factor = getConstantScalar(div.getB());
  else if (auto mul = dyn_cast<ox::MulOp>(scoreOp))
    for (Value operand : mul->getOperands())
      if (std::optional<double> c = getConstantScalar(operand))
        factor = 1.0 / *c;
  if (!factor || *factor <= 1.0)
    return std::nullopt;
  double dim = *factor * *factor;
  if (std::abs(dim - std::round(dim)) > 1e-2 * dim)
    return std::nullopt;
  return int64_t(std::round(dim));
}

/// rope_theta from an inline inv_freq table (theta^(-2i/dim), i < dim/2)
/// among the factors a rotary multiply uses.
static std::optional<double> findRopeTheta(ArrayRef<Value> factors) {
  SmallVector<Value> worklist(factors.begin(), factors.end());
  llvm::DenseSet<Value> visited;
  while (!worklist.empty() && visited.size() < 64) {
    Value value = worklist.pop_back_val();
    if (!visited.insert(value).second)
      continue;
    if (std::optional<SmallVector<double>> table = getConstantFloats(value)) {
      size_t count = table->size();
      if (count >= 2 && (*table)[0] == 1.0 && table->back() > 0 &&
          table->back() < 1) {
        // The last entry is theta^(-(count-1)/count); its float rounding
        // perturbs theta least.
        double theta =
            std::pow(table->back(), -double(count) / double(count - 1));
        double rounded = std::round(theta);
        return std::abs(theta - rounded) < 1e-4 * theta ? rounded : theta;
      }
      continue;
    }
    if (Operation *def = value.getDefiningOp())
      if (!isa<ox::WeightOp>(def) && !isProjection(def))
        worklist.append(def->operand_begin(), def->operand_end());
  }
  return std::nullopt;
}

/// The rotary embedding a trace went through, for heads of `headDim`.
std::optional<RopeDescription>
duplex::raise::ropeOf(const Trace &t, int64_t headDim, int64_t &maxPositions) {
  RopeDescription rope;
  if (!t.rotaryOps.empty()) {
    Operation *op = t.rotaryOps.front();
    Value cosCache;
    int64_t rotaryDim = 0;
    if (auto fused = dyn_cast<ox::RotaryEmbeddingOp>(op)) {
      rope.interleaved = fused.getInterleaved().value_or(0) != 0;
      rotaryDim = fused.getRotaryEmbeddingDim().value_or(0);
      cosCache = fused.getCosCache();
    } else if (auto fused = dyn_cast<ox::MSRotaryEmbeddingOp>(op)) {
      rope.interleaved = fused.getInterleaved().value_or(0) != 0;
      rotaryDim = fused.getRotaryEmbeddingDim().value_or(0);
      cosCache = fused.getCosCache();
    }
    // The cache may be gathered by position first (opset 23 exports).
    if (auto gather = cosCache.getDefiningOp<ox::GatherOp>())
      cosCache = gather.getData();
    if (std::optional<WeightRef> cache = getWeight(cosCache))
      if (cache->shape.size() == 2) {
        maxPositions = cache->shape[0];
        if (rotaryDim == 0)
          rotaryDim = 2 * cache->shape[1];
      }
    rope.rotaryDim = rotaryDim == headDim ? 0 : rotaryDim;
    return rope;
  }
  if (!t.rotateHalf)
    return std::nullopt;
  rope.interleaved = t.strided;
  if (std::optional<double> theta = findRopeTheta(t.factors))
    rope.theta = *theta;
  return rope;
}

/// The output projection: the first projection reached forward from the
/// attention result through head merges.
Operation *duplex::raise::findOutputProjection(Value result,
                                               const ResidualBlock &block) {
  for (int depth = 0; depth < 8; ++depth) {
    Operation *next = nullptr;
    for (Operation *user : result.getUsers()) {
      if (!block.contains(user))
        continue;
      if (std::optional<Projection> p = matchProjection(user))
        if (p->input == result)
          return user;
      if (isa<ox::TransposeOp, ox::ReshapeOp, ox::CastOp, ox::IdentityOp,
              ox::SqueezeOp, ox::UnsqueezeOp, ox::DropoutOp>(user))
        next = user;
    }
    if (!next)
      return nullptr;
    result = next->getResult(0);
  }
  return nullptr;
}

/// W of a `Less(Sub(query_position, key_position), W)` among the ops
/// `anchor` depends on (not crossing projections).
std::optional<int64_t> duplex::raise::findSlidingWindow(Operation *anchor) {
  if (!anchor)
    return std::nullopt;
  SmallVector<Value> worklist(anchor->operand_begin(), anchor->operand_end());
  llvm::DenseSet<Operation *> seen;
  while (!worklist.empty() && seen.size() < 96) {
    Operation *def = worklist.pop_back_val().getDefiningOp();
    if (!def || isProjection(def) || isa<ox::WeightOp>(def) ||
        !seen.insert(def).second)
      continue;
    if (auto less = dyn_cast<ox::LessOp>(def))
      if (less.getA().getDefiningOp<ox::SubOp>())
        if (std::optional<SmallVector<int64_t>> window =
                getConstantInts(less.getB());
            window && window->size() == 1 && window->front() > 0)
          return window->front();
    worklist.append(def->operand_begin(), def->operand_end());
  }
  return std::nullopt;
}

std::optional<DecomposedCore>
duplex::raise::findDecomposedCore(const ResidualBlock &block) {
  for (Operation *op : block.ops) {
    auto softmax = dyn_cast<ox::SoftmaxOp>(op);
    if (!softmax)
      continue;
    DecomposedCore core;
    // Forward to P V.
    Value probs = softmax.getResult();
    for (int depth = 0; depth < 4 && !core.pv; ++depth) {
      Operation *next = nullptr;
      for (Operation *user : probs.getUsers()) {
        if (isa<ox::MatMulOp>(user) && user->getOperand(0) == probs &&
            !isParameterOrConstant(user->getOperand(1)))
          core.pv = user;
        else if (isa<ox::CastOp, ox::DropoutOp, ox::IdentityOp>(user))
          next = user;
      }
      if (!next)
        break;
      probs = next->getResult(0);
    }
    // Backward to Q Kᵀ through scaling, masking and soft-capping: the
    // nearest MatMul of two activations.
    SmallVector<Value> frontier{softmax.getInput()};
    llvm::DenseSet<Value> seen;
    for (size_t i = 0; i < frontier.size() && i < 32 && core.pv && !core.qk;
         ++i) {
      Value scores = frontier[i];
      Operation *def = scores.getDefiningOp();
      if (!def || !block.contains(def) || !seen.insert(scores).second)
        continue;
      if (isa<ox::MatMulOp, ox::MSFusedMatMulOp>(def) &&
          !isParameterOrConstant(def->getOperand(0)) &&
          !isParameterOrConstant(def->getOperand(1))) {
        core.qk = def;
        break;
      }
      if (auto where = dyn_cast<ox::WhereOp>(def)) {
        frontier.append({where.getX(), where.getY()});
        continue;
      }
      if (isa<ox::AddOp, ox::SubOp, ox::MulOp, ox::DivOp, ox::CastOp,
              ox::TanhOp>(def))
        for (Value operand : def->getOperands())
          if (!isParameterOrConstant(operand))
            frontier.push_back(operand);
    }
    // The score scaling right after Q Kᵀ.
    if (core.qk)
      for (Operation *user : core.qk->getResult(0).getUsers())
        if (isa<ox::DivOp, ox::MulOp>(user) &&
            llvm::any_of(user->getOperands(), [](Value v) {
              return getConstantScalar(v).has_value();
            }))
          core.scale = user;
    if (core.qk && core.pv)
      return core;
  }
  return std::nullopt;
}

std::optional<int64_t> duplex::raise::splitWidth(const Trace &t,
                                                 int64_t total) {
  for (auto [split, index] : t.splits) {
    std::optional<SmallVector<int64_t>> sizes =
        getConstantInts(split.getSplitInput());
    if (!sizes && split.getSplit())
      sizes = SmallVector<int64_t>(split.getSplit()->begin(),
                                   split.getSplit()->end());
    if (sizes && index < sizes->size())
      return (*sizes)[index];
    unsigned parts = split.getNumResults();
    if (parts && total % parts == 0)
      return total / parts;
  }
  return std::nullopt;
}
