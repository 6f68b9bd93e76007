//===- FFNMatcher.cpp - dense MLPs and mixtures of experts ----------------===//
//
// A feed-forward block is a down projection back to the hidden width fed
// by one (plain) or two (gated) up projections through an activation. A
// mixture of experts adds a router projection feeding TopK, and one such
// MLP per expert behind the dispatch (OneHot/NonZero/Gather) and combine
// (ScatterND/ScatterElements/Add) ops torch exports, or onnxruntime's fused
// MoE op.
//
//===----------------------------------------------------------------------===//

#include "ResidualBlock.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace duplex;
using namespace duplex::raise;
using llm::Activation;

std::optional<Activation>
duplex::raise::findActivation(ArrayRef<Operation *> ops) {
  std::optional<Activation> found;
  for (Operation *op : ops) {
    std::optional<Activation> act =
        llvm::TypeSwitch<Operation *, std::optional<Activation>>(op)
            .Case([](ox::SigmoidOp sigmoid) -> std::optional<Activation> {
              // x * sigmoid(1.702 x) is QuickGELU, x * sigmoid(x) SiLU.
              if (auto mul = sigmoid.getX().getDefiningOp<ox::MulOp>())
                for (Value operand : mul->getOperands())
                  if (std::optional<double> c = getConstantScalar(operand);
                      c && *c > 1.6 && *c < 1.8)
                    return Activation::quick_gelu;
              return Activation::silu;
            })
            .Case([](ox::MSQuickGeluOp) { return Activation::quick_gelu; })
            .Case([](ox::SwishOp swish) {
              // Swish with alpha 1.702 is QuickGELU, with 1 SiLU.
              double alpha = swish.getAlphaAttr()
                                 ? swish.getAlphaAttr().getValueAsDouble()
                                 : 1.0;
              return alpha > 1.6 && alpha < 1.8 ? Activation::quick_gelu
                                                : Activation::silu;
            })
            .Case([](ox::MishOp) { return Activation::mish; })
            .Case([](ox::HardSwishOp) { return Activation::hard_swish; })
            .Case<ox::ErfOp, ox::MSGeluOp, ox::MSBiasGeluOp>(
                [](Operation *) { return Activation::gelu; })
            .Case<ox::TanhOp, ox::MSFastGeluOp>(
                [](Operation *) { return Activation::gelu_tanh; })
            .Case([](ox::GeluOp gelu) {
              return gelu.getApproximate().value_or("none") == "tanh"
                         ? Activation::gelu_tanh
                         : Activation::gelu;
            })
            .Case([](ox::ReluOp) { return Activation::relu; })
            .Default([](Operation *) { return std::nullopt; });
    if (act && !found)
      found = act;
  }
  return found;
}

