#!/usr/bin/env python3
"""Rewrites the generated tables of docs/validation.md and docs/studies.md
from the experiments' CSVs (experiments/results), so the reports always
show what the committed results say. A table sits between `<!-- generated: NAME -->` and
`<!-- end: NAME -->`; the text around it is written by hand.

  /usr/bin/python3 experiments/summarize.py          # rewrite the tables
  /usr/bin/python3 experiments/summarize.py --check  # exit 1 if stale
"""
import argparse
import csv
import os
import re
import statistics
import sys

import common

DOCS = [os.path.join(common.ROOT, 'docs', name)
        for name in ('validation.md', 'studies.md')]


def read(name, results):
    path = os.path.join(results, name + '.csv')
    with open(path, encoding='utf-8') as stream:
        rows = list(csv.DictReader(stream))
    for row in rows:
        for key, value in row.items():
            try:
                row[key] = float(value)
            except (TypeError, ValueError):
                pass
    return rows


def table(header, rows):
    lines = ['| ' + ' | '.join(header) + ' |',
             '|' + '|'.join('---' for _ in header) + '|']
    lines += ['| ' + ' | '.join(str(c) for c in row) + ' |' for row in rows]
    return '\n'.join(lines)


def calibration(results):
    rows = read('gpu_calibration', results)
    body = []
    for r in rows:
        # A rate's roofline is a ceiling, a time's a floor.
        rate = r['metric'] == 'output_tokens_per_s'
        beyond = (r['measured'] > r['roofline_floor'] if rate else
                  r['measured'] < r['roofline_floor'])
        note = ' (beyond the roofline)' if beyond else ''
        model = r['model'] + (f' ({r["dtype"].upper()})' if r['dtype'] else '')
        lengths = (f'{int(r["lin"])}/{int(r["lout"])}' if r['lout'] != ''
                   else f'{int(r["lin"])}')
        body.append([f'{int(r["devices"])}x {r["hardware"].upper()}',
                     model, r['framework'], int(r['batch']), lengths,
                     r['metric'], f'{r["measured"]:g}',
                     f'{r["roofline_floor"]:.3g}', f'{r["predicted"]:.3g}',
                     f'{r["error_pct"]:+.1f}%{note}'])
    errors = [abs(r['error_pct']) for r in rows]
    return table(['system', 'model', 'framework', 'batch', 'Lin/Lout',
                  'metric', 'measured', 'roofline', 'predicted', 'error'],
                 body) + (f'\n\nMean absolute error {statistics.mean(errors):.1f}%'
                          f' over {len(rows)} rows; median '
                          f'{statistics.median(errors):.1f}%; max '
                          f'{max(errors):.1f}%.')


def trtllm_serving(results):
    rows = read('trtllm_serving', results)
    setups = list(dict.fromkeys(r['setup'] for r in rows))
    return '\n\n'.join(trtllm_setup(setup, [r for r in rows
                                             if r['setup'] == setup])
                        for setup in setups)


def trtllm_setup(setup, rows):
    """One published setup's table and its summary line."""
    body = [[f'{int(r["lin"])}/{int(r["lout"])}', int(r['concurrency']),
             f'{r["ttft_ms"]:.0f}', f'{r["ttft_predicted_ms"]:.0f}',
             f'{r["ttft_error_pct"]:+.0f}%', f'{r["itl_ms"]:.1f}',
             f'{r["itl_predicted_ms"]:.1f}', f'{r["itl_error_pct"]:+.1f}%',
             f'{r["output_tokens_per_s"]:.0f}',
             f'{r["output_tokens_per_s_predicted"]:.0f}',
             f'{r["throughput_error_pct"]:+.1f}%'] for r in rows]

    def median_itl(chosen):
        return statistics.median(abs(r['itl_error_pct']) for r in chosen)

    low = [r for r in rows if r['concurrency'] <= 50]
    high = [r for r in rows if r['concurrency'] > 50]
    alone = [abs(r['ttft_error_pct']) for r in rows if r['concurrency'] == 1]
    ttft = [abs(r['ttft_error_pct']) for r in rows]
    throughput = [abs(r['throughput_error_pct']) for r in rows]
    # The serving target: TTFT within 25%.
    within = sum(e <= 25 for e in ttft)
    role = ('held out of every fit' if rows[0]['held_out'] == 'True'
            else 'the setup the trtllm runtime is fitted on')
    return f'**{setup}** ({role}):\n\n' + table(
        ['Lin/Lout', 'concurrency', 'TTFT ms', 'ours', 'error', 'ITL ms',
         'ours', 'error', 'tokens/s', 'ours', 'error'], body) + (
        f'\n\nMedian absolute ITL error {median_itl(rows):.1f}% over '
        f'{len(rows)} points ({median_itl(low):.1f}% at concurrency up to '
        f'50, {median_itl(high):.1f}% above it); output throughput within '
        f'{max(throughput):.1f}% (median {statistics.median(throughput):.1f}%)'
        f'; TTFT alone within {max(alone):.1f}%, and within 25% at {within} '
        f'of {len(rows)} points (median {statistics.median(ttft):.1f}%).')


