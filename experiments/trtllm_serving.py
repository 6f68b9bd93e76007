#!/usr/bin/env python3
"""TensorRT-LLM serving under load: TTFT, ITL and output throughput of
Llama-3.3-70B in FP8 on two H100s (TP2) at concurrency 1 to 250, as NVIDIA
published them for NIM 1.8.0 (experiments/configs/trtllm_serving.csv), against
`duplexc simulate --scheduler trtllm` under the `measured` profile (its
`trtllm` runtime section, fitted on this setup); and, held out of every fit,
Llama-3.1-8B in FP8 on one H100 from the same page
(experiments/configs/trtllm_serving_8b.csv).

Each row is replayed as the benchmark ran: a closed loop of `concurrency`
clients, each sending its next request when its last one ends, fixed
lengths, FP8 weights and KV cache. The load generator reports steady state,
so the first `concurrency` requests (the wave that starts together) are left
out of the TTFT and ITL means; throughput is the whole run's.

  /usr/bin/python3 experiments/trtllm_serving.py [--quick] [--out DIR]
  /usr/bin/python3 experiments/trtllm_serving.py --fit-reserve
  /usr/bin/python3 experiments/trtllm_serving.py --fit-budget

`--fit-reserve` fits the `trtllm` runtime's reserved_memory_gib (the device
memory TensorRT-LLM keeps besides the weights and the KV cache) from the
rows where requests queue for KV cache, and prints it: it is written into
calibration/measured.json by hand, with this script as its source. By
Little's law the requests decoding at once are throughput x ITL; TensorRT-
LLM admits a request only when its whole length (Lin + Lout) fits
(GUARANTEED_NO_EVICT), so where a queue forms the cache holds
throughput x ITL x (Lin + Lout) tokens.

`--fit-budget` fits the `trtllm` runtime's chunked_stage_token_budget: the
tokens a stage may hold (decodes included), prompts chunked to fit, as the
measured deployment ran (TensorRT-LLM's max_num_tokens with chunked context).
NIM serves 20,000-token prompts, which TensorRT-LLM runs whole only when
max_num_tokens exceeds them, and its TTFT at concurrency 5-150 grows far
slower than a stage that takes every waiting prompt would give: while the
cache does not bind, TTFT is set by how many prompts share a stage. The fit
tries powers of two on those rows and prints each one's errors and a check
that leaves each length pair out of the choice in turn.
"""
import csv
import json
import os
import statistics
import tempfile

import common

DEVICE, DTYPE = 'h100', 'fp8'
# The published setups: the first is the one the trtllm runtime is fitted on
# (its ITL in calibrate_gpu.py --fit --runtime trtllm, its KV cache and stage
# budget here); the others are held out of every fit.
SETUPS = [
    dict(setup='llama-3.3-70b fp8 2x h100', model='llama-3-70b', devices=2,
         held_out=False, measurements='trtllm_serving.csv'),
    dict(setup='llama-3.1-8b fp8 1x h100', model='llama-3.1-8b', devices=1,
         held_out=True, measurements='trtllm_serving_8b.csv'),
]
FITTED = SETUPS[0]
# Closed-loop waves replayed per row: one warm-up wave and three measured.
WAVES = 4
COLUMNS = ['setup', 'held_out', 'lin', 'lout', 'concurrency', 'ttft_ms', 'ttft_predicted_ms',
           'ttft_error_pct', 'itl_ms', 'itl_predicted_ms', 'itl_error_pct',
           'output_tokens_per_s', 'output_tokens_per_s_predicted',
           'throughput_error_pct']


def read_rows(setups=SETUPS):
    """The measured points of `setups`, each tagged with its setup."""
    rows = []
    for setup in setups:
        path = os.path.join(common.HERE, 'configs', setup['measurements'])
        with open(path, encoding='utf-8') as stream:
            lines = [line for line in stream if not line.startswith('#')]
        for row in csv.DictReader(lines):
            for key in row:
                row[key] = float(row[key]) if '.' in row[key] else int(row[key])
            rows.append(dict(row, setup=setup['setup'],
                             held_out=setup['held_out']))
    return rows


def setup_of(row):
    return next(s for s in SETUPS if s['setup'] == row['setup'])


def steady_state(requests_csv, warm_up):
    """Mean TTFT and ITL (s) of the requests after the first `warm_up`."""
    with open(requests_csv, encoding='utf-8') as stream:
        kept = [r for r in csv.DictReader(stream)
                if int(r['request_id']) >= warm_up]
    return (statistics.mean(float(r['ttft_s']) for r in kept),
            statistics.mean(float(r['tpot_s']) for r in kept))


