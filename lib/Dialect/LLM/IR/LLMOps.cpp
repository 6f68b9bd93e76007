//===- LLMOps.cpp - llm dialect operations --------------------------------===//

#include "duplex/Dialect/LLM/IR/LLMOps.h"

#include "llvm/Support/MathExtras.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace duplex::llm;

#include "duplex/Dialect/LLM/IR/LLMInterfaces.cpp.inc"

#define GET_OP_CLASSES
#include "duplex/Dialect/LLM/IR/LLMOps.cpp.inc"

static int64_t widthOf(Value value) {
  return cast<ActType>(value.getType()).getWidth();
}

// Counts saturate at UINT64_MAX instead of wrapping: ModelOp::verify
// rejects a model whose counts reach it, naming the op.
static uint64_t mul(uint64_t a, uint64_t b) {
  return llvm::SaturatingMultiply(a, b);
}
static uint64_t add(uint64_t a, uint64_t b) {
  return llvm::SaturatingAdd(a, b);
}

/// Parameters of one feed-forward network: two matrices (plain) or three
/// (gated), plus bias vectors on each when `bias` is set.
static uint64_t ffnParameters(int64_t hidden, int64_t intermediate, bool gated,
                              bool bias) {
  uint64_t h = hidden, i = intermediate;
  uint64_t matrices = mul(gated ? 3 : 2, mul(h, i));
  uint64_t biases = bias ? add(mul(gated ? 2 : 1, i), h) : 0;
  return add(matrices, biases);
}

//===----------------------------------------------------------------------===//
// ModelOp
//===----------------------------------------------------------------------===//

std::optional<KVCacheShape> duplex::llm::getKVCacheShape(Operation *op) {
  if (auto attention = dyn_cast<AttentionOp>(op))
    return KVCacheShape{attention.getKVElementsPerToken(),
                        attention.getKvDtype()};
  if (auto mla = dyn_cast<MLAOp>(op))
    return KVCacheShape{mla.getKVElementsPerToken(), mla.getKvDtype()};
  return std::nullopt;
}

/// Walks `block` with every count multiplied by the enclosing repeat
/// counts: the model's parameters, weight bits and KV-cache bits per token,
/// saturating. Returns the first op whose count saturates.
static Operation *countModel(Block &block, uint64_t multiplier,
                             uint64_t &parameters, uint64_t &weightBits,
                             uint64_t &kvBits) {
  for (Operation &op : block) {
    if (auto repeat = dyn_cast<RepeatOp>(op)) {
      if (Operation *bad =
              countModel(repeat.getBody().front(),
                         mul(multiplier, uint64_t(repeat.getCount())),
                         parameters, weightBits, kvBits))
        return bad;
      continue;
    }
    if (std::optional<KVCacheShape> kv = getKVCacheShape(&op))
      kvBits = add(kvBits, mul(multiplier, mul(uint64_t(kv->elementsPerToken),
                                               getDTypeBits(kv->dtype))));
    if (auto weights = dyn_cast<WeightOpInterface>(op)) {
      uint64_t count = mul(multiplier, weights.getNumParameters());
      parameters = add(parameters, count);
      weightBits = add(
          weightBits, mul(count, getDTypeBits(weights.getWeightElementType())));
    }
    if (parameters == UINT64_MAX || weightBits == UINT64_MAX ||
        kvBits == UINT64_MAX)
      return &op;
  }
  return nullptr;
}

LogicalResult ModelOp::verify() {
  Block &body = getBody().front();
  if (body.empty() || !isa<OutputOp>(body.back()))
    return emitOpError("body must end with 'llm.output'");
  // 0 or negative would switch the serving loop's context check off.
  if (IntegerAttr positions = getMaxPositionEmbeddingsAttr();
      positions && positions.getValue().getSExtValue() <= 0)
    return emitOpError() << "max_position_embeddings must be positive, got "
                         << positions.getValue().getSExtValue();
  return success();
}

