#!/usr/bin/env python3
"""Duplex experiment 3: Bank-PIM against Duplex for Mixtral (GQA-4, MoE),
Llama3 (GQA-8) and OPT (MHA) at batch 32 and 64, normalised to the GPU
system. The paper: Bank-PIM (16x bandwidth at 1 Op/B) can beat Logic-PIM on
MHA models, whose decode attention has Op/B 1, but not on GQA or MoE models.

  /usr/bin/python3 experiments/duplex_bankpim.py [--quick] [--out DIR]
"""

import common
import duplex_setup

MODELS = ['mixtral-8x7b', 'llama-3-70b', 'opt-66b']
SYSTEMS = ['GPU', 'Bank-PIM', 'Duplex+PE']
BATCHES = [32, 64]
LENGTHS = (1024, 1024)  # assumed: the figure's (Lin, Lout) is not stated
COLUMNS = ['model', 'batch', 'lin', 'lout', 'system',
           'throughput_tokens_per_s', 'speedup_vs_gpu']


def points(quick):
    for model in MODELS:
        for batch in BATCHES[-1:] if quick else BATCHES:
            for system in SYSTEMS:
                yield dict(model=model, batch=batch, lin=LENGTHS[0],
                           lout=LENGTHS[1], system=system)


def measure(duplexc, point):
    report, _ = duplex_setup.simulate_point(duplexc, point)
    return dict(point,
                throughput_tokens_per_s=report['throughput_tokens_per_s'])


def plot(rows, path):
    plt = common.pyplot()
    figure, axis = plt.subplots(figsize=(5, 2.6))
    groups = sorted({(r['model'], r['batch']) for r in rows},
                    key=lambda g: (MODELS.index(g[0]), g[1]))
    speedup = {(r['model'], r['batch'], r['system']): r['speedup_vs_gpu']
               for r in rows}
    common.grouped_bars(axis, groups, SYSTEMS,
                        lambda g, system: speedup[g + (system,)],
                        [f'{m}\nB{b}' for m, b in groups])
    axis.axhline(1, color='black', lw=0.5)
    axis.set_ylabel('throughput / GPU')
    axis.legend(fontsize=6)
    axis.set_title('Duplex exp. 3: Bank-PIM vs Duplex '
                   f'(Lin = Lout = {LENGTHS[0]})')
    common.save_figure(figure, path)


def main():
    args = common.parse_args(__doc__.split('\n')[0])
    rows = common.run_experiment(
        args, 'duplex_bankpim', points(args.quick), measure, COLUMNS, plot,
        post=lambda rows: common.normalise(rows, ['model', 'batch']))
    for r in rows:
        if r['system'] != 'GPU':
            print(f'{r["model"]} B{r["batch"]} {r["system"]}: '
                  f'{r["speedup_vs_gpu"]:.2f}x GPU')


if __name__ == '__main__':
    main()
