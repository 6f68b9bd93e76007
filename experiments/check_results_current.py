#!/usr/bin/env python3
"""Checks that the committed results are what the current build and device
files produce: reruns the quicker experiments (CSV only) into a temporary
folder and compares each CSV byte for byte with experiments/results/. A
difference means a change to the model or a device file was committed
without `bash experiments/run-all.sh` (or that a run is not deterministic).

  /usr/bin/python3 experiments/check_results_current.py [--build build]
"""
import argparse
import difflib
import os
import subprocess
import sys
import tempfile

import common

# (script, CSV): the experiments that take seconds, not minutes.
EXPERIMENTS = [
    ('calibrate_gpu.py', 'gpu_calibration.csv'),
    ('trtllm_serving.py', 'trtllm_serving.csv'),
    ('duplex_throughput.py', 'duplex_throughput.csv'),
    ('duplex_latency.py', 'duplex_latency.csv'),
    ('duplex_bankpim.py', 'duplex_bankpim.csv'),
    ('duplex_energy.py', 'duplex_energy.csv'),
    ('gpu_time_breakdown.py', 'gpu_time_breakdown.csv'),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--build', default=None)
    parser.add_argument('--jobs', type=int, default=1)
    args = parser.parse_args()
    stale = []
    with tempfile.TemporaryDirectory() as folder:
        for script, csv_name in EXPERIMENTS:
            command = [sys.executable, os.path.join(common.HERE, script),
                       '--out', folder, '--no-plot', '--jobs',
                       str(args.jobs)]
            if args.build:
                command += ['--build', args.build]
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            with open(os.path.join(folder, csv_name), encoding='utf-8') as f:
                now = f.readlines()
            with open(os.path.join(common.DEFAULT_OUT, csv_name),
                      encoding='utf-8') as f:
                committed = f.readlines()
            if now == committed:
                print(f'ok    {csv_name}')
                continue
            stale.append(csv_name)
            print(f'STALE {csv_name}:')
            sys.stdout.writelines(list(difflib.unified_diff(
                committed, now, 'committed', 'now', n=0))[:20])
    if stale:
        print('run: bash experiments/run-all.sh')
    sys.exit(1 if stale else 0)


if __name__ == '__main__':
    main()
