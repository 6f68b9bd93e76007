//===- LLMWork.cpp - stage work of every llm op ---------------------------===//
//
// Each op lists its work for one layer on one device. Tensor parallelism
// splits output columns (Q/K/V, MLP up/gate, LM head) or input rows (output
// projection, MLP down) and attention heads; the per-device share is what
// the unit models price. Biases and rotary embedding are left out: they are
// element-wise passes far below the matrices they accompany.
//
//===----------------------------------------------------------------------===//

#include "duplex/Dialect/LLM/IR/LLMOps.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace duplex;
using namespace duplex::llm;

llvm::StringRef duplex::llm::toString(WorkPart part) {
  switch (part) {
  case WorkPart::Whole:
    return "whole";
  case WorkPart::Prefill:
    return "prefill";
  case WorkPart::Decode:
    return "decode";
  }
  llvm_unreachable("unknown WorkPart");
}

llvm::StringRef duplex::llm::toString(WorkCategory category) {
  switch (category) {
  case WorkCategory::FC:
    return "fc";
  case WorkCategory::AttentionPrefill:
    return "attention_prefill";
  case WorkCategory::AttentionDecode:
    return "attention_decode";
  case WorkCategory::MoE:
    return "moe";
  case WorkCategory::Other:
    return "other";
  }
  llvm_unreachable("unknown WorkCategory");
}

namespace {

uint64_t ceilDiv(uint64_t value, uint64_t parts) {
  return (value + parts - 1) / parts;
}

uint64_t widthOf(Value value) {
  return cast<ActType>(value.getType()).getWidth();
}

/// A matrix multiply with `weights`: at the activations' type, except for
/// the formats served with their GEMM inputs quantised as well (W8A8,
/// W4A4), whose multiplies run at the weights' rate: FP8 (Hugging Face's
/// fine-grained FP8 with activation_scheme dynamic, DeepSeek-V3's release;
/// TensorRT Model Optimizer's FP8; vLLM's fp8) and NVFP4 (Model Optimizer's
/// NVFP4 recipe quantises each GEMM's input to NVFP4). INT8/INT4 (GPTQ,
/// AWQ) and MXFP4 (gpt-oss) are weight-only: the weights are upcast.
hw::DType matmulComputeType(const WorkContext &context, DType weights) {
  switch (weights) {
  case DType::nvfp4:
    return hw::DType::FP4;
  case DType::fp8:
    return hw::DType::FP8;
  default:
    return context.activationComputeType;
  }
}

OpWork single(WorkCategory category, Kernel kernel) {
  OpWork work;
  work.category = category;
  work.kernels.push_back(std::move(kernel));
  return work;
}

/// A pass over every token's `width` elements reading `inputs` operands.
void elementwise(const WorkContext &context, uint64_t width, unsigned inputs,
                 double flopsPerElement, llvm::SmallVectorImpl<OpWork> &work) {
  if (context.stage.tokens() == 0)
    return;
  cost::Elementwise pass;
  pass.elements = context.stage.tokens() * width;
  pass.inputs = inputs;
  pass.flopsPerElement = flopsPerElement;
  pass.bits = context.activationBits;
  pass.computeType = context.activationComputeType;
  work.push_back(single(WorkCategory::Other, pass));
}

cost::GemmShape gemm(const WorkContext &context, uint64_t rows, uint64_t in,
                     uint64_t out, DType weights) {
  cost::GemmShape shape;
  shape.m = rows;
  shape.k = in;
  shape.n = out;
  shape.weightBits = getDTypeStorageBits(weights);
  shape.activationBits = context.activationBits;
  shape.computeType = matmulComputeType(context, weights);
  return shape;
}

cost::ExpertFfn ffn(const WorkContext &context, uint64_t tokens,
                    uint64_t hidden, uint64_t intermediate, bool gated,
                    DType weights) {
  cost::ExpertFfn shape;
  shape.tokens = tokens;
  shape.hidden = hidden;
  shape.intermediate = intermediate;
  shape.gated = gated;
  shape.weightBits = getDTypeStorageBits(weights);
  shape.activationBits = context.activationBits;
  shape.computeType = matmulComputeType(context, weights);
  return shape;
}

} // namespace

void TokenEmbeddingOp::getStageWork(const WorkContext &context,
                                    llvm::SmallVectorImpl<OpWork> &work) {
  // A gather: read one table row per token, write it out.
  elementwise(context, widthOf(getResult()), 1, 0, work);
}

void PositionEmbeddingOp::getStageWork(const WorkContext &context,
                                       llvm::SmallVectorImpl<OpWork> &work) {
  elementwise(context, widthOf(getResult()), 2, 1, work);
}

void RMSNormOp::getStageWork(const WorkContext &context,
                             llvm::SmallVectorImpl<OpWork> &work) {
  // Square, sum, scale by the rsqrt, multiply by the weight.
  elementwise(context, widthOf(getResult()), 1, 4, work);
}

