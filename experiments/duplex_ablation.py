#!/usr/bin/env python3
"""Why our Duplex speedups differ from the paper's: experiment 1's points for
GPU and Duplex+PE+ET under three calibration profiles (`duplexc simulate
--calibration`) of the same device files:

  measured  the device files' values (fitted on gpu-measurements.md);
  no-layer  measured without the fitted per-layer framework overhead (a
            profile written to a temporary folder);
  paper     calibration/paper.json: no overhead, no derating, no static
            power, as the Duplex paper and its simulator lineage price a
            stage.

  /usr/bin/python3 experiments/duplex_ablation.py [--quick] [--out DIR]
"""
import json
import os
import tempfile

import common
import duplex_setup
from duplex_throughput import MODELS

SYSTEMS = ['GPU', 'Duplex+PE+ET']
VARIANTS = ['measured', 'no-layer', 'paper']
NO_LAYER_PROFILE = {
    'format': 'duplex-calibration-1',
    'description': 'measured without the per-layer framework overhead '
                   '(experiments/duplex_ablation.py)',
    'units': {'*': {'per_layer_overhead_us': {
        'value': 0, 'source': 'assumed: ablation, the fitted per-layer '
                              'overhead removed'}}},
}
COLUMNS = ['model', 'batch', 'lin', 'lout', 'variant',
           'gpu_tokens_per_s', 'duplex_tokens_per_s', 'speedup']


def measure(duplexc, folder, point):
    calibration = point['variant']
    if calibration == 'no-layer':
        calibration = os.path.join(folder, 'no-layer.json')
    row = dict(point)
    for system, column in zip(SYSTEMS, ('gpu_tokens_per_s',
                                        'duplex_tokens_per_s')):
        report, _ = duplex_setup.simulate_point(duplexc, point, system,
                                                calibration=calibration)
        row[column] = report['throughput_tokens_per_s']
    row['speedup'] = row['duplex_tokens_per_s'] / row['gpu_tokens_per_s']
    return row


def plot(rows, path):
    duplex_setup.plot_per_model(
        rows, MODELS, VARIANTS, 'variant', 'speedup',
        'Duplex+PE+ET / GPU',
        'Duplex speedup under three calibration profiles',
        path)


def main():
    args = common.parse_args(__doc__.split('\n')[0])
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, 'no-layer.json'), 'w',
                  encoding='utf-8') as stream:
            json.dump(NO_LAYER_PROFILE, stream)
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
