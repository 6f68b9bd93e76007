//===- VisionTowers.cpp - size of a multimodal checkpoint's vision tower --===//

#include "VisionTowers.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MathExtras.h"

using namespace llvm;

namespace duplex {
namespace {

/// Reads the positive integer fields a count needs; the first missing or
/// non-positive one is named in `why`. Products and sums saturate: a count
/// past 64 bits is reported as such, never wrapped.
struct Fields {
  const json::Object &object;
  std::string &why;
  bool overflowed = false;

  uint64_t mul(uint64_t a, uint64_t b) {
    bool over = false;
    uint64_t product = SaturatingMultiply(a, b, &over);
    overflowed |= over;
    return product;
  }
  uint64_t mul(uint64_t a, uint64_t b, uint64_t c) { return mul(mul(a, b), c); }
  template <typename... Rest> uint64_t sum(uint64_t a, Rest... rest) {
    uint64_t total = a;
    for (uint64_t value : {uint64_t(rest)...}) {
      bool over = false;
      total = SaturatingAdd(total, value, &over);
      overflowed |= over;
    }
    return total;
  }

  uint64_t get(StringRef key) {
    std::optional<int64_t> value = object.getInteger(key);
    if (!value || *value <= 0) {
      if (why.empty())
        why = "its '" + key.str() + "' is missing or not a positive integer";
      return 0;
    }
    return uint64_t(*value);
  }
  uint64_t getOr(StringRef key, uint64_t fallback) {
    return object.get(key) ? get(key) : fallback;
  }
};

/// Llama 4's vision encoder (transformers' Llama4VisionModel) and
/// Llama4MultiModalProjector: an unfolded-patch linear (no bias), a class
/// embedding and (patches + 1) positional embeddings, pre/post LayerNorms,
/// num_hidden_layers encoder layers (biased q/k/v/o, biased GELU MLP, two
/// LayerNorms), the pixel-shuffle adapter MLP (intermediate_size ->
/// projector_input_dim -> projector_output_dim, no biases) and the
/// projector vision_output_dim -> text hidden (no bias).
uint64_t llama4Vision(Fields &f, uint64_t textHidden) {
  uint64_t h = f.get("hidden_size"), layers = f.get("num_hidden_layers"),
           inner = f.get("intermediate_size"), patch = f.get("patch_size"),
           image = f.get("image_size"), channels = f.get("num_channels"),
           projectorIn = f.get("projector_input_dim"),
           projectorOut = f.get("projector_output_dim"),
           output = f.get("vision_output_dim");
  if (!f.why.empty())
    return 0;
  uint64_t side = image / patch;
  uint64_t patches = f.sum(f.mul(side, side), 1);
  uint64_t embeddings =
      f.sum(f.mul(channels, f.mul(patch, patch), h), h, f.mul(patches, h));
  uint64_t layer = f.sum(f.mul(4, f.sum(f.mul(h, h), h)), f.mul(2, h, inner),
                         inner, h, f.mul(4, h));
  uint64_t adapter =
      f.sum(f.mul(inner, projectorIn), f.mul(projectorOut, projectorOut));
  return f.sum(embeddings, f.mul(4, h), f.mul(layers, layer), adapter,
               f.mul(output, textHidden));
}

/// SigLIP (transformers' SiglipVisionModel), Gemma 3's vision tower, and
/// Gemma3MultiModalProjector: a biased patch convolution and one
/// positional embedding per patch, num_hidden_layers encoder layers
/// (biased q/k/v/out, biased GELU MLP, two LayerNorms), a post LayerNorm,
/// the attention-pooling head when vision_use_head is true, and the
/// projector: an RMSNorm of the vision width and a vision x text matrix.
/// num_channels defaults to 3 and vision_use_head to true, as in
/// SiglipVisionConfig.
uint64_t siglipVision(Fields &f, uint64_t textHidden) {
  uint64_t h = f.get("hidden_size"), layers = f.get("num_hidden_layers"),
           inner = f.get("intermediate_size"), patch = f.get("patch_size"),
           image = f.get("image_size"), channels = f.getOr("num_channels", 3);
  if (!f.why.empty())
    return 0;
  uint64_t side = image / patch;
  uint64_t patches = f.mul(side, side);
  uint64_t embeddings =
      f.sum(f.mul(channels, f.mul(patch, patch), h), h, f.mul(patches, h));
  uint64_t mlp = f.sum(f.mul(2, h, inner), inner, h);
  uint64_t attention = f.mul(4, f.sum(f.mul(h, h), h));
  uint64_t layer = f.sum(attention, mlp, f.mul(4, h));
  uint64_t head = 0;
  if (f.object.getBoolean("vision_use_head").value_or(true))
    // Probe, a biased multi-head attention (in and out projections), a
    // LayerNorm and an MLP.
    head = f.sum(h, attention, f.mul(2, h), mlp);
  uint64_t projector = f.sum(h, f.mul(h, textHidden));
  return f.sum(embeddings, f.mul(layers, layer), f.mul(2, h), head, projector);
}

} // namespace

std::optional<uint64_t> countVisionTower(const json::Object &vision,
                                         uint64_t textHidden,
                                         std::string &why) {
  StringRef type = vision.getString("model_type").value_or("");
  Fields fields{vision, why};
  uint64_t parameters = 0;
  if (type == "llama4_vision_model")
    parameters = llama4Vision(fields, textHidden);
  else if (type == "siglip_vision_model")
    parameters = siglipVision(fields, textHidden);
  else
    why = type.empty() ? "it names no model_type"
                       : "its layout ('" + type.str() +
                             "') is not one "
                             "Duplex counts";
  if (why.empty() && fields.overflowed)
    why = "its sizes make a count past 64 bits";
  if (!why.empty())
    return std::nullopt;
  return parameters;
}

} // namespace duplex
