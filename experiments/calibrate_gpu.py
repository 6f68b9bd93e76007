#!/usr/bin/env python3
"""GPU cost-model calibration against published measurements.

Every row of experiments/configs/gpu_measurements.csv (Argonne
LLM-Inference-Bench batch latencies and Splitwise H100 prompt/decode profiles,
from reference/gpu-measurements.md; TensorRT-LLM's published H100 FP8
throughput at maximum load) is replayed with `duplexc simulate` on the bundled
GPU device files, the way its framework runs (a TRT-LLM row with --scheduler
trtllm, which also applies the `trtllm` runtime section of the `measured`
calibration profile), and the prediction is compared with the measurement.

  /usr/bin/python3 experiments/calibrate_gpu.py                  # errors now
  /usr/bin/python3 experiments/calibrate_gpu.py --fit            # device files
  /usr/bin/python3 experiments/calibrate_gpu.py --fit --runtime trtllm

The calibrated constants are the GPU unit's `calibration` block:
compute_efficiency, memory_bandwidth_efficiency (the roofline's eta),
kernel_launch_overhead_us, per_layer_overhead_us and per_step_overhead_us.
`--fit` searches a grid of the two efficiencies; for each, the three fixed
overheads enter every prediction linearly (the runs' stage, layer and kernel
counts do not depend on them), so they are solved exactly by non-negative
least squares on the relative errors. It prints the best five values; they
are written into the device files by hand, with this script as their source.

`--fit` fits the device files on the Argonne and Splitwise rows (every
framework, replayed under the default scheduler): the framework-neutral
default. `--fit --runtime trtllm` fits calibration/measured.json's `trtllm`
runtime section on the TRT-LLM rows alone (Argonne's and TensorRT-LLM's own),
replayed with --scheduler trtllm.
"""
import csv
import itertools
import json
import os
import sys
import tempfile

import numpy

import common

MEASUREMENTS = os.path.join(common.HERE, 'configs', 'gpu_measurements.csv')
OVERHEADS = ['kernel_launch_overhead_us', 'per_layer_overhead_us',
             'per_step_overhead_us']
COLUMNS = ['source', 'hardware', 'devices', 'model', 'framework', 'experts',
           'batch', 'lin', 'lout', 'dtype', 'requests', 'metric', 'measured',
           'roofline_floor',
           'predicted', 'error_pct']
# The rows the device files' calibration is fitted on.
DEVICE_FIT_SOURCES = ('argonne', 'splitwise')
# A framework's --scheduler policy, whose runtime calibration section the
# `measured` profile may hold.
SCHEDULER_OF_FRAMEWORK = {'TRT-LLM': 'trtllm'}
PROFILES = os.path.join(os.path.dirname(common.HERE), 'calibration')
IDEAL = dict(compute_efficiency=1.0, memory_bandwidth_efficiency=1.0,
             kernel_launch_overhead_us=0.0, per_layer_overhead_us=0.0,
             per_step_overhead_us=0.0, compute_memory_unhidden_fraction=0.0)


def read_measurements(path=MEASUREMENTS):
    with open(path, encoding='utf-8') as stream:
        lines = [line for line in stream if not line.startswith('#')]
    return list(csv.DictReader(lines, restval=''))


def simulate_options(row, runtime=True):
    """The `duplexc simulate` run that reproduces a measurement: one batch of
    identical requests (closed loop, nothing replaced), fixed lengths; or, at
    maximum load or a fixed concurrency, `requests` requests kept `batch` at
    a time. `runtime`
    replays the row under its framework's scheduler."""
    batch = int(row['batch'])
    lin = int(row['lin'])
    requests = int(row['requests']) if row.get('requests') else batch
    options = dict(devices=int(row['devices']), closed_loop=True, batch=batch,
                   requests=requests, lin=lin, len_std=0, seed=0)
    if runtime and row['framework'] in SCHEDULER_OF_FRAMEWORK:
        options['scheduler'] = SCHEDULER_OF_FRAMEWORK[row['framework']]
    if row.get('dtype'):
        options['weight_dtype'] = options['kv_dtype'] = row['dtype']
    if row['experts'] == 'tp':
        options['coprocess'] = 'pe-et'  # tensor-parallel experts
    if row['metric'] in ('batch_latency_s', 'output_tokens_per_s', 'itl_ms'):
        options['lout'] = int(row['lout'])
    elif row['metric'] == 'prompt_ms':
        options['lout'] = 1  # the prompt stage emits the only token
    else:
        options['lout'] = 129  # 128 decode steps at a context of ~lin
    return options


