#!/usr/bin/env python3
"""Duplex experiment 1: throughput of Mixtral, GLaM and Grok1 at batch
32/64/128 and three (Lin, Lout) each, for GPU, 2xGPU, Duplex, Duplex+PE and
Duplex+PE+ET, normalised to the GPU system (the paper's Fig. 11 setup).

  /usr/bin/python3 experiments/duplex_throughput.py [--quick] [--out DIR]

Writes duplex_throughput.csv (one row per point and system) and
duplex_throughput.png.
"""
import common
import duplex_setup

MODELS = ['mixtral-8x7b', 'glam', 'grok-1']
SYSTEMS = ['GPU', '2xGPU', 'Duplex', 'Duplex+PE', 'Duplex+PE+ET']
COLUMNS = ['model', 'batch', 'lin', 'lout', 'system', 'devices', 'nodes',
           'throughput_tokens_per_s', 'speedup_vs_gpu', 'tbt_p50_s',
           'e2e_p50_s', 'energy_j_per_token', 'preemptions']


def points(quick):
    return duplex_setup.grid_points(MODELS, quick, 'system', SYSTEMS)


def measure(duplexc, point):
    report, options = duplex_setup.simulate_point(duplexc, point)
    return dict(point, devices=options['devices'], nodes=options['nodes'],
                throughput_tokens_per_s=report['throughput_tokens_per_s'],
                tbt_p50_s=report['itl_s']['p50'],
                e2e_p50_s=report['e2e_s']['p50'],
                energy_j_per_token=report['energy_j_per_token'],
                preemptions=report['preemptions'])


def plot(rows, path):
    duplex_setup.plot_per_model(
        rows, MODELS, SYSTEMS, 'system', 'speedup_vs_gpu', 'throughput / GPU',
        'Duplex exp. 1: throughput normalised to the GPU system '
        '(x: Lin = Lout, batch)', path)


def main():
    args = common.parse_args(__doc__.split('\n')[0])
    rows = common.run_experiment(
        args, 'duplex_throughput', points(args.quick), measure, COLUMNS, plot,
        post=lambda rows: common.normalise(rows, ['model', 'batch', 'lin']))
    for model in MODELS:
        speedups = [r['speedup_vs_gpu'] for r in rows
                    if r['model'] == model and r['system'] == 'Duplex+PE+ET']
        print(f'{model}: Duplex+PE+ET / GPU max {max(speedups):.2f}x, '
              f'geomean {common.geometric_mean(speedups):.2f}x')


if __name__ == '__main__':
    main()
