#!/usr/bin/env python3
"""Why our Duplex speedups differ from the paper's: experiment 1's points for
GPU and Duplex+PE+ET under three calibrations of the same device files:

  calibrated  the device files as they are (fitted on gpu-measurements.md);
  no-layer    the fitted per-layer framework overhead removed;
  ideal       no overhead and no derating (efficiencies 1), as the Duplex
              authors' simulator lineage models the devices.

Only this script rewrites calibration values (in temporary copies); every
other experiment uses the device files unchanged.

  /usr/bin/python3 experiments/duplex_ablation.py [--quick] [--out DIR]
"""
import os
import tempfile

import common
import duplex_setup
from duplex_throughput import MODELS

SYSTEMS = ['GPU', 'Duplex+PE+ET']
VARIANTS = {
    'calibrated': {},
    'no-layer': {'per_layer_overhead_us': 0},
    'ideal': {'per_layer_overhead_us': 0, 'per_step_overhead_us': 0,
              'kernel_launch_overhead_us': 0, 'compute_efficiency': 1,
              'memory_bandwidth_efficiency': 1},
}
COLUMNS = ['model', 'batch', 'lin', 'lout', 'variant',
           'gpu_tokens_per_s', 'duplex_tokens_per_s', 'speedup']


def points(quick):
    batches = [64] if quick else duplex_setup.CONFIG['batches']
    for model in MODELS:
        lengths = duplex_setup.CONFIG['models'][model]['lengths']
        for lin, lout in lengths[:1] if quick else lengths:
            for batch in batches:
                for variant in VARIANTS:
                    yield dict(model=model, batch=batch, lin=lin, lout=lout,
                               variant=variant)


def measure(duplexc, folder, point):
    row = dict(point)
    for system, column in zip(SYSTEMS, ('gpu_tokens_per_s',
                                        'duplex_tokens_per_s')):
        device, options = duplex_setup.closed_loop(
            point['model'], system, point['batch'], point['lin'],
            point['lout'])
        if VARIANTS[point['variant']]:
            device = os.path.join(folder, f'{device}-{point["variant"]}.json')
        report = common.simulate(duplexc, point['model'], device, **options)
        row[column] = report['throughput_tokens_per_s']
    row['speedup'] = row['duplex_tokens_per_s'] / row['gpu_tokens_per_s']
    return row


def plot(rows, path):
    plt = common.pyplot()
    figure, axes = plt.subplots(1, len(MODELS), figsize=(11, 2.6),
                                sharey=True)
    for axis, model in zip(axes, MODELS):
        speedup = {(r['lin'], r['batch'], r['variant']): r['speedup']
                   for r in rows if r['model'] == model}
        groups = sorted({(lin, batch) for lin, batch, _ in speedup})
        common.grouped_bars(axis, groups, list(VARIANTS),
                            lambda g, variant: speedup[g + (variant,)],
                            [f'{lin}\nB{batch}' for lin, batch in groups])
        axis.axhline(1, color='black', lw=0.5)
        axis.set_title(model)
    axes[0].set_ylabel('Duplex+PE+ET / GPU')
    axes[-1].legend(fontsize=6)
    figure.suptitle('Duplex speedup under three calibrations of the same '
                    'device files', fontsize=8)
    common.save_figure(figure, path)


def main():
    args = common.parse_args(__doc__.split('\n')[0])
    with tempfile.TemporaryDirectory() as folder:
        for variant, values in VARIANTS.items():
            for device in ('h100', 'duplex'):
                if values:
                    common.write_device_variant(folder, device, values,
                                                variant)
        rows = common.run_points(lambda p: measure(args.duplexc, folder, p),
                                 list(points(args.quick)), args.jobs)
    common.write_csv(os.path.join(args.out, 'duplex_ablation.csv'), rows,
                     COLUMNS)
    for model in MODELS:
        for variant in VARIANTS:
            values = [r['speedup'] for r in rows
                      if r['model'] == model and r['variant'] == variant]
            print(f'{model} {variant}: max {max(values):.2f}x, geomean '
                  f'{common.geometric_mean(values):.2f}x')
    if not args.no_plot:
        plot(rows, os.path.join(args.out, 'duplex_ablation.png'))


if __name__ == '__main__':
    main()
