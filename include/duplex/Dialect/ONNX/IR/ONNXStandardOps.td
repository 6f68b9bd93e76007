//===- ONNXStandardOps.td - ai.onnx operators --------------*- tablegen -*-===//
//
// The ai.onnx operators of the importer's table: what decoder exports from
// torch.onnx, Optimum, onnxruntime's tools and mobius use, opsets 11 to 24.
// Operands are the ONNX inputs in schema order; attributes keep ONNX names.
// Inputs that later opsets turned from attributes into inputs (axes, split)
// are `<name>_input` operands next to the `<name>` attribute.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_DIALECT_ONNX_IR_ONNXSTANDARDOPS_TD
#define DUPLEX_DIALECT_ONNX_IR_ONNXSTANDARDOPS_TD

//===----------------------------------------------------------------------===//
// Element-wise arithmetic and logic
//===----------------------------------------------------------------------===//

def ONNX_AddOp : ONNX_BinaryOp<"Add", "element-wise sum",
    "`C = A + B`: residual connections, biases, masks added to scores.">;
def ONNX_SubOp : ONNX_BinaryOp<"Sub", "element-wise difference",
    "`C = A - B`: LayerNorm's centring, mask arithmetic.">;
def ONNX_MulOp : ONNX_BinaryOp<"Mul", "element-wise product",
    "`C = A * B`: norm scales, SiLU's `x * sigmoid(x)`, gated MLPs, rotary.">;
def ONNX_DivOp : ONNX_BinaryOp<"Div", "element-wise quotient",
    "`C = A / B`: attention scaling by `sqrt(head_dim)`, normalisation.">;
def ONNX_PowOp : ONNX_BinaryOp<"Pow", "element-wise power",
    "`C = A ^ B`: squares in decomposed norms, cubes in tanh-GELU.">;
def ONNX_EqualOp : ONNX_BinaryOp<"Equal", "element-wise equality",
    "`C = (A == B)`, a boolean tensor.">;
def ONNX_LessOp : ONNX_BinaryOp<"Less", "element-wise less-than",
    "`C = (A < B)`, a boolean tensor (causal and sliding-window masks).">;
def ONNX_LessOrEqualOp : ONNX_BinaryOp<"LessOrEqual",
    "element-wise less-or-equal", "`C = (A <= B)`, a boolean tensor.">;
def ONNX_GreaterOp : ONNX_BinaryOp<"Greater", "element-wise greater-than",
    "`C = (A > B)`, a boolean tensor.">;
def ONNX_GreaterOrEqualOp : ONNX_BinaryOp<"GreaterOrEqual",
    "element-wise greater-or-equal", "`C = (A >= B)`, a boolean tensor.">;
def ONNX_AndOp : ONNX_BinaryOp<"And", "element-wise logical and",
    "`C = A and B` on boolean tensors (combined attention masks).">;
def ONNX_OrOp : ONNX_BinaryOp<"Or", "element-wise logical or",
    "`C = A or B` on boolean tensors.">;
def ONNX_XorOp : ONNX_BinaryOp<"Xor", "element-wise logical exclusive or",
    "`C = A xor B` on boolean tensors.">;

def ONNX_ModOp : ONNX_NodeOp<"", "Mod"> {
  let summary = "element-wise remainder";
  let description = [{
    `C = A mod B` with broadcasting; `fmod` = 1 selects C's fmod semantics.
  }];
  let inputs = (ins AnyTensor:$A, AnyTensor:$B);
  let attrs = (ins ONNX_Int:$fmod);
  let results = (outs AnyTensor:$C);
}

// Variadic element-wise ops.
class ONNX_VariadicOp<string opType, string brief>
    : ONNX_NodeOp<"", opType> {
  let summary = brief;
  let description = [{
    Element-wise over any number of broadcast inputs.
  }];
  let inputs = (ins Variadic<AnyTensor>:$data_0);
  let results = (outs AnyTensor:$result);
  let variadicInputs = 1;
}
def ONNX_MaxOp : ONNX_VariadicOp<"Max", "element-wise maximum">;
def ONNX_MinOp : ONNX_VariadicOp<"Min", "element-wise minimum">;
def ONNX_SumOp : ONNX_VariadicOp<"Sum", "element-wise sum of all inputs">;
def ONNX_MeanOp : ONNX_VariadicOp<"Mean", "element-wise mean of all inputs">;

def ONNX_SqrtOp : ONNX_UnaryOp<"Sqrt", "element-wise square root",
    "`Y = sqrt(X)`: the root of decomposed RMSNorm and LayerNorm.">;
def ONNX_ReciprocalOp : ONNX_UnaryOp<"Reciprocal", "element-wise 1/x",
    "`Y = 1 / X`: torch exports `rsqrt` as Sqrt then Reciprocal.">;
