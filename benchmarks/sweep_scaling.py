#!/usr/bin/env python3
"""Sweep throughput: a 200-point sweep (Mixtral-8x7B on 4 Duplex devices and
on 4 H100s, 100 batch limits each, 256 requests per point) run by the local
engine on 1 and 2 threads and on a 2-worker Dask LocalCluster. Prints points
per minute and the scaling efficiency against the 1-thread run (issue 17's
target: at least 90% of linear on 2 cores locally), and checks that the
three CSVs are identical.

Each engine runs --repeat times (default 3) and its fastest run counts: a
200-point sweep takes 1-2 s, within reach of a shared machine's noise.

  /usr/bin/python3 benchmarks/sweep_scaling.py [--build build] [--points 200]
                                               [--repeat 3]
"""
import argparse
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def spec(points):
    per_device = max(1, points // 2)
    return {"base": {"model": "mixtral-8x7b", "devices": 4,
                     "closed_loop": True, "requests": 256, "lin": 512,
                     "lout": 128, "seed": 1},
            "axes": {"device": ["duplex", "h100"],
                     "batch": {"from": 1, "to": per_device, "step": 1}}}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--points", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    python = os.path.join(os.path.abspath(args.build), "python")
    sys.path.insert(0, python)
    os.environ["PYTHONPATH"] = python  # Dask's worker processes.
    import duplex
    import distributed

    work = spec(args.points)
    folder = tempfile.mkdtemp(prefix="duplex-sweep-bench-")
    runs = {}

    def timed(label, **kwargs):
        output = os.path.join(folder, f"{label}.csv")
        seconds = float("inf")
        for _ in range(max(1, args.repeat)):
            start = time.perf_counter()
            duplex.sweep(work, output=output, **kwargs)
            seconds = min(seconds, time.perf_counter() - start)
        with open(output, "rb") as stream:
            runs[label] = (seconds, stream.read())

    timed("1 thread", threads=1)
    timed("2 threads", threads=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                  processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        client.run(lambda: None)  # Workers up before the clock starts.
        timed("Dask, 2 workers", client=client)
    base = runs["1 thread"][0]
    points = 2 * max(1, args.points // 2)
    print(f"{'engine':<18}{'seconds':>9}{'points/min':>12}{'efficiency':>12}")
    for label, (seconds, _) in runs.items():
        workers = 1 if label == "1 thread" else 2
        print(f"{label:<18}{seconds:>9.2f}{60 * points / seconds:>12.0f}"
              f"{base / seconds / workers:>11.0%}")
    identical = len({data for _, data in runs.values()}) == 1
    print("CSV identical across engines:", identical)
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
