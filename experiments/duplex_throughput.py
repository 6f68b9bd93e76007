#!/usr/bin/env python3
"""Duplex experiment 1: throughput of Mixtral, GLaM and Grok1 at batch
32/64/128 and three (Lin, Lout) each, for GPU, 2xGPU, Duplex, Duplex+PE and
Duplex+PE+ET, normalised to the GPU system (the paper's Fig. 11 setup).

  /usr/bin/python3 experiments/duplex_throughput.py [--quick] [--out DIR]

Writes duplex_throughput.csv (one row per point and system) and
duplex_throughput.png.
"""
import os

import common
import duplex_setup

MODELS = ['mixtral-8x7b', 'glam', 'grok-1']
SYSTEMS = ['GPU', '2xGPU', 'Duplex', 'Duplex+PE', 'Duplex+PE+ET']
COLUMNS = ['model', 'batch', 'lin', 'lout', 'system', 'devices', 'nodes',
           'throughput_tokens_per_s', 'speedup_vs_gpu', 'tbt_p50_s',
           'e2e_p50_s', 'energy_j_per_token', 'preemptions']


def points(quick):
    batches = [64] if quick else duplex_setup.CONFIG['batches']
    for model in MODELS:
        lengths = duplex_setup.CONFIG['models'][model]['lengths']
        for lin, lout in lengths[:1] if quick else lengths:
            for batch in batches:
                for system in SYSTEMS:
                    yield dict(model=model, batch=batch, lin=lin, lout=lout,
                               system=system)


def measure(duplexc, point):
    device, options = duplex_setup.closed_loop(
        point['model'], point['system'], point['batch'], point['lin'],
        point['lout'])
    report = common.simulate(duplexc, point['model'], device, **options)
    return dict(point, devices=options['devices'], nodes=options['nodes'],
                throughput_tokens_per_s=report['throughput_tokens_per_s'],
                tbt_p50_s=report['tbt_s']['p50'],
                e2e_p50_s=report['e2e_s']['p50'],
                energy_j_per_token=report['energy_j_per_token'],
                preemptions=report['preemptions'])


def plot(rows, path):
    plt = common.pyplot()
    figure, axes = plt.subplots(1, len(MODELS), figsize=(11, 2.8),
                                sharey=True)
    for axis, model in zip(axes, MODELS):
        mine = {(r['lin'], r['batch'], r['system']): r['speedup_vs_gpu']
                for r in rows if r['model'] == model}
        groups = sorted({(lin, batch) for lin, batch, _ in mine})
        common.grouped_bars(axis, groups, SYSTEMS,
                            lambda g, system: mine[g + (system,)],
                            [f'{lin}\nB{batch}' for lin, batch in groups])
        axis.axhline(1, color='black', lw=0.5)
        axis.set_title(model)
    axes[0].set_ylabel('throughput / GPU')
    axes[-1].legend(fontsize=6)
    figure.suptitle('Duplex exp. 1: throughput normalised to the GPU system '
                    '(x: Lin = Lout, batch)', fontsize=8)
    common.save_figure(figure, path)


def main():
    args = common.parse_args(__doc__.split('\n')[0])
    rows = common.normalise(common.run_points(
        lambda p: measure(args.duplexc, p), list(points(args.quick)),
        args.jobs), ['model', 'batch', 'lin'])
    common.write_csv(os.path.join(args.out, 'duplex_throughput.csv'), rows,
                     COLUMNS)
    for model in MODELS:
        speedups = [r['speedup_vs_gpu'] for r in rows
                    if r['model'] == model and r['system'] == 'Duplex+PE+ET']
        print(f'{model}: Duplex+PE+ET / GPU max {max(speedups):.2f}x, '
              f'geomean {common.geometric_mean(speedups):.2f}x')
    if not args.no_plot:
        plot(rows, os.path.join(args.out, 'duplex_throughput.png'))


if __name__ == '__main__':
    main()