def measure(duplexc, row, folder, calibration=None):
    concurrency = row['concurrency']
    setup = setup_of(row)
    requests_csv = os.path.join(
        folder, f'{setup["model"]}-{row["lin"]}-{row["lout"]}-{concurrency}-'
        f'{os.path.basename(calibration or "measured")}.csv')
    report = common.simulate(
        duplexc, setup['model'], DEVICE, devices=setup['devices'],
        scheduler='trtllm',
        closed_loop=True, batch=concurrency, requests=WAVES * concurrency,
        lin=row['lin'], lout=row['lout'], len_std=0, seed=0,
        weight_dtype=DTYPE, kv_dtype=DTYPE, requests_out=requests_csv,
        calibration=calibration)
    ttft, itl = steady_state(requests_csv, concurrency)
    result = dict(row, ttft_predicted_ms=ttft * 1e3,
                  itl_predicted_ms=itl * 1e3,
                  output_tokens_per_s_predicted=report[
                      'throughput_tokens_per_s'],
                  kv_capacity_tokens=report['kv_cache'][
                      'capacity_tokens_per_replica'])
    for name, measured, predicted in (
            ('ttft_error_pct', 'ttft_ms', 'ttft_predicted_ms'),
            ('itl_error_pct', 'itl_ms', 'itl_predicted_ms'),
            ('throughput_error_pct', 'output_tokens_per_s',
             'output_tokens_per_s_predicted')):
        result[name] = 100 * (result[predicted] / row[measured] - 1)
    return result


# A row queues for KV cache when its clients outnumber the requests decoding
# by 5% and by two requests at least: below that, the gap is the share of
# each cycle spent before the first token (3% at 5000/500 concurrency 50,
# 0.3 requests at 20000/2000 concurrency 5).
QUEUE_MARGIN = 1.05
QUEUE_MIN_REQUESTS = 2


def decoding_requests(row):
    """Requests decoding at once (Little's law: tokens/s x s per token)."""
    return row['output_tokens_per_s'] * row['itl_ms'] / 1e3


def kv_bound_rows(rows):
    return [r for r in rows
            if r['concurrency'] >= QUEUE_MARGIN * decoding_requests(r)
            and r['concurrency'] - decoding_requests(r) >= QUEUE_MIN_REQUESTS]


def trial_profile(folder, field, value):
    """A copy of the measured profile whose `trtllm` runtime sets `field` to
    `value`, in `folder`; its path."""
    with open(os.path.join(os.path.dirname(common.HERE), 'calibration',
                           'measured.json'), encoding='utf-8') as stream:
        profile = json.load(stream)
    profile['runtimes']['trtllm'][field] = {
        'value': value, 'source': 'assumed: a trial of trtllm_serving.py'}
    path = os.path.join(folder, f'{field}-{value}.json')
    with open(path, 'w', encoding='utf-8') as stream:
        json.dump(profile, stream)
    return path


def capacity_tokens(duplexc, folder, reserve_gib):
    """The replayed setup's KV cache in tokens with the `trtllm` runtime
    keeping `reserve_gib` per device (a copy of the measured profile)."""
    path = trial_profile(folder, 'reserved_memory_gib', reserve_gib)
    report = common.simulate(
        duplexc, FITTED['model'], DEVICE, devices=FITTED['devices'],
        scheduler='trtllm', closed_loop=True, batch=1, requests=1, lin=16,
        lout=2, len_std=0,
        weight_dtype=DTYPE, kv_dtype=DTYPE, calibration=path)
    return report['kv_cache']['capacity_tokens_per_replica']


def fit_reserve(args, rows):
    bound = kv_bound_rows(rows)
    held = [decoding_requests(r) * (r['lin'] + r['lout']) for r in bound]
    for row, tokens in zip(bound, held):
        print(f'  {row["lin"]}/{row["lout"]} at concurrency '
              f'{row["concurrency"]}: {decoding_requests(row):.1f} decoding '
              f'x {row["lin"] + row["lout"]} tokens = {tokens:,.0f}')
    target = statistics.median(held)
    # The capacity falls linearly with the reserve: two trials give it.
    with tempfile.TemporaryDirectory() as folder:
        none, ten = (capacity_tokens(args.duplexc, folder, gib)
                     for gib in (0, 10))
    reserve = 10 * (none - target) / (none - ten)
    print(f'KV cache the measurements hold: {target:,.0f} tokens (median of '
          f'{len(bound)} KV-bound rows, {min(held):,.0f} to {max(held):,.0f}); '
          f'with nothing reserved the model gives {none:,} tokens')
    print(f'reserved_memory_gib {reserve:.2f}')