void HeadNormOp::getStageWork(const WorkContext &context,
                              llvm::SmallVectorImpl<OpWork> &work) {
  // RMSNorm over each head: the same element-wise work as over the row.
  elementwise(context, widthOf(getResult()), 1, 4, work);
}

void LayerNormOp::getStageWork(const WorkContext &context,
                               llvm::SmallVectorImpl<OpWork> &work) {
  // Mean, variance, normalise, scale and shift.
  elementwise(context, widthOf(getResult()), 1, 7, work);
}

void ResidualAddOp::getStageWork(const WorkContext &context,
                                 llvm::SmallVectorImpl<OpWork> &work) {
  elementwise(context, widthOf(getResult()), 2, 1, work);
}

void LinearOp::getStageWork(const WorkContext &context,
                            llvm::SmallVectorImpl<OpWork> &work) {
  uint64_t tokens = context.stage.tokens();
  if (tokens == 0)
    return;
  uint64_t in = getInFeatures(), out = getOutFeatures();
  // The output projection is row-parallel; MLA's low-rank down-projections
  // are replicated (every device needs the whole latent); the others are
  // column-parallel.
  if (getKind() == LinearKind::output)
    in = ceilDiv(in, context.tensorParallel);
  else if (getKind() != LinearKind::query_down &&
           getKind() != LinearKind::kv_down)
    out = ceilDiv(out, context.tensorParallel);
  work.push_back(single(WorkCategory::FC,
                        gemm(context, tokens, in, out, getWeightDtype())));
}

void LMHeadOp::getStageWork(const WorkContext &context,
                            llvm::SmallVectorImpl<OpWork> &work) {
  // Only the last position of each request is projected to logits.
  uint64_t rows = context.stage.requests();
  if (rows == 0)
    return;
  work.push_back(single(WorkCategory::FC,
                        gemm(context, rows, widthOf(getInput()),
                             ceilDiv(getVocabSize(), context.tensorParallel),
                             getWeightDtype())));
}

void MLPOp::getStageWork(const WorkContext &context,
                         llvm::SmallVectorImpl<OpWork> &work) {
  uint64_t tokens = context.stage.tokens();
  if (tokens == 0)
    return;
  work.push_back(
      single(WorkCategory::FC,
             ffn(context, tokens, widthOf(getResult()),
                 ceilDiv(getIntermediateSize(), context.tensorParallel),
                 getGated(), getWeightDtype())));
}

void MoEOp::getStageWork(const WorkContext &context,
                         llvm::SmallVectorImpl<OpWork> &work) {
  uint64_t tokens = context.stage.tokens();
  if (tokens == 0)
    return;
  uint64_t hidden = widthOf(getResult());
  OpWork moe;
  moe.category = WorkCategory::MoE;
  // The router scores every token against every expert on each device.
  moe.kernels.push_back(
      gemm(context, tokens, hidden, getNumExperts(), getWeightDtype()));

  // Across nodes every node's tokens reach this device's experts.
  uint64_t routedTokens = tokens * std::max(1u, context.expertTokenScale);
  llvm::SmallVector<uint64_t, 16> counts =
      tokensPerExpert(routedTokens, getNumExperts(), getTopK(), context.routing,
                      context.routingStream);
  // Expert parallel: device d holds the experts e with e % EP == d. Without
  // it every device holds a 1/TP column slice of every expert.
  unsigned expertParallel = std::max(1u, context.expertParallel);
  uint64_t slice = expertParallel > 1 && !context.expertsTensorParallel
                       ? getIntermediateSize()
                       : ceilDiv(getIntermediateSize(), context.tensorParallel);
  // More devices than experts: each expert is split column-wise over
  // EP / E devices (DeepSpeed-MoE's expert slicing), so no device idles.
  if (!context.expertsTensorParallel && expertParallel > getNumExperts()) {
    slice = ceilDiv(getIntermediateSize(), expertParallel / getNumExperts());
    expertParallel = getNumExperts();
  }
  // The layer ends when its slowest device does: price the busiest one.
  // An FFN does 2 FLOPs per weight per token: n tokens are n x 16 / bits
  // FLOP per weight byte.
  double ridgeTokens =
      context.expertRidgeOpB * getDTypeStorageBits(getWeightDtype()) / 16.0;
  unsigned device = busiestExpertDevice(counts, expertParallel, ridgeTokens);
  for (auto [expert, count] : llvm::enumerate(counts)) {
    if (expert % expertParallel != device)
      continue;
    moe.tokensPerExpert.push_back(count);
    if (count > 0)
      moe.kernels.push_back(
          ffn(context, count, hidden, slice, getGated(), getWeightDtype()));
  }
  for (uint64_t shared = 0; shared < getNumSharedExperts(); ++shared)
    moe.kernels.push_back(
        ffn(context, tokens, hidden,
            ceilDiv(*getSharedIntermediateSize(), context.tensorParallel),
            getGated(), getWeightDtype()));
  work.push_back(std::move(moe));
}