def mean_max_table(rows, key, columns, value, title):
    """Per model, the mean and max of `value` over the rows whose `key` is
    each of `columns`."""
    body = []
    for model in dict.fromkeys(r['model'] for r in rows):
        cells = [model]
        for column in columns:
            values = [r[value] for r in rows
                      if r['model'] == model and r[key] == column]
            cells.append(f'{statistics.mean(values):.2f}x / '
                         f'{max(values):.2f}x')
        body.append(cells)
    return table([title] + columns, body)


def throughput(results):
    return mean_max_table(read('duplex_throughput', results), 'system',
                          ['2xGPU', 'Duplex', 'Duplex+PE', 'Duplex+PE+ET'],
                          'speedup_vs_gpu', 'model (mean / max over 9 points)')


def by_point(rows, system):
    return {(r['model'], r['batch'], r['lin']): r for r in rows
            if r['system'] == system}


def headline(results):
    rows = read('duplex_throughput', results)
    gpu, duplex = by_point(rows, 'GPU'), by_point(rows, 'Duplex')
    pe, et = by_point(rows, 'Duplex+PE'), by_point(rows, 'Duplex+PE+ET')
    best = [r['speedup_vs_gpu'] for r in et.values()]
    plain = [r['speedup_vs_gpu'] for r in duplex.values()]
    coprocessing = [pe[k]['throughput_tokens_per_s'] /
                    duplex[k]['throughput_tokens_per_s'] for k in duplex]
    tensor = [et[k]['throughput_tokens_per_s'] /
              duplex[k]['throughput_tokens_per_s'] for k in duplex]
    energy = [100 * (1 - et[k]['energy_j_per_token'] /
                     gpu[k]['energy_j_per_token']) for k in gpu]
    latency = read('duplex_latency', results)
    lgpu = {r['lin']: r for r in latency if r['system'] == 'GPU'}
    lbest = {r['lin']: r for r in latency if r['system'] == 'Duplex+PE+ET'}
    e2e = max(lgpu[k]['e2e_p50_s'] / lbest[k]['e2e_p50_s'] for k in lgpu)
    tbt = [100 * (lbest[k]['tbt_p50_s'] / lgpu[k]['tbt_p50_s'] - 1)
           for k in sorted(lgpu)]
    body = [
        ['throughput, Duplex+PE+ET vs GPU, max', '2.67x', f'{max(best):.2f}x'],
        ['throughput, Duplex+PE+ET vs GPU, average', '2.07x',
         f'{statistics.mean(best):.2f}x (geomean '
         f'{common.geometric_mean(best):.2f}x)'],
        ['throughput, Duplex alone vs GPU, max', '2.51x',
         f'{max(plain):.2f}x'],
        ['co-processing (PE) over Duplex, average', '~1.04x',
         f'{statistics.mean(coprocessing):.2f}x'],
        ['+PE+ET over Duplex, max', '1.36x', f'{max(tensor):.2f}x'],
        ['E2E latency, GPU / Duplex+PE+ET (GLaM B64, p50), max', '2.57x',
         f'{e2e:.2f}x'],
        ['median TBT, GLaM B64', '-58.3%',
         ', '.join(f'{v:+.1f}%' for v in tbt) + ' (Lin 512/1024/2048)'],
        ['energy per token vs GPU, max reduction', '42.03%',
         f'{max(energy):.1f}%'],
        ['energy per token vs GPU, average reduction', '28.19%',
         f'{statistics.mean(energy):.1f}%'],
    ]
    return table(['result', 'paper', 'ours'], body)


def latency(results):
    rows = read('duplex_latency', results)
    body = [[int(r['lin']), r['system']] +
            [f'{r[f"{m}_{p}_s"]:.3g}' for m in ('tbt', 'ttft', 'e2e')
             for p in ('p50', 'p99')] for r in rows]
    return table(['Lin = Lout', 'system', 'TBT p50', 'TBT p99', 'T2FT p50',
                  'T2FT p99', 'E2E p50', 'E2E p99'], body)


