#!/usr/bin/env python3
"""TensorRT-LLM serving claims (docs/validation.md section 1.1), checked on
every published NIM point that experiments/trtllm_serving.py replays: the
fitted setup meets issue 15's serving targets except where the model has no
mechanism (checked as known differences, XFAIL), and the held-out setup's
ITL and throughput transfer. Prints one line per claim; exits 1 when a claim
fails or a known difference unexpectedly holds.

  /usr/bin/python3 experiments/trtllm_check.py [--duplexc PATH]
"""
import statistics
import sys
import tempfile

import common
import trtllm_serving

# Issue 15's targets for published TRT-LLM serving runs: median ITL error at
# or below 12%, TTFT within 25% at low and medium load.
ITL_TARGET_PCT = 12
TTFT_TARGET_PCT = 25
# Held-out throughput: the median error the fitted setup reaches (6.5%),
# with room for a second model.
THROUGHPUT_TARGET_PCT = 10


# A point is bound by the KV cache when the tokens its requests hold by
# Little's law (throughput x ITL requests decoding, each promised Lin +
# Lout) reach this share of the replayed cache; a queue below it is the
# server's own (the 8B's short prompts, docs/validation.md).
CACHE_BOUND_SHARE = 0.9


def share_within(rows, key, bound):
    return sum(abs(r[key]) <= bound for r in rows) / len(rows)


def cache_bound(row):
    held = trtllm_serving.decoding_requests(row) * (row['lin'] + row['lout'])
    return held >= CACHE_BOUND_SHARE * row['kv_capacity_tokens']


def main():
    duplexc = common.claims_duplexc(__doc__.split('\n')[0])
    claims = common.Claims()
    check, known_difference = claims.check, claims.known_difference

    rows = trtllm_serving.read_rows()
    with tempfile.TemporaryDirectory() as folder:
        results = [trtllm_serving.measure(duplexc, row, folder)
                   for row in rows]
    for setup in trtllm_serving.SETUPS:
        mine = [r for r in results if r['setup'] == setup['setup']]
        name = setup['setup'] + (' (held out)' if setup['held_out'] else '')
        itl = statistics.median(abs(r['itl_error_pct']) for r in mine)
        check(itl <= ITL_TARGET_PCT,
              f'{name}: median ITL error {itl:.1f}% <= {ITL_TARGET_PCT}%')
        # Low and medium load: the points the KV cache does not bind.
        bound = [r for r in mine if cache_bound(r)]
        free = [r for r in mine if not cache_bound(r)]
        within = share_within(free, 'ttft_error_pct', TTFT_TARGET_PCT)
        check(share_within(bound, 'ttft_error_pct', TTFT_TARGET_PCT) == 1,
              f'{name}: TTFT within {TTFT_TARGET_PCT}% at all {len(bound)} '
              'points the KV cache binds')
        if setup['held_out']:
            throughput = statistics.median(
                abs(r['throughput_error_pct']) for r in mine)
            check(throughput <= THROUGHPUT_TARGET_PCT,
                  f'{name}: median throughput error {throughput:.1f}% <= '
                  f'{THROUGHPUT_TARGET_PCT}%')
            # No server stage between engine and clients (validation.md).
            known_difference(within >= 0.8,
                             f'{name}: TTFT within {TTFT_TARGET_PCT}% at '
                             f'{within:.0%} of {len(free)} points before the '
                             'cache binds (>= 80%)')
            continue
        check(within >= 0.85,
              f'{name}: TTFT within {TTFT_TARGET_PCT}% at {within:.0%} of '
              f'{len(free)} points before the cache binds (>= 85%)')
        # Client and network timing that bunches arrivals is not modelled.
        known_difference(within == 1,
                         f'{name}: TTFT within {TTFT_TARGET_PCT}% at every '
                         'point before the cache binds (issue 15 target)')
    return claims.exit_status()


if __name__ == '__main__':
    sys.exit(main())