def metric_of(row, report):
    if row['metric'] == 'batch_latency_s':
        return report['simulated_seconds']
    if row['metric'] == 'output_tokens_per_s':
        return report['throughput_tokens_per_s']
    if row['metric'] == 'prompt_ms':
        return report['simulated_seconds'] * 1e3
    # tpot_ms and itl_ms: the mean gap between a request's tokens.
    return report['itl_s']['mean'] * 1e3


class Variant:
    """Copies of the GPU device files with some calibration values replaced,
    in a temporary folder."""
    count = 0

    def __init__(self, folder, values):
        Variant.count += 1
        self.paths = {hardware: common.write_device_variant(
            folder, hardware, values, str(Variant.count))
            for hardware in ('h100', 'a100')}


def is_rate(row):
    """Whether the row's metric is a rate (larger is faster)."""
    return row['metric'] == 'output_tokens_per_s'


def as_time(rows, values):
    """Each value as a time: a rate's reciprocal. Fixed costs enter times
    linearly, and a floor on a time is a ceiling on a rate."""
    return numpy.array([1 / v if is_rate(r) else v
                        for r, v in zip(rows, values)])


def predict(args, rows, devices, runtime=True, calibration=None):
    """Predictions for `rows` with `devices` (hardware -> device name/path),
    each under its framework's scheduler when `runtime`, and `calibration`
    (a profile name or path) when given."""
    def run(row):
        options = simulate_options(row, runtime)
        if calibration:
            options['calibration'] = calibration
        report = common.simulate(args.duplexc, row['model'],
                                 devices[row['hardware']], **options)
        return metric_of(row, report)

    return numpy.array(common.run_points(run, rows, args.jobs))


def nonnegative_least_squares(matrix, target):
    """min |matrix x - target| with x >= 0, by trying every active set (three
    unknowns: eight subsets)."""
    best, best_residual = numpy.zeros(matrix.shape[1]), numpy.inf
    for size in range(matrix.shape[1] + 1):
        for subset in itertools.combinations(range(matrix.shape[1]), size):
            x = numpy.zeros(matrix.shape[1])
            if subset:
                solution = numpy.linalg.lstsq(matrix[:, subset], target,
                                              rcond=None)[0]
                if (solution < 0).any():
                    continue
                x[list(subset)] = solution
            residual = numpy.linalg.norm(matrix @ x - target)
            if residual < best_residual:
                best, best_residual = x, residual
    return best


class Replay:
    """How a fit or report replays its rows: under each framework's
    scheduler or the default one, and with which calibration profile. A
    replay that varies the device files' values runs under a profile whose
    runtime sections set no unit values, which would override them; the
    memory a runtime keeps (reserved_memory_gib) stays."""

    def __init__(self, folder, runtime):
        self.runtime = runtime
        self.calibration = None
        if runtime:
            self.calibration = os.path.join(folder, 'no-runtimes.json')
            with open(os.path.join(PROFILES, 'measured.json'),
                      encoding='utf-8') as stream:
                profile = json.load(stream)
            for section in profile.get('runtimes', {}).values():
                section.pop('units', None)
            with open(self.calibration, 'w', encoding='utf-8') as stream:
                json.dump(profile, stream)

    def predict(self, args, rows, devices):
        return predict(args, rows, devices, self.runtime, self.calibration)


def roofline_floors(args, rows, folder, replay):
    """Each row's time (a rate's ceiling) at datasheet peaks with no
    overhead: no run of the stated setup can be faster."""
    return replay.predict(args, rows, Variant(folder, IDEAL).paths)


def below_roofline(row, floor):
    """Whether the measurement is faster than the roofline allows."""
    measured = float(row['measured'])
    return measured > floor if is_rate(row) else measured < floor


def grid(spec):
    """'start:stop:step' -> the values, stop included."""
    start, stop, step = (float(x) for x in spec.split(':'))
    return numpy.arange(start, stop + step / 2, step)


def rows_to_fit(rows, runtime):
    """The device files' rows, or the rows of `runtime`'s framework."""
    if runtime is None:
        return [r for r in rows if r['source'] in DEVICE_FIT_SOURCES]
    chosen = [r for r in rows
              if SCHEDULER_OF_FRAMEWORK.get(r['framework']) == runtime]
    if not chosen:
        sys.exit(f'no measurement row of a framework whose scheduler is '
                 f'{runtime!r} ({", ".join(SCHEDULER_OF_FRAMEWORK)})')
    return chosen


def source_weights(rows):
    """Each row's weight in a fit: every source weighs the same whatever its
    row count (39 serving points must not outvote ten throughput runs);
    the mean weight is 1."""
    sources = [r['source'] for r in rows]
    weight = numpy.array([1 / sources.count(s) for s in sources])
    return weight / weight.mean()


