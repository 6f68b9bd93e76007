"""L3/CHIME's scaling study: from a DIMM-PIM of one rankset (512 GB,
2048 bank PUs, 3.3 TB/s), scale the capacity x8 alone, the bandwidth x8
alone, or both, for each model (the paper's parallelism) and trace.

    python3 experiments/l3_scaling.py [--jobs 2] [--quick]

writes experiments/results/l3_scaling.csv and .png. Paper (CHIME v2):
capacity x8 alone 2.28x, bandwidth x8 alone 1.01x, both 8.23x.
"""
import os

import common
import l3_common

# (label, device file): every one runs L3's sub-batch interleaving.
VARIANTS = [
    ('1 rankset', 'dgx-a100-dimm-pim-1rs'),
    ('capacity x8', 'dgx-a100-dimm-pim-1rs-cap8'),
    ('bandwidth x8', 'dgx-a100-dimm-pim-1rs-bw8'),
    ('both x8', 'dgx-a100-dimm-pim-1rs-both8'),
]
PAPER = {'capacity x8': 2.28, 'bandwidth x8': 1.01, 'both x8': 8.23}


def main():
    args = common.parse_args(__doc__.split('\n')[0])
    models, traces, points, results = l3_common.run_grid(
        args, [(label, device, 'l3') for label, device in VARIANTS])
    base = {(p[0][0], p[1]): r for p, r in zip(points, results)
            if p[2][0] == '1 rankset'}
    rows = []
    for ((model_label, _, _, _), trace, (variant, device, _)), result in zip(
            points, results):
        reference = base[(model_label, trace)]
        rows.append(dict(
            model=model_label, trace=trace, variant=variant,
            device=device, **result,
            speedup=result['throughput_tokens_per_s'] /
            reference['throughput_tokens_per_s'],
            batch_ratio=result['batch_mean'] / reference['batch_mean'],
            paper=PAPER.get(variant, 1.0)))
    columns = ['model', 'tp', 'dp', 'trace', 'variant', 'device',
               'throughput_tokens_per_s', 'speedup', 'paper', 'batch_mean',
               'batch_max', 'batch_ratio', 'preemptions', 'generated_tokens',
               'simulated_seconds']
    name = 'l3_scaling' + ('_quick' if args.quick else '')
    common.write_csv(os.path.join(args.out, name + '.csv'), rows, columns)
    print(f'{"model":9s} {"trace":13s} {"variant":13s} {"tok/s":>9s} '
          f'{"speedup":>8s} {"paper":>6s} {"batch":>7s}')
    for r in rows:
        print(f'{r["model"]:9s} {r["trace"]:13s} {r["variant"]:13s} '
              f'{r["throughput_tokens_per_s"]:9.1f} {r["speedup"]:8.2f} '
              f'{r["paper"]:6.2f} {r["batch_mean"]:7.1f}')
    print('\ngeomean over models x traces:')
    for variant, _ in VARIANTS[1:]:
        speedups = [r['speedup'] for r in rows if r['variant'] == variant]
        print(f'  {variant:13s} {common.geometric_mean(speedups):6.2f}x '
              f'(paper {PAPER[variant]:.2f}x)')
    if not args.no_plot:
        plot(rows, [m[0] for m in models], traces,
             os.path.join(args.out, name + '.png'))
    return 0


def plot(rows, models, traces, path):
    plt = common.pyplot()
    figure, axes = plt.subplots(1, len(models), figsize=(3.6 * len(models), 3),
                                squeeze=False)
    variants = [v[0] for v in VARIANTS]
    width = 0.8 / (len(traces) + 1)
    for column, model in enumerate(models):
        axis = axes[0][column]
        for index, trace in enumerate(traces):
            values = [next(r['speedup'] for r in rows if r['model'] == model
                           and r['trace'] == trace and r['variant'] == v)
                      for v in variants]
            axis.bar([v + (index - len(traces) / 2) * width
                      for v in range(len(variants))], values, width,
                     label=trace)
        axis.bar([v + (len(traces) / 2) * width for v in range(len(variants))],
                 [PAPER.get(v, 1.0) for v in variants], width,
                 label='paper', color='lightgray', edgecolor='black')
        axis.set_xticks(range(len(variants)))
        axis.set_xticklabels(variants, rotation=20)
        axis.set_title(model)
        axis.set_ylabel('throughput / 1 rankset')
    axes[0][0].legend(fontsize=6)
    figure.suptitle('L3/CHIME scaling from 1 rankset / 512 GB', y=1.04)
    common.save_figure(figure, path)


if __name__ == '__main__':
    raise SystemExit(main())