def ONNX_NegOp : ONNX_UnaryOp<"Neg", "element-wise negation",
    "`Y = -X`: rotary embedding's `rotate_half`.">;
def ONNX_AbsOp : ONNX_UnaryOp<"Abs", "element-wise absolute value",
    "`Y = |X|`.">;
def ONNX_ExpOp : ONNX_UnaryOp<"Exp", "element-wise exponential",
    "`Y = e^X`.">;
def ONNX_LogOp : ONNX_UnaryOp<"Log", "element-wise natural logarithm",
    "`Y = ln(X)`.">;
def ONNX_SigmoidOp : ONNX_UnaryOp<"Sigmoid", "element-wise logistic function",
    "`Y = 1 / (1 + e^-X)`: SiLU is exported as `X * Sigmoid(X)`.">;
def ONNX_TanhOp : ONNX_UnaryOp<"Tanh", "element-wise hyperbolic tangent",
    "`Y = tanh(X)`: the tanh approximation of GELU (`gelu_new`).">;
def ONNX_ErfOp : ONNX_UnaryOp<"Erf", "element-wise error function",
    "`Y = erf(X)`: exact GELU is `0.5 X (1 + erf(X / sqrt(2)))`.">;
def ONNX_ReluOp : ONNX_UnaryOp<"Relu", "element-wise rectified linear unit",
    "`Y = max(0, X)`: OPT's MLP activation.">;
def ONNX_CosOp : ONNX_UnaryOp<"Cos", "element-wise cosine",
    "`Y = cos(X)`: rotary tables computed in the graph.">;
def ONNX_SinOp : ONNX_UnaryOp<"Sin", "element-wise sine",
    "`Y = sin(X)`: rotary tables computed in the graph.">;
def ONNX_NotOp : ONNX_UnaryOp<"Not", "element-wise logical not",
    "`Y = not X` on boolean tensors.">;
def ONNX_IdentityOp : ONNX_UnaryOp<"Identity", "the input unchanged",
    "`Y = X`: torch uses it to alias deduplicated initializers.">;
def ONNX_FloorOp : ONNX_UnaryOp<"Floor", "element-wise floor",
    "`Y = floor(X)`.">;
def ONNX_CeilOp : ONNX_UnaryOp<"Ceil", "element-wise ceiling",
    "`Y = ceil(X)`.">;
def ONNX_SoftplusOp : ONNX_UnaryOp<"Softplus", "element-wise softplus",
    "`Y = ln(1 + e^X)`.">;
def ONNX_SoftsignOp : ONNX_UnaryOp<"Softsign", "element-wise softsign",
    "`Y = X / (1 + |X|)`.">;
def ONNX_SignOp : ONNX_UnaryOp<"Sign", "element-wise sign",
    "`Y = -1, 0 or 1` as X is negative, zero or positive.">;
def ONNX_RoundOp : ONNX_UnaryOp<"Round", "element-wise round half to even",
    "`Y = round(X)`.">;
def ONNX_IsNaNOp : ONNX_UnaryOp<"IsNaN", "element-wise NaN test",
    "`Y = isnan(X)`: masks that guard against NaN scores.">;
def ONNX_HardSwishOp : ONNX_UnaryOp<"HardSwish", "hard swish (opset 14)",
    "`Y = X * max(0, min(1, X / 6 + 0.5))`: MobileNetV3's activation.">;
def ONNX_MishOp : ONNX_UnaryOp<"Mish", "Mish activation (opset 18)",
    "`Y = X * tanh(softplus(X))`.">;

def ONNX_SwishOp : ONNX_NodeOp<"", "Swish"> {
  let summary = "Swish / SiLU activation (opset 24)";
  let description = [{
    `Y = X * sigmoid(alpha * X)`, `alpha` 1.0 by default: SiLU. The
    normalisation (`--onnx-normalize`) rewrites `X * Sigmoid(X)` and
    QuickGELU (`alpha` 1.702) to this op.
  }];
  let inputs = (ins AnyTensor:$X);
  let attrs = (ins ONNX_Float:$alpha);
  let results = (outs AnyTensor:$Y);
}

def ONNX_HardSigmoidOp : ONNX_NodeOp<"", "HardSigmoid"> {
  let summary = "element-wise hard sigmoid";
  let description = "`Y = max(0, min(1, alpha * X + beta))`.";
  let inputs = (ins AnyTensor:$X);
  let attrs = (ins ONNX_Float:$alpha, ONNX_Float:$beta);
  let results = (outs AnyTensor:$Y);
}

