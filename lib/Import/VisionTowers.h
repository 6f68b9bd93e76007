//===- VisionTowers.h - size of a multimodal checkpoint's vision tower ----===//
//
// A multimodal config (Llama 4, Gemma 3) nests its text decoder under
// text_config, which is what Duplex serves; the vision encoder and its
// projector into the decoder are left out. Their size is still counted, so
// that the import can say how the served decoder relates to the checkpoint
// total the model card publishes (Llama-4-Scout "109B").
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_LIB_IMPORT_VISIONTOWERS_H
#define DUPLEX_LIB_IMPORT_VISIONTOWERS_H

#include "llvm/Support/JSON.h"

#include <cstdint>
#include <optional>
#include <string>

namespace duplex {

/// Parameters of the vision tower `vision` (a config's vision_config) plus
/// its projector into a text decoder of width `textHidden`, for the vision
/// model types whose layout is known (llama4_vision_model,
/// siglip_vision_model); none when the type is another or a field the
/// count needs is missing (`why` then says which).
std::optional<uint64_t> countVisionTower(const llvm::json::Object &vision,
                                         uint64_t textHidden, std::string &why);

} // namespace duplex

#endif // DUPLEX_LIB_IMPORT_VISIONTOWERS_H
