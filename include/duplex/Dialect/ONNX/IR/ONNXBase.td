//===- ONNXBase.td - onnx dialect, types and op classes ----*- tablegen -*-===//
//
// The `onnx` dialect is the import dialect: one op per ONNX node, exactly as
// the exporter wrote the graph, before it is raised to `llm` ops. Its op
// table (the ops declared in ONNXOps.td, ONNXStandardOps.td and
// ONNXMicrosoftOps.td) decides which ONNX operators the importer supports;
// anything else becomes `onnx.custom`.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_DIALECT_ONNX_IR_ONNXBASE_TD
#define DUPLEX_DIALECT_ONNX_IR_ONNXBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def ONNX_Dialect : Dialect {
  let name = "onnx";
  let cppNamespace = "::duplex::onnx";
  let summary = "ONNX graphs as exported, for raising to the llm dialect";
  let description = [{
    The `onnx` dialect holds an imported ONNX model: an `onnx.graph` whose
    body has one op per ONNX node, in topological order, with the node's
    attributes. Standard (`ai.onnx`) operators keep their ONNX names
    (`onnx.MatMul`, `onnx.Softmax`); `com.microsoft` contrib operators carry
    an `ms.` prefix (`onnx.ms.GroupQueryAttention`). Optional inputs the node
    leaves out are the value of `onnx.none`; optional outputs it leaves out
    have type `none`.

    Initializers become `onnx.weight` (shape, element type, byte size and
    external-data location, never the data) or, for small integer tensors
    such as shapes and axes that the raise to `llm` needs, `onnx.constant`
    with the values inline. Tensor types are ranked with dynamic dimensions
    for symbolic ones (their names are kept in `onnx.dim_params` argument
    attributes) or unranked where the file gives no shape.

    The importer's op table is this dialect: the ops below are what it
    supports, for opsets 11 to 24 and the `com.microsoft` operators LLM
    exporters emit. A node outside the table becomes `onnx.custom`, and the
    importer warns with the node's name and domain.
  }];
  let useDefaultTypePrinterParser = 1;
}

def ONNX_StringType : TypeDef<ONNX_Dialect, "String"> {
  let mnemonic = "string";
  let summary = "element type of ONNX string tensors";
  let description = [{
    `!onnx.string` is the element type of `tensor(string)` values (tokenizer
    inputs and outputs): `tensor<?x!onnx.string>`. Strings have no fixed
    size, so such tensors have no byte size.
  }];
}

// A tensor an ONNX node may leave out: the value of `onnx.none` then.
def ONNX_OptTensor : AnyTypeOf<[AnyTensor, NoneType],
    "tensor, or none for an omitted optional input">;
// An output an ONNX node may leave out: it has type `none` then.
def ONNX_OptResult : AnyTypeOf<[AnyTensor, NoneType],
    "tensor, or none for an omitted optional output">;

// ONNX attributes, typed as the importer converts them: INT -> i64,
// FLOAT -> f32, STRING -> string, INTS/FLOATS -> dense arrays,
// TENSOR -> elements.
def ONNX_Int : OptionalAttr<I64Attr>;
def ONNX_Float : OptionalAttr<F32Attr>;
def ONNX_String : OptionalAttr<StrAttr>;
def ONNX_Ints : OptionalAttr<DenseI64ArrayAttr>;
def ONNX_Floats : OptionalAttr<DenseF32ArrayAttr>;
def ONNX_TensorAttr : OptionalAttr<ElementsAttr>;

class ONNX_Op<string mnemonic, list<Trait> traits = []> :
    Op<ONNX_Dialect, mnemonic, traits>;

// An op of the importer's table: the node `domain`::`opType` (domain "" is
// ai.onnx, "com.microsoft" gets the `ms.` prefix). Inputs and attributes
// are declared separately so the importer knows how many inputs the
// operator has; it passes every ONNX attribute by name.
class ONNX_NodeOp<string domain, string opType, list<Trait> traits = []> :
    ONNX_Op<!if(!eq(domain, ""), opType, "ms." # opType),
            !listconcat(traits, [Pure])> {
  dag inputs = (ins);
  dag attrs = (ins);
  // The last input is variadic (Concat, Max, Sum, ...).
  bit variadicInputs = 0;
  // The last output is variadic (Split).
  bit variadicOutputs = 0;
  string extraDeclarations = "";

  let arguments = !con(inputs, attrs);
  let assemblyFormat =
      "operands attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = [{
    /// The ONNX operator this op imports ("" is the ai.onnx domain).
    static constexpr ::llvm::StringLiteral getONNXDomain() {
      return ::llvm::StringLiteral("}] # domain # [{");
    }
    static constexpr ::llvm::StringLiteral getONNXOpType() {
      return ::llvm::StringLiteral("}] # opType # [{");
    }
    /// Inputs and outputs the operator declares; omitted optional ones are
    /// `none`. With a variadic last input/output, the minimum count.
    static constexpr unsigned getONNXNumInputs() { return }] #
        !size(inputs) # [{; }
    static constexpr unsigned getONNXNumOutputs() { return }] #
        !size(results) # [{; }
    static constexpr bool hasVariadicONNXInputs() { return }] #
        !if(variadicInputs, "true", "false") # [{; }
    static constexpr bool hasVariadicONNXOutputs() { return }] #
        !if(variadicOutputs, "true", "false") # [{; }
  }] # extraDeclarations;
}

// Element-wise op with one input `X` and one output `Y`.
class ONNX_UnaryOp<string opType, string brief, string details>
    : ONNX_NodeOp<"", opType> {
  let summary = brief;
  let description = details;
  let inputs = (ins AnyTensor:$X);
  let results = (outs AnyTensor:$Y);
}

// Element-wise op with NumPy broadcasting: `C = A op B`.
class ONNX_BinaryOp<string opType, string brief, string details>
    : ONNX_NodeOp<"", opType> {
  let summary = brief;
  let description = details # [{

    The operands broadcast as in NumPy (multidirectional broadcasting).
  }];
  let inputs = (ins AnyTensor:$A, AnyTensor:$B);
  let results = (outs AnyTensor:$C);
}

// Reduction over `axes` (an input from opset 13/18, an attribute before).
class ONNX_ReduceOp<string opType, string brief>
    : ONNX_NodeOp<"", opType> {
  let summary = brief;
  let description = [{
    Reduces `data` over `axes`, keeping reduced dimensions of size 1 when
    `keepdims` is 1 (the default). Opsets before 13 (ReduceSum) or 18 (the
    others) give `axes` as an attribute; later ones as the optional second
    input. Decomposed RMSNorm and LayerNorm reduce over the last axis.
  }];
  let inputs = (ins AnyTensor:$data, ONNX_OptTensor:$axes_input);
  let attrs = (ins ONNX_Ints:$axes, ONNX_Int:$keepdims,
                   ONNX_Int:$noop_with_empty_axes);
  let results = (outs AnyTensor:$reduced);
}

#endif // DUPLEX_DIALECT_ONNX_IR_ONNXBASE_TD