// After the ops inside are verified: a negative width they would reject
// must not first read as a count past 64 bits.
LogicalResult ModelOp::verifyRegions() {
  Block &body = getBody().front();
  // Every statistic and cost is computed in 64 bits: a model whose counts
  // do not fit is an error here, never a wrapped number later.
  uint64_t parameters = 0, weightBits = 0, kvBits = 0;
  if (Operation *bad = countModel(body, 1, parameters, weightBits, kvBits))
    return emitOpError()
           << "counts more parameters, weight bits or KV-cache bits per "
              "token than 64 bits hold, at '"
           << bad->getName() << "' (with the repeat counts around it)";
  return success();
}

uint64_t duplex::llm::countParameters(ModelOp model) {
  uint64_t parameters = 0, weightBits = 0, kvBits = 0;
  countModel(model.getBody().front(), 1, parameters, weightBits, kvBits);
  return parameters;
}

Value ModelOp::getLogits() {
  return cast<OutputOp>(getBody().front().back()).getLogits();
}

//===----------------------------------------------------------------------===//
// Weight-bearing ops
//===----------------------------------------------------------------------===//

uint64_t TokenEmbeddingOp::getNumParameters() {
  return mul(getVocabSize(), widthOf(getResult()));
}
StringRef TokenEmbeddingOp::getStatsCategory() { return "embedding"; }

uint64_t PositionEmbeddingOp::getNumParameters() {
  return mul(getMaxPositions(), widthOf(getResult()));
}
StringRef PositionEmbeddingOp::getStatsCategory() { return "embedding"; }

uint64_t RMSNormOp::getNumParameters() { return widthOf(getResult()); }
StringRef RMSNormOp::getStatsCategory() { return "norm"; }

uint64_t HeadNormOp::getNumParameters() { return getHeadDim(); }
StringRef HeadNormOp::getStatsCategory() { return "norm"; }

LogicalResult HeadNormOp::verify() {
  if (widthOf(getResult()) % getHeadDim() != 0)
    return emitOpError() << "width " << widthOf(getResult())
                         << " is not a whole number of heads of "
                         << getHeadDim();
  return success();
}

uint64_t LayerNormOp::getNumParameters() {
  return mul(getBias() ? 2 : 1, widthOf(getResult()));
}
StringRef LayerNormOp::getStatsCategory() { return "norm"; }

uint64_t LinearOp::getNumParameters() {
  uint64_t in = getInFeatures(), out = getOutFeatures();
  return add(mul(in, out), getBias() ? out : 0);
}
StringRef LinearOp::getStatsCategory() {
  return getKind() == LinearKind::projection ? "other"
                                             : "attention_projections";
}

uint64_t MLPOp::getNumParameters() {
  return ffnParameters(widthOf(getResult()), getIntermediateSize(), getGated(),
                       getBias());
}
StringRef MLPOp::getStatsCategory() { return "mlp"; }

uint64_t MoEOp::getParametersPerExpert() {
  return ffnParameters(widthOf(getResult()), getIntermediateSize(), getGated(),
                       getBias());
}

uint64_t MoEOp::getRouterParameters() {
  uint64_t hidden = widthOf(getResult()), experts = getNumExperts();
  uint64_t router = add(mul(hidden, experts), getRouterBias() ? experts : 0);
  return add(router, getSharedExpertGate() ? hidden : 0);
}

uint64_t MoEOp::getSharedExpertParameters() {
  if (getNumSharedExperts() == 0)
    return 0;
  return mul(getNumSharedExperts(),
             ffnParameters(widthOf(getResult()), *getSharedIntermediateSize(),
                           getGated(), getBias()));
}

uint64_t MoEOp::getNumParameters() {
  return add(add(mul(getNumExperts(), getParametersPerExpert()),
                 getRouterParameters()),
             getSharedExpertParameters());
}
StringRef MoEOp::getStatsCategory() { return "experts"; }