def bankpim(results):
    rows = read('duplex_bankpim', results)
    body = []
    for model in dict.fromkeys(r['model'] for r in rows):
        for batch in sorted({r['batch'] for r in rows}):
            mine = {r['system']: r['speedup_vs_gpu'] for r in rows
                    if r['model'] == model and r['batch'] == batch}
            body.append([model, int(batch), f'{mine["Bank-PIM"]:.2f}x',
                         f'{mine["Duplex+PE"]:.2f}x',
                         'Bank-PIM' if mine['Bank-PIM'] >= mine['Duplex+PE']
                         else 'Duplex'])
    return table(['model', 'batch', 'Bank-PIM / GPU', 'Duplex+PE / GPU',
                  'faster'], body)


def energy(results):
    rows = read('duplex_energy', results)
    body = []
    for r in rows:
        dram = sum(r[f'{k}_dram'] for k in ('fc', 'attention', 'moe', 'other'))
        compute = sum(r[f'{k}_compute']
                      for k in ('fc', 'attention', 'moe', 'other'))
        body.append([r['model'], r['system'], f'{r["energy_j_per_token"]:.3f}',
                     f'{r["reduction_vs_gpu_pct"]:+.1f}%', f'{dram:.3f}',
                     f'{compute:.4f}', f'{r["communication"]:.4f}',
                     f'{r["static"]:.3f}'])
    return table(['model', 'system', 'J/token', 'less than GPU', 'DRAM',
                  'compute', 'links', 'static'], body)


def breakdown(results):
    rows = read('gpu_time_breakdown', results)
    categories = ['fc', 'attention_prefill', 'attention_decode', 'moe',
                  'communication', 'other']
    body = [[r['model'], r['stage'].replace('_', '-'),
             f'{100 * r["share_of_stages"]:.0f}%'] +
            [f'{100 * r[c]:.0f}%' for c in categories] for r in rows]
    return table(['model', 'stage', 'of stages'] + categories, body)


def qps(results):
    rows = read('duplex_qps', results)
    systems = list(dict.fromkeys(r['system'] for r in rows))
    body = []
    for q in sorted({r['qps'] for r in rows}):
        mine = {r['system']: r for r in rows if r['qps'] == q}
        body.append([int(q)] + [f'{mine[s]["e2e_p50_s"]:.1f} / '
                                f'{mine[s]["tbt_p50_s"] * 1e3:.1f}'
                                for s in systems])
    return table(['QPS'] + [f'{s} E2E s / TBT ms' for s in systems], body)


def ablation(results):
    rows = read('duplex_ablation', results)
    return mean_max_table(rows, 'variant',
                          list(dict.fromkeys(r['variant'] for r in rows)),
                          'speedup', 'Duplex+PE+ET / GPU (mean / max)')


def paper_profile(results):
    """Experiment 1's Duplex+PE+ET / GPU under the paper and measured
    profiles, against the paper's headline numbers and the one point the
    authors' simulator was run at here (issue 15: Mixtral, 4 devices,
    batch 64, Lin = Lout = 1024)."""
    rows = read('duplex_ablation', results)

    def of(variant):
        return [r for r in rows if r['variant'] == variant]

    def point(variant, lin=1024):
        return next(r for r in of(variant) if r['model'] == 'mixtral-8x7b'
                    and r['batch'] == 64 and r['lin'] == lin)

    def mean_of(variant):
        return statistics.mean(r['speedup'] for r in of(variant))

    def max_of(variant):
        return max(r['speedup'] for r in of(variant))

    body = [
        ['Duplex+PE+ET / GPU, average over experiment 1', '2.07x', '',
         f'{mean_of("paper"):.2f}x', f'{mean_of("measured"):.2f}x'],
        ['Duplex+PE+ET / GPU, max', '2.67x', '',
         f'{max_of("paper"):.2f}x', f'{max_of("measured"):.2f}x'],
        ['Mixtral B64 1024/1024: Duplex+PE+ET / GPU', '~2.3x', '2.17x',
         f'{point("paper")["speedup"]:.2f}x',
         f'{point("measured")["speedup"]:.2f}x'],
        # The paper's text (section VII-C, on Fig. 14): "2.05x" for Duplex
        # at Mixtral, batch 64, (Lin, Lout) = (256, 256).
        ['Mixtral B64 256/256: Duplex+PE+ET / GPU', '2.05x', '',
         f'{point("paper", 256)["speedup"]:.2f}x',
         f'{point("measured", 256)["speedup"]:.2f}x'],
        ['Mixtral B64 1024/1024: GPU tokens/s', '', '7,050',
         f'{point("paper")["gpu_tokens_per_s"]:,.0f}',
         f'{point("measured")["gpu_tokens_per_s"]:,.0f}'],
    ]
    return table(['result', 'paper', "authors' simulator",
                  'ours, --calibration paper', 'ours, measured'], body)