void AttentionOp::getStageWork(const WorkContext &context,
                               llvm::SmallVectorImpl<OpWork> &work) {
  cost::AttentionShape shape;
  unsigned tp = context.tensorParallel;
  shape.heads = ceilDiv(getNumHeads(), tp);
  // Fewer KV heads than devices: each device keeps a replica of one.
  shape.kvHeads = ceilDiv(getNumKvHeads(), tp);
  if (shape.heads % shape.kvHeads != 0)
    shape.kvHeads = 1;
  shape.headDim = getHeadDim();
  shape.kvBits = getDTypeStorageBits(getKvDtype());
  shape.activationBits = context.activationBits;
  shape.computeType = context.activationComputeType;

  const Stage &stage = context.stage;
  if (!stage.prefillTokens.empty()) {
    cost::PrefillAttention prefill;
    prefill.shape = shape;
    prefill.causal = getCausal();
    prefill.promptTokens.assign(stage.prefillTokens.begin(),
                                stage.prefillTokens.end());
    OpWork part = single(WorkCategory::AttentionPrefill, prefill);
    part.part = WorkPart::Prefill;
    work.push_back(std::move(part));
  }
  if (!stage.decodeContexts.empty()) {
    cost::DecodeAttention decode;
    decode.shape = shape;
    std::optional<uint64_t> window = getSlidingWindow();
    for (uint64_t context : stage.decodeContexts)
      decode.addRequests(window ? std::min(context, *window) : context);
    OpWork part = single(WorkCategory::AttentionDecode, decode);
    part.part = WorkPart::Decode;
    work.push_back(std::move(part));
  }
}

/// MLA's core as DeepSeek-V2/V3 are served (vLLM, SGLang), heads split
/// over the tensor-parallel devices. Prefill expands the latent of its
/// tokens to per-head keys and values (kv_b_proj) and runs multi-head
/// attention; decode absorbs kv_b_proj into each head's query (W_UK:
/// qk_nope -> latent) and output (W_UV: latent -> v_head) and attends over
/// the shared latent cache: an MQA whose keys are latent + rotary key and
/// whose values are the latent itself. The latent's RMSNorm is an
/// element-wise pass, left out as biases are.
void MLAOp::getStageWork(const WorkContext &context,
                         llvm::SmallVectorImpl<OpWork> &work) {
  const Stage &stage = context.stage;
  uint64_t heads = ceilDiv(getNumHeads(), context.tensorParallel);
  uint64_t nope = getQkNopeHeadDim(), rope = getQkRopeHeadDim();
  uint64_t value = getVHeadDim(), latent = getKvLoraRank();
  DType weights = getWeightDtype();
  cost::AttentionShape shape;
  shape.heads = heads;
  shape.kvBits = getDTypeStorageBits(getKvDtype());
  shape.activationBits = context.activationBits;
  shape.computeType = context.activationComputeType;

  uint64_t decodes = stage.decodeContexts.size();
  uint64_t prefillTokens = stage.tokens() - decodes;
  if (prefillTokens > 0) {
    OpWork part;
    part.category = WorkCategory::AttentionPrefill;
    part.part = WorkPart::Prefill;
    part.kernels.push_back(
        gemm(context, prefillTokens, latent, heads * (nope + value), weights));
    cost::PrefillAttention prefill;
    prefill.shape = shape;
    prefill.shape.kvHeads = heads;
    prefill.shape.headDim = nope + rope;
    prefill.shape.valueDim = value;
    prefill.promptTokens.assign(stage.prefillTokens.begin(),
                                stage.prefillTokens.end());
    part.kernels.push_back(std::move(prefill));
    work.push_back(std::move(part));
  }
  if (decodes > 0) {
    OpWork part;
    part.category = WorkCategory::AttentionDecode;
    part.part = WorkPart::Decode;
    cost::GemmShape absorbKey = gemm(context, decodes, nope, latent, weights);
    absorbKey.batch = heads;
    part.kernels.push_back(absorbKey);
    cost::DecodeAttention decode;
    decode.shape = shape;
    decode.shape.kvHeads = 1;
    decode.shape.headDim = latent + rope;
    decode.shape.valueDim = latent;
    decode.shape.sharedValue = true;
    for (uint64_t context : stage.decodeContexts)
      decode.addRequests(context);
    part.kernels.push_back(std::move(decode));
    cost::GemmShape absorbValue =
        gemm(context, decodes, latent, value, weights);
    absorbValue.batch = heads;
    part.kernels.push_back(absorbValue);
    work.push_back(std::move(part));
  }
}
