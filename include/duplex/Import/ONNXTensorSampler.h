//===- ONNXTensorSampler.h - a few elements of ONNX initializers -*- C++ -*-=//
//
// Weights are never loaded, but some questions need a glance at them:
// whether an LM head is a copy of the token table (torch writes a tied
// table twice, once transposed). The sampler reads a few hundred elements
// at chosen positions, inline or from the external-data file, never a whole
// tensor.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_IMPORT_ONNXTENSORSAMPLER_H
#define DUPLEX_IMPORT_ONNXTENSORSAMPLER_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <optional>

namespace duplex {

class ONNXTensorSampler {
public:
  /// Reads the model at `path` (binary or ONNX text) for its initializers.
  static llvm::Expected<std::unique_ptr<ONNXTensorSampler>>
  open(llvm::StringRef path);
  ~ONNXTensorSampler();

  /// The bits of the elements at flat `indices` of initializer `name`, or
  /// std::nullopt when they cannot be read: an unknown name, elements
  /// narrower than a byte, external data whose file is missing, shorter
  /// than declared, outside the model's directory or not a regular file.
  std::optional<llvm::SmallVector<uint64_t>>
  sample(llvm::StringRef name, llvm::ArrayRef<uint64_t> indices) const;

  /// Whether 2-D initializers `a` (shape `shapeA`) and `b` hold the same
  /// matrix, `b` stored transposed when `transposed`, judged on `count`
  /// positions spread over it; std::nullopt when that cannot be told: the
  /// data cannot be read, the two have different element types (a
  /// quantized copy), or the sampled elements of `a` are all equal
  /// (placeholder data).
  std::optional<bool> sameMatrix(llvm::StringRef a,
                                 llvm::ArrayRef<int64_t> shapeA,
                                 llvm::StringRef b, bool transposed,
                                 unsigned count) const;

private:
  struct Impl;
  explicit ONNXTensorSampler(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl;
};

} // namespace duplex

#endif // DUPLEX_IMPORT_ONNXTENSORSAMPLER_H