def l3_points(results):
    """{(model, trace): {system: row}} of the L3 throughput experiment."""
    points = {}
    for r in read('l3_throughput', results):
        points.setdefault((r['model'], r['trace']), {})[r['system']] = r
    return points


def l3_throughput(results):
    body = []
    for (model, trace), systems in l3_points(results).items():
        dimm, gpu = systems['DIMM-PIM'], systems['GPU-only']
        tokens = dimm['throughput_tokens_per_s']
        body.append(
            [model, trace,
             f'{int(gpu["tp"])}x{int(gpu["dp"])} / '
             f'{int(dimm["tp"])}x{int(dimm["dp"])}', f'{tokens:.0f}'] +
            [f'{tokens / systems[s]["throughput_tokens_per_s"]:.2f}'
             for s in ('GPU-only', 'HBM-PIM', 'HBM-PIM-EXT', 'R-PIM')] +
            [f'{dimm["batch_mean"]:.0f} / {gpu["batch_mean"]:.1f} = '
             f'{dimm["batch_mean"] / gpu["batch_mean"]:.2f}'])
    return table(['model', 'trace', 'TP x DP (GPU-KV / others)',
                  'DIMM-PIM tok/s', 'vs GPU-only', 'vs HBM-PIM',
                  'vs HBM-PIM-EXT', 'vs R-PIM',
                  'batch DIMM-PIM / GPU-only'], body)


def l3_headline(results):
    points = l3_points(results)
    body = []
    for system, paper in (('HBM-PIM', 'up to 5.15x (v2), 6.1x (v1)'),
                          ('HBM-PIM-EXT', 'up to 3.45x'),
                          ('GPU-only', 'up to 3.94x'),
                          ('R-PIM', 'up to 7.21x')):
        ratios = [p['DIMM-PIM']['throughput_tokens_per_s'] /
                  p[system]['throughput_tokens_per_s']
                  for p in points.values()]
        body.append([f'DIMM-PIM over {system}', paper,
                     f'{max(ratios):.2f}x ({common.geometric_mean(ratios):.2f}x)'])
    gpt = points[('GPT-175B', 'openr1')]
    batch = gpt['DIMM-PIM']['batch_mean'] / gpt['GPU-only']['batch_mean']
    speed = (gpt['DIMM-PIM']['throughput_tokens_per_s'] /
             gpt['GPU-only']['throughput_tokens_per_s'])
    body.append(['batch vs GPU-only (GPT-175B, OpenR1)',
                 'x6.6 (v1: up to 14.3x)', f'x{batch:.2f}'])
    body.append(['latency per step vs GPU-only (GPT-175B, OpenR1)', 'x2.2',
                 f'x{batch / speed:.2f} ({batch:.2f} / {speed:.2f})'])
    return table(['claim', 'paper', 'ours: max over the 9 points (geomean)'],
                 body)


def l3_paper_parallelism(results):
    rows = read('l3_paper_parallelism', results)
    paper = {'GPU-only': '3.94x', 'HBM-PIM': '5.15x (v1: 6.1x)',
             'HBM-PIM-EXT': '3.45x', 'R-PIM': '7.21x'}
    traces = list(dict.fromkeys(r['trace'] for r in rows))
    body = []
    for system in paper:
        mine = {r['trace']: r for r in rows if r['system'] == system}
        ratios = [mine[t]['dimm_pim_over_this'] for t in traces]
        body.append([system, paper[system]] +
                     [f'{mine[t]["dimm_pim_over_this"]:.2f}x' for t in traces] +
                     [f'{max(ratios):.2f}x'])
    kept = {r['trace']: f'{int(r["requests"])}/{int(r["trace_requests"])}'
            for r in rows}
    return table(['DIMM-PIM over', 'paper, up to'] +
                 [f'{t} ({kept[t]} requests)' for t in traces] + ['max'],
                 body)