def ONNX_EluOp : ONNX_NodeOp<"", "Elu"> {
  let summary = "element-wise exponential linear unit";
  let description = "`Y = X` for positive X, `alpha * (e^X - 1)` otherwise.";
  let inputs = (ins AnyTensor:$X);
  let attrs = (ins ONNX_Float:$alpha);
  let results = (outs AnyTensor:$Y);
}

def ONNX_SeluOp : ONNX_NodeOp<"", "Selu"> {
  let summary = "element-wise scaled exponential linear unit";
  let description = "`Y = gamma * elu(X, alpha)`.";
  let inputs = (ins AnyTensor:$X);
  let attrs = (ins ONNX_Float:$alpha, ONNX_Float:$gamma);
  let results = (outs AnyTensor:$Y);
}

def ONNX_CeluOp : ONNX_NodeOp<"", "Celu"> {
  let summary = "element-wise continuously differentiable ELU";
  let description = "`Y = max(0, X) + min(0, alpha * (e^(X / alpha) - 1))`.";
  let inputs = (ins AnyTensor:$X);
  let attrs = (ins ONNX_Float:$alpha);
  let results = (outs AnyTensor:$Y);
}

def ONNX_ThresholdedReluOp : ONNX_NodeOp<"", "ThresholdedRelu"> {
  let summary = "element-wise thresholded rectified linear unit";
  let description = "`Y = X` where `X > alpha`, 0 elsewhere.";
  let inputs = (ins AnyTensor:$X);
  let attrs = (ins ONNX_Float:$alpha);
  let results = (outs AnyTensor:$Y);
}

def ONNX_PReluOp : ONNX_NodeOp<"", "PRelu"> {
  let summary = "element-wise parametric rectified linear unit";
  let description = "`Y = X` for positive X, `slope * X` otherwise.";
  let inputs = (ins AnyTensor:$X, AnyTensor:$slope);
  let results = (outs AnyTensor:$Y);
}

def ONNX_GeluOp : ONNX_NodeOp<"", "Gelu"> {
  let summary = "Gaussian error linear unit (opset 20)";
  let description = [{
    `Y = 0.5 X (1 + erf(X / sqrt(2)))`, or its tanh approximation when
    `approximate` is "tanh".
  }];
  let inputs = (ins AnyTensor:$X);
  let attrs = (ins ONNX_String:$approximate);
  let results = (outs AnyTensor:$Y);
}

def ONNX_LeakyReluOp : ONNX_NodeOp<"", "LeakyRelu"> {
  let summary = "element-wise leaky rectified linear unit";
  let description = "`Y = X` for positive X, `alpha * X` otherwise.";
  let inputs = (ins AnyTensor:$X);
  let attrs = (ins ONNX_Float:$alpha);
  let results = (outs AnyTensor:$Y);
}

def ONNX_ClipOp : ONNX_NodeOp<"", "Clip"> {
  let summary = "element-wise clamp to [min, max]";
  let description = [{
    Clamps `input` to the optional `min` and `max` inputs (attributes before
    opset 11).
  }];
  let inputs = (ins AnyTensor:$input, ONNX_OptTensor:$min_input,
                    ONNX_OptTensor:$max_input);
  let attrs = (ins ONNX_Float:$min, ONNX_Float:$max);
  let results = (outs AnyTensor:$output);
}

def ONNX_WhereOp : ONNX_NodeOp<"", "Where"> {
  let summary = "element-wise select";
  let description = [{
    `output = condition ? X : Y` with broadcasting: GPT-2's causal mask
    (`where(tril, scores, -inf)`) and mask reformatting.
  }];
  let inputs = (ins AnyTensor:$condition, AnyTensor:$X, AnyTensor:$Y);
  let results = (outs AnyTensor:$output);
}

def ONNX_CastOp : ONNX_NodeOp<"", "Cast"> {
  let summary = "element type conversion";
  let description = [{
    Converts `input` to the ONNX data type `to` (1 float, 10 float16,
    16 bfloat16, 7 int64, 6 int32, 9 bool, ...).
  }];
  let inputs = (ins AnyTensor:$input);
  let attrs = (ins I64Attr:$to, ONNX_Int:$saturate, ONNX_String:$round_mode);
  let results = (outs AnyTensor:$output);
}

