//===- Kernels.h - kernel shapes and their workloads ------------*- C++ -*-===//
//
// The kernels an LLM step is made of, described by their shapes, and the
// Workload (FLOPs, bytes, DRAM layout) of each. Bit widths are per element
// (int4 = 4); 2 FLOPs per multiply-accumulate.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_COSTMODEL_KERNELS_H
#define DUPLEX_COSTMODEL_KERNELS_H

#include "duplex/CostModel/Cost.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <tuple>
#include <variant>

namespace duplex::cost {

/// Activations (m x k) times weights (k x n). m = 1 is a GEMV. The weights
/// are read once; activations are read and the m x n output written once.
/// `batch` independent products with weights of their own (MLA's per-head
/// absorbed up-projections) multiply all of it.
struct GemmShape {
  uint64_t m = 0;
  uint64_t k = 0;
  uint64_t n = 0;
  /// Per weight, on average: a microscaling format's shared scales count.
  double weightBits = 16;
  unsigned activationBits = 16;
  hw::DType computeType = hw::DType::FP16;
  uint64_t batch = 1;
};

/// Heads of one attention layer. heads must be a multiple of kvHeads
/// (kvHeads == heads is MHA; the group size is heads / kvHeads).
/// headDim is the query/key width of a head; valueDim (0: headDim) the
/// value and output width. `sharedValue`: the values are the first valueDim
/// elements of each cached key row, not a cache of their own (MLA decoding
/// over its latent: keys = latent + rotary part, values = latent).
struct AttentionShape {
  unsigned heads = 0;
  unsigned kvHeads = 0;
  unsigned headDim = 0;
  double kvBits = 16; ///< Per element, a microscaling format's scales included.
  unsigned activationBits = 16;
  hw::DType computeType = hw::DType::FP16;
  unsigned valueDim = 0;
  bool sharedValue = false;

  unsigned getValueDim() const { return valueDim ? valueDim : headDim; }
  /// Cached elements per token of one KV head (keys, and values unless
  /// shared).
  unsigned kvElementsPerToken() const {
    return sharedValue ? headDim : headDim + getValueDim();
  }
};

/// Prefill attention of a batch of requests, one prompt length each.
/// Fused (flash-attention style): Q, K, V read and O written once; scores
/// never reach DRAM.
struct PrefillAttention {
  AttentionShape shape;
  /// Few prompts share a stage (a serving stage has one or two): a small
  /// inline buffer keeps every Kernel small, and kernels are copied often.
  llvm::SmallVector<uint64_t, 2> promptTokens;
  bool causal = true;
};

/// Decode attention of a batch of requests, one context length each: one
/// query token per request reads the request's whole K and V. With GQA each
/// K/V element is read once and serves all heads of its group.
struct DecodeAttention {
  /// `requests` requests with `tokens` cached tokens each.
  struct Run {
    uint64_t tokens = 0;
    uint64_t requests = 0;
  };
  AttentionShape shape;
  /// The requests' context lengths as runs of equal lengths: a serving
  /// stage's decodes share few (the simulator's stand-in stage has one), so
  /// a kernel stays small however large the batch.
  llvm::SmallVector<Run, 2> contexts;

