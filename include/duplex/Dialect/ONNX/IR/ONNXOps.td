//===- ONNXOps.td - onnx dialect operations ----------------*- tablegen -*-===//
//
// The graph structure (graph, return, weight, constant, none, custom) here;
// the operator table in ONNXStandardOps.td (ai.onnx) and
// ONNXMicrosoftOps.td (com.microsoft).
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_DIALECT_ONNX_IR_ONNXOPS_TD
#define DUPLEX_DIALECT_ONNX_IR_ONNXOPS_TD

include "duplex/Dialect/ONNX/IR/ONNXBase.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/FunctionInterfaces.td"

def ONNX_GraphOp : ONNX_Op<"graph", [IsolatedFromAbove, FunctionOpInterface,
    SingleBlock, DeclareOpInterfaceMethods<OpAsmOpInterface,
                                           ["getAsmBlockArgumentNames"]>]> {
  let summary = "an ONNX model's main graph";
  let description = [{
    The graph of an imported ONNX model. Block arguments are the graph inputs
    (initializers excluded), `onnx.return` names the graph outputs. Argument
    and result attributes keep the ONNX names (`onnx.name`) and the names of
    symbolic dimensions (`onnx.dim_params`, "" for a static or unnamed
    dimension). The graph's attributes record where the model came from:
    `source` (the file), `ir_version`, `producer` and `opset_import` (domain
    to version, the standard domain as `ai.onnx`).

    ```mlir
    onnx.graph @main(%ids: tensor<?x?xi64> {onnx.name = "input_ids",
                                            onnx.dim_params = ["batch", "seq"]})
        -> (tensor<?x?x32000xf32> {onnx.name = "logits"})
        attributes {ir_version = 8 : i64, opset_import = {ai.onnx = 17 : i64},
                    source = "model.onnx"} {
      %w = onnx.weight "embed.weight" bytes(2048000) : tensor<32000x16xf32>
      ...
      onnx.return %logits : tensor<?x?x32000xf32>
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<FunctionType>:$function_type,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs,
                       OptionalAttr<StrAttr>:$source,
                       OptionalAttr<I64Attr>:$ir_version,
                       OptionalAttr<StrAttr>:$producer,
                       OptionalAttr<DictionaryAttr>:$opset_import);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::Region *getCallableRegion() { return &getBody(); }
    ::llvm::ArrayRef<::mlir::Type> getArgumentTypes() {
      return getFunctionType().getInputs();
    }
    ::llvm::ArrayRef<::mlir::Type> getResultTypes() {
      return getFunctionType().getResults();
    }
    /// The ONNX name of graph input `index` ("" if not recorded).
    ::llvm::StringRef getInputName(unsigned index);
    /// The ONNX name of graph output `index` ("" if not recorded).
    ::llvm::StringRef getOutputName(unsigned index);
    /// The version of `domain` in opset_import ("" is ai.onnx), if listed.
    std::optional<int64_t> getOpsetVersion(::llvm::StringRef domain);
  }];
}

def ONNX_ReturnOp : ONNX_Op<"return", [Pure, Terminator, ReturnLike,
    HasParent<"GraphOp">]> {
  let summary = "the outputs of an ONNX graph";
  let description = [{
    Terminates `onnx.graph` with the graph outputs, in the model's order:
    `onnx.return %logits, %present : tensor<...>, tensor<...>`.
  }];
  let arguments = (ins Variadic<AnyTensor>:$outputs);
  let assemblyFormat = "($outputs^ `:` type($outputs))? attr-dict";
  let hasVerifier = 1;
}

def ONNX_WeightOp : ONNX_Op<"weight", [Pure]> {
  let summary = "an initializer: shape, type and size, never the data";
  let description = [{
    A tensor stored in the model (an initializer, or a large `Constant`
    node). Its type gives shape and element type; `byte_size` the storage it
    takes (int4 packs two elements per byte). Weights are never loaded:
    tensors stored outside the model keep their external-data `location`
    (relative to the model's directory), `offset` and `length`; tensors
    stored inside it have no location and only their size is recorded.

    ```mlir
    %w = onnx.weight "model.layers.0.mlp.up_proj.weight" bytes(6144)
           external("model.onnx.data", offset 2048, length 6144)
           : tensor<16x96xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$byte_size,
                       OptionalAttr<StrAttr>:$location,
                       OptionalAttr<ConfinedAttr<I64Attr, [IntNonNegative]>>:
                           $offset,
                       OptionalAttr<ConfinedAttr<I64Attr, [IntNonNegative]>>:
                           $length);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $name `bytes` `(` $byte_size `)`
    (`external` `(` $location^ `,` `offset` $offset `,` `length` $length `)`)?
    attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Elements of the tensor (the product of its dimensions).
    int64_t getNumElements() {
      return ::llvm::cast<::mlir::RankedTensorType>(getType())
          .getNumElements();
    }
    bool isExternal() { return getLocation().has_value(); }
  }];
}

def ONNX_ConstantOp : ONNX_Op<"constant", [Pure, ConstantLike,
    AllTypesMatch<["value", "result"]>]> {
  let summary = "a small tensor kept inline (shapes, axes, scalars)";
  let description = [{
    A small tensor whose values the raise to `llm` reads: reshape targets,
    axes, slice bounds, scalars such as epsilons and scale factors. The
    importer inlines integer initializers and `Constant` nodes up to a size
    limit (4 KiB by default, `ImportOptions::inlineConstantLimit`); larger
    tensors become `onnx.weight`. `name` is the ONNX name of the tensor.

    ```mlir
    %shape = onnx.constant "shape" dense<[0, 0, 4, 16]> : tensor<4xi64>
    ```
  }];
  let arguments = (ins OptionalAttr<StrAttr>:$name, ElementsAttr:$value);
  let results = (outs AnyTensor:$result);
  let assemblyFormat = "($name^)? $value attr-dict";
}

def ONNX_NoneOp : ONNX_Op<"none", [Pure]> {
  let summary = "the value of an omitted optional input";
  let description = [{
    ONNX nodes leave optional inputs out (an empty name); the importer passes
    the result of `onnx.none` in their place so that every op has its inputs
    at fixed positions: `%none = onnx.none`.
  }];
  let results = (outs NoneType:$result);
  let assemblyFormat = "attr-dict";
}

def ONNX_CustomOp : ONNX_Op<"custom"> {
  let summary = "an ONNX node outside the importer's op table";
  let description = [{
    A node whose (domain, op_type) the importer does not know, kept with its
    inputs, outputs and attributes (`onnx_attributes`) so the graph stays
    complete. The importer warns for each one, naming the node and domain;
    the raise to `llm` reports any it cannot account for.

    ```mlir
    %y = onnx.custom "com.example" "FancyNorm"(%x)
           {onnx_attributes = {eps = 1.0e-05 : f32}}
           : (tensor<?x64xf32>) -> tensor<*xf32>
    ```
  }];
  let arguments = (ins Variadic<ONNX_OptTensor>:$inputs, StrAttr:$domain,
                       StrAttr:$op_type,
                       OptionalAttr<DictionaryAttr>:$onnx_attributes);
  let results = (outs Variadic<ONNX_OptResult>:$outputs);
  let assemblyFormat = [{
    $domain $op_type `(` $inputs `)` attr-dict `:`
    functional-type($inputs, $outputs)
  }];
}

include "duplex/Dialect/ONNX/IR/ONNXStandardOps.td"
include "duplex/Dialect/ONNX/IR/ONNXMicrosoftOps.td"

#endif // DUPLEX_DIALECT_ONNX_IR_ONNXOPS_TD