def ONNX_CastLikeOp : ONNX_NodeOp<"", "CastLike"> {
  let summary = "element type conversion to another tensor's type";
  let description = "Converts `input` to the element type of `target_type`.";
  let inputs = (ins AnyTensor:$input, AnyTensor:$target_type);
  let attrs = (ins ONNX_Int:$saturate, ONNX_String:$round_mode);
  let results = (outs AnyTensor:$output);
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

def ONNX_MatMulOp : ONNX_NodeOp<"", "MatMul"> {
  let summary = "matrix product with NumPy broadcasting";
  let description = [{
    `Y = A @ B`. With a weight as `B` (K x N) this is a linear layer:
    Q/K/V/output projections, MLP matrices, experts, routers and the LM head.
    With two activations it is attention's `Q Kᵀ` or `P V`.
  }];
  let inputs = (ins AnyTensor:$A, AnyTensor:$B);
  let results = (outs AnyTensor:$Y);
}

def ONNX_GemmOp : ONNX_NodeOp<"", "Gemm"> {
  let summary = "general matrix multiply of 2-D tensors";
  let description = [{
    `Y = alpha * op(A) @ op(B) + beta * C` where `op` transposes when
    `transA`/`transB` is 1: linear layers on flattened tokens (GPT-2's
    `addmm`, `nn.Linear` with bias on 2-D inputs).
  }];
  let inputs = (ins AnyTensor:$A, AnyTensor:$B, ONNX_OptTensor:$C);
  let attrs = (ins ONNX_Float:$alpha, ONNX_Float:$beta, ONNX_Int:$transA,
                   ONNX_Int:$transB);
  let results = (outs AnyTensor:$Y);
}

def ONNX_EinsumOp : ONNX_NodeOp<"", "Einsum"> {
  let summary = "Einstein summation";
  let description = "Contracts the inputs as the `equation` says.";
  let inputs = (ins Variadic<AnyTensor>:$Inputs);
  let attrs = (ins StrAttr:$equation);
  let results = (outs AnyTensor:$Output);
  let variadicInputs = 1;
}

//===----------------------------------------------------------------------===//
// Reductions, softmax, normalisation
//===----------------------------------------------------------------------===//

def ONNX_ReduceMeanOp : ONNX_ReduceOp<"ReduceMean", "mean over axes">;
def ONNX_ReduceSumOp : ONNX_ReduceOp<"ReduceSum", "sum over axes">;
def ONNX_ReduceMaxOp : ONNX_ReduceOp<"ReduceMax", "maximum over axes">;
def ONNX_ReduceMinOp : ONNX_ReduceOp<"ReduceMin", "minimum over axes">;
def ONNX_ReduceProdOp : ONNX_ReduceOp<"ReduceProd", "product over axes">;
def ONNX_ReduceSumSquareOp : ONNX_ReduceOp<"ReduceSumSquare",
    "sum of squares over axes">;
def ONNX_ReduceL2Op : ONNX_ReduceOp<"ReduceL2", "Euclidean norm over axes">;
def ONNX_ReduceL1Op : ONNX_ReduceOp<"ReduceL1", "sum of magnitudes over axes">;
def ONNX_ReduceLogSumExpOp : ONNX_ReduceOp<"ReduceLogSumExp",
    "log of the sum of exponentials over axes">;

def ONNX_SoftmaxOp : ONNX_NodeOp<"", "Softmax"> {
  let summary = "softmax along an axis";
  let description = [{
    Normalises `input` along `axis` (default -1 from opset 13): attention
    probabilities, and MoE routing weights before TopK.
  }];
  let inputs = (ins AnyTensor:$input);
  let attrs = (ins ONNX_Int:$axis);
  let results = (outs AnyTensor:$output);
}

def ONNX_LogSoftmaxOp : ONNX_NodeOp<"", "LogSoftmax"> {
  let summary = "log of softmax along an axis";
  let description = "`log(softmax(input, axis))`.";
  let inputs = (ins AnyTensor:$input);
  let attrs = (ins ONNX_Int:$axis);
  let results = (outs AnyTensor:$output);
}

def ONNX_LayerNormalizationOp : ONNX_NodeOp<"", "LayerNormalization"> {
  let summary = "layer normalization (opset 17)";
  let description = [{
    Normalises `X` over the axes from `axis` (default -1) to the end:
    `(X - mean) / sqrt(var + epsilon) * Scale + B`. `Mean` and `InvStdDev`
    are optional training outputs.
  }];
  let inputs = (ins AnyTensor:$X, AnyTensor:$Scale, ONNX_OptTensor:$B);
  let attrs = (ins ONNX_Int:$axis, ONNX_Float:$epsilon, ONNX_Int:$stash_type);
  let results = (outs AnyTensor:$Y, ONNX_OptResult:$Mean,
                      ONNX_OptResult:$InvStdDev);
}

def ONNX_RMSNormalizationOp : ONNX_NodeOp<"", "RMSNormalization"> {
  let summary = "root-mean-square normalization (opset 23)";
  let description = [{
    `Y = X / sqrt(mean(X^2) + epsilon) * scale` over the axes from `axis`
    (default -1): the norm of Llama-family models.
  }];
  let inputs = (ins AnyTensor:$X, AnyTensor:$scale);
  let attrs = (ins ONNX_Int:$axis, ONNX_Float:$epsilon, ONNX_Int:$stash_type);
  let results = (outs AnyTensor:$Y);
}

def ONNX_SimplifiedLayerNormalizationOp
    : ONNX_NodeOp<"", "SimplifiedLayerNormalization"> {
  let summary = "RMSNorm as onnxruntime registers it";
  let description = [{
    onnxruntime's RMSNorm (`X / sqrt(mean(X^2) + epsilon) * scale`),
    registered in the ai.onnx domain; the importer also maps the
    com.microsoft spelling here. `inv_std_var` is an optional output.
  }];
  let inputs = (ins AnyTensor:$X, AnyTensor:$scale);
  let attrs = (ins ONNX_Int:$axis, ONNX_Float:$epsilon, ONNX_Int:$stash_type);
  let results = (outs AnyTensor:$Y, ONNX_OptResult:$inv_std_var);
}

//===----------------------------------------------------------------------===//
// Shapes and data movement
//===----------------------------------------------------------------------===//

def ONNX_TransposeOp : ONNX_NodeOp<"", "Transpose"> {
  let summary = "permutation of dimensions";
  let description = [{
    Permutes the dimensions of `data` by `perm` (reversed when absent):
    splitting heads (`[0, 2, 1, 3]`), `Kᵀ` (`[0, 1, 3, 2]`), transposed
    weights (`[1, 0]`).
  }];
  let inputs = (ins AnyTensor:$data);
  let attrs = (ins ONNX_Ints:$perm);
  let results = (outs AnyTensor:$transposed);
  let hasVerifier = 1;
}

def ONNX_ReshapeOp : ONNX_NodeOp<"", "Reshape"> {
  let summary = "reshape to a shape tensor";
  let description = [{
    Reshapes `data` to `shape` (0 copies a dimension unless `allowzero`,
    -1 is inferred): splitting the hidden width into heads, merging them
    back, `repeat_kv`'s merge of KV heads and their copies.
  }];
  let inputs = (ins AnyTensor:$data, AnyTensor:$shape);
  let attrs = (ins ONNX_Int:$allowzero);
  let results = (outs AnyTensor:$reshaped);
}

def ONNX_FlattenOp : ONNX_NodeOp<"", "Flatten"> {
  let summary = "flatten to 2-D";
  let description = [{
    Flattens `input` to a matrix: dimensions before `axis` (default 1) form
    the rows.
  }];
  let inputs = (ins AnyTensor:$input);
  let attrs = (ins ONNX_Int:$axis);
  let results = (outs AnyTensor:$output);
}

def ONNX_UnsqueezeOp : ONNX_NodeOp<"", "Unsqueeze"> {
  let summary = "insert dimensions of size 1";
  let description = [{
    Inserts size-1 dimensions at `axes` (an input from opset 13, the `axes`
    attribute before).
  }];
  let inputs = (ins AnyTensor:$data, ONNX_OptTensor:$axes_input);
  let attrs = (ins ONNX_Ints:$axes);
  let results = (outs AnyTensor:$expanded);
}

def ONNX_SqueezeOp : ONNX_NodeOp<"", "Squeeze"> {
  let summary = "remove dimensions of size 1";
  let description = [{
    Removes size-1 dimensions at `axes` (an input from opset 13, the `axes`
    attribute before), or all of them when no axes are given.
  }];
  let inputs = (ins AnyTensor:$data, ONNX_OptTensor:$axes_input);
  let attrs = (ins ONNX_Ints:$axes);
  let results = (outs AnyTensor:$squeezed);
}

def ONNX_ExpandOp : ONNX_NodeOp<"", "Expand"> {
  let summary = "broadcast to a shape";
  let description = [{
    Broadcasts `input` to `shape`: `repeat_kv` expands each KV head to its
    group of query heads before a Reshape merges them.
  }];
  let inputs = (ins AnyTensor:$input, AnyTensor:$shape);
  let results = (outs AnyTensor:$output);
}

def ONNX_TileOp : ONNX_NodeOp<"", "Tile"> {
  let summary = "repeat a tensor along each axis";
  let description = "Repeats `input` `repeats[i]` times along axis i.";
  let inputs = (ins AnyTensor:$input, AnyTensor:$repeats);
  let results = (outs AnyTensor:$output);
}

def ONNX_ConcatOp : ONNX_NodeOp<"", "Concat"> {
  let summary = "concatenation along an axis";
  let description = [{
    Joins the inputs along `axis`: past and new keys/values of a KV cache,
    rotary halves, shape vectors.
  }];
  let inputs = (ins Variadic<AnyTensor>:$inputs);
  let attrs = (ins I64Attr:$axis);
  let results = (outs AnyTensor:$concat_result);
  let variadicInputs = 1;
}

def ONNX_SplitOp : ONNX_NodeOp<"", "Split"> {
  let summary = "split along an axis";
  let description = [{
    Splits `input` along `axis` into the outputs, by `split` sizes (an input
    from opset 13, an attribute before) or into `num_outputs` equal parts:
    fused QKV projections split into Q, K and V.
  }];
  let inputs = (ins AnyTensor:$input, ONNX_OptTensor:$split_input);
  let attrs = (ins ONNX_Int:$axis, ONNX_Ints:$split, ONNX_Int:$num_outputs);
  let results = (outs Variadic<AnyTensor>:$outputs);
  let variadicOutputs = 1;
}

def ONNX_SliceOp : ONNX_NodeOp<"", "Slice"> {
  let summary = "strided slice";
  let description = [{
    Takes `data[starts:ends:steps]` along `axes`: rotary halves
    (`x[..., :d/2]`, `x[..., d/2:]`), the causal-mask window of GPT-2's
    `bias` buffer, parts of fused projections.
  }];
  let inputs = (ins AnyTensor:$data, AnyTensor:$starts, AnyTensor:$ends,
                    ONNX_OptTensor:$axes, ONNX_OptTensor:$steps);
  let results = (outs AnyTensor:$output);
}

def ONNX_PadOp : ONNX_NodeOp<"", "Pad"> {
  let summary = "pad a tensor";
  let description = [{
    Pads `data` by `pads` (begin values then end values per axis) with
    `constant_value`, or by edge/reflect/wrap `mode`.
  }];
  let inputs = (ins AnyTensor:$data, AnyTensor:$pads,
                    ONNX_OptTensor:$constant_value, ONNX_OptTensor:$axes);
  let attrs = (ins ONNX_String:$mode);
  let results = (outs AnyTensor:$output);
}

def ONNX_GatherOp : ONNX_NodeOp<"", "Gather"> {
  let summary = "gather slices along an axis";
  let description = [{
    Picks slices of `data` along `axis` (default 0) at `indices`: token and
    position embeddings (a weight table indexed by ids), rows of rotary
    caches, dimensions of shape vectors, tokens routed to an expert.
  }];
  let inputs = (ins AnyTensor:$data, AnyTensor:$indices);
  let attrs = (ins ONNX_Int:$axis);
  let results = (outs AnyTensor:$output);
}

def ONNX_GatherElementsOp : ONNX_NodeOp<"", "GatherElements"> {
  let summary = "gather elements along an axis";
  let description = "Element-wise gather of `data` at `indices` on `axis`.";
  let inputs = (ins AnyTensor:$data, AnyTensor:$indices);
  let attrs = (ins ONNX_Int:$axis);
  let results = (outs AnyTensor:$output);
}

def ONNX_GatherNDOp : ONNX_NodeOp<"", "GatherND"> {
  let summary = "gather with index tuples";
  let description = [{
    Gathers slices of `data` addressed by the index tuples in `indices`
    (after `batch_dims` batch dimensions): advanced indexing such as
    `routing_weights[top_x, idx]`.
  }];
  let inputs = (ins AnyTensor:$data, AnyTensor:$indices);
  let attrs = (ins ONNX_Int:$batch_dims);
  let results = (outs AnyTensor:$output);
}

def ONNX_ScatterElementsOp : ONNX_NodeOp<"", "ScatterElements"> {
  let summary = "scatter updates along an axis";
  let description = [{
    Writes `updates` into a copy of `data` at `indices` along `axis`, or
    combines them by `reduction` (add, mul, max, min): MoE combine steps
    (`index_add`).
  }];
  let inputs = (ins AnyTensor:$data, AnyTensor:$indices, AnyTensor:$updates);
  let attrs = (ins ONNX_Int:$axis, ONNX_String:$reduction);
  let results = (outs AnyTensor:$output);
}

def ONNX_ScatterNDOp : ONNX_NodeOp<"", "ScatterND"> {
  let summary = "scatter updates at index tuples";
  let description = [{
    Writes (or, with `reduction`, combines) `updates` into a copy of `data`
    at the index tuples of `indices`: torch's `index_add` in MoE combines.
  }];
  let inputs = (ins AnyTensor:$data, AnyTensor:$indices, AnyTensor:$updates);
  let attrs = (ins ONNX_String:$reduction);
  let results = (outs AnyTensor:$output);
}

def ONNX_TensorScatterOp : ONNX_NodeOp<"", "TensorScatter"> {
  let summary = "write new entries into a static KV cache (opset 24)";
  let description = [{
    Writes `update` into a copy of `past_cache` along `axis` at
    `write_indices` (per batch entry; linear or circular `mode`): the KV
    update of static-cache decoders.
  }];
  let inputs = (ins AnyTensor:$past_cache, AnyTensor:$update,
                    ONNX_OptTensor:$write_indices);
  let attrs = (ins ONNX_Int:$axis, ONNX_String:$mode);
  let results = (outs AnyTensor:$present_cache);
}

def ONNX_ShapeOp : ONNX_NodeOp<"", "Shape"> {
  let summary = "the shape of a tensor";
  let description = [{
    The dimensions of `data` (from `start` to `end` in opset 15) as a 1-D
    int64 tensor: the dynamic sizes reshapes and masks are computed from.
  }];
  let inputs = (ins AnyTensor:$data);
  let attrs = (ins ONNX_Int:$start, ONNX_Int:$end);
  let results = (outs AnyTensor:$shape);
}

def ONNX_SizeOp : ONNX_NodeOp<"", "Size"> {
  let summary = "number of elements of a tensor";
  let description = "The number of elements of `data`, as an int64 scalar.";
  let inputs = (ins AnyTensor:$data);
  let results = (outs AnyTensor:$size);
}

def ONNX_ConstantOfShapeOp : ONNX_NodeOp<"", "ConstantOfShape"> {
  let summary = "a tensor of one value, shaped by an input";
  let description = [{
    A tensor of shape `input` filled with the single element of `value`
    (float 0 by default): mask templates.
  }];
  let inputs = (ins AnyTensor:$input);
  let attrs = (ins ONNX_TensorAttr:$value);
  let results = (outs AnyTensor:$output);
}

def ONNX_RangeOp : ONNX_NodeOp<"", "Range"> {
  let summary = "an arithmetic sequence";
  let description = [{
    `[start, start + delta, ...)` up to `limit`: positions for masks and
    rotary embedding.
  }];
  let inputs = (ins AnyTensor:$start, AnyTensor:$limit, AnyTensor:$delta);
  let results = (outs AnyTensor:$output);
}

def ONNX_TriluOp : ONNX_NodeOp<"", "Trilu"> {
  let summary = "upper or lower triangle of matrices";
  let description = [{
    Keeps the upper (`upper` = 1, the default) or lower triangle of the last
    two dimensions, offset by the optional diagonal `k`: causal masks.
  }];
  let inputs = (ins AnyTensor:$input, ONNX_OptTensor:$k);
  let attrs = (ins ONNX_Int:$upper);
  let results = (outs AnyTensor:$output);
}

def ONNX_CumSumOp : ONNX_NodeOp<"", "CumSum"> {
  let summary = "cumulative sum along an axis";
  let description = [{
    Running sum of `x` along `axis`: OPT computes positions as the
    cumulative sum of the attention mask.
  }];
  let inputs = (ins AnyTensor:$x, AnyTensor:$axis);
  let attrs = (ins ONNX_Int:$exclusive, ONNX_Int:$reverse);
  let results = (outs AnyTensor:$y);
}

def ONNX_DropoutOp : ONNX_NodeOp<"", "Dropout"> {
  let summary = "dropout (the identity at inference)";
  let description = [{
    Passes `data` through unchanged unless `training_mode` is true.
  }];
  let inputs = (ins AnyTensor:$data, ONNX_OptTensor:$ratio,
                    ONNX_OptTensor:$training_mode);
  let attrs = (ins ONNX_Int:$seed);
  let results = (outs AnyTensor:$output, ONNX_OptResult:$mask);
}

//===----------------------------------------------------------------------===//
// Indices and routing
//===----------------------------------------------------------------------===//

def ONNX_TopKOp : ONNX_NodeOp<"", "TopK"> {
  let summary = "the k largest (or smallest) elements along an axis";
  let description = [{
    Returns the `K` largest values along `axis` (default -1) and their
    indices: MoE routing picks each token's top-k experts.
  }];
  let inputs = (ins AnyTensor:$X, AnyTensor:$K);
  let attrs = (ins ONNX_Int:$axis, ONNX_Int:$largest, ONNX_Int:$sorted);
  let results = (outs AnyTensor:$Values, AnyTensor:$Indices);
}

def ONNX_ArgMaxOp : ONNX_NodeOp<"", "ArgMax"> {
  let summary = "index of the maximum along an axis";
  let description = "Indices of the largest elements of `data` on `axis`.";
  let inputs = (ins AnyTensor:$data);
  let attrs = (ins ONNX_Int:$axis, ONNX_Int:$keepdims,
                   ONNX_Int:$select_last_index);
  let results = (outs AnyTensor:$reduced);
}

def ONNX_OneHotOp : ONNX_NodeOp<"", "OneHot"> {
  let summary = "one-hot encoding";
  let description = [{
    Encodes `indices` as one-hot vectors of `depth` along `axis` with the
    off/on `values`: the expert mask of torch MoE exports.
  }];
  let inputs = (ins AnyTensor:$indices, AnyTensor:$depth, AnyTensor:$values);
  let attrs = (ins ONNX_Int:$axis);
  let results = (outs AnyTensor:$output);
}

def ONNX_NonZeroOp : ONNX_NodeOp<"", "NonZero"> {
  let summary = "indices of non-zero elements";
  let description = [{
    The coordinates of the non-zero elements of `X` (one row per
    dimension): `torch.where(expert_mask[e])` finds the tokens routed to
    expert e.
  }];
  let inputs = (ins AnyTensor:$X);
  let results = (outs AnyTensor:$Y);
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

def ONNX_DequantizeLinearOp : ONNX_NodeOp<"", "DequantizeLinear"> {
  let summary = "dequantize integers with a scale and zero point";
  let description = [{
    `y = (x - x_zero_point) * x_scale`, per tensor, per `axis` or per
    `block_size` block: QDQ-quantized weights feed MatMuls through it.
  }];
  let inputs = (ins AnyTensor:$x, AnyTensor:$x_scale,
                    ONNX_OptTensor:$x_zero_point);
  let attrs = (ins ONNX_Int:$axis, ONNX_Int:$block_size,
                   ONNX_Int:$output_dtype);
  let results = (outs AnyTensor:$y);
}

def ONNX_QuantizeLinearOp : ONNX_NodeOp<"", "QuantizeLinear"> {
  let summary = "quantize with a scale and zero point";
  let description = [{
    `y = saturate(round(x / y_scale) + y_zero_point)`, per tensor, per
    `axis` or per `block_size` block.
  }];
  let inputs = (ins AnyTensor:$x, AnyTensor:$y_scale,
                    ONNX_OptTensor:$y_zero_point);
  let attrs = (ins ONNX_Int:$axis, ONNX_Int:$block_size,
                   ONNX_Int:$output_dtype, ONNX_Int:$saturate);
  let results = (outs AnyTensor:$y);
}

//===----------------------------------------------------------------------===//
// Attention (opsets 23 and 24)
//===----------------------------------------------------------------------===//

def ONNX_AttentionOp : ONNX_NodeOp<"", "Attention"> {
  let summary = "scaled dot-product attention (opset 23)";
  let description = [{
    `softmax(Q Kᵀ * scale + mask) V` with `q_num_heads` query heads sharing
    `kv_num_heads` key/value heads (GQA) when the inputs are 3-D
    `[batch, sequence, heads * head_size]`. `past_key`/`past_value` are
    concatenated in front of K/V and returned as `present_key` and
    `present_value`; `is_causal` applies a causal mask; opset 24 adds
    `nonpad_kv_seqlen` for static caches.
  }];
  let inputs = (ins AnyTensor:$Q, AnyTensor:$K, AnyTensor:$V,
                    ONNX_OptTensor:$attn_mask, ONNX_OptTensor:$past_key,
                    ONNX_OptTensor:$past_value,
                    ONNX_OptTensor:$nonpad_kv_seqlen);
  let attrs = (ins ONNX_Int:$is_causal, ONNX_Int:$kv_num_heads,
                   ONNX_Int:$q_num_heads, ONNX_Int:$qk_matmul_output_mode,
                   ONNX_Float:$scale, ONNX_Float:$softcap,
                   ONNX_Int:$softmax_precision);
  let results = (outs AnyTensor:$Y, ONNX_OptResult:$present_key,
                      ONNX_OptResult:$present_value,
                      ONNX_OptResult:$qk_matmul_output);
}

def ONNX_RotaryEmbeddingOp : ONNX_NodeOp<"", "RotaryEmbedding"> {
  let summary = "rotary position embedding (opset 23)";
  let description = [{
    Rotates `X` by the angles in `cos_cache`/`sin_cache` (indexed by
    `position_ids` when given): halves (`interleaved` = 0) or adjacent pairs,
    the first `rotary_embedding_dim` dimensions of each of `num_heads` heads
    (all of them when 0).
  }];
  let inputs = (ins AnyTensor:$X, AnyTensor:$cos_cache, AnyTensor:$sin_cache,
                    ONNX_OptTensor:$position_ids);
  let attrs = (ins ONNX_Int:$interleaved, ONNX_Int:$num_heads,
                   ONNX_Int:$rotary_embedding_dim);
  let results = (outs AnyTensor:$Y);
}

#endif // DUPLEX_DIALECT_ONNX_IR_ONNXSTANDARDOPS_TD