# The stage budgets --fit-budget tries: TensorRT-LLM's max_num_tokens is
# set per engine, commonly a power of two (8192 by default).
BUDGETS = [512, 1024, 2048, 4096, 8192, 16384]
TTFT_TOLERANCE_PCT = 25


def ttft_errors(duplexc, rows, folder, budget, jobs):
    """Each row's TTFT error (%) with the trtllm runtime's stages capped at
    `budget` tokens, prompts chunked to fit."""
    path = trial_profile(folder, 'chunked_stage_token_budget', budget)
    results = common.run_points(
        lambda row: measure(duplexc, row, folder, path), rows, jobs)
    return [r['ttft_error_pct'] for r in results]


def best_budget(errors, keep):
    """The budget whose median |TTFT error| over the rows `keep` selects is
    the least (the smaller budget on a tie)."""
    def score(budget):
        return statistics.median(abs(e) for e, k in zip(errors[budget], keep)
                                 if k)
    return min(BUDGETS, key=lambda budget: (score(budget), budget))


def fit_budget(args, rows):
    """Fits the trtllm runtime's chunked_stage_token_budget on the rows where
    the KV cache does not bind (there, TTFT is set by how prompts share
    stages); prints each budget's errors and a leave-one-length-pair-out
    check of the choice."""
    bound = kv_bound_rows(rows)
    free = [r for r in rows if r not in bound]
    with tempfile.TemporaryDirectory() as folder:
        errors = {budget: ttft_errors(args.duplexc, free, folder, budget,
                                      args.jobs) for budget in BUDGETS}
    print(f'TTFT error over the {len(free)} rows where the KV cache does not '
          f'bind:')
    for budget in BUDGETS:
        absolute = [abs(e) for e in errors[budget]]
        within = sum(e <= TTFT_TOLERANCE_PCT for e in absolute)
        print(f'  {budget:>6} tokens: median {statistics.median(absolute):5.1f}'
              f'%, max {max(absolute):6.1f}%, {within}/{len(free)} within '
              f'{TTFT_TOLERANCE_PCT}%')
    chosen = best_budget(errors, [True] * len(free))
    pairs = sorted({(r['lin'], r['lout']) for r in free})
    print('left-one-length-pair-out (fitted on the other pairs -> error on '
          'the pair left out):')
    for pair in pairs:
        held = [(r['lin'], r['lout']) == pair for r in free]
        budget = best_budget(errors, [not h for h in held])
        absolute = [abs(e) for e, h in zip(errors[budget], held) if h]
        print(f'  {pair[0]}/{pair[1]}: {budget} tokens, median '
              f'{statistics.median(absolute):.1f}%, max {max(absolute):.1f}%')
    print(f'chunked_stage_token_budget {chosen}')


def plot(rows, path):
    plt = common.pyplot()
    setups = [s for s in SETUPS if any(r['setup'] == s['setup'] for r in rows)]
    figure, grid = plt.subplots(len(setups), 3, figsize=(10, 3 * len(setups)),
                                squeeze=False)
    for setup, axes in zip(setups, grid):
        plot_setup(axes, [r for r in rows if r['setup'] == setup['setup']],
                   setup)
    figure.suptitle('TensorRT-LLM (NIM 1.8.0), FP8 on H100: measured against '
                    'duplexc --scheduler trtllm', fontsize=8)
    figure.tight_layout()
    common.save_figure(figure, path)


def plot_setup(axes, rows, setup):
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
            role = 'held out' if setup['held_out'] else 'fitted'
            axis.set_title(f'{title}: {setup["setup"]} ({role})', fontsize=7)
            axis.set_xlabel('concurrency')
            axis.set_yscale('log')
    axes[0].legend(fontsize=6, title='Lin/Lout (o NIM, x ours)',
                   title_fontsize=6)


def main():
    def add_fits(parser):
        fits = parser.add_mutually_exclusive_group()
        fits.add_argument('--fit-reserve', action='store_true',
                          help="fit the trtllm runtime's reserved_memory_gib "
                          'and print it')
        fits.add_argument('--fit-budget', action='store_true',
                          help="fit the trtllm runtime's "
                          'chunked_stage_token_budget and print it')

    args = common.parse_args(__doc__.split('\n')[0], add_fits)
    if args.fit_reserve or args.fit_budget:
        fitted = read_rows([FITTED])
        (fit_reserve if args.fit_reserve else fit_budget)(args, fitted)
        return
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
