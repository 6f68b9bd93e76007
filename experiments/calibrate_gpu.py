#!/usr/bin/env python3
"""GPU cost-model calibration against published measurements.

Every row of experiments/configs/gpu_measurements.csv (from
reference/gpu-measurements.md: Argonne LLM-Inference-Bench batch latencies
and Splitwise H100 prompt/decode profiles) is replayed with `duplexc simulate`
on the bundled GPU device files, and the prediction is compared with the
measurement.

  /usr/bin/python3 experiments/calibrate_gpu.py          # error of the device files
  /usr/bin/python3 experiments/calibrate_gpu.py --fit    # refit the five constants

The calibrated constants are the GPU unit's `calibration` block:
compute_efficiency, memory_bandwidth_efficiency (the roofline's eta),
kernel_launch_overhead_us, per_layer_overhead_us and per_step_overhead_us.
`--fit` searches a grid of the two efficiencies; for each, the three fixed
overheads enter every prediction linearly (the runs' stage, layer and kernel
counts do not depend on them), so they are solved exactly by non-negative
least squares on the relative errors. It prints the best five values; they
are written into the device files by hand, with this script as their source.
"""
import csv
import itertools
import os
import sys
import tempfile

import numpy

import common

MEASUREMENTS = os.path.join(common.HERE, 'configs', 'gpu_measurements.csv')
OVERHEADS = ['kernel_launch_overhead_us', 'per_layer_overhead_us',
             'per_step_overhead_us']
COLUMNS = ['source', 'hardware', 'devices', 'model', 'framework', 'experts',
           'batch', 'lin', 'lout', 'metric', 'measured', 'roofline_floor',
           'predicted', 'error_pct']
IDEAL = dict(compute_efficiency=1.0, memory_bandwidth_efficiency=1.0,
             kernel_launch_overhead_us=0.0, per_layer_overhead_us=0.0,
             per_step_overhead_us=0.0)


def read_measurements(path=MEASUREMENTS):
    with open(path, encoding='utf-8') as stream:
        lines = [line for line in stream if not line.startswith('#')]
    return list(csv.DictReader(lines))


def simulate_options(row):
    """The `duplexc simulate` run that reproduces a measurement: one batch of
    identical requests (closed loop, nothing replaced), fixed lengths."""
    batch = int(row['batch'])
    lin = int(row['lin'])
    options = dict(devices=int(row['devices']), closed_loop=True, batch=batch,
                   requests=batch, lin=lin, len_std=0, seed=0)
    if row['experts'] == 'tp':
        options['coprocess'] = 'pe-et'  # tensor-parallel experts
    if row['metric'] == 'batch_latency_s':
        options['lout'] = int(row['lout'])
    elif row['metric'] == 'prompt_ms':
        options['lout'] = 1  # the prompt stage emits the only token
    else:
        options['lout'] = 129  # 128 decode steps at a context of ~lin
    return options


def metric_of(row, report):
    if row['metric'] == 'batch_latency_s':
        return report['simulated_seconds']
    if row['metric'] == 'prompt_ms':
        return report['simulated_seconds'] * 1e3
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


def predict(args, rows, devices):
    """Predictions for `rows` with `devices` (hardware -> device name/path)."""
    def run(row):
        report = common.simulate(args.duplexc, row['model'],
                                 devices[row['hardware']],
                                 **simulate_options(row))
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


def roofline_floors(args, rows, folder):
    """Each row's time at datasheet peaks with no overhead: no FP16 run of
    the stated setup can be faster."""
    return predict(args, rows, Variant(folder, IDEAL).paths)


def grid(spec):
    """'start:stop:step' -> the values, stop included."""
    start, stop, step = (float(x) for x in spec.split(':'))
    return numpy.arange(start, stop + step / 2, step)


