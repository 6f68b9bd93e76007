//===- DxSchedule.td - dx schedule IR ----------------------*- tablegen -*-===//
//
// A schedule is a graph of tasks, each on one unit (or link) of the target
// system. Tasks of one unit run in the order they appear (the unit's
// stream); `after` operands add dependencies across streams.
//
//===----------------------------------------------------------------------===//

#ifndef DUPLEX_DIALECT_DX_IR_DXSCHEDULE_TD
#define DUPLEX_DIALECT_DX_IR_DXSCHEDULE_TD

include "duplex/Dialect/Dx/IR/DxBase.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Dx_TokenType : TypeDef<Dx_Dialect, "Token"> {
  let mnemonic = "token";
  let summary = "completion of a task";
  let description = [{
    The value a `dx.task` or `dx.sync` produces: it is complete when the
    task ends. Passing it to another task's `after` list makes that task
    wait for it.
  }];
  let builderCall = "$_builder.getType<::duplex::dx::TokenType>()";
}

def Dx_ScheduleOp : Op<Dx_Dialect, "schedule", [Symbol,
    GraphRegionNoTerminator, NoRegionArguments]> {
  let summary = "a co-processing schedule of one serving stage";
  let description = [{
    The tasks of one stage on the units and links of the target system.
    `units` names every unit and link a task may use; a task on any other is
    an error, and so is a dependency cycle. Tasks of one unit form its
    stream and run in the order they appear; `after` operands order tasks
    across streams. Consecutive tasks with the same `layers` count form a
    segment that stands for that many decoder layers: it is evaluated once
    and counted `layers` times, after the previous segment ends.

    `mode` records how the schedule was made: `none` (one unit at a time,
    the Duplex paper's "Duplex"), `pe` (expert and attention co-processing,
    "Duplex+PE"), `pe-et` (plus tensor-parallel experts, "Duplex+PE+ET"),
    `two-mini-batch` (the alternative the paper rejects), `l3` (DIMM-PIM
    sub-batch interleaving). `seconds` is the evaluated stage time;
    `decoder_layers` the model's layer count, which the system's per-layer
    overhead is charged for.

    ```mlir
    dx.schedule @stage units ["xpu", "logic_pim"] attributes {mode = "pe"} {
      %0 = dx.task "qkv" on "xpu" {category = "fc", layers = 32,
             seconds = 8.4e-06}
      %1 = dx.task "attention.decode" on "logic_pim" after(%0)
             {category = "attention_decode", layers = 32, seconds = 1.0e-05}
      %2 = dx.sync after(%1) {layers = 32}
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, StrArrayAttr:$units,
                       OptionalAttr<StrAttr>:$mode,
                       OptionalAttr<StrAttr>:$stage,
                       OptionalAttr<ConfinedAttr<I64Attr, [IntNonNegative]>>:
                           $decoder_layers,
                       OptionalAttr<F64Attr>:$seconds);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $sym_name `units` $units attr-dict-with-keyword $body
  }];
  let hasVerifier = 1;
}

def Dx_TaskOp : Op<Dx_Dialect, "task", [HasParent<"ScheduleOp">]> {
  let summary = "a piece of work on one unit";
  let description = [{
    One op of the model, or a slice of one (`slice`: a subset of experts,
    of requests, of heads — e.g. `"experts=0,3,5"`, `"requests=0..31"`),
    or a transfer on a link, running on `unit`. It starts when every `after`
    token is complete and the previous task of its unit has ended, and
    takes `seconds`, `layers` times over (one per decoder layer it stands
    for). `category` buckets it for time and energy breakdowns:
    `fc`, `attention_prefill`, `attention_decode`, `moe`, `communication`,
    `other`. `op` is the index of the model op it comes from (as in
    `duplexc compile --emit=opb`); `flops`, `bytes` and `joules` carry the
    cost model's figures; `start` and `end` are set by evaluation.

    ```mlir
    %3 = dx.task "moe.experts" on "logic_pim" after(%1)
           {category = "moe", slice = "experts=2,6", seconds = 6.1e-05}
    ```
  }];
  let arguments = (ins StrAttr:$name, StrAttr:$unit,
                       Variadic<Dx_TokenType>:$after, StrAttr:$category,
                       F64Attr:$seconds,
                       DefaultValuedAttr<ConfinedAttr<I64Attr, [IntPositive]>,
                                         "1">:$layers,
                       OptionalAttr<StrAttr>:$slice,
                       OptionalAttr<I64Attr>:$op,
                       OptionalAttr<F64Attr>:$flops,
                       OptionalAttr<F64Attr>:$bytes,
                       OptionalAttr<F64Attr>:$joules,
                       OptionalAttr<F64Attr>:$start,
                       OptionalAttr<F64Attr>:$end);
  let results = (outs Dx_TokenType:$done);
  let assemblyFormat = [{
    $name `on` $unit (`after` `(` $after^ `)`)? attr-dict
  }];
  let hasVerifier = 1;
}

def Dx_SyncOp : Op<Dx_Dialect, "sync", [HasParent<"ScheduleOp">]> {
  let summary = "waits for several tasks";
  let description = [{
    Complete when every `after` token is: a barrier between phases of a
    stage (e.g. the end of a layer before the next starts).

    ```mlir
    %9 = dx.sync after(%4, %8)
    ```
  }];
  let arguments = (ins Variadic<Dx_TokenType>:$after,
                       DefaultValuedAttr<ConfinedAttr<I64Attr, [IntPositive]>,
                                         "1">:$layers);
  let results = (outs Dx_TokenType:$done);
  let assemblyFormat = "`after` `(` $after `)` attr-dict";
}

#endif // DUPLEX_DIALECT_DX_IR_DXSCHEDULE_TD