LogicalResult MoEOp::verify() {
  if (getNumExperts() > kMaxExperts)
    return emitOpError() << "num_experts (" << getNumExperts()
                         << ") is past the " << kMaxExperts
                         << " experts a layer may have (the largest "
                            "published MoE, PEER, has 1024^2)";
  if (getTopK() > getNumExperts())
    return emitOpError() << "top_k (" << getTopK()
                         << ") must not exceed num_experts (" << getNumExperts()
                         << ")";
  if (getNumSharedExperts() > 0 && !getSharedIntermediateSize())
    return emitOpError() << "num_shared_experts (" << getNumSharedExperts()
                         << ") requires shared_intermediate_size";
  if (getSharedExpertGate() && getNumSharedExperts() == 0)
    return emitOpError("shared_expert_gate requires num_shared_experts > 0");
  std::optional<uint64_t> groups = getNumGroups(), picked = getTopKGroups();
  if (bool(groups) != bool(picked))
    return emitOpError("num_groups and top_k_groups go together "
                       "(group-limited routing)");
  if (groups) {
    if (getNumExperts() % *groups != 0)
      return emitOpError() << "num_experts (" << getNumExperts()
                           << ") must be a multiple of num_groups (" << *groups
                           << ")";
    if (*picked > *groups)
      return emitOpError() << "top_k_groups (" << *picked
                           << ") must not exceed num_groups (" << *groups
                           << ")";
    uint64_t reachable = *picked * (getNumExperts() / *groups);
    if (getTopK() > reachable)
      return emitOpError() << "top_k (" << getTopK() << ") exceeds the "
                           << reachable << " experts of top_k_groups ("
                           << *picked << ") groups";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// MLAOp
//===----------------------------------------------------------------------===//

uint64_t MLAOp::getNumParameters() {
  // The latent's RMSNorm and the up-projection to per-head keys and values;
  // the projections around the core are llm.linear ops of their own.
  uint64_t latent = getKvLoraRank();
  return add(latent, mul(latent, mul(getNumHeads(),
                                     getQkNopeHeadDim() + getVHeadDim())));
}
StringRef MLAOp::getStatsCategory() { return "attention_projections"; }

LogicalResult MLAOp::verify() {
  int64_t heads = getNumHeads();
  if (widthOf(getQuery()) != heads * getQkHeadDim())
    return emitOpError() << "query width (" << widthOf(getQuery())
                         << ") must equal num_heads * (qk_nope_head_dim + "
                            "qk_rope_head_dim) ("
                         << heads << " * " << getQkHeadDim() << ")";
  if (widthOf(getLatent()) != getKVElementsPerToken())
    return emitOpError() << "latent width (" << widthOf(getLatent())
                         << ") must equal kv_lora_rank + qk_rope_head_dim ("
                         << getKvLoraRank() << " + " << getQkRopeHeadDim()
                         << ")";
  if (widthOf(getResult()) != heads * getVHeadDim())
    return emitOpError() << "result width (" << widthOf(getResult())
                         << ") must equal num_heads * v_head_dim (" << heads
                         << " * " << getVHeadDim() << ")";
  if (auto rope = getRopeAttr())
    if (rope.getRotaryDim() != 0 && rope.getRotaryDim() != getQkRopeHeadDim())
      return emitOpError() << "rope rotary_dim (" << rope.getRotaryDim()
                           << ") must be 0 or qk_rope_head_dim ("
                           << getQkRopeHeadDim() << ")";
  return success();
}

uint64_t LMHeadOp::getNumParameters() {
  if (getTied())
    return getBias() ? getVocabSize() : 0;
  uint64_t vocab = getVocabSize();
  return add(mul(vocab, widthOf(getInput())), getBias() ? vocab : 0);
}
StringRef LMHeadOp::getStatsCategory() { return "lm_head"; }

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

LogicalResult AttentionOp::verify() {
  int64_t heads = getNumHeads(), kvHeads = getNumKvHeads(),
          headDim = getHeadDim();
  if (heads % kvHeads != 0)
    return emitOpError() << "num_heads (" << heads
                         << ") must be a multiple of num_kv_heads (" << kvHeads
                         << ")";
  if (widthOf(getQuery()) != heads * headDim)
    return emitOpError() << "query width (" << widthOf(getQuery())
                         << ") must equal num_heads * head_dim (" << heads
                         << " * " << headDim << ")";
  for (Value kv : {getKey(), getValue()})
    if (widthOf(kv) != kvHeads * headDim)
      return emitOpError() << "key/value width (" << widthOf(kv)
                           << ") must equal num_kv_heads * head_dim ("
                           << kvHeads << " * " << headDim << ")";
  if (widthOf(getResult()) != widthOf(getQuery()))
    return emitOpError() << "result width (" << widthOf(getResult())
                         << ") must equal the query width ("
                         << widthOf(getQuery()) << ")";
  if (auto rope = getRopeAttr())
    if (rope.getRotaryDim() > headDim)
      return emitOpError() << "rope rotary_dim (" << rope.getRotaryDim()
                           << ") must not exceed head_dim (" << headDim << ")";
  return success();
}

//===----------------------------------------------------------------------===//
// RepeatOp
//===----------------------------------------------------------------------===//

// Custom form: llm.repeat 32 (%x = %init) : !llm.act<4096> { ... }
ParseResult RepeatOp::parse(OpAsmParser &parser, OperationState &result) {
  int64_t count;
  OpAsmParser::Argument iterArg;
  OpAsmParser::UnresolvedOperand init;
  Type type;
  SMLoc countLoc = parser.getCurrentLocation();
  if (parser.parseInteger(count))
    return failure();
  if (count <= 0)
    return parser.emitError(countLoc)
           << "repeat count must be positive, got " << count;
  if (parser.parseLParen() || parser.parseArgument(iterArg) ||
      parser.parseEqual() || parser.parseOperand(init) ||
      parser.parseRParen() || parser.parseColonType(type) ||
      parser.resolveOperand(init, type, result.operands))
    return failure();
  result.getOrAddProperties<Properties>().count =
      parser.getBuilder().getI64IntegerAttr(count);
  if (parser.parseOptionalAttrDictWithKeyword(result.attributes))
    return failure();
  iterArg.type = type;
  Region *body = result.addRegion();
  if (parser.parseRegion(*body, {iterArg}))
    return failure();
  result.addTypes(type);
  return success();
}

void RepeatOp::print(OpAsmPrinter &p) {
  p << ' ' << getCount() << " (";
  p.printOperand(getBodyArgument());
  p << " = " << getInit() << ") : " << getType();
  p.printOptionalAttrDictWithKeyword((*this)->getAttrs(), {"count"});
  p << ' ';
  p.printRegion(getBody(), /*printEntryBlockArgs=*/false);
}

LogicalResult RepeatOp::verify() {
  Block &body = getBody().front();
  if (body.getNumArguments() != 1 ||
      body.getArgument(0).getType() != getInit().getType())
    return emitOpError() << "body must take one argument of the init type "
                         << getInit().getType();
  auto yield = dyn_cast<YieldOp>(body.back());
  if (!yield)
    return emitOpError("body must end with 'llm.yield'");
  if (yield.getValue().getType() != getType())
    return emitOpError() << "yielded type " << yield.getValue().getType()
                         << " must match the result type " << getType();
  if (getInit().getType() != getType())
    return emitOpError() << "init type " << getInit().getType()
                         << " must match the result type " << getType();
  if (getLayersPerIteration() == 0)
    return emitOpError("body must hold at least one decoder layer "
                       "('llm.attention' or 'llm.mla')");
  return success();
}

int64_t RepeatOp::getLayersPerIteration() {
  int64_t layers = 0;
  getBody().walk([&](Operation *op) {
    if (getKVCacheShape(op))
      ++layers;
  });
  return layers;
}
