#!/usr/bin/env python3
"""Duplex experiment 6: Mixtral latency against load: Poisson arrivals at 4
to 16 requests/s, Lin 4096, Lout 512, maximum batch 128, for GPU, 2xGPU,
Duplex, Duplex+PE and Duplex+PE+ET (the paper's QPS sweep).

  /usr/bin/python3 experiments/duplex_qps.py [--quick] [--out DIR]
"""

import common
import duplex_setup
from duplex_throughput import SYSTEMS

MODEL = 'mixtral-8x7b'
QPS = [4, 6, 8, 10, 12, 14, 16]
LIN, LOUT, MAX_BATCH = 4096, 512, 128
REQUESTS = 512  # assumed: enough for the queue to settle at each rate
COLUMNS = ['model', 'qps', 'system', 'throughput_tokens_per_s', 'ttft_p50_s',
           'ttft_p99_s', 'tbt_p50_s', 'tbt_p99_s', 'e2e_p50_s', 'e2e_p99_s']


def measure(duplexc, point):
    device, options = duplex_setup.system_options(MODEL, point['system'])
    options.update(qps=point['qps'], batch=MAX_BATCH,
                   requests=REQUESTS, lin=LIN, lout=LOUT,
                   len_std=duplex_setup.CONFIG['len_std'],
                   seed=duplex_setup.CONFIG['seed'])
    report = common.simulate(duplexc, MODEL, device, **options)
    row = dict(point, model=MODEL,
               throughput_tokens_per_s=report['throughput_tokens_per_s'])
    # The paper's TBT is the gap between tokens: the report's ITL.
    for name, key in (('ttft', 'ttft_s'), ('tbt', 'itl_s'), ('e2e', 'e2e_s')):
        for p in ('p50', 'p99'):
            row[f'{name}_{p}_s'] = report[key][p]
    return row


def plot(rows, path):
    plt = common.pyplot()
    figure, axes = plt.subplots(1, 3, figsize=(10, 2.6))
    for axis, name in zip(axes, ('ttft', 'tbt', 'e2e')):
        for system in SYSTEMS:
            mine = [r for r in rows if r['system'] == system]
            axis.plot([r['qps'] for r in mine],
                      [r[f'{name}_p50_s'] for r in mine], marker='o',
                      ms=3, label=system)
        axis.set(xlabel='requests/s', ylabel='seconds', yscale='log',
                 title=f'{name.upper()} p50')
    axes[0].legend(fontsize=6)
    figure.suptitle(f'Duplex exp. 6: {MODEL}, Lin {LIN}, Lout {LOUT}, '
                    f'max batch {MAX_BATCH}', fontsize=8)
    figure.tight_layout()
    common.save_figure(figure, path)


def main():
    args = common.parse_args(__doc__.split('\n')[0])
    points = [dict(qps=q, system=s) for q in (QPS[::3] if args.quick else QPS)
              for s in SYSTEMS]
    rows = common.run_experiment(args, 'duplex_qps', points, measure, COLUMNS,
                                 plot)
    for q in sorted({r['qps'] for r in rows}):
        mine = {r['system']: r for r in rows if r['qps'] == q}
        print(f'QPS {q}: E2E p50 GPU {mine["GPU"]["e2e_p50_s"]:.1f} s, '
              f'Duplex+PE+ET {mine["Duplex+PE+ET"]["e2e_p50_s"]:.1f} s')


if __name__ == '__main__':
    main()
