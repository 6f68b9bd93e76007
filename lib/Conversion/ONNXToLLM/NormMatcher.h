//===- NormMatcher.h - RMSNorm and LayerNorm, fused or not ------*- C++ -*-===//

#ifndef DUPLEX_LIB_CONVERSION_ONNXTOLLM_NORMMATCHER_H
#define DUPLEX_LIB_CONVERSION_ONNXTOLLM_NORMMATCHER_H

#include "GraphQuery.h"
#include "RaisedModel.h"

namespace duplex::raise {

struct NormMatch {
  NormInfo info;
  /// The normalised value.
  mlir::Value output;
};

/// The norm applied to `x`: LayerNormalization, RMSNormalization,
/// SimplifiedLayerNormalization, or their decompositions
/// (ReduceMean/Sub/Pow/Sqrt/Div/Reciprocal/Mul by a scale of `width`
/// elements, plus a bias Add for LayerNorm).
std::optional<NormMatch> matchNorm(mlir::Value x, int64_t width);

/// The norm of a fused SkipLayerNormalization,
/// SkipSimplifiedLayerNormalization or EmbedLayerNormalization.
NormInfo getFusedNormInfo(mlir::Operation *op);

/// `value` as it was written when it came from a float: float32 attributes
/// and constants hold 1e-5 as 9.99999974e-06; the shortest decimal that
/// reads back as the same float (1e-05) is what the model's config said.
double roundFromFloat(double value);

} // namespace duplex::raise

#endif // DUPLEX_LIB_CONVERSION_ONNXTOLLM_NORMMATCHER_H
