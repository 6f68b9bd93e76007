//===- DxAttrs.td - dx attributes --------------------------*- tablegen -*-===//

#ifndef DUPLEX_DIALECT_DX_IR_DXATTRS_TD
#define DUPLEX_DIALECT_DX_IR_DXATTRS_TD

include "duplex/Dialect/Dx/IR/DxBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "duplex/Dialect/Common/Parameters.td"

class Dx_Attr<string name, string attrMnemonic> :
    AttrDef<Dx_Dialect, name> {
  let mnemonic = attrMnemonic;
}

def Dx_UnitAttr : Dx_Attr<"ProcessingUnit", "unit"> {
  let summary = "a processing unit of the target system";
  let description = [{
    One processing unit of a device description, with the figures that
    decide placement: its `kind` (`gpu`, `xpu`, `logic_pim`, `bank_pim`,
    `bankgroup_pim`, `dimm_pim`, `rank_pim`), the memory it reads, its peak
    FP16 TFLOP/s, the bandwidth it streams from that memory (TB/s, from the
    memory organisation for PIM units) and the resulting ridge point
    (FLOP per byte where compute and memory time are equal).

    ```mlir
    #dx.unit<"logic_pim", kind = "logic_pim", memory = "hbm3",
             tflops = 106.5, tb_per_s = 13.4, ridge = 7.9>
    ```
  }];
  let parameters = (ins
    "::mlir::StringAttr":$name,
    "::mlir::StringAttr":$kind,
    "::mlir::StringAttr":$memory,
    DoubleParameter<"peak FP16 TFLOP/s">:$tflops,
    DoubleParameter<"memory bandwidth, TB/s">:$tb_per_s,
    DoubleParameter<"ridge point, FLOP/B">:$ridge
  );
  let assemblyFormat = [{
    `<` $name `,` `kind` `=` $kind `,` `memory` `=` $memory `,` `tflops` `=`
    $tflops `,` `tb_per_s` `=` $tb_per_s `,` `ridge` `=` $ridge `>`
  }];
}

def Dx_SystemAttr : Dx_Attr<"System", "system"> {
  let summary = "the target system of a module";
  let description = [{
    The device description a module is compiled for (a bundled name such as
    `duplex` or a file path), its topology (`devices` per node, `nodes`)
    and a summary of its units. Attached to the module as `dx.target`.

    ```mlir
    module attributes {dx.target = #dx.system<"duplex", devices = 4,
        nodes = 1, units = [#dx.unit<"xpu", ...>, #dx.unit<"logic_pim", ...>]>}
    ```
  }];
  let parameters = (ins
    "::mlir::StringAttr":$name,
    "int64_t":$devices,
    "int64_t":$nodes,
    "::mlir::ArrayAttr":$units
  );
  let assemblyFormat = [{
    `<` $name `,` `devices` `=` $devices `,` `nodes` `=` $nodes `,` `units`
    `=` $units `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The unit of that name, or null.
    ::duplex::dx::ProcessingUnitAttr findUnit(::llvm::StringRef unitName) const;
  }];
}

def Dx_StageAttr : Dx_Attr<"Stage", "stage"> {
  let summary = "the serving stage a module is analysed for";
  let description = [{
    A stage spec: prefill requests with their prompt lengths and decode
    requests with their context lengths, e.g.
    `#dx.stage<"prefill=2@4096,decode=62@1024">`. Attached to the module as
    `dx.stage`; the Op/B analysis and the partitioner read it when their
    `stage` option is not given. The spec is validated on parse.
  }];
  let parameters = (ins "::mlir::StringAttr":$spec);
  let assemblyFormat = "`<` $spec `>`";
  let genVerifyDecl = 1;
}

def Dx_WorkAttr : Dx_Attr<"Work", "work"> {
  let summary = "FLOPs, DRAM bytes and Op/B of one part of an op";
  let description = [{
    What one instance of an op (one layer, on one device) does in the
    module's stage: FLOPs, DRAM bytes read and written, and their ratio, the
    op's arithmetic intensity (Op/B). `part` is `whole`, or `prefill` /
    `decode` for the two halves of an attention op in a mixed stage.
    Attached by `--dx-opb-analysis` as the array `dx.work`.

    ```mlir
    dx.work = [#dx.work<"decode", flops = 1.07e+09, bytes = 2.68e+08, opb = 4.0>]
    ```
  }];
  let parameters = (ins
    "::mlir::StringAttr":$part,
    DoubleParameter<"FLOPs">:$flops,
    DoubleParameter<"DRAM bytes">:$bytes,
    DoubleParameter<"FLOPs per byte">:$opb
  );
  let assemblyFormat = [{
    `<` $part `,` `flops` `=` $flops `,` `bytes` `=` $bytes `,` `opb` `=`
    $opb `>`
  }];
}

def Dx_PlacementAttr : Dx_Attr<"Placement", "placement"> {
  let summary = "the unit an op, or a part of it, runs on";
  let description = [{
    Names a unit of the module's target system. `part` is `whole` for an op
    placed as one, or `prefill` / `decode` for the halves of an attention
    op, which a mixed stage may split across units. Attached by
    `--dx-partition` as the array `dx.placement`.

    ```mlir
    dx.placement = [#dx.placement<"prefill" on "xpu">,
                    #dx.placement<"decode" on "logic_pim">]
    ```
  }];
  let parameters = (ins "::mlir::StringAttr":$part,
                        "::mlir::StringAttr":$unit);
  let assemblyFormat = "`<` $part `on` $unit `>`";
}

#endif // DUPLEX_DIALECT_DX_IR_DXATTRS_TD