def l3_scaling(results):
    rows = read('l3_scaling', results)
    body = []
    for variant in dict.fromkeys(r['variant'] for r in rows):
        if variant == '1 rankset':
            continue
        mine = [r for r in rows if r['variant'] == variant]
        values = [r['speedup'] for r in mine]
        body.append([variant, f'{mine[0]["paper"]:.2f}x',
                     f'{common.geometric_mean(values):.2f}x',
                     f'{min(values):.2f}-{max(values):.2f}x'])
    return table(['variant (over 1 rankset)', 'paper',
                  'ours, geomean over 3 models x 3 traces', 'range'], body)


def study_serving(results):
    rows = read('study_2025_serving', results)
    setups = []
    for r in rows:
        if (r['model'], r['devices']) not in setups:
            setups.append((r['model'], r['devices']))
    body = []
    for model, devices in setups:
        for lin in sorted({r['lin'] for r in rows if r['model'] == model}):
            cells = [model, int(devices), int(lin)]
            for batch in sorted({r['batch'] for r in rows}):
                point = {r['system']: r for r in rows if r['model'] == model
                         and r['devices'] == devices and r['lin'] == lin
                         and r['batch'] == batch}
                if 'Duplex' not in point:
                    cells.append('')
                    continue
                gpu, duplex = point['GPU'], point['Duplex']
                cells.append(f'{duplex["speedup_vs_gpu"]:.2f}x '
                             f'({gpu["tpot_p50_s"] * 1e3:.1f} / '
                             f'{duplex["tpot_p50_s"] * 1e3:.1f} ms)')
            body.append(cells)
    batches = sorted({int(r['batch']) for r in rows})
    return table(['model', 'devices', 'Lin'] +
                 [f'batch {b}: Duplex/H200 (TPOT H200 / Duplex)'
                  for b in batches], body)


def study_opb(results):
    rows = read('study_2025_opb', results)
    body = []
    seen = set()
    for r in rows:
        if r['system'] != 'Duplex' or r['layers'] < 2:
            continue  # Decoder layers only, one row per distinct op.
        key = (r['model'], r['devices'], r['op'], r['part'],
               f'{r["opb"]:.1f}', f'{r["seconds"] * 1e6:.1f}')
        if key in seen:
            continue
        seen.add(key)
        index = rows.index(r)
        # The H200 run lists the same ops in the same order.
        gpu = next((g for g in rows[:index] + rows[index:]
                    if g['system'] == 'GPU' and
                    (g['model'], g['devices'], g['op'], g['part'],
                     g['layers']) == (r['model'], r['devices'], r['op'],
                                      r['part'], r['layers']) and
                    f'{g["opb"]:.1f}' == f'{r["opb"]:.1f}'), None)
        body.append([r['model'], int(r['devices']), r['op'], r['part'],
                     f'{r["opb"]:.1f}', r['unit'], f'{r["seconds"] * 1e6:.1f}',
                     f'{gpu["seconds"] * 1e6:.1f}' if gpu else ''])
    return table(['model', 'devices', 'op', 'part', 'Op/B', 'Duplex unit',
                  'Duplex us', 'H200 us'], body)


SECTIONS = {'calibration': calibration, 'trtllm_serving': trtllm_serving,
            'headline': headline,
            'throughput': throughput, 'latency': latency, 'bankpim': bankpim,
            'energy': energy, 'breakdown': breakdown, 'qps': qps,
            'ablation': ablation, 'paper_profile': paper_profile,
            'l3_throughput': l3_throughput,
            'l3_headline': l3_headline, 'l3_scaling': l3_scaling,
            'l3_paper_parallelism': l3_paper_parallelism,
            'study_serving': study_serving, 'study_opb': study_opb}


def render(doc, text, results):
    def replace(match):
        name = match.group(1)
        if name not in SECTIONS:
            sys.exit(f'error: {doc}: unknown generated section {name!r}')
        return (f'<!-- generated: {name} -->\n{SECTIONS[name](results)}\n'
                f'<!-- end: {name} -->')
    return re.sub(r'<!-- generated: (\S+) -->.*?<!-- end: \1 -->', replace,
                  text, flags=re.S)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--check', action='store_true',
                        help='exit 1 if a report is stale')
    parser.add_argument('--results', default=common.DEFAULT_OUT)
    args = parser.parse_args()
    for doc in DOCS:
        with open(doc, encoding='utf-8') as stream:
            text = stream.read()
        updated = render(doc, text, args.results)
        if args.check:
            if updated != text:
                sys.exit(f'{doc} is stale: run /usr/bin/python3 '
                         'experiments/summarize.py')
            print(f'{os.path.relpath(doc)} is up to date')
            continue
        if updated != text:
            common.replace_text(doc, updated)
        print(f'wrote {os.path.relpath(doc)}')


if __name__ == '__main__':
    main()
