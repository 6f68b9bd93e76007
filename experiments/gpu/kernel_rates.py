#!/usr/bin/env python3
"""Achieved HBM bandwidth and dense FP16 tensor throughput of the GPU it runs
on, with PyTorch (CUDA events, median of repeated runs after warm-up):

  copy     a 4 GiB device-to-device copy (read + write bytes)
  gemv     y = W x, W fp16 of 16384 x 16384 .. 8192 x 57344 (a decode FC)
  gemm     8192 x 8192 x 8192 fp16 (a prefill FC)

Writes CSV to stdout: kernel, shape, seconds, bytes, flops, tb_per_s,
tflops. Needs a GPU and PyTorch; nothing in the build or tests runs it (the
device machine lent to some sessions does). Used to check a device file's
borrowed efficiencies (devices/h200.json).

  python3 experiments/gpu/kernel_rates.py > rates.csv
"""
import csv
import sys

import torch


def timed(fn, repeats=50, warmup=10):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeats):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end) / 1e3)
    times.sort()
    return times[len(times) // 2]


def main():
    torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction = True
    out = csv.writer(sys.stdout)
    out.writerow(['device', 'kernel', 'shape', 'seconds', 'bytes', 'flops',
                  'tb_per_s', 'tflops'])
    name = torch.cuda.get_device_name(0)

    def row(kernel, shape, seconds, nbytes, flops):
        out.writerow([name, kernel, shape, f'{seconds:.6e}', nbytes, flops,
                      f'{nbytes / seconds / 1e12:.4f}',
                      f'{flops / seconds / 1e12:.2f}'])

    n = 1 << 30  # 2^30 fp32 = 4 GiB
    a = torch.empty(n, dtype=torch.float32, device='cuda')
    b = torch.empty_like(a)
    seconds = timed(lambda: b.copy_(a), repeats=20)
    row('copy', '4GiB', seconds, 2 * 4 * n, 0)
    del a, b

    for rows, cols in [(16384, 16384), (8192, 28672), (28672, 8192),
                       (8192, 57344)]:
        w = torch.randn(rows, cols, dtype=torch.float16, device='cuda')
        x = torch.randn(cols, 1, dtype=torch.float16, device='cuda')
        seconds = timed(lambda: torch.matmul(w, x))
        row('gemv', f'{rows}x{cols}', seconds, 2 * (rows * cols + rows + cols),
            2 * rows * cols)
        del w, x

    for m in [4096, 8192]:
        p = torch.randn(m, m, dtype=torch.float16, device='cuda')
        q = torch.randn(m, m, dtype=torch.float16, device='cuda')
        seconds = timed(lambda: torch.matmul(p, q), repeats=20)
        row('gemm', f'{m}^3', seconds, 2 * 3 * m * m, 2 * m ** 3)
        del p, q


if __name__ == '__main__':
    main()
