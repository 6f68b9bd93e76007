//===- Quantization.h - a config's quantization_config --------------------===//
//
// Hugging Face configs of quantised checkpoints say how their weights are
// stored in `quantization_config`, one dialect per quantiser. This reads
// the element types into a ModelDescription: which layers are quantised,
// to what, and the KV cache when the quantiser sets it.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_LIB_IMPORT_QUANTIZATION_H
#define DUPLEX_LIB_IMPORT_QUANTIZATION_H

#include "ConfigReader.h"
#include "duplex/Import/ModelDescription.h"

namespace duplex {

/// Reads `quant` (the config's quantization_config) into `m`'s weight and
/// KV types. An unknown or unsupported scheme fails on `r` naming the
/// field and what is supported.
void readQuantizationConfig(const llvm::json::Object &quant, ConfigReader &r,
                            ModelDescription &m);

} // namespace duplex

#endif // DUPLEX_LIB_IMPORT_QUANTIZATION_H
