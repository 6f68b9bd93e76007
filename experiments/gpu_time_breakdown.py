#!/usr/bin/env python3
"""Duplex experiment 5: where the GPU system's time goes, per layer kind (FC,
prefill attention, decode attention, MoE, communication, other), separately
for decode-only and mixed stages (the paper's motivation: MoE is ~50-80% of
stage time for Mixtral and GLaM; decode-only stages dominate).

  /usr/bin/python3 experiments/gpu_time_breakdown.py [--quick] [--out DIR]
"""

import common
import duplex_setup

MODELS = ['mixtral-8x7b', 'glam', 'grok-1', 'llama-3-70b', 'opt-66b']
BATCH = 64
CATEGORIES = ['fc', 'attention_prefill', 'attention_decode', 'moe',
              'communication', 'other']
STAGES = ['decode_only', 'mixed']
COLUMNS = ['model', 'batch', 'lin', 'lout', 'stage', 'stages',
           'share_of_stages'] + CATEGORIES


def points(quick):
    for model in MODELS[:1] if quick else MODELS:
        lengths = duplex_setup.CONFIG['models'][model]['lengths']
        lin, lout = lengths[len(lengths) // 2]
        yield dict(model=model, batch=BATCH, lin=lin, lout=lout)


def measure(duplexc, point):
    report, _ = duplex_setup.simulate_point(duplexc, point, 'GPU')
    total = sum(report['stages'].values())
    return [dict(point, stage=stage, stages=report['stages'][stage],
                 share_of_stages=report['stages'][stage] / total,
                 **report['time_breakdown_by_stage'][stage])
            for stage in STAGES]


def plot(rows, path):
    plt = common.pyplot()
    figure, axis = plt.subplots(figsize=(6, 2.8))
    bottom = [0.0] * len(rows)
    for category in CATEGORIES:
        values = [100 * r[category] for r in rows]
        axis.bar(range(len(rows)), values, bottom=bottom, label=category)
        bottom = [b + v for b, v in zip(bottom, values)]
    axis.set_xticks(range(len(rows)))
    axis.set_xticklabels([f'{r["model"]}\n{r["stage"].replace("_", "-")}'
                          for r in rows], fontsize=5)
    axis.set_ylabel('% of busy time')
    axis.legend(fontsize=6, bbox_to_anchor=(1, 1))
    axis.set_title(f'Duplex exp. 5: GPU system time by layer kind, B{BATCH}')
    common.save_figure(figure, path)


def main():
    args = common.parse_args(__doc__.split('\n')[0])
    rows = common.run_experiment(args, 'gpu_time_breakdown',
                                 points(args.quick), measure, COLUMNS, plot)
    for r in rows:
        print(f'{r["model"]} {r["stage"]} ({100 * r["share_of_stages"]:.0f}% '
              f'of stages): MoE {100 * r["moe"]:.0f}%, decode attention '
              f'{100 * r["attention_decode"]:.0f}%, FC {100 * r["fc"]:.0f}%')


if __name__ == '__main__':
    main()
