//===- Kernels.cpp - kernel shapes and their workloads --------------------===//

#include "duplex/CostModel/Kernels.h"

#include "llvm/ADT/bit.h"
#include "llvm/Support/FormatVariadic.h"

#include <tuple>
#include <type_traits>

using namespace llvm;

namespace duplex::cost {

// Arithmetic conventions, not hardware numbers.
static constexpr double kBitsPerByte = 8;
static constexpr double kFlopsPerMac = 2;
/// max, subtract, exp, sum, divide per element.
static constexpr double kSoftmaxFlopsPerElement = 5;

static double bytesOf(double elements, double bits) {
  return elements * bits / kBitsPerByte;
}

static Error invalid(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

static Error checkBits(StringRef what, double bits) {
  if (!(bits > 0))
    return invalid(what + " must be positive");
  return Error::success();
}

static void addSegment(Workload &workload, double bytes, double count = 1,
                       SegmentData data = SegmentData::Activations) {
  if (bytes > 0 && count > 0)
    workload.segments.push_back({bytes, count, data});
}

/// The cache streams of `count` KV heads over `tokens` tokens: keys and
/// values apart (one stream each when they are as wide), or the keys alone
/// when the values are part of them.
static void addKVSegments(Workload &workload, const AttentionShape &shape,
                          double tokens, double count) {
  double keyBytes = bytesOf(tokens * shape.headDim, shape.kvBits);
  if (shape.sharedValue) {
    addSegment(workload, keyBytes, count, SegmentData::KVCache);
  } else if (shape.getValueDim() == shape.headDim) {
    addSegment(workload, keyBytes, 2 * count, SegmentData::KVCache);
  } else {
    addSegment(workload, keyBytes, count, SegmentData::KVCache);
    addSegment(workload, bytesOf(tokens * shape.getValueDim(), shape.kvBits),
               count, SegmentData::KVCache);
  }
}

/// Queries read and outputs written: one stream each, two of one size when
/// they are as wide.
static void addQuerySegments(Workload &workload, double queryBytes,
                             double outputBytes, double count) {
  if (queryBytes == outputBytes) {
    addSegment(workload, queryBytes, 2 * count);
    return;
  }
  addSegment(workload, queryBytes, count);
  addSegment(workload, outputBytes, count);
}

Expected<Workload> workloadOf(const GemmShape &gemm) {
  if (Error error = checkBits("GEMM weight bits", gemm.weightBits))
    return std::move(error);
  if (Error error = checkBits("GEMM activation bits", gemm.activationBits))
    return std::move(error);
  if (gemm.batch == 0)
    return invalid("GEMM batch must be positive");
  double m = gemm.m, k = gemm.k, n = gemm.n, batch = gemm.batch;
  Workload workload;
  workload.computeType = gemm.computeType;
  workload.flops = kFlopsPerMac * m * k * n * batch;
  double weightBytes = bytesOf(k * n, gemm.weightBits);
  double inputBytes = bytesOf(m * k, gemm.activationBits);
  double outputBytes = bytesOf(m * n, gemm.activationBits);
  workload.readBytes = batch * (weightBytes + inputBytes);
  workload.writeBytes = batch * outputBytes;
  addSegment(workload, weightBytes, batch, SegmentData::Weights);
  addSegment(workload, inputBytes, batch);
  addSegment(workload, outputBytes, batch);
  return workload;
}

static Error checkAttention(const AttentionShape &shape) {
  if (shape.heads == 0 || shape.kvHeads == 0 || shape.headDim == 0)
    return invalid(formatv("attention needs positive heads ({0}), kv heads "
                           "({1}) and head dim ({2})",
                           shape.heads, shape.kvHeads, shape.headDim));
  if (shape.heads % shape.kvHeads != 0)
    return invalid(formatv("attention heads ({0}) must be a multiple of kv "
                           "heads ({1})",
                           shape.heads, shape.kvHeads));
  if (shape.sharedValue && shape.getValueDim() > shape.headDim)
    return invalid(formatv("attention values shared with the keys ({0} "
                           "elements) cannot be wider than the keys ({1})",
                           shape.getValueDim(), shape.headDim));
  if (Error error = checkBits("attention KV bits", shape.kvBits))
    return error;
  return checkBits("attention activation bits", shape.activationBits);
}

Expected<Workload> workloadOf(const PrefillAttention &attention) {
  const AttentionShape &shape = attention.shape;
  if (Error error = checkAttention(shape))
    return std::move(error);
  Workload workload;
  workload.computeType = shape.computeType;
  for (uint64_t promptTokens : attention.promptTokens) {
    double tokens = promptTokens;
    // Query-key pairs: the lower triangle with the diagonal when causal.
    double pairs =
        attention.causal ? tokens * (tokens + 1) / 2 : tokens * tokens;
    // Q.K^T and P.V: one MAC per pair, per key (value) element and head.
    workload.flops += kFlopsPerMac * pairs *
                      (shape.headDim + shape.getValueDim()) * shape.heads;
    double kvSegmentBytes =
        bytesOf(tokens * shape.kvElementsPerToken(), shape.kvBits);
    double queryBytes =
        bytesOf(tokens * shape.headDim * shape.heads, shape.activationBits);
    double outputBytes = bytesOf(tokens * shape.getValueDim() * shape.heads,
                                 shape.activationBits);
    workload.readBytes += queryBytes + shape.kvHeads * kvSegmentBytes;
    workload.writeBytes += outputBytes;
    addKVSegments(workload, shape, tokens, shape.kvHeads);
    addQuerySegments(workload, queryBytes, outputBytes, 1);
  }
  return workload;
}

Expected<Workload> workloadOf(const DecodeAttention &attention) {
  const AttentionShape &shape = attention.shape;
  if (Error error = checkAttention(shape))
    return std::move(error);
  Workload workload;
  workload.computeType = shape.computeType;
  double queryBytes =
      bytesOf(double(shape.headDim) * shape.heads, shape.activationBits);
  double outputBytes =
      bytesOf(double(shape.getValueDim()) * shape.heads, shape.activationBits);
  for (const DecodeAttention::Run &run : attention.contexts) {
    double tokens = run.tokens, requests = run.requests;
    // One query token per head against every cached token: Q.K^T and P.V.
    workload.flops += requests * kFlopsPerMac * tokens *
                      (shape.headDim + shape.getValueDim()) * shape.heads;
    // The cache of each KV head is read once, whatever the group size.
    double kvSegmentBytes =
        bytesOf(tokens * shape.kvElementsPerToken(), shape.kvBits);
    workload.readBytes +=
        requests * (shape.kvHeads * kvSegmentBytes + queryBytes);
    workload.writeBytes += requests * outputBytes;
    addKVSegments(workload, shape, tokens, double(shape.kvHeads) * requests);
    addQuerySegments(workload, queryBytes, outputBytes, requests);
  }
  return workload;
}

Expected<Workload> workloadOf(const ExpertFfn &expert) {
  if (Error error = checkBits("expert weight bits", expert.weightBits))
    return std::move(error);
  if (Error error = checkBits("expert activation bits", expert.activationBits))
    return std::move(error);
  double matrices = expert.gated ? 3 : 2;
  double tokens = expert.tokens;
  double matrixElements = double(expert.hidden) * expert.intermediate;
  Workload workload;
  workload.computeType = expert.computeType;
  workload.flops = kFlopsPerMac * tokens * matrixElements * matrices;
  double matrixBytes = bytesOf(matrixElements, expert.weightBits);
  double tokenBytes = bytesOf(tokens * expert.hidden, expert.activationBits);
  workload.readBytes = matrices * matrixBytes + tokenBytes;
  workload.writeBytes = tokenBytes;
  addSegment(workload, matrixBytes, matrices, SegmentData::Weights);
  addSegment(workload, tokenBytes, 2);
  return workload;
}

Expected<Workload> workloadOf(const Softmax &softmax) {
  if (Error error = checkBits("softmax bits", softmax.bits))
    return std::move(error);
  double elements = double(softmax.rows) * softmax.cols;
  Workload workload;
  workload.computeType = softmax.computeType;
  workload.flops = kSoftmaxFlopsPerElement * elements;
  workload.readBytes = bytesOf(elements, softmax.bits);
  workload.writeBytes = workload.readBytes;
  addSegment(workload, workload.readBytes, 2);
  return workload;
}

Expected<Workload> workloadOf(const Elementwise &elementwise) {
  if (Error error = checkBits("element-wise bits", elementwise.bits))
    return std::move(error);
  if (elementwise.flopsPerElement < 0)
    return invalid("element-wise FLOPs per element must not be negative");
  double elements = elementwise.elements;
  Workload workload;
  workload.computeType = elementwise.computeType;
  workload.flops = elementwise.flopsPerElement * elements;
  double operandBytes = bytesOf(elements, elementwise.bits);
  workload.readBytes = elementwise.inputs * operandBytes;
  workload.writeBytes = operandBytes;
  addSegment(workload, operandBytes, elementwise.inputs + 1.0);
  return workload;
}

namespace {
/// Mixes a kernel's fields into a hash: integers and enums as integers, a
/// double by its bits (-0.0 and 0.0 differ: a missed hit, never a wrong
/// one). A multiply-xorshift per field, not llvm::hash_combine: the cost
/// cache hashes a kernel per lookup, and hash_combine's setup cost more
/// than the lookup saved.
struct FieldMixer {
  uint64_t hash = 0x9e3779b97f4a7c15ULL;

  void add(uint64_t value) {
    hash = (hash ^ value) * 0xff51afd7ed558ccdULL;
    hash ^= hash >> 32;
  }
  template <typename T> void field(const T &value) {
    if constexpr (std::is_enum_v<T>)
      add(uint64_t(static_cast<std::underlying_type_t<T>>(value)));
    else if constexpr (std::is_floating_point_v<T>)
      add(llvm::bit_cast<uint64_t>(double(value)));
    else
      add(uint64_t(value));
  }
  template <typename Tuple> void fields(const Tuple &tuple) {
    std::apply([this](const auto &...value) { (field(value), ...); }, tuple);
  }
};
} // namespace

size_t hashKernel(const Kernel &kernel) {
  FieldMixer mixer;
  mixer.add(kernel.index());
  std::visit(
      [&](const auto &shape) {
        using Shape = std::decay_t<decltype(shape)>;
        if constexpr (std::is_same_v<Shape, PrefillAttention>) {
          mixer.fields(fieldsOf(shape.shape));
          mixer.add(shape.causal);
          for (uint64_t prompt : shape.promptTokens)
            mixer.add(prompt);
        } else if constexpr (std::is_same_v<Shape, DecodeAttention>) {
          mixer.fields(fieldsOf(shape.shape));
          for (const DecodeAttention::Run &run : shape.contexts)
            mixer.fields(fieldsOf(run));
        } else {
          mixer.fields(fieldsOf(shape));
        }
      },
      kernel);
  return size_t(mixer.hash);
}

} // namespace duplex::cost
