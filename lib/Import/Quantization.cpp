//===- Quantization.cpp - a config's quantization_config ------------------===//

#include "Quantization.h"

#include "duplex/Dialect/LLM/IR/LLMOps.h"

#include "llvm/Support/FormatVariadic.h"

using namespace llvm;
using duplex::llm::DType;
using duplex::llm::stringifyDType;

namespace duplex {
namespace {

constexpr const char *kField = "quantization_config";
constexpr const char *kSupported =
    "supported: 'bits' 4 or 8 (GPTQ, AWQ), quant_method 'fp8', 'mxfp4', "
    "'modelopt' (quant_algo NVFP4 or FP8), 'compressed-tensors' (int4, "
    "int8, fp8, nvfp4 or mxfp4 weights) or 'bitsandbytes' (load_in_4bit or "
    "load_in_8bit)";

/// TensorRT Model Optimizer (hf_quant_config.json copied into config.json):
/// NVFP4 and FP8 quantise every linear layer but the LM head.
void readModelOpt(ConfigReader &q, ConfigReader &r, ModelDescription &m) {
  std::string algorithm = q.stringOr("quant_algo", "");
  if (algorithm == "NVFP4")
    m.matmulWeightDType = DType::nvfp4;
  else if (algorithm == "FP8")
    m.matmulWeightDType = DType::fp8;
  else
    r.fail(kField, "quant_method 'modelopt' names quant_algo '" + algorithm +
                       "'; supported: NVFP4, FP8");
  if (q.stringOr("kv_cache_quant_algo", "") == "FP8")
    m.kvDType = DType::fp8;
}

/// One compressed-tensors quantisation scheme ({num_bits, type,
/// group_size}) as an llm type; none when it is not one Duplex has.
std::optional<DType> schemeType(const json::Object &scheme) {
  int64_t bits = scheme.getInteger("num_bits").value_or(0);
  StringRef type = scheme.getString("type").value_or("int");
  int64_t group = scheme.getInteger("group_size").value_or(0);
  if (type == "int" && bits == 8)
    return DType::int8;
  if (type == "int" && bits == 4)
    return DType::int4;
  if (type == "float" && bits == 8)
    return DType::fp8;
  // FP4 elements: NVFP4 scales blocks of 16, MXFP4 blocks of 32.
  if (type == "float" && bits == 4 && group == 16)
    return DType::nvfp4;
  if (type == "float" && bits == 4 && group == 32)
    return DType::mxfp4;
  return std::nullopt;
}

/// compressed-tensors (llm-compressor; Kimi-K2-Thinking, RedHat's FP8 and
/// W4A16 checkpoints): config_groups of {targets, weights,
/// input_activations}, and an `ignore` list of modules left unquantised.
/// Every group must give the same weight type. When the ignore list keeps
/// the attention ("self_attn") unquantised, the quantised layers are taken
/// to be the experts (Kimi-K2-Thinking: INT4 routed experts only).
void readCompressedTensors(const json::Object &quant, ConfigReader &r,
                           ModelDescription &m) {
  const json::Object *groups = quant.getObject("config_groups");
  if (!groups || groups->empty()) {
    r.fail(kField, "quant_method 'compressed-tensors' has no config_groups");
    return;
  }
  std::optional<DType> weights;
  for (const auto &[name, value] : *groups) {
    const json::Object *group = value.getAsObject();
    const json::Object *scheme = group ? group->getObject("weights") : nullptr;
    std::optional<DType> type = scheme ? schemeType(*scheme) : std::nullopt;
    if (!type) {
      r.fail(kField, "compressed-tensors group '" + name.str() +
                         "' has weights Duplex does not have a type for (" +
                         kSupported + ")");
      return;
    }
    if (weights && *weights != *type) {
      r.fail(kField, "compressed-tensors groups quantise weights to "
                     "different types (" +
                         stringifyDType(*weights).str() + ", " +
                         stringifyDType(*type).str() +
                         "); --weight-dtype picks one for all");
      return;
    }
    weights = type;
  }
  bool attentionKept = false;
  if (const json::Array *ignore = quant.getArray("ignore"))
    for (const json::Value &entry : *ignore)
      if (std::optional<StringRef> module = entry.getAsString())
        attentionKept |= module->contains("self_attn");
  if (attentionKept)
    m.expertWeightDType = *weights;
  else
    m.matmulWeightDType = *weights;
  m.importNotes.push_back(
      formatv("compressed-tensors: {0} weights on {1}",
              stringifyDType(*weights).str(),
              attentionKept ? "the experts (the ignore list keeps attention "
                              "in the config's type; shared experts count as "
                              "experts)"
                            : "every linear layer but the LM head")
          .str());
  if (const json::Object *kv = quant.getObject("kv_cache_scheme")) {
    std::optional<DType> type = schemeType(*kv);
    if (type == DType::fp8 || type == DType::int8)
      m.kvDType = *type;
  }
}

/// bitsandbytes: 4-bit (NF4 or FP4 codes) or 8-bit (LLM.int8()) weights
/// on every linear layer but the LM head; their absmax scales (one per 64)
/// are not counted.
void readBitsAndBytes(ConfigReader &q, ConfigReader &r, ModelDescription &m) {
  if (q.boolOr("load_in_4bit", false))
    m.matmulWeightDType = DType::int4;
  else if (q.boolOr("load_in_8bit", false))
    m.matmulWeightDType = DType::int8;
  else
    r.fail(kField, "quant_method 'bitsandbytes' loads neither 4-bit nor "
                   "8-bit weights");
}

} // namespace

void readQuantizationConfig(const json::Object &quant, ConfigReader &r,
                            ModelDescription &m) {
  ConfigReader q(quant, "", "");
  std::string method = q.stringOr("quant_method", "");
  if (method == "modelopt")
    return readModelOpt(q, r, m);
  if (method == "compressed-tensors")
    return readCompressedTensors(quant, r, m);
  if (method == "bitsandbytes")
    return readBitsAndBytes(q, r, m);
  if (method == "fp8") {
    m.matmulWeightDType = DType::fp8;
    return;
  }
  if (method == "mxfp4") {
    // gpt-oss: the experts in MXFP4; attention, router, embedding and head
    // stay in the config's dtype (modules_to_not_convert).
    m.expertWeightDType = DType::mxfp4;
    return;
  }
  int64_t bits = q.positiveOr("bits", 0);
  if (bits == 4)
    m.matmulWeightDType = DType::int4;
  else if (bits == 8)
    m.matmulWeightDType = DType::int8;
  else
    r.fail(kField, (method.empty() ? std::string("gives no quant_method")
                                   : "quant_method '" + method + "'") +
                       " and no 'bits' of 4 or 8; " + kSupported);
}

} // namespace duplex