namespace {

/// The projection producing `value` through reshapes and casts (and its
/// bias add), if it lies in `block`.
std::optional<Projection> projectionBehind(Value value,
                                           const ResidualBlock &block) {
  for (int depth = 0; depth < 6; ++depth) {
    Operation *def = value.getDefiningOp();
    if (!block.contains(def))
      return std::nullopt;
    if (std::optional<Projection> p = matchProjection(def))
      return p;
    if (isa<ox::AddOp>(def))
      for (Value operand : def->getOperands())
        if (Operation *producer = operand.getDefiningOp())
          if (std::optional<Projection> p = matchProjection(producer))
            if (p->biasAdd == def)
              return p;
    if (!isa<ox::ReshapeOp, ox::CastOp, ox::IdentityOp, ox::SqueezeOp,
             ox::UnsqueezeOp, ox::DropoutOp>(def))
      return std::nullopt;
    value = def->getOperand(0);
  }
  return std::nullopt;
}

/// One MLP: its down projection and what feeds it.
struct MLPShape {
  Projection down;
  SmallVector<Projection> ups;
  SmallVector<Operation *> activationOps;
  bool biasInActivation = false;
  /// A single up projection whose output is split in two (gate and up).
  bool fusedGateUp = false;
};

/// Walks back from the down projection's input to the up projections,
/// through the activation's element-wise ops.
MLPShape collectMLP(const Projection &down, const ResidualBlock &block) {
  MLPShape mlp;
  mlp.down = down;
  SmallVector<Value> worklist{down.input};
  llvm::DenseSet<Value> visited;
  llvm::SetVector<Operation *> ups;
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    if (!visited.insert(value).second)
      continue;
    Operation *def = value.getDefiningOp();
    if (!block.contains(def))
      continue;
    if (std::optional<Projection> p = matchProjection(def)) {
      ups.insert(def);
      continue;
    }
    bool isBiasOfUp = false;
    if (isa<ox::AddOp>(def))
      for (Value operand : def->getOperands())
        if (Operation *producer = operand.getDefiningOp())
          if (std::optional<Projection> p = matchProjection(producer);
              p && p->biasAdd == def) {
            ups.insert(producer);
            isBiasOfUp = true;
          }
    if (isBiasOfUp)
      continue;
    if (!isa<ox::MulOp, ox::AddOp, ox::SubOp, ox::DivOp, ox::PowOp,
             ox::SigmoidOp, ox::TanhOp, ox::ErfOp, ox::ReluOp, ox::GeluOp,
             ox::MSFastGeluOp, ox::MSBiasGeluOp, ox::MSGeluOp,
             ox::MSQuickGeluOp, ox::CastOp, ox::IdentityOp, ox::SplitOp,
             ox::SliceOp, ox::ReshapeOp, ox::ClipOp, ox::SoftplusOp,
             ox::LeakyReluOp, ox::DropoutOp, ox::SwishOp, ox::MishOp,
             ox::HardSwishOp, ox::HardSigmoidOp>(def))
      continue;
    mlp.activationOps.push_back(def);
    if (isa<ox::SplitOp, ox::SliceOp>(def))
      mlp.fusedGateUp = true;
    if (auto fast = dyn_cast<ox::MSFastGeluOp>(def))
      mlp.biasInActivation |= !isa<NoneType>(fast.getBias().getType());
    if (isa<ox::MSBiasGeluOp>(def))
      mlp.biasInActivation = true;
    for (Value operand : def->getOperands())
      if (!isParameterOrConstant(operand) && !isa<NoneType>(operand.getType()))
        worklist.push_back(operand);
  }
  for (Operation *up : ups)
    mlp.ups.push_back(*matchProjection(up));
  return mlp;
}

/// Fills `info` from one MLP; false (with `why`) if it is not one.
bool describeMLP(const MLPShape &mlp, FFNInfo &info, std::string &why) {
  if (mlp.ups.empty() || mlp.ups.size() > 2) {
    why = "the down projection is fed by " + std::to_string(mlp.ups.size()) +
          " projections, not one or two";
    return false;
  }
  const Projection &up = mlp.ups.front();
  info.gated = mlp.ups.size() == 2 || mlp.fusedGateUp;
  info.intermediateSize = mlp.ups.size() == 1 && mlp.fusedGateUp
                              ? up.outFeatures / 2
                              : up.outFeatures;
  if (mlp.ups.size() == 2 && mlp.ups[1].outFeatures != mlp.ups[0].outFeatures) {
    why = "the gate and up projections have different widths";
    return false;
  }
  if (info.intermediateSize != mlp.down.inFeatures) {
    why = "the up projection's width (" +
          std::to_string(info.intermediateSize) +
          ") differs from the down projection's input (" +
          std::to_string(mlp.down.inFeatures) + ")";
    return false;
  }
  std::optional<Activation> act = findActivation(mlp.activationOps);
  if (!act) {
    why = "no activation function was recognised between the projections";
    return false;
  }
  info.activation = *act;
  info.bias = mlp.down.bias || up.bias || mlp.biasInActivation;
  info.weightDType = mlp.down.weightDType;
  return true;
}

/// Whether `value` is the block's input seen through reshapes and casts
/// (what a shared expert reads), rather than tokens dispatched to it.
bool readsBlockInput(Value value, const ResidualBlock &block) {
  for (int depth = 0; depth < 6; ++depth) {
    if (value == block.input)
      return true;
    Operation *def = value.getDefiningOp();
    if (!def || !isa<ox::ReshapeOp, ox::CastOp, ox::IdentityOp, ox::FlattenOp,
                     ox::SqueezeOp, ox::UnsqueezeOp>(def))
      return false;
    value = def->getOperand(0);
  }
  return false;
}

