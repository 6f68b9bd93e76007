#!/usr/bin/env python3
"""TensorRT-LLM serving under load: TTFT, ITL and output throughput of
Llama-3.3-70B in FP8 on two H100s (TP2) at concurrency 1 to 250, as NVIDIA
published them for NIM 1.8.0 (experiments/configs/trtllm_serving.csv), against
`duplexc simulate --scheduler trtllm` under the `measured` profile (its
`trtllm` runtime section).

Each row is replayed as the benchmark ran: a closed loop of `concurrency`
clients, each sending its next request when its last one ends, fixed
lengths, FP8 weights and KV cache. The load generator reports steady state,
so the first `concurrency` requests (the wave that starts together) are left
out of the TTFT and ITL means; throughput is the whole run's.

  /usr/bin/python3 experiments/trtllm_serving.py [--quick] [--out DIR]
"""
import csv
import os
import statistics
import tempfile

import common

MEASUREMENTS = os.path.join(common.HERE, 'configs', 'trtllm_serving.csv')
MODEL, DEVICE, DEVICES, DTYPE = 'llama-3-70b', 'h100', 2, 'fp8'
# Closed-loop waves replayed per row: one warm-up wave and three measured.
WAVES = 4
COLUMNS = ['lin', 'lout', 'concurrency', 'ttft_ms', 'ttft_predicted_ms',
           'ttft_error_pct', 'itl_ms', 'itl_predicted_ms', 'itl_error_pct',
           'output_tokens_per_s', 'output_tokens_per_s_predicted',
           'throughput_error_pct']


def read_rows():
    with open(MEASUREMENTS, encoding='utf-8') as stream:
        lines = [line for line in stream if not line.startswith('#')]
    rows = list(csv.DictReader(lines))
    for row in rows:
        for key in row:
            row[key] = float(row[key]) if '.' in row[key] else int(row[key])
    return rows


def steady_state(requests_csv, warm_up):
    """Mean TTFT and ITL (s) of the requests after the first `warm_up`."""
    with open(requests_csv, encoding='utf-8') as stream:
        kept = [r for r in csv.DictReader(stream)
                if int(r['request_id']) >= warm_up]
    return (statistics.mean(float(r['ttft_s']) for r in kept),
            statistics.mean(float(r['tpot_s']) for r in kept))


def measure(duplexc, row, folder):
    concurrency = row['concurrency']
    requests_csv = os.path.join(
        folder, f'{row["lin"]}-{row["lout"]}-{concurrency}.csv')
    report = common.simulate(
        duplexc, MODEL, DEVICE, devices=DEVICES, scheduler='trtllm',
        closed_loop=True, batch=concurrency, requests=WAVES * concurrency,
        lin=row['lin'], lout=row['lout'], len_std=0, seed=0,
        weight_dtype=DTYPE, kv_dtype=DTYPE, requests_out=requests_csv)
    ttft, itl = steady_state(requests_csv, concurrency)
    result = dict(row, ttft_predicted_ms=ttft * 1e3,
                  itl_predicted_ms=itl * 1e3,
                  output_tokens_per_s_predicted=report[
                      'throughput_tokens_per_s'])
    for name, measured, predicted in (
            ('ttft_error_pct', 'ttft_ms', 'ttft_predicted_ms'),
            ('itl_error_pct', 'itl_ms', 'itl_predicted_ms'),
            ('throughput_error_pct', 'output_tokens_per_s',
             'output_tokens_per_s_predicted')):
        result[name] = 100 * (result[predicted] / row[measured] - 1)
    return result


def plot(rows, path):
    plt = common.pyplot()
    figure, axes = plt.subplots(1, 3, figsize=(10, 3))
    for (lin, lout) in sorted({(r['lin'], r['lout']) for r in rows}):
        mine = [r for r in rows if (r['lin'], r['lout']) == (lin, lout)]
        x = [r['concurrency'] for r in mine]
        for axis, (measured, predicted, title) in zip(axes, (
                ('ttft_ms', 'ttft_predicted_ms', 'TTFT (ms)'),
                ('itl_ms', 'itl_predicted_ms', 'ITL (ms)'),
                ('output_tokens_per_s', 'output_tokens_per_s_predicted',
                 'output tokens/s'))):
            line, = axis.plot(x, [r[measured] for r in mine], 'o-',
                              label=f'{lin}/{lout}')
            axis.plot(x, [r[predicted] for r in mine], 'x--',
                      color=line.get_color())
            axis.set_title(title)
            axis.set_xlabel('concurrency')
            axis.set_yscale('log')
    axes[0].legend(fontsize=6, title='Lin/Lout (o NIM, x ours)',
                   title_fontsize=6)
    figure.suptitle('TensorRT-LLM (NIM 1.8.0), Llama-3.3-70B FP8, 2x H100 '
                    'TP2: measured against duplexc --scheduler trtllm',
                    fontsize=8)
    figure.tight_layout()
    common.save_figure(figure, path)


def main():
    args = common.parse_args(__doc__.split('\n')[0])
    rows = read_rows()
    if args.quick:
        rows = [r for r in rows if r['concurrency'] in (1, 25)
                and r['lin'] == 1000]
    with tempfile.TemporaryDirectory() as folder:
        results = common.run_points(
            lambda row: measure(args.duplexc, row, folder), rows, args.jobs)
    common.write_csv(os.path.join(args.out, 'trtllm_serving.csv'), results,
                     COLUMNS)
    if not args.no_plot:
        plot(results, os.path.join(args.out, 'trtllm_serving.png'))


if __name__ == '__main__':
    main()
