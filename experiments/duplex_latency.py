#!/usr/bin/env python3
"""Duplex experiment 2: latency of GLaM at batch 64 for (Lin, Lout) of
(512, 512), (1024, 1024) and (2048, 2048): TBT, T2FT and E2E at p50, p90 and
p99 for GPU, 2xGPU, Duplex, Duplex+PE and Duplex+PE+ET (the paper's latency
figure; headline: up to 2.57x lower E2E, median TBT -58.3% for GLaM).

  /usr/bin/python3 experiments/duplex_latency.py [--quick] [--out DIR]
"""

import common
import duplex_setup
from duplex_throughput import SYSTEMS

MODEL = 'glam'
BATCH = 64
METRICS = [('tbt', 'itl_s'), ('ttft', 'ttft_s'), ('e2e', 'e2e_s')]
PERCENTILES = ['p50', 'p90', 'p99']
COLUMNS = ['model', 'batch', 'lin', 'lout', 'system'] + [
    f'{name}_{p}_s' for name, _ in METRICS for p in PERCENTILES]


def points(quick):
    lengths = duplex_setup.CONFIG['models'][MODEL]['lengths']
    for lin, lout in lengths[:1] if quick else lengths:
        for system in SYSTEMS:
            yield dict(model=MODEL, batch=BATCH, lin=lin, lout=lout,
                       system=system)


def measure(duplexc, point):
    report, _ = duplex_setup.simulate_point(duplexc, point)
    row = dict(point)
    for name, key in METRICS:
        for p in PERCENTILES:
            row[f'{name}_{p}_s'] = report[key][p]
    return row


def plot(rows, path):
    plt = common.pyplot()
    lengths = sorted({r['lin'] for r in rows})
    figure, axes = plt.subplots(len(METRICS), len(lengths),
                                figsize=(3.2 * len(lengths), 6),
                                squeeze=False)
    for i, (name, _) in enumerate(METRICS):
        for j, lin in enumerate(lengths):
            axis = axes[i][j]
            mine = {r['system']: r for r in rows if r['lin'] == lin}
            common.grouped_bars(
                axis, PERCENTILES, SYSTEMS,
                lambda p, system: mine[system][f'{name}_{p}_s'])
            axis.set_title(f'{name.upper()}, Lin = Lout = {lin}')
            axis.set_ylabel('seconds')
    axes[0][-1].legend(fontsize=6)
    figure.suptitle(f'Duplex exp. 2: {MODEL} latency, batch {BATCH}',
                    fontsize=8)
    figure.tight_layout()
    common.save_figure(figure, path)


def main():
    args = common.parse_args(__doc__.split('\n')[0])
    rows = common.run_experiment(args, 'duplex_latency', points(args.quick),
                                 measure, COLUMNS, plot)
    for lin in sorted({r['lin'] for r in rows}):
        mine = {r['system']: r for r in rows if r['lin'] == lin}
        gpu, best = mine['GPU'], mine['Duplex+PE+ET']
        print(f'Lin {lin}: E2E p50 GPU/Duplex+PE+ET '
              f'{gpu["e2e_p50_s"] / best["e2e_p50_s"]:.2f}x, median TBT '
              f'{100 * (best["tbt_p50_s"] / gpu["tbt_p50_s"] - 1):+.1f}%')


if __name__ == '__main__':
    main()
