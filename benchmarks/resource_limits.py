#!/usr/bin/python3
"""Resource limits: memory of the ONNX importer and of the trace reader
against the size of their input.

Writes the Llama-3-70B-shaped decoder export of onnx_import_llama70b.py
with 100, 1,000 and 10,000 layers (every weight external, not written) and
imports each with `duplex-translate --import-onnx`; writes Azure-format
traces of 10k, 100k and 1M requests and serves each with
`duplexc simulate tiny --device h100 --trace`. Prints wall time, peak
resident memory of each run, and the memory each added layer or request
took over the previous size: that figure staying flat as the size grows
x10 is the check.

Usage: resource_limits.py [--bin build/bin] [--layers 100,1000,10000]
                          [--requests 10000,100000,1000000]
"""

import argparse
import os
import subprocess
import sys
import tempfile

import onnx_import_llama70b as llama


def run(command):
    """Wall seconds and peak RSS (MiB) of one process, from /usr/bin/time
    (a child forked from this script would inherit its high-water mark)."""
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + command,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr}")
    wall, kib = result.stderr.strip().splitlines()[-1].split()
    return float(wall), int(kib) / 1024


def marginal(previous, current, scale, unit):
    """Memory per unit added since the previous size: flat when memory is
    proportional to the input."""
    if not previous:
        return ""
    (count0, peak0), (count1, peak1) = previous, current
    return f", {(peak1 - peak0) * scale / (count1 - count0):8.1f} {unit} more"


def write_trace(path, requests):
    # One arrival every 10 ms, prompts of 16-79 and outputs of 1-8 tokens.
    with open(path, "w") as f:
        f.write("TIMESTAMP,ContextTokens,GeneratedTokens\n")
        for i in range(requests):
            f.write(f"{i * 0.01:.2f},{16 + i % 64},{1 + i % 8}\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", default=os.path.join(here, "..", "build",
                                                      "bin"))
    parser.add_argument("--layers", default="100,1000,10000")
    parser.add_argument("--requests", default="10000,100000,1000000")
    args = parser.parse_args()
    translate = os.path.join(args.bin, "duplex-translate")
    duplexc = os.path.join(args.bin, "duplexc")

    with tempfile.TemporaryDirectory(prefix="duplex-limits-") as directory:
        print("ONNX import (duplex-translate --import-onnx):")
        previous = None
        for layers in map(int, args.layers.split(",")):
            llama.LAYERS = layers
            path = os.path.join(directory, f"model-{layers}.onnx")
            nodes, _ = llama.build(path)
            size = os.path.getsize(path) / 2**20
            wall, peak = run([translate, "--import-onnx", path, "-o",
                              os.devnull])
            print(f"  {layers:>6} layers, {nodes:>7} nodes, {size:7.1f} MiB "
                  f"file: {wall:7.2f} s, peak {peak:7.1f} MiB"
                  + marginal(previous, (layers, peak), 1024, "KiB/layer"))
            previous = (layers, peak)
            os.remove(path)

        print("Trace (duplexc simulate tiny --device h100 --trace):")
        previous = None
        for requests in map(int, args.requests.split(",")):
            path = os.path.join(directory, f"trace-{requests}.csv")
            write_trace(path, requests)
            size = os.path.getsize(path) / 2**20
            wall, peak = run([duplexc, "simulate", "tiny", "--device",
                              "h100", "--trace", path, "--json"])
            print(f"  {requests:>8} requests, {size:6.1f} MiB file: "
                  f"{wall:7.2f} s, peak {peak:7.1f} MiB"
                  + marginal(previous, (requests, peak), 2**20, "B/request"))
            previous = (requests, peak)
            os.remove(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
