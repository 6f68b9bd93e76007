//===- DxBase.td - dx dialect definition -------------------*- tablegen -*-===//

#ifndef DUPLEX_DIALECT_DX_IR_DXBASE_TD
#define DUPLEX_DIALECT_DX_IR_DXBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Dx_Dialect : Dialect {
  let name = "dx";
  let cppNamespace = "::duplex::dx";
  let summary = "Devices, placements, transfers and schedules";
  let description = [{
    The `dx` dialect carries what the compiler decides about hardware:

    - the target system of a module (`#dx.system`, attached as `dx.target`),
      summarising the units of a device description (`devices/*.json`);
    - the serving stage a module is compiled for (`#dx.stage`, attached as
      `dx.stage`);
    - the Op/B analysis result of each op (`#dx.work`, attached as
      `dx.work`);
    - the unit each op (or each part of an attention op) runs on
      (`#dx.placement`, attached as `dx.placement`);
    - explicit data movement where placement changes memories
      (`dx.transfer`);
    - co-processing schedules (`dx.schedule`): per-unit streams of tasks
      (`dx.task`, each an op or a slice of one: a subset of experts, of
      requests, of heads) with dependencies (`!dx.token` operands) and
      synchronisation (`dx.sync`), readable and testable on their own.

    Hardware numbers in these attributes are copied from the device
    description the module was compiled for; they are never literals of the
    compiler.
  }];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
}

#endif // DUPLEX_DIALECT_DX_IR_DXBASE_TD
