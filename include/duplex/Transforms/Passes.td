//===- Passes.td - Duplex transformation and analysis passes -*- tablegen -*-===//

#ifndef DUPLEX_TRANSFORMS_PASSES_TD
#define DUPLEX_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def LLMPrintStats : Pass<"llm-print-stats", "mlir::ModuleOp"> {
  let summary = "Print parameter count, weight bytes and KV-cache bytes of "
                "every llm.model";
  let description = [{
    Walks each `llm.model` in the module (multiplying through `llm.repeat`
    counts) and prints, to stderr, its parameter count, active parameters
    per token (routed experts count `top_k` of `num_experts`), weight bytes
    (by each op's weight element type; int4 packs two weights per byte),
    KV-cache bytes per token (2 x num_kv_heads x head_dim x KV element size
    per attention layer) and a per-category breakdown: embedding,
    attention_projections, mlp, experts, router, norm, lm_head, other.

    The IR is not changed. `duplexc stats` prints the same figures.

    Example: `duplex-opt --llm-print-stats model.mlir -o /dev/null`.
  }];
  let options = [
    Option<"json", "json", "bool", /*default=*/"false",
           "Print one JSON object per model instead of a table">,
  ];
}

def DxOpBAnalysis : Pass<"dx-opb-analysis", "mlir::ModuleOp"> {
  let dependentDialects = ["::duplex::dx::DxDialect"];
  let summary = "Attach FLOPs, DRAM bytes and Op/B of a serving stage to "
                "every llm op";
  let description = [{
    For one serving stage — prefill requests with their prompt lengths,
    decode requests with their context lengths, and the tokens each expert
    receives — asks every op of each `llm.model` what it does (through
    `StageWorkOpInterface`) and attaches `dx.work`: one `#dx.work` per part
    of the op (attention in a mixed stage has a `prefill` and a `decode`
    part) with its FLOPs, DRAM bytes and Op/B for one layer on one device.

    The stage comes from the `stage` option (e.g. `decode=64@1024` or
    `prefill=2@4096,decode=62@1024`) or else the module's `dx.stage`
    attribute; a module with neither is an error. With `print`, a table is
    written to stderr.

    What to expect: a dense FC over T tokens has Op/B ≈ T; decode attention
    ≈ the GQA group size (num_heads / num_kv_heads); an expert that receives
    n tokens ≈ n; prefill attention grows with the prompt length.
  }];
  let options = [
    Option<"stage", "stage", "std::string", /*default=*/"\"\"",
           "Stage spec, e.g. decode=64@1024 (default: the module's dx.stage)">,
    Option<"routing", "routing", "std::string", /*default=*/"\"expected\"",
           "Tokens per expert: expected (uniform expectation), uniform "
           "(sampled), or zipf:S (sampled, skewed)">,
    Option<"seed", "seed", "uint64_t", /*default=*/"0",
           "Seed of sampled routing">,
    Option<"tensorParallel", "tensor-parallel", "unsigned", /*default=*/"1",
           "Devices sharing each layer (work is reported per device)">,
    Option<"print", "print", "bool", /*default=*/"false",
           "Print a table of the results to stderr">,
  ];
}

def DxPartition : Pass<"dx-partition", "mlir::ModuleOp"> {
  let dependentDialects = ["::duplex::dx::DxDialect"];
  let summary = "Place every op on the unit the cost model says is fastest";
  let description = [{
    Loads a device description (a bundled name such as `duplex`, `h100`,
    `dgx-a100-dimm-pim`, or a path), prices every part of every op of the
    module's stage on every unit that can run it — kernel time from the cost
    model plus the transfers a unit outside the host processor's memory
    needs — and places it on the fastest. No Op/B threshold is hard-coded;
    the break-even Op/B of each unit pair (ridge point) is derived from the
    device and reported with `print-ridge-points`.

    Results: `dx.placement` on every op (`#dx.placement<"decode" on
    "logic_pim">`), `dx.work` as the Op/B analysis attaches it,
    `dx.transfer` ops around parts placed in another memory (DIMM-PIM), and
    the module's `dx.target`. A model whose weights do not fit the devices,
    or a stage whose KV cache does not fit what is left, is an error that
    gives both sizes.

    `overrides` loads a placement file whose entries win over the cost
    model: a JSON object with a `placements` list of entries such as
    `{"match": "llm.moe", "unit": "xpu"}` or
    `{"index": 7, "part": "decode", "unit": "logic_pim"}`;
    `save-overrides` writes the chosen placement in that format.
  }];
  let options = [
    Option<"system", "system", "std::string", /*default=*/"\"\"",
           "Device description: bundled name or JSON path">,
    Option<"devices", "devices", "unsigned", /*default=*/"0",
           "Devices per node (0: as the description says)">,
    Option<"nodes", "nodes", "unsigned", /*default=*/"0",
           "Nodes (0: as the description says)">,
    Option<"stage", "stage", "std::string", /*default=*/"\"\"",
           "Stage spec (default: the module's dx.stage)">,
    Option<"routing", "routing", "std::string", /*default=*/"\"expected\"",
           "Tokens per expert: expected, uniform, zipf:S, or trace:FILE">,
    Option<"seed", "seed", "uint64_t", /*default=*/"0",
           "Seed of sampled routing">,
    Option<"expertTensorParallel", "expert-tensor-parallel", "bool",
           /*default=*/"false",
           "Split every expert across the devices of a node (Duplex+ET) "
           "instead of giving each device whole experts">,
    Option<"overrides", "overrides", "std::string", /*default=*/"\"\"",
           "Placement override file to apply">,
    Option<"saveOverrides", "save-overrides", "std::string",
           /*default=*/"\"\"", "Write the chosen placement to this file">,
    Option<"printRidgePoints", "print-ridge-points", "bool",
           /*default=*/"false",
           "Print the break-even Op/B of every unit pair to stderr">,
  ];
}