/// The router: the projection whose scores reach `scores` through the
/// softmax (or sigmoid) that turns them into routing weights.
std::optional<Projection> routerBehind(Value scores,
                                       const ResidualBlock &block) {
  for (int depth = 0; depth < 6; ++depth) {
    if (std::optional<Projection> router = projectionBehind(scores, block))
      return router;
    Operation *def = scores.getDefiningOp();
    if (!block.contains(def) ||
        !isa<ox::SoftmaxOp, ox::SigmoidOp, ox::CastOp, ox::ReshapeOp>(def))
      return std::nullopt;
    scores = def->getOperand(0);
  }
  return std::nullopt;
}

std::optional<FFNMatch>
matchFusedMoE(ox::MSMoEOp moe, const ResidualBlock &block, std::string &why) {
  FFNMatch match;
  FFNInfo &info = match.info;
  info.isMoE = true;
  std::optional<Projection> router = routerBehind(moe.getRouterProbs(), block);
  std::optional<WeightRef> fc1 = getWeight(moe.getFc1ExpertsWeights());
  if (!router || !fc1 || fc1->shape.size() != 3) {
    why = "the fused MoE's router or expert weights were not found";
    return std::nullopt;
  }
  match.weightOps.append({router->op, moe});
  info.moe.numExperts = fc1->shape[0];
  info.moe.topK = moe.getK().value_or(1);
  info.moe.routerBias = router->bias;
  StringRef act = moe.getActivationType().value_or("relu");
  bool fusedSwiGLU = moe.getSwigluFusion().value_or(0) != 0;
  info.gated = fusedSwiGLU || act == "swiglu" ||
               !isa<NoneType>(moe.getFc3ExpertsWeights().getType());
  info.intermediateSize = fusedSwiGLU ? fc1->shape[1] / 2 : fc1->shape[1];
  info.activation = act == "gelu"   ? Activation::gelu
                    : act == "relu" ? Activation::relu
                                    : Activation::silu;
  info.bias = !isa<NoneType>(moe.getFc1ExpertsBias().getType());
  info.weightDType = toDType(fc1->storedType).value_or(llm::DType::f32);
  info.moe.intermediateSize = info.intermediateSize;
  return match;
}

