//===- Passes.td - passes on the onnx dialect --------------*- tablegen -*-===//

#ifndef DUPLEX_DIALECT_ONNX_TRANSFORMS_PASSES_TD
#define DUPLEX_DIALECT_ONNX_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ONNXNormalize : Pass<"onnx-normalize", "mlir::ModuleOp"> {
  let summary = "Rewrite exporter idioms in onnx graphs to one canonical form";
  let description = [{
    Exporters spell the same model many ways: a Hugging Face RMSNorm starts
    with `x.to(torch.float32)`, which an fp32 export writes as a `Cast` that
    changes nothing; torch aliases tensors through `Identity`; SiLU is
    `X * Sigmoid(X)`, GELU a dozen element-wise ops. This pass rewrites each
    `onnx.graph` of the module to one form, so that the raise to `llm`
    (`--raise-onnx-to-llm`, which runs these patterns itself first) follows
    dataflow rather than exporter habits. Every rewrite keeps what the graph
    computes. The pattern groups, each a `group` option value:

    - `cleanup`: `Identity`; a `Cast` or `CastLike` to the type its input
      already has; `Dropout` in inference mode (no `training_mode`, or a
      false one) whose mask is unused; a `Cast` that undoes a widening
      `Cast` (f16 -> f32 -> f16).
    - `shapes`: folds shape arithmetic whose inputs are known into
      `onnx.constant`: `Shape` of a tensor whose dimensions are static,
      `Gather`, `Concat`, `Unsqueeze`, `Squeeze`, `Reshape`, integer `Cast`
      and `Add`/`Sub`/`Mul`/`Div` of integer constants.
    - `activations`: `X * Sigmoid(a X)` and com.microsoft `QuickGelu` ->
      `Swish` (alpha a); `X * HardSigmoid(X)` (1/6, 1/2) -> `HardSwish`;
      `X * Tanh(Softplus(X))` -> `Mish`; the erf form of GELU
      (`0.5 X (1 + Erf(X / sqrt 2))`) -> `Gelu`; its tanh approximation
      (`0.5 X (1 + Tanh(sqrt(2/pi) (X + 0.044715 X^3)))`), com.microsoft
      `FastGelu`, `BiasGelu` and `Gelu` -> `Gelu` (`approximate` "tanh"
      where it applies), with the bias as an `Add`.
    - `norms`: decomposed RMSNorm (`X / sqrt(mean(X^2) + eps) * W`, with
      `Reciprocal`, `Div` or `Pow(-0.5)` for the root, and the casts to f32
      and back that mixed-precision models put around it) ->
      `RMSNormalization`; decomposed LayerNorm (`(X - mean) / sqrt(var +
      eps) * W + B`) -> `LayerNormalization`; both with `axis` -1.

    A rewrite applies only where the ops it removes have no other users, so
    a value another part of the graph reads is never lost.

    Example: `duplex-translate --import-onnx model.onnx |
    duplex-opt --onnx-normalize`.
  }];
  let options = [
    ListOption<"groups", "group", "std::string",
               "Pattern groups to apply (cleanup, shapes, activations, "
               "norms); all when not given">,
  ];
}

#endif // DUPLEX_DIALECT_ONNX_TRANSFORMS_PASSES_TD
