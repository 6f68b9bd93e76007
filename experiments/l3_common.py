"""What the L3/CHIME experiments share: the systems, the models with the
paper's parallelism, the traces, and one simulation point.

CHIME (arXiv 2504.17584 v2; ../shared/reference/l3-dimm-pim.md) runs every
model on one DGX-A100 (8 A100-80GB) with one set of 32 PIM DIMMs (2 TB):
OPT-66B as TP2 x DP4, Qwen-72B as TP4 x DP2, GPT-175B as TP8. Data-parallel
replicas inside the box are `--replicas-per-node`: each replica serves its
share of the requests with its own GPUs, and all of them share the host's
DIMM-PIM (capacity split evenly, every GPU's attention on the same banks).
"""
import os

import common
import l3_traces

# (label, device file, --coprocess): GPU-only runs attention on the GPUs;
# every PIM system runs L3's sub-batch interleaving (HBM-PIM "with
# sub-batching", as CHIME configures its AttAcc/NeuPIMs-style baseline).
SYSTEMS = [
    ('GPU-only', 'dgx-a100', 'none'),
    ('HBM-PIM', 'dgx-a100-hbm-pim', 'l3'),
    ('HBM-PIM-EXT', 'dgx-a100-hbm-pim-ext', 'l3'),
    ('R-PIM', 'dgx-a100-rank-pim', 'l3'),
    ('DIMM-PIM', 'dgx-a100-dimm-pim', 'l3'),
]

# (label, bundled model, tensor parallel, data-parallel replicas per node).
MODELS = [
    ('OPT-66B', 'opt-66b', 2, 4),
    ('Qwen-72B', 'qwen-72b', 4, 2),
    ('GPT-175B', 'gpt3-175b', 8, 1),
]

TRACES = list(l3_traces.DATASETS)

# Where the KV cache lives in the GPUs' own HBM (GPU-only, HBM-PIM and
# HBM-PIM-EXT), a TP2
# replica of OPT-66B keeps 2 x (85.90 - 65.72) GB = 40.36 GB after its
# 131.44 GB of weights: 17,106 tokens at 2,359,296 B each, less than one
# request of the traces (up to 32,768 tokens; 229 of OpenR1's 1,000 exceed
# 17,106), which such a deployment could never serve. Those systems run
# OPT-66B as TP8 (one replica pooling all eight GPUs' HBM: 555.8 GB, 235,559
# tokens), the configuration a GPU-only deployment of a long-output workload
# would choose. Every other (model, system) pair keeps the paper's
# parallelism.
GPU_KV_SYSTEMS = {'GPU-only', 'HBM-PIM', 'HBM-PIM-EXT'}
GPU_KV_PARALLELISM = {'opt-66b': (8, 1)}


def parallelism(model, system):
    """(tensor parallel, replicas per node) of `model` on `system` (a label
    of SYSTEMS or of another DIMM-PIM variant)."""
    label, name, tp, dp = model
    if system in GPU_KV_SYSTEMS and name in GPU_KV_PARALLELISM:
        return GPU_KV_PARALLELISM[name]
    return tp, dp

# The serving loop admits requests while their KV cache fits; this bound on
# the running batch never binds (1,000 requests per trace).
UNBOUNDED_BATCH = 100000


def run_point(duplexc, model, tensor_parallel, replicas, device, coprocess,
              trace_file):
    """One simulation: throughput (output tokens over the whole run, all
    replicas) and the batch the node reached (time-weighted mean of requests
    per step, summed over replicas; and the largest)."""
    # The file, not the bundled copy: a refit of the base files and
    # l3_devices.py take effect without rebuilding duplexc.
    path = os.path.join(common.ROOT, 'devices', device + '.json')
    report = common.simulate(
        duplexc, model, path, devices=tensor_parallel,
        replicas_per_node=replicas, coprocess=coprocess, trace=trace_file,
        batch=UNBOUNDED_BATCH)
    return {
        'throughput_tokens_per_s': report['throughput_tokens_per_s'],
        'batch_mean': report['batch']['mean'],
        'batch_max': report['batch']['max'],
        'preemptions': report['preemptions'],
        'simulated_seconds': report['simulated_seconds'],
        'generated_tokens': report['generated_tokens'],
    }


def trace_files(requests=l3_traces.REQUESTS, folder=l3_traces.TRACE_DIR):
    """{trace name: path}, written (deterministically) if missing."""
    return {name: l3_traces.write_trace(name, requests, folder=folder)
            for name in TRACES}


def run_grid(args, systems):
    """Every (model, trace, system) point, run `args.jobs` at a time;
    `systems` are (label, device, coprocess). --quick keeps GPT-175B on
    OpenR1. Returns (models, traces, points, results)."""
    models, traces = MODELS, TRACES
    if args.quick:
        models = [m for m in models if m[1] == 'gpt3-175b']
        traces = ['openr1']
    files = trace_files()
    points = [(model, trace, system) for model in models for trace in traces
              for system in systems]

    def run(point):
        model, trace, (system, device, coprocess) = point
        tp, dp = parallelism(model, system)
        return dict(tp=tp, dp=dp, **run_point(
            args.duplexc, model[1], tp, dp, device, coprocess, files[trace]))

    return models, traces, points, common.run_points(run, points, args.jobs)