std::optional<FFNMatch> matchMoE(const ResidualBlock &block, int64_t hiddenSize,
                                 std::string &why) {
  for (Operation *op : block.ops)
    if (auto fused = dyn_cast<ox::MSMoEOp>(op))
      return matchFusedMoE(fused, block, why);

  FFNMatch match;
  FFNInfo &info = match.info;
  info.isMoE = true;
  ox::TopKOp topK;
  for (Operation *op : block.ops)
    if ((topK = dyn_cast<ox::TopKOp>(op)))
      break;
  std::optional<Projection> router = routerBehind(topK.getX(), block);
  std::optional<SmallVector<int64_t>> k = getConstantInts(topK.getK());
  if (!router || !k || k->size() != 1) {
    why = "the router projection or the top-k count was not found";
    return std::nullopt;
  }
  info.moe.numExperts = router->outFeatures;
  info.moe.topK = k->front();
  info.moe.routerBias = router->bias;
  match.weightOps.push_back(router->op);

  // An expert ends in a projection back to the hidden width that feeds no
  // other projection of the block: when an expert's width equals the
  // hidden width its gate and up projections have that width too, and are
  // told apart by dataflow (they feed the down projection).
  SmallVector<MLPShape> candidates;
  llvm::SmallPtrSet<Operation *, 16> ups;
  std::optional<Projection> sharedGate;
  for (Operation *op : block.ops) {
    std::optional<Projection> p = matchProjection(op);
    if (!p || op == router->op)
      continue;
    if (p->outFeatures == 1 && p->inFeatures == hiddenSize) {
      sharedGate = p; // Qwen2-MoE's sigmoid gate on the shared expert.
      continue;
    }
    if (p->outFeatures != hiddenSize)
      continue;
    candidates.push_back(collectMLP(*p, block));
    for (const Projection &up : candidates.back().ups)
      ups.insert(up.op);
  }
  SmallVector<MLPShape> routed, shared;
  for (MLPShape &mlp : candidates) {
    if (ups.contains(mlp.down.op))
      continue;
    bool isShared =
        !mlp.ups.empty() && llvm::all_of(mlp.ups, [&](const Projection &up) {
          return readsBlockInput(up.input, block);
        });
    (isShared ? shared : routed).push_back(mlp);
  }
  if (routed.empty()) {
    why = "no expert MLP was found behind the router";
    return std::nullopt;
  }
  if (int64_t(routed.size()) != info.moe.numExperts) {
    why = "the router scores " + std::to_string(info.moe.numExperts) +
          " experts but the block holds " + std::to_string(routed.size()) +
          " expert MLP" + (routed.size() == 1 ? "" : "s");
    return std::nullopt;
  }
  FFNInfo expert;
  for (const MLPShape &mlp : routed) {
    FFNInfo each;
    if (!describeMLP(mlp, each, why))
      return std::nullopt;
    if (&mlp != &routed.front() &&
        (each.intermediateSize != expert.intermediateSize ||
         each.gated != expert.gated || each.bias != expert.bias)) {
      why = "the experts differ in width, gating or bias";
      return std::nullopt;
    }
    expert = each;
    match.weightOps.push_back(mlp.down.op);
    for (const Projection &up : mlp.ups)
      match.weightOps.push_back(up.op);
  }
  info.activation = expert.activation;
  info.gated = expert.gated;
  info.bias = expert.bias;
  info.intermediateSize = expert.intermediateSize;
  info.weightDType = expert.weightDType;
  info.moe.intermediateSize = expert.intermediateSize;
  if (!shared.empty()) {
    FFNInfo sharedInfo;
    if (!describeMLP(shared.front(), sharedInfo, why))
      return std::nullopt;
    info.moe.numSharedExperts = shared.size();
    info.moe.sharedIntermediateSize = sharedInfo.intermediateSize;
    info.moe.sharedExpertGate = sharedGate.has_value();
    for (const MLPShape &mlp : shared) {
      match.weightOps.push_back(mlp.down.op);
      for (const Projection &up : mlp.ups)
        match.weightOps.push_back(up.op);
    }
    if (sharedGate)
      match.weightOps.push_back(sharedGate->op);
  }
  return match;
}

} // namespace

std::optional<FFNMatch> duplex::raise::matchFFN(const ResidualBlock &block,
                                                int64_t hiddenSize,
                                                std::string &why) {
  if (llvm::any_of(block.ops, [](Operation *op) {
        return isa<ox::TopKOp, ox::MSMoEOp>(op);
      }))
    return matchMoE(block, hiddenSize, why);

  std::optional<Projection> down = projectionBehind(block.output, block);
  if (!down || down->outFeatures != hiddenSize) {
    why = "no projection back to the hidden width (" +
          std::to_string(hiddenSize) + ") produces the block's result";
    return std::nullopt;
  }
  MLPShape mlp = collectMLP(*down, block);
  FFNMatch match;
  if (!describeMLP(mlp, match.info, why))
    return std::nullopt;
  match.info.bias |= block.residualBias;
  match.weightOps.push_back(down->op);
  for (const Projection &up : mlp.ups)
    match.weightOps.push_back(up.op);
  return match;
}

bool FFNInfo::operator==(const FFNInfo &other) const {
  return isMoE == other.isMoE && activation == other.activation &&
         gated == other.gated && bias == other.bias &&
         intermediateSize == other.intermediateSize &&
         weightDType == other.weightDType &&
         moe.numExperts == other.moe.numExperts && moe.topK == other.moe.topK &&
         moe.intermediateSize == other.moe.intermediateSize &&
         moe.numSharedExperts == other.moe.numSharedExperts &&
         moe.sharedIntermediateSize == other.moe.sharedIntermediateSize &&
         moe.sharedExpertGate == other.moe.sharedExpertGate &&
         moe.routerBias == other.moe.routerBias;
}
