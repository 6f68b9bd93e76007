#!/usr/bin/env python3
"""L3/CHIME's OPT-66B gains at the paper's own parallelism (TP2 x DP4) on
every system, GPU-only and HBM-PIM included.

l3_throughput.py runs OPT-66B at TP8 where the KV cache lives in the GPUs'
HBM: a TP2 replica keeps 17,106 tokens of KV, and 229 of OpenR1's 1,000
requests (fewer of the other traces) need more, so a TP2 x DP4 deployment
could never serve them. Here each trace keeps only the requests that fit a
TP2 replica (prompt + output <= 17,106 tokens), and all five systems run
TP2 x DP4 on the same requests: the configuration CHIME states.

    python3 experiments/l3_paper_parallelism.py [--jobs 2]

writes experiments/results/l3_paper_parallelism.csv (docs/validation.md,
section 3.1). Paper (CHIME v2): up to 5.15x over HBM-PIM, 3.45x over
HBM-PIM-EXT, 3.94x over GPU-only.
"""
import csv
import os
import tempfile

import common
import l3_common

# 2 x (85.90 - 65.72) GB of HBM left after a TP2 replica's weights, at
# 2,359,296 B of KV a token (l3_common.GPU_KV_PARALLELISM's comment).
TP2_REPLICA_KV_TOKENS = 17106
MODEL = ('OPT-66B', 'opt-66b', 2, 4)


def fitting_trace(source, folder):
    """A copy of `source` without the requests a TP2 replica cannot hold;
    returns (path, requests kept, requests in the source)."""
    with open(source, newline='') as f:
        rows = list(csv.reader(f))
    header, data = rows[0], rows[1:]
    prompt = header.index('ContextTokens')
    output = header.index('GeneratedTokens')
    kept = [r for r in data
            if int(r[prompt]) + int(r[output]) <= TP2_REPLICA_KV_TOKENS]
    path = os.path.join(folder, 'l3-fit-tp2-' + os.path.basename(source))
    with open(path, 'w', newline='') as f:
        writer = csv.writer(f, lineterminator='\n')
        writer.writerow(header)
        writer.writerows(kept)
    return path, len(kept), len(data)


def main():
    args = common.parse_args(__doc__.split('\n')[0])
    folder = tempfile.TemporaryDirectory()
    traces = {}
    for name, source in l3_common.trace_files().items():
        traces[name] = fitting_trace(source, folder.name)
    points = [(trace, system) for trace in traces
              for system in l3_common.SYSTEMS]

    def run(point):
        trace, (_, device, coprocess) = point
        return l3_common.run_point(args.duplexc, MODEL[1], MODEL[2], MODEL[3],
                                   device, coprocess, traces[trace][0])

    results = common.run_points(run, points, args.jobs)
    by_key = {(p[0], p[1][0]): r for p, r in zip(points, results)}
    rows = []
    for (trace, (system, device, _)), result in zip(points, results):
        dimm = by_key[(trace, 'DIMM-PIM')]['throughput_tokens_per_s']
        rows.append(dict(
            model=MODEL[0], tp=MODEL[2], dp=MODEL[3], trace=trace,
            requests=traces[trace][1], trace_requests=traces[trace][2],
            system=system, device=device,
            throughput_tokens_per_s=result['throughput_tokens_per_s'],
            dimm_pim_over_this=dimm / result['throughput_tokens_per_s'],
            batch_mean=result['batch_mean'],
            preemptions=result['preemptions']))
    columns = ['model', 'tp', 'dp', 'trace', 'requests', 'trace_requests',
               'system', 'device', 'throughput_tokens_per_s',
               'dimm_pim_over_this', 'batch_mean', 'preemptions']
    common.write_csv(os.path.join(args.out, 'l3_paper_parallelism.csv'),
                     rows, columns)
    print(f'{"trace":13s} {"requests":>9s} {"system":12s} {"tok/s":>8s} '
          f'{"DIMM-PIM over it":>17s} {"batch":>7s}')
    for r in rows:
        print(f'{r["trace"]:13s} {r["requests"]:>4d}/{r["trace_requests"]:<4d} '
              f'{r["system"]:12s} {r["throughput_tokens_per_s"]:8.1f} '
              f'{r["dimm_pim_over_this"]:16.2f}x {r["batch_mean"]:7.1f}')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