def fit(args, rows):
    zero = {key: 0.0 for key in OVERHEADS}
    rows = rows_to_fit(rows, args.runtime)
    with tempfile.TemporaryDirectory() as folder:
        replay = Replay(folder, args.runtime)
        floors = roofline_floors(args, rows, folder, replay)
        for r, f in zip(rows, floors):
            if below_roofline(r, f):
                print(f'left out of the fit: {label(r)} measured '
                      f'{r["measured"]} beyond the roofline {f:.3f}')
        rows = [r for r, f in zip(rows, floors) if not below_roofline(r, f)]
        # Times throughout (a rate's reciprocal): the overheads enter them
        # linearly.
        measured = as_time(rows, [float(r['measured']) for r in rows])
        weight = source_weights(rows)
        root = numpy.sqrt(weight)
        # Each overhead's count per prediction: one unit of it, the others 0.
        def times(values):
            return as_time(rows, replay.predict(
                args, rows, Variant(folder, values).paths))

        base = times(dict(zero, compute_efficiency=0.5,
                          memory_bandwidth_efficiency=0.8))
        columns = []
        for key in OVERHEADS:
            values = dict(zero, compute_efficiency=0.5,
                          memory_bandwidth_efficiency=0.8)
            values[key] = 1000.0
            columns.append((times(values) - base) / 1000.0)
        counts = numpy.stack(columns, axis=1)
        best = None
        for unhidden, compute, memory in itertools.product(
                grid(args.unhidden_grid), grid(args.compute_grid),
                grid(args.memory_grid)):
            values = dict(zero, compute_efficiency=round(compute, 2),
                          memory_bandwidth_efficiency=round(memory, 2),
                          compute_memory_unhidden_fraction=round(
                              unhidden, 2))
            work = times(values)
            # Relative residuals: divide each row by its measurement.
            overheads = nonnegative_least_squares(
                counts * (root / measured)[:, None],
                root * (measured - work) / measured)
            predicted = work + counts @ overheads
            error = numpy.sqrt(numpy.mean(
                weight * ((predicted - measured) / measured) ** 2))
            print(f'  unhidden {unhidden:.2f} compute {compute:.2f} '
                  f'memory {memory:.2f}: rms error {100 * error:.1f}%',
                  file=sys.stderr)
            if best is None or error < best[0]:
                best = (error, values, overheads)
    error, values, overheads = best
    print(f'best fit, rms relative error {100 * error:.1f}% (of times, each '
          f'source weighing the same) over '
          f'{len(rows)} rows:')
    print(f'  compute_efficiency          {values["compute_efficiency"]}')
    print(f'  memory_bandwidth_efficiency {values["memory_bandwidth_efficiency"]}')
    print(f'  compute_memory_unhidden_fraction '
          f'{values["compute_memory_unhidden_fraction"]}')
    for key, value in zip(OVERHEADS, overheads):
        print(f'  {key:<27} {value:.1f}')


def fit_overlap(args, rows):
    """The per-layer overhead and the share of it that overlaps the kernels
    (overhead_overlap), on a grid, at the device files' efficiencies and no
    per-step or per-kernel cost (the linear fit gives those no weight). The
    overlap makes the overheads enter the predictions non-linearly, so this
    is a search, not a least-squares solve."""
    current = common.load_device('h100')['device']['units'][0]['calibration']
    efficiencies = {key: current[key]['value'] for key in
                    ('compute_efficiency', 'memory_bandwidth_efficiency',
                     'compute_memory_unhidden_fraction')}
    rows = rows_to_fit(rows, None)
    with tempfile.TemporaryDirectory() as folder:
        replay = Replay(folder, None)
        floors = roofline_floors(args, rows, folder, replay)
        rows = [r for r, f in zip(rows, floors) if not below_roofline(r, f)]
        measured = numpy.array([float(r['measured']) for r in rows])
        weight = source_weights(rows)
        best = None
        for overlap in grid(args.overlap_grid):
            for layer in grid(args.layer_grid):
                values = dict(efficiencies, kernel_launch_overhead_us=0.0,
                              per_step_overhead_us=0.0,
                              per_layer_overhead_us=round(layer, 1),
                              overhead_overlap=round(overlap, 2))
                predicted = replay.predict(args, rows,
                                           Variant(folder, values).paths)
                error = numpy.sqrt(numpy.mean(
                    weight * ((predicted - measured) / measured) ** 2))
                print(f'  overlap {overlap:.2f} per-layer {layer:5.0f} us: '
                      f'rms error {100 * error:.1f}%', file=sys.stderr)
                if best is None or error < best[0]:
                    best = (error, values)
    error, values = best
    print(f'best fit, rms relative error {100 * error:.1f}% over '
          f'{len(rows)} rows:')
    for key, value in values.items():
        print(f'  {key:<27} {value}')


