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


def measure(duplexc, folder, point):
    def variant_path(device):
        if not VARIANTS[point['variant']]:
            return device
        return os.path.join(folder, f'{device}-{point["variant"]}.json')

    row = dict(point)
    for system, column in zip(SYSTEMS, ('gpu_tokens_per_s',
                                        'duplex_tokens_per_s')):
        report, _ = duplex_setup.simulate_point(duplexc, point, system,
                                                variant_path)
        row[column] = report['throughput_tokens_per_s']
    row['speedup'] = row['duplex_tokens_per_s'] / row['gpu_tokens_per_s']
    return row


def plot(rows, path):
    duplex_setup.plot_per_model(
        rows, MODELS, list(VARIANTS), 'variant', 'speedup',
        'Duplex+PE+ET / GPU',
        'Duplex speedup under three calibrations of the same device files',
        path)


def main():
    args = common.parse_args(__doc__.split('\n')[0])
    with tempfile.TemporaryDirectory() as folder:
        for variant, values in VARIANTS.items():
            for device in ('h100', 'duplex'):
                if values:
                    common.write_device_variant(folder, device, values,
                                                variant)
        rows = common.run_experiment(
            args, 'duplex_ablation',
            duplex_setup.grid_points(MODELS, args.quick, 'variant', VARIANTS),
            lambda duplexc, p: measure(duplexc, folder, p), COLUMNS, plot)
    for model in MODELS:
        for variant in VARIANTS:
            values = [r['speedup'] for r in rows
                      if r['model'] == model and r['variant'] == variant]
            print(f'{model} {variant}: max {max(values):.2f}x, geomean '
                  f'{common.geometric_mean(values):.2f}x')


if __name__ == '__main__':
    main()
