//===- DxOps.td - dx dialect operations --------------------*- tablegen -*-===//

#ifndef DUPLEX_DIALECT_DX_IR_DXOPS_TD
#define DUPLEX_DIALECT_DX_IR_DXOPS_TD

include "duplex/Dialect/Dx/IR/DxAttrs.td"
include "duplex/Dialect/Dx/IR/DxSchedule.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

class Dx_Op<string mnemonic, list<Trait> traits = []> :
    Op<Dx_Dialect, mnemonic, traits>;

def Dx_TransferOp : Dx_Op<"transfer", [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "moves a value between units that read different memories";
  let description = [{
    Inserted by the partitioner where a value produced on one unit is
    consumed on a unit that reads another memory, e.g. the Q/K/V of decode
    requests sent from a GPU's HBM to DIMM-PIM over PCIe and the attention
    output sent back. `link` names the link of the target system that
    carries it (`pcie`, `nvlink`, `infiniband`); `bytes` is what one device
    sends for one layer in the module's stage, and `seconds` what the cost
    model charges for it.

    ```mlir
    %t = dx.transfer %q from "gpu" to "dimm_pim" over "pcie"
           {bytes = 1048576.0, seconds = 3.3e-05} : !llm.act<4096>
    ```
  }];
  let arguments = (ins AnyType:$input, StrAttr:$from, StrAttr:$to,
                       StrAttr:$link, F64Attr:$bytes, F64Attr:$seconds);
  let results = (outs AnyType:$result);
  let assemblyFormat = [{
    $input `from` $from `to` $to `over` $link attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

#endif // DUPLEX_DIALECT_DX_IR_DXOPS_TD
