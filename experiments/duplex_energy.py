#!/usr/bin/env python3
"""Duplex experiment 4: energy per token broken down by layer kind (FC,
attention, MoE, communication, other) and by where it goes (DRAM access vs
compute; static power apart) for the systems of experiment 1, at batch 64
and the middle (Lin, Lout) of each model. The paper: up to 42.03% and on
average 28.19% less energy than the GPU system.

  /usr/bin/python3 experiments/duplex_energy.py [--quick] [--out DIR]
"""

import common
import duplex_setup
from duplex_throughput import MODELS, SYSTEMS

BATCH = 64
KINDS = {'fc': ['fc'], 'attention': ['attention_prefill', 'attention_decode'],
         'moe': ['moe'], 'other': ['other']}
PARTS = [f'{kind}_{part}' for kind in KINDS for part in ('dram', 'compute')]
COLUMNS = ['model', 'batch', 'lin', 'lout', 'system', 'energy_j_per_token',
           'reduction_vs_gpu_pct'] + PARTS + ['communication', 'static']


def points(quick):
    for model in MODELS[:1] if quick else MODELS:
        lengths = duplex_setup.CONFIG['models'][model]['lengths']
        lin, lout = lengths[len(lengths) // 2]
        for system in SYSTEMS:
            yield dict(model=model, batch=BATCH, lin=lin, lout=lout,
                       system=system)


def measure(duplexc, point):
    report, _ = duplex_setup.simulate_point(duplexc, point)
    detail = report['energy_j_per_token_by_category']
    row = dict(point, energy_j_per_token=report['energy_j_per_token'],
               communication=sum(detail['communication'].values()),
               static=detail['static'])
    for kind, categories in KINDS.items():
        for part in ('dram', 'compute'):
            row[f'{kind}_{part}'] = sum(detail[c][part] for c in categories)
    return row


def reductions(rows):
    """Adds reduction_vs_gpu_pct: how much less energy per token than the
    GPU system at the same model."""
    common.normalise(rows, ['model'], value='energy_j_per_token',
                     column='reduction_vs_gpu_pct')
    for r in rows:
        r['reduction_vs_gpu_pct'] = 100 * (1 - r['reduction_vs_gpu_pct'])
    return rows


def plot(rows, path):
    plt = common.pyplot()
    models = [m for m in MODELS if any(r['model'] == m for r in rows)]
    figure, axes = plt.subplots(1, len(models), figsize=(3.6 * len(models), 3),
                                squeeze=False)
    for axis, model in zip(axes[0], models):
        mine = [r for r in rows if r['model'] == model]
        bottom = [0.0] * len(mine)
        for part in PARTS + ['communication', 'static']:
            values = [r[part] for r in mine]
            axis.bar(range(len(mine)), values, bottom=bottom, label=part,
                     hatch='//' if part.endswith('dram') else None)
            bottom = [b + v for b, v in zip(bottom, values)]
        axis.set_xticks(range(len(mine)))
        axis.set_xticklabels([r['system'] for r in mine], rotation=30,
                             fontsize=6)
        axis.set_title(f'{model}, Lin = Lout = {mine[0]["lin"]}, B{BATCH}')
        axis.set_ylabel('J per token')
    axes[0][-1].legend(fontsize=5, ncol=2)
    figure.suptitle('Duplex exp. 4: energy per token (hatched: DRAM)',
                    fontsize=8)
    figure.tight_layout()
    common.save_figure(figure, path)


def main():
    args = common.parse_args(__doc__.split('\n')[0])
    rows = common.run_experiment(args, 'duplex_energy', points(args.quick),
                                 measure, COLUMNS, plot, post=reductions)
    for r in rows:
        print(f'{r["model"]} {r["system"]}: {r["energy_j_per_token"]:.3f} '
              f'J/token ({r["reduction_vs_gpu_pct"]:+.1f}% vs GPU)')


if __name__ == '__main__':
    main()
