#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>
from the project's test inputs, bundled models and devices. Run it again
after adding test inputs; its output is committed, so the fuzz smoke of
scripts/test.sh needs neither python3-onnx nor the shared test data.

Usage: /usr/bin/python3 fuzz/make_seed_corpus.py
"""

import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
# Larger seeds slow every mutation down; the big real exports are covered by
# the lit tests.
MAX_SEED_BYTES = 64 * 1024


def add(target, data):
    if isinstance(data, str):
        data = data.encode()
    if not data.strip() or len(data) > MAX_SEED_BYTES:
        return
    directory = os.path.join(CORPUS, target)
    os.makedirs(directory, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def split_files(path):
    """The `#--- name` pieces of a split-file test, by name."""
    pieces, name, lines = {}, None, []
    for line in read(path).decode().splitlines(keepends=True):
        match = re.match(r"#--- (\S+)", line)
        if match:
            if name:
                pieces[name] = "".join(lines)
            name, lines = match.group(1), []
        elif name:
            lines.append(line)
    if name:
        pieces[name] = "".join(lines)
    return pieces


def onnx_seeds():
    texts = [read(p).decode() for p in glob.glob(
        os.path.join(ROOT, "test", "**", "*.onnxtext"), recursive=True)]
    for test in glob.glob(os.path.join(ROOT, "test", "**", "*.test"),
                          recursive=True):
        texts += [text for name, text in split_files(test).items()
                  if name.endswith(".onnxtext")]
    for text in texts:
        add("onnx-text-fuzzer", text)
    for path in glob.glob(os.path.join(ROOT, "test", "Import", "ONNX",
                                       "Inputs", "*", "*.onnx")):
        add("onnx-binary-fuzzer", read(path))
    import onnx
    import onnx.parser
    for text in texts:
        try:
            model = onnx.parser.parse_model(text)
        except Exception:  # Error tests hold text the parser rejects.
            continue
        add("onnx-binary-fuzzer", model.SerializeToString())
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([sys.executable, os.path.join(
            ROOT, "test", "Import", "ONNX", "Inputs",
            "make_binary_models.py"), out], check=True)
        for path in glob.glob(os.path.join(out, "*.onnx")):
            add("onnx-binary-fuzzer", read(path))


def main():
    shutil.rmtree(CORPUS, ignore_errors=True)
    for pattern in ["models/*.json", "test/Import/HF/Inputs/*.json",
                    "test/Conversion/ONNXToLLM/Inputs/*.json"]:
        for path in glob.glob(os.path.join(ROOT, pattern)):
            add("hf-config-fuzzer", read(path))
    for name, text in split_files(os.path.join(
            ROOT, "test", "Import", "HF", "errors.test")).items():
        add("hf-config-fuzzer", text)
    for path in glob.glob(os.path.join(ROOT, "devices", "*.json")):
        add("device-fuzzer", read(path))

    for spec in ["decode=64@1024", "prefill=2@2048,decode=62@1024",
                 "prefill=1@4096,prefill=1@512", "decode=1@1",
                 " prefill = 1@32 , decode=8@64"]:
        add("stage-spec-fuzzer", spec)

    header = "TIMESTAMP,ContextTokens,GeneratedTokens\n"
    add("trace-fuzzer", header +
        "2023-11-16 18:15:46.6805900,374,44\n"
        "2023-11-16 18:15:50.9951690,396,109\n"
        "2023-11-16 18:15:51.2224670,879,55\n")
    add("trace-fuzzer", "0,128,16\n0.5,256,32\n\n2.25,64,1\n")

    for path in glob.glob(os.path.join(ROOT, "test", "**", "*.mlir"),
                          recursive=True):
        for piece in re.split(r"^// -----\s*$", read(path).decode(),
                              flags=re.M):
            add("dialect-parser-fuzzer", piece)

    onnx_seeds()
    for target in sorted(os.listdir(CORPUS)):
        print(f"{target}: {len(os.listdir(os.path.join(CORPUS, target)))} "
              "seeds")


if __name__ == "__main__":
    main()
