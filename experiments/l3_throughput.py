"""L3/CHIME's main result: throughput of GPU-only, GPU + HBM-PIM,
GPU + HBM-PIM-EXT, GPU + R-PIM and GPU + DIMM-PIM for OPT-66B (TP2 x DP4),
Qwen-72B (TP4 x DP2) and GPT-175B (TP8) on one DGX-A100, on 1,000-request
traces synthesised from the three reasoning datasets' moments, and the batch
sizes each system reaches.

    python3 experiments/l3_throughput.py [--jobs 2] [--quick]

writes experiments/results/l3_throughput.csv and .png. Paper (CHIME v2):
DIMM-PIM up to 5.15x over HBM-PIM (v1: 6.1x), 3.45x over HBM-PIM-EXT, 3.94x
over GPU-only, 7.21x over R-PIM; batch x6.6 (OpenR1).
"""
import os

import common
import l3_common


def main():
    args = common.parse_args(__doc__.split('\n')[0])
    models, traces, points, results = l3_common.run_grid(
        args, l3_common.SYSTEMS)
    by_key = {(p[0][0], p[1], p[2][0]): r for p, r in zip(points, results)}
    rows = []
    for ((model_label, _, _, _), trace, (system, device, coprocess)), \
            result in zip(points, results):
        gpu = by_key[(model_label, trace, 'GPU-only')]
        hbm = by_key[(model_label, trace, 'HBM-PIM')]
        rows.append(dict(
            model=model_label, trace=trace, system=system,
            device=device, coprocess=coprocess, **result,
            vs_gpu_only=result['throughput_tokens_per_s'] /
            gpu['throughput_tokens_per_s'],
            vs_hbm_pim=result['throughput_tokens_per_s'] /
            hbm['throughput_tokens_per_s'],
            batch_vs_gpu_only=result['batch_mean'] / gpu['batch_mean']))
    columns = ['model', 'tp', 'dp', 'trace', 'system', 'device', 'coprocess',
               'throughput_tokens_per_s', 'vs_gpu_only', 'vs_hbm_pim',
               'batch_mean', 'batch_max', 'batch_vs_gpu_only', 'preemptions',
               'generated_tokens', 'simulated_seconds']
    name = 'l3_throughput' + ('_quick' if args.quick else '')
    common.write_csv(os.path.join(args.out, name + '.csv'), rows, columns)
    print_summary(rows)
    if not args.no_plot:
        plot(rows, [m[0] for m in models], traces,
             os.path.join(args.out, name + '.png'))
    return 0


def print_summary(rows):
    print(f'{"model":9s} {"trace":13s} {"system":12s} {"tok/s":>9s} '
          f'{"xGPU":>6s} {"xHBM":>6s} {"batch":>7s} {"xbatch":>6s}')
    for r in rows:
        print(f'{r["model"]:9s} {r["trace"]:13s} {r["system"]:12s} '
              f'{r["throughput_tokens_per_s"]:9.1f} {r["vs_gpu_only"]:6.2f} '
              f'{r["vs_hbm_pim"]:6.2f} {r["batch_mean"]:7.1f} '
              f'{r["batch_vs_gpu_only"]:6.2f}')
    dimm = {(r['model'], r['trace']): r for r in rows
            if r['system'] == 'DIMM-PIM'}
    print('\nDIMM-PIM over each system, max (geomean) over models x traces:')
    for system in [s[0] for s in l3_common.SYSTEMS if s[0] != 'DIMM-PIM']:
        ratios = [dimm[(r['model'], r['trace'])]['throughput_tokens_per_s'] /
                  r['throughput_tokens_per_s']
                  for r in rows if r['system'] == system]
        print(f'  {system:12s} {max(ratios):6.2f}x '
              f'({common.geometric_mean(ratios):.2f}x)')
    batches = [dimm[(r['model'], r['trace'])]['batch_mean'] / r['batch_mean']
               for r in rows if r['system'] == 'GPU-only']
    print(f'  batch vs GPU-only: max {max(batches):.2f}x '
          f'(geomean {common.geometric_mean(batches):.2f}x)')


def plot(rows, models, traces, path):
    plt = common.pyplot()
    systems = [s[0] for s in l3_common.SYSTEMS]
    figure, axes = plt.subplots(2, len(models), figsize=(3.6 * len(models), 5),
                                squeeze=False)
    width = 0.8 / len(systems)
    for column, model in enumerate(models):
        for row, (key, label) in enumerate(
                [('vs_gpu_only', 'throughput / GPU-only'),
                 ('batch_mean', 'mean batch (requests)')]):
            axis = axes[row][column]
            for index, system in enumerate(systems):
                values = [next(r[key] for r in rows
                               if r['model'] == model and r['trace'] == trace
                               and r['system'] == system) for trace in traces]
                axis.bar([t + (index - (len(systems) - 1) / 2) * width
                          for t in range(len(traces))], values, width,
                         label=system)
            axis.set_xticks(range(len(traces)))
            axis.set_xticklabels(traces)
            axis.set_ylabel(label)
            if row == 0:
                axis.set_title(model)
                axis.axhline(1, color='black', linewidth=0.5)
            else:
                axis.set_yscale('log')
    handles, labels = axes[0][0].get_legend_handles_labels()
    figure.legend(handles, labels, loc='lower center', ncol=len(systems),
                  bbox_to_anchor=(0.5, -0.04))
    figure.suptitle('L3/CHIME: throughput and batch on one DGX-A100 '
                    '(1,000 requests per trace)', y=1.02)
    common.save_figure(figure, path)


if __name__ == '__main__':
    raise SystemExit(main())
