#!/usr/bin/env python3
"""Study (issue 18): what Duplex's Op/B argument gives for 2025 models.
DeepSeek-V3 (MLA, 256 fine-grained experts) and Qwen3-235B-A22B (GQA, 128
experts) on 8 H200s against 8 Duplex devices on HBM3e (the H200 as xPU,
Logic-PIM from its HBM3e), and gpt-oss-120b (GQA with sliding layers, 128
MXFP4 experts, top 4) on 1 and 2 of each: decode throughput and TPOT over
batch 32-256 and context 1k-32k, and the Op/B of every op kind with the
unit the partitioner chose at one decode stage.

  /usr/bin/python3 experiments/study_2025.py [--quick] [--out DIR]

Writes study_2025_serving.csv, study_2025_opb.csv and study_2025.png; the
tables of docs/studies.md come from these CSVs (experiments/summarize.py).
Under --calibration paper (no derating, no framework overhead): the
mechanism, not a serving stack, is what the study traces.
"""
import common

SETUPS = [
    # (model, devices per node, GPU device, Duplex device)
    ('deepseek-v3', 8, 'h200', 'duplex-hbm3e'),
    ('qwen3-235b-a22b', 8, 'h200', 'duplex-hbm3e'),
    ('gpt-oss-120b', 1, 'h200', 'duplex-hbm3e'),
    ('gpt-oss-120b', 2, 'h200', 'duplex-hbm3e'),
]
BATCHES = [32, 64, 128, 256]
CONTEXTS = [1024, 8192, 32768]
OUTPUT_TOKENS = 256
OPB_STAGE = 'decode=64@8192'
SERVING_COLUMNS = ['model', 'devices', 'system', 'batch', 'lin', 'lout',
                   'throughput_tokens_per_s', 'tpot_p50_s',
                   'max_batch_reached', 'preemptions', 'speedup_vs_gpu']
OPB_COLUMNS = ['model', 'devices', 'system', 'op', 'part', 'category',
               'layers', 'opb', 'unit', 'seconds']


def serving_points(quick):
    for model, devices, gpu, duplex in SETUPS[:1] if quick else SETUPS:
        for batch in BATCHES[:1] if quick else BATCHES:
            for lin in CONTEXTS[:1] if quick else CONTEXTS:
                for system, device in (('GPU', gpu), ('Duplex', duplex)):
                    yield dict(model=model, devices=devices, system=system,
                               device=device, batch=batch, lin=lin,
                               lout=OUTPUT_TOKENS)


def measure_serving(duplexc, point):
    # Closed loop, two generations of `batch` requests; pe-et splits every
    # expert over the node's devices (Duplex+PE+ET), expert parallel on GPUs.
    report = common.simulate(
        duplexc, point['model'], point['device'], devices=point['devices'],
        nodes=1, coprocess='pe-et' if point['system'] == 'Duplex' else 'none',
        closed_loop=True, batch=point['batch'], requests=2 * point['batch'],
        lin=point['lin'], lout=point['lout'], len_std=0.1, seed=1,
        calibration='paper')
    row = {k: v for k, v in point.items() if k != 'device'}
    row.update(throughput_tokens_per_s=report['throughput_tokens_per_s'],
               tpot_p50_s=report['tpot_s']['p50'],
               max_batch_reached=report['batch']['max'],
               preemptions=report['preemptions'])
    return row


def measure_opb(duplexc, setup):
    model, devices, system, device = setup
    records = common.run_json([
        duplexc, 'compile', model, '--device', device, '--devices',
        str(devices), '--stage', OPB_STAGE, '--emit=placement', '--json',
        '--routing', 'expected', '--calibration', 'paper'])
    rows = []
    for record in records['records']:
        rows.append(dict(model=model, devices=devices, system=system,
                         op=record['op'], part=record['part'],
                         category=record['category'],
                         layers=record['layers'], opb=record['opb'],
                         unit=record.get('unit', ''),
                         seconds=record.get('seconds', 0.0)))
    return rows


def plot(rows, path):
    plt = common.pyplot()
    setups = sorted({(r['model'], r['devices']) for r in rows})
    figure, axes = plt.subplots(1, len(setups), figsize=(11, 2.8),
                                squeeze=False)
    for axis, (model, devices) in zip(axes[0], setups):
        for lin in CONTEXTS:
            mine = sorted((r['batch'], r['speedup_vs_gpu']) for r in rows
                          if r['model'] == model and r['devices'] == devices
                          and r['lin'] == lin and r['system'] == 'Duplex')
            if mine:
                axis.plot(*zip(*mine), marker='o', label=f'Lin {lin}')
        axis.axhline(1, color='black', lw=0.5)
        axis.set_xscale('log', base=2)
        axis.set_title(f'{model} x{devices}', fontsize=7)
        axis.set_xlabel('batch')
    axes[0][0].set_ylabel('Duplex / H200 throughput')
    axes[0][-1].legend(fontsize=6)
    common.save_figure(figure, path)


def main():
    args = common.parse_args(__doc__.split('\n')[0])
    rows = common.run_experiment(
        args, 'study_2025_serving', serving_points(args.quick),
        measure_serving, SERVING_COLUMNS, plot,
        post=lambda rows: common.normalise(
            rows, ['model', 'devices', 'batch', 'lin']))
    opb_setups = [(model, devices, system, device)
                  for model, devices, gpu, duplex in
                  (SETUPS[:1] if args.quick else SETUPS)
                  for system, device in (('GPU', gpu), ('Duplex', duplex))]
    common.run_experiment(args, 'study_2025_opb', opb_setups, measure_opb,
                          OPB_COLUMNS)
    for model, devices, _, _ in SETUPS:
        gains = [r['speedup_vs_gpu'] for r in rows if r['model'] == model
                 and r['devices'] == devices and r['system'] == 'Duplex']
        if gains:
            print(f'{model} x{devices}: Duplex / H200 {min(gains):.2f}x to '
                  f'{max(gains):.2f}x')


if __name__ == '__main__':
    main()
