#!/usr/bin/python3
"""Checks `duplexc stats` on the models scripts/random_decoders.py wrote
against what torch said about them.

Usage:
  check_random_decoders.py DIR --duplexc PATH [--expect N]
                           [--config-cross-check]

For every DIR/model-K.onnx, runs `PATH stats DIR/model-K.onnx --json` and
compares "parameters", "layers", "moe_layers" and "kv_cache_bytes_per_token"
with DIR/model-K.truth.json. One line per model:

  PASS model-K  [config]
  FAIL model-K WRONG: field got X, want Y; ...  [config]
      duplexc exited 0 with wrong numbers: the worst case
  FAIL model-K REFUSED: first diagnostic  [config]
      duplexc exited non-zero (or crashed); every model here is an ordinary
      export that must be raised exactly, so this fails too

then the diagnostics of the refused models, counts by family, idioms and
dtype, and a last line `N passed, M failed`. Exits 1 if any model failed.

--config-cross-check also runs `duplexc stats` on each model's Hugging Face
config.json (from the truth file) and reports where that disagrees with the
torch truth: a check of the truth (and of the config import), not of the
ONNX raise; such models are failures too.
"""

import argparse
import collections
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

FIELDS = ("parameters", "layers", "moe_layers", "kv_cache_bytes_per_token")


def describe(c):
    """A drawn config on one line."""
    dtype = {"float32": "fp32", "float16": "fp16"}[c["dtype"]]
    parts = [c["family"], c["idioms"], dtype, c["attention"],
             f"hidden={c['hidden']}({c['heads']}x{c['head_dim']},"
             f"kv={c['kv_heads']})",
             f"layers={c['layers']}",
             f"inter={c['intermediate']}({c['intermediate_case']})"]
    if c["family"] == "mixtral":
        parts.append(f"experts={c['experts']}/top{c['top_k']}")
    parts += ["tied" if c["tied"] else "untied", f"opset{c['opset']}",
              "past" if c["past"] else "no-past"]
    if c["stream"] != "none":
        where = "" if c["stream"] == "onnx-identity" else \
            "@" + c["stream_at"]
        parts.append(f"stream={c['stream']}{where}")
    parts.append(f"norms={c['norms']}")
    return " ".join(parts)


def run_stats(duplexc, model, timeout):
    """(status, stats or diagnostic): status is "ok", "refused" or
    "crashed"."""
    try:
        p = subprocess.run([duplexc, "stats", model, "--json"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "crashed", f"timed out after {timeout}s"
    except OSError as e:
        sys.exit(f"check_random_decoders: cannot run {duplexc}: {e}")
    if p.returncode != 0:
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        errors = [l for l in lines if "error" in l]
        diag = (errors or lines or ["(no diagnostic)"])[0].strip()
        if p.returncode < 0:
            return "crashed", f"killed by signal {-p.returncode}: {diag}"
        return "refused", diag
    try:
        return "ok", json.loads(p.stdout)
    except ValueError:
        return "crashed", "exit 0 but no JSON on stdout"


def compare(stats, truth):
    bad = []
    for f in FIELDS:
        got = stats.get(f)
        if got != truth[f]:
            bad.append(f"{f} got {got}, want {truth[f]}")
    return bad


def model_index(path):
    m = re.search(r"model-(\d+)\.onnx$", path)
    return int(m.group(1)) if m else -1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir")
    parser.add_argument("--duplexc", required=True, help="duplexc binary")
    parser.add_argument("--timeout", type=int, default=120,
                        help="seconds per duplexc run")
    parser.add_argument("--config-cross-check", action="store_true",
                        help="also check the truth against duplexc stats "
                        "on the equivalent config.json")
    parser.add_argument("--expect", type=int, metavar="N",
                        help="fail unless DIR holds exactly N models")
    args = parser.parse_args()
    models = sorted(glob.glob(os.path.join(args.dir, "model-*.onnx")),
                    key=model_index)
    if not models:
        sys.exit(f"check_random_decoders: no model-*.onnx in {args.dir}")
    if args.expect is not None and len(models) != args.expect:
        sys.exit(f"check_random_decoders: {len(models)} models in "
                 f"{args.dir}, expected {args.expect}")

    passed = failed = 0
    refused = []
    kinds = collections.Counter()
    by_group = collections.defaultdict(collections.Counter)
    for path in models:
        name = os.path.basename(path)[:-len(".onnx")]
        with open(path[:-len(".onnx")] + ".truth.json") as f:
            truth = json.load(f)
        config = truth["config"]
        status, result = run_stats(args.duplexc, path, args.timeout)
        problems = []
        if status == "ok":
            bad = compare(result, truth)
            if bad:
                kind = "WRONG"
                problems.append("; ".join(bad))
            else:
                kind = "PASS"
        else:
            kind = "REFUSED" if status == "refused" else "CRASHED"
            problems.append(result)
            refused.append((name, kind, result))
        if args.config_cross_check:
            with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
                json.dump(truth["hf_config"], f)
                f.flush()
                cstatus, cresult = run_stats(args.duplexc, f.name,
                                             args.timeout)
            cbad = compare(cresult, truth) if cstatus == "ok" else \
                [f"config.json {cstatus}: {cresult}"]
            if cbad:
                problems.append("TRUTH? config.json says: " + "; ".join(cbad))
                if kind == "PASS":
                    kind = "TRUTH?"
        ok = kind == "PASS"
        passed += ok
        failed += not ok
        kinds[kind] += 1
        for group in (config["family"], config["idioms"], config["dtype"],
                      f"{config['family']}/{config['idioms']}"):
            by_group[group][kind] += 1
        detail = f" {kind}: " + " | ".join(problems) if not ok else ""
        print(f"{'PASS' if ok else 'FAIL'} {name}{detail}  "
              f"[{describe(config)}]")
        sys.stdout.flush()

    if refused:
        print("\nRefused or crashed (non-zero exit):")
        for name, kind, diag in refused:
            print(f"  {name} {kind}: {diag}")
    order = ["PASS", "WRONG", "REFUSED", "CRASHED", "TRUTH?"]
    print("\nBy outcome: " + ", ".join(f"{kinds[k]} {k}" for k in order
                                       if kinds[k]))
    for group in sorted(by_group):
        counts = by_group[group]
        print(f"  {group:16} " + ", ".join(f"{counts[k]} {k}" for k in order
                                           if counts[k]))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