def DxSchedule : Pass<"dx-schedule", "mlir::ModuleOp"> {
  let dependentDialects = ["::duplex::dx::DxDialect"];
  let summary = "Build, evaluate and attach the co-processing schedule of a "
                "stage";
  let description = [{
    Places every op part of the module's `llm.model` for the stage (as
    `--dx-partition` does), builds the schedule of the chosen co-processing
    mode and evaluates it with the stage evaluator, then appends it to the
    module as a `dx.schedule` whose tasks carry their unit, dependencies,
    slice (experts, requests), duration and evaluated start/end times.

    Modes: `none` (one unit at a time: the Duplex paper's "Duplex"), `pe`
    (expert co-processing — the experts with the fewest tokens move to
    Logic-PIM one by one while that shortens the MoE layer — and attention
    co-processing: prefill attention on the xPU while decode attention runs
    on Logic-PIM; "Duplex+PE"), `pe-et` (plus experts split
    tensor-parallel inside a node; "Duplex+PE+ET"), `two-mini-batch` (two
    half batches alternating between the units, the alternative the paper
    rejects), and `l3` (L3/CHIME: two sub-batches interleave GPU work with
    DIMM-PIM decode attention; dense models on a system with DIMM-PIM,
    HBM-PIM or rank-PIM).
  }];
  let options = [
    Option<"system", "system", "std::string", /*default=*/"\"\"",
           "Device description: bundled name or JSON path">,
    Option<"devices", "devices", "unsigned", /*default=*/"0",
           "Devices per node (0: as the description says)">,
    Option<"nodes", "nodes", "unsigned", /*default=*/"0",
           "Nodes (0: as the description says)">,
    Option<"stage", "stage", "std::string", /*default=*/"\"\"",
           "Stage spec (default: the module's dx.stage)">,
    Option<"routing", "routing", "std::string", /*default=*/"\"expected\"",
           "Tokens per expert: expected, uniform, zipf:S, or trace:FILE">,
    Option<"seed", "seed", "uint64_t", /*default=*/"0",
           "Seed of sampled routing">,
    Option<"mode", "mode", "std::string", /*default=*/"\"pe\"",
           "none, pe, pe-et, two-mini-batch or l3">,
  ];
}

def DxEvaluateSchedule : Pass<"dx-evaluate-schedule", "mlir::ModuleOp"> {
  let dependentDialects = ["::duplex::dx::DxDialect"];
  let summary = "Evaluate every dx.schedule of the module";
  let description = [{
    List-schedules each `dx.schedule` of the module on a system: every unit
    and link runs its tasks in order, each task starts when its `after`
    tokens are complete and its unit is free, and takes its `seconds`
    (`layers` times for a segment of repeated layers). Writes each task's
    `start` and `end` (its first instance) and the schedule's `seconds` (the
    stage time: the segments plus the system's per-step and per-layer
    overheads when `overheads` is set).

    The system is the `system` option, else the module's `dx.target`. A
    task on a unit or link the system lacks is an error naming the task.
  }];
  let options = [
    Option<"system", "system", "std::string", /*default=*/"\"\"",
           "Device description (default: the module's dx.target)">,
    Option<"overheads", "overheads", "bool", /*default=*/"false",
           "Add the host processor's per-step and per-layer overheads">,
  ];
}

#endif // DUPLEX_TRANSFORMS_PASSES_TD