def fit(args, rows):
    zero = {key: 0.0 for key in OVERHEADS}
    with tempfile.TemporaryDirectory() as folder:
        floors = roofline_floors(args, rows, folder)
        kept = [r for r, f in zip(rows, floors) if float(r['measured']) >= f]
        for r, f in zip(rows, floors):
            if float(r['measured']) < f:
                print(f'left out of the fit: {label(r)} measured '
                      f'{r["measured"]} < roofline floor {f:.3f}')
        rows = kept
        measured = numpy.array([float(r['measured']) for r in rows])
        # Each overhead's count per prediction: one unit of it, the others 0.
        base = predict(args, rows, Variant(folder, dict(
            zero, compute_efficiency=0.5,
            memory_bandwidth_efficiency=0.8)).paths)
        columns = []
        for key in OVERHEADS:
            values = dict(zero, compute_efficiency=0.5,
                          memory_bandwidth_efficiency=0.8)
            values[key] = 1000.0
            columns.append((predict(args, rows, Variant(folder, values).paths)
                            - base) / 1000.0)
        counts = numpy.stack(columns, axis=1)
        best = None
        for compute in grid(args.compute_grid):
            for memory in grid(args.memory_grid):
                values = dict(zero, compute_efficiency=round(compute, 2),
                              memory_bandwidth_efficiency=round(memory, 2))
                work = predict(args, rows, Variant(folder, values).paths)
                # Relative residuals: divide each row by its measurement.
                overheads = nonnegative_least_squares(
                    counts / measured[:, None], (measured - work) / measured)
                predicted = work + counts @ overheads
                error = numpy.sqrt(numpy.mean(
                    ((predicted - measured) / measured) ** 2))
                print(f'  compute {compute:.2f} memory {memory:.2f}: '
                      f'rms error {100 * error:.1f}%', file=sys.stderr)
                if best is None or error < best[0]:
                    best = (error, values, overheads)
    error, values, overheads = best
    print(f'best fit, rms relative error {100 * error:.1f}% over '
          f'{len(rows)} rows:')
    print(f'  compute_efficiency          {values["compute_efficiency"]}')
    print(f'  memory_bandwidth_efficiency {values["memory_bandwidth_efficiency"]}')
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
                    ('compute_efficiency', 'memory_bandwidth_efficiency')}
    with tempfile.TemporaryDirectory() as folder:
        floors = roofline_floors(args, rows, folder)
        rows = [r for r, f in zip(rows, floors) if float(r['measured']) >= f]
        measured = numpy.array([float(r['measured']) for r in rows])
        best = None
        for overlap in grid(args.overlap_grid):
            for layer in grid(args.layer_grid):
                values = dict(efficiencies, kernel_launch_overhead_us=0.0,
                              per_step_overhead_us=0.0,
                              per_layer_overhead_us=round(layer, 1),
                              overhead_overlap=round(overlap, 2))
                predicted = predict(args, rows,
                                    Variant(folder, values).paths)
                error = numpy.sqrt(numpy.mean(
                    ((predicted - measured) / measured) ** 2))
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
            f'B={r["batch"]} L={r["lin"]} {r["metric"]}')


def report(args, rows):
    predicted = predict(args, rows, {'h100': 'h100', 'a100': 'a100'})
    with tempfile.TemporaryDirectory() as folder:
        floors = roofline_floors(args, rows, folder)
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
        below = ' below the FP16 roofline' if float(
            r['measured']) < r['roofline_floor'] else ''
        print(f'{label(r):<58}{float(r["measured"]):>10.3f}'
              f'{r["roofline_floor"]:>9.3f}{r["predicted"]:>11.3f}'
              f'{r["error_pct"]:>7.1f}%{below}')
    print(f'mean absolute error {errors.mean():.1f}%, max {errors.max():.1f}%')
    if not args.no_plot:
        plot(table, os.path.join(args.out, 'gpu_calibration.png'))


def plot(table, path):
    plt = common.pyplot()
    figure, axis = plt.subplots(figsize=(4.5, 4.2))
    markers = {'batch_latency_s': 'o', 'prompt_ms': 's', 'tpot_ms': '^'}
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
             '(s: batch latency; ms: prompt, per-token)')
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
        parser.add_argument('--compute-grid', default='0.30:0.85:0.05',
                            help='compute_efficiency values to try '
                            '(start:stop:step)'),
        # Capped at 0.9: no DRAM sustains its pin rate (refresh, bank
        # conflicts, turnarounds); the fit is flat from 0.8 to 1.0 anyway.
        parser.add_argument('--memory-grid', default='0.60:0.90:0.05',
                            help='memory_bandwidth_efficiency values to try '
                            '(start:stop:step)'),
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