def label(r):
    return (f'{r["devices"]}x{r["hardware"]} {r["model"]} {r["framework"]} '
            f'{r["dtype"] or "fp16"} B={r["batch"]} L={r["lin"]}/'
            f'{r["lout"] or "-"} {r["metric"]}')


def report(args, rows):
    predicted = predict(args, rows, {'h100': 'h100', 'a100': 'a100'})
    with tempfile.TemporaryDirectory() as folder:
        floors = roofline_floors(args, rows, folder, Replay(folder, True))
    table = []
    for row, value, floor in zip(rows, predicted, floors):
        measured = float(row['measured'])
        table.append(dict(row, predicted=float(value),
                          roofline_floor=float(floor),
                          error_pct=100 * (value - measured) / measured))
    common.write_csv(os.path.join(args.out, 'gpu_calibration.csv'), table,
                     COLUMNS)
    errors = numpy.array([abs(r['error_pct']) for r in table])
    print(f'{"row":<58}{"measured":>10}{"floor":>9}{"predicted":>11}'
          f'{"error":>8}')
    for r in table:
        below = ' beyond the roofline' if below_roofline(
            r, r['roofline_floor']) else ''
        print(f'{label(r):<58}{float(r["measured"]):>10.3f}'
              f'{r["roofline_floor"]:>9.3f}{r["predicted"]:>11.3f}'
              f'{r["error_pct"]:>7.1f}%{below}')
    print(f'mean absolute error {errors.mean():.1f}%, max {errors.max():.1f}%')
    if not args.no_plot:
        plot(table, os.path.join(args.out, 'gpu_calibration.png'))


def plot(table, path):
    plt = common.pyplot()
    figure, axis = plt.subplots(figsize=(4.5, 4.2))
    markers = {'batch_latency_s': 'o', 'prompt_ms': 's', 'tpot_ms': '^',
               'output_tokens_per_s': 'D', 'itl_ms': 'v'}
    colors = {'vLLM': 'tab:blue', 'TRT-LLM': 'tab:green',
              'splitwise': 'tab:orange'}
    for r in table:
        axis.scatter(float(r['measured']), r['predicted'],
                     marker=markers[r['metric']],
                     color=colors.get(r['framework'], 'gray'), s=18)
    low = min(min(float(r['measured']), r['predicted']) for r in table) / 1.5
    high = max(max(float(r['measured']), r['predicted']) for r in table) * 1.5
    axis.plot([low, high], [low, high], color='black', lw=0.7)
    for factor in (0.75, 1.25):
        axis.plot([low, high], [low * factor, high * factor], color='gray',
                  lw=0.5, ls='--')
    axis.set(xscale='log', yscale='log', xlabel='measured',
             ylabel='predicted (duplexc)',
             title='GPU baseline vs published measurements\n'
             '(s: batch latency; ms: prompt, per-token, ITL; tokens/s)')
    for name, color in colors.items():
        axis.scatter([], [], color=color, label=name, s=18)
    for name, marker in markers.items():
        axis.scatter([], [], color='gray', marker=marker, label=name, s=18)
    axis.legend(fontsize=6, loc='upper left')
    common.save_figure(figure, path)


def main():
    args = common.parse_args(__doc__.split('\n')[0], lambda parser: (
        parser.add_argument('--fit', action='store_true',
                            help='search the five calibration constants'),
        parser.add_argument('--runtime', default=None,
                            help="with --fit: fit this --scheduler's runtime "
                            "section of the measured profile on its "
                            "framework's rows (trtllm)"),
        parser.add_argument('--compute-grid', default='0.30:0.85:0.05',
                            help='compute_efficiency values to try '
                            '(start:stop:step)'),
        # Capped at 0.9: no DRAM sustains its pin rate (refresh, bank
        # conflicts, turnarounds); the fit is flat from 0.8 to 1.0 anyway.
        parser.add_argument('--memory-grid', default='0.60:0.90:0.05',
                            help='memory_bandwidth_efficiency values to try '
                            '(start:stop:step)'),
        parser.add_argument('--unhidden-grid', default='0:1:0.25',
                            help='compute_memory_unhidden_fraction values to '
                            'try (start:stop:step)'),
        parser.add_argument('--fit-overlap', action='store_true',
                            help='search per_layer_overhead_us and '
                            'overhead_overlap at the files\' efficiencies'),
        parser.add_argument('--overlap-grid', default='0:1:0.25',
                            help='overhead_overlap values (start:stop:step)'),
        parser.add_argument('--layer-grid', default='0:400:20',
                            help='per_layer_overhead_us values '
                            '(start:stop:step)')))
    rows = read_measurements()
    if args.fit:
        fit(args, rows)
    elif args.fit_overlap:
        fit_overlap(args, rows)
    else:
        report(args, rows)


if __name__ == '__main__':
    main()