  /// Appends `count` requests of `tokens` cached tokens.
  void addRequests(uint64_t tokens, uint64_t count = 1) {
    if (count == 0)
      return;
    if (!contexts.empty() && contexts.back().tokens == tokens)
      contexts.back().requests += count;
    else
      contexts.push_back({tokens, count});
  }
  uint64_t requests() const {
    uint64_t total = 0;
    for (const Run &run : contexts)
      total += run.requests;
    return total;
  }
};

/// One expert FFN (or a dense FFN) applied to `tokens` tokens. Gated
/// (SwiGLU: gate, up, down) has 3 weight matrices, plain (up, down) 2. The
/// intermediate activation stays on chip (fused).
struct ExpertFfn {
  uint64_t tokens = 0;
  uint64_t hidden = 0;
  uint64_t intermediate = 0;
  bool gated = true;
  double weightBits = 16; ///< Per weight, scales included (GemmShape's).
  unsigned activationBits = 16;
  hw::DType computeType = hw::DType::FP16;
};

/// Row-wise softmax of a rows x cols matrix: read and write once; counted as
/// 5 FLOPs per element (max, subtract, exp, sum, divide).
struct Softmax {
  uint64_t rows = 0;
  uint64_t cols = 0;
  unsigned bits = 16;
  hw::DType computeType = hw::DType::FP16;
};

/// An element-wise op over `elements` outputs reading `inputs` operands of
/// the same size (add: 2, SiLU: 1, RMSNorm: ~1 and 4 FLOPs).
struct Elementwise {
  uint64_t elements = 0;
  unsigned inputs = 1;
  double flopsPerElement = 1;
  unsigned bits = 16;
  hw::DType computeType = hw::DType::FP16;
};

/// Any kernel the cost model prices; the compiler's op work and the
/// simulator's tasks carry these.
using Kernel = std::variant<GemmShape, PrefillAttention, DecodeAttention,
                            ExpertFfn, Elementwise, Softmax>;

/// Every field of a kernel shape as a tuple: kernel equality and hashes
/// (CostCache's key) are built on these, so a field added to a shape must be
/// added here too.
inline auto fieldsOf(const GemmShape &g) {
  return std::tie(g.m, g.k, g.n, g.weightBits, g.activationBits, g.computeType,
                  g.batch);
}
inline auto fieldsOf(const AttentionShape &a) {
  return std::tie(a.heads, a.kvHeads, a.headDim, a.kvBits, a.activationBits,
                  a.computeType, a.valueDim, a.sharedValue);
}
inline auto fieldsOf(const ExpertFfn &e) {
  return std::tie(e.tokens, e.hidden, e.intermediate, e.gated, e.weightBits,
                  e.activationBits, e.computeType);
}
inline auto fieldsOf(const Softmax &s) {
  return std::tie(s.rows, s.cols, s.bits, s.computeType);
}
inline auto fieldsOf(const Elementwise &e) {
  return std::tie(e.elements, e.inputs, e.flopsPerElement, e.bits,
                  e.computeType);
}
inline auto fieldsOf(const DecodeAttention::Run &r) {
  return std::tie(r.tokens, r.requests);
}

inline bool operator==(const GemmShape &a, const GemmShape &b) {
  return fieldsOf(a) == fieldsOf(b);
}
inline bool operator==(const AttentionShape &a, const AttentionShape &b) {
  return fieldsOf(a) == fieldsOf(b);
}
inline bool operator==(const ExpertFfn &a, const ExpertFfn &b) {
  return fieldsOf(a) == fieldsOf(b);
}
inline bool operator==(const Softmax &a, const Softmax &b) {
  return fieldsOf(a) == fieldsOf(b);
}
inline bool operator==(const Elementwise &a, const Elementwise &b) {
  return fieldsOf(a) == fieldsOf(b);
}
inline bool operator==(const DecodeAttention::Run &a,
                       const DecodeAttention::Run &b) {
  return fieldsOf(a) == fieldsOf(b);
}
inline bool operator==(const PrefillAttention &a, const PrefillAttention &b) {
  return a.shape == b.shape && a.promptTokens == b.promptTokens &&
         a.causal == b.causal;
}
inline bool operator==(const DecodeAttention &a, const DecodeAttention &b) {
  return a.shape == b.shape && a.contexts == b.contexts;
}

/// A hash of every field of `kernel` and of which shape it is.
size_t hashKernel(const Kernel &kernel);

/// The arithmetic `kernel` runs at.
inline hw::DType computeTypeOf(const Kernel &kernel) {
  struct Visitor {
    hw::DType operator()(const PrefillAttention &a) const {
      return a.shape.computeType;
    }
    hw::DType operator()(const DecodeAttention &a) const {
      return a.shape.computeType;
    }
    hw::DType operator()(const GemmShape &k) const { return k.computeType; }
    hw::DType operator()(const ExpertFfn &k) const { return k.computeType; }
    hw::DType operator()(const Elementwise &k) const { return k.computeType; }
    hw::DType operator()(const Softmax &k) const { return k.computeType; }
  };
  return std::visit(Visitor(), kernel);
}

llvm::Expected<Workload> workloadOf(const GemmShape &gemm);
llvm::Expected<Workload> workloadOf(const PrefillAttention &attention);
llvm::Expected<Workload> workloadOf(const DecodeAttention &attention);
llvm::Expected<Workload> workloadOf(const ExpertFfn &expert);
llvm::Expected<Workload> workloadOf(const Softmax &softmax);
llvm::Expected<Workload> workloadOf(const Elementwise &elementwise);

} // namespace duplex::cost

#endif // DUPLEX_COSTMODEL_KERNELS_H
