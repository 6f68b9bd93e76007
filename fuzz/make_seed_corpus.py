#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>
from the project's test inputs, bundled models and devices, plus hostile
seeds (nesting near and past the parsers' depth limits, counts near 2^31,
2^63 and 2^64), and a libFuzzer dictionary per target into
fuzz/dictionaries/<target>.dict: the JSON keys, op names and tokens those
inputs use, so mutations reach the checks behind the keywords. Run it again
after adding test inputs; its output is committed, so the fuzz smoke of
scripts/test.sh needs neither python3-onnx nor the shared test data.

Usage: /usr/bin/python3 fuzz/make_seed_corpus.py
"""

import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
DICTIONARIES = os.path.join(ROOT, "fuzz", "dictionaries")
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


# Tokens every JSON-reading target gets: the grammar, and numbers at the
# edges of the integer types the readers convert to.
JSON_TOKENS = ["{", "}", "[", "]", ":", ",", "true", "false", "null", '""',
               "-0", "1e308", "-1e308", "1e-320", "2147483647", "2147483648",
               "4294967296", "9223372036854775807", "9223372036854775808",
               "18446744073709551615", "18446744073709551616", "NaN",
               "Infinity", "\\u0000", "\\ud800", "\ufeff"]
EDGE_NUMBERS = ["0", "-1", "1e15", "2147483584", "2147483647",
                "4611686018427387904", "9223372036854775807",
                "18446744073709551615", "1e308"]
tokens = {}  # target -> set of dictionary entries


def add_tokens(target, words):
    tokens.setdefault(target, set()).update(w for w in words if w)


def dictionary_entry(word):
    """`word` (UTF-8) quoted as libFuzzer's dictionary format wants it:
    printable ASCII, with backslash, quote and \\xAB escapes only."""
    out = []
    for byte in word.encode():
        char = chr(byte)
        if char in '\\"':
            out.append("\\" + char)
        elif 32 <= byte < 127:
            out.append(char)
        else:
            out.append(f"\\x{byte:02x}")
    return '"' + "".join(out) + '"'


def json_keys(value):
    """Every object key in a parsed JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from json_keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_keys(item)


def add_json(target, data):
    add(target, data)
    try:
        add_tokens(target, (f'"{k}"' for k in json_keys(json.loads(data))))
    except ValueError:
        pass


def nested_json(depth, key):
    return ("{" + f'"{key}":') * depth + "1" + "}" * depth


def hostile_seeds():
    """Inputs at the limits the examinations probed: nesting just inside
    and just past the depth caps, and counts whose products wrap."""
    for depth in (255, 257, 2000):
        for target, key in [("hf-config-fuzzer", "text_config"),
                            ("device-fuzzer", "device")]:
            add(target, nested_json(depth, key))
        add("dialect-parser-fuzzer",
            "module {" * min(depth, 1100) + "}" * min(depth, 1100))
        add("dialect-parser-fuzzer", "module attributes {a = " +
            "[" * depth + "]" * depth + "} {}")
    for number in EDGE_NUMBERS:
        add("hf-config-fuzzer", json.dumps({
            "model_type": "llama", "hidden_size": 4096,
            "num_hidden_layers": 2, "num_attention_heads": 32,
            "num_key_value_heads": 8, "intermediate_size": 11008,
            "vocab_size": 32000}).replace("4096", number))
        add("trace-fuzzer", f"0,{number},16\n1,128,{number}\n")
        add("stage-spec-fuzzer", f"decode={number}@1024")
        add("stage-spec-fuzzer", f"prefill=1@{number}")
    add("hf-config-fuzzer", json.dumps({
        "model_type": "llama", "hidden_size": 2147483584,
        "num_hidden_layers": 2, "num_attention_heads": 1,
        "intermediate_size": 2147483584, "vocab_size": 2147483584}))
    add("trace-fuzzer", "\xef\xbb\xbfTIMESTAMP,ContextTokens,"
        "GeneratedTokens\n2024-02-29 23:59:60.5,1,0\n"
        "2024-02-30 00:00:00,1,1\n")
    nested_if = "<\n ir_version: 8,\n opset_import: [\"\" : 17]\n>\n"
    body = "y = Identity(x)"
    for _ in range(40):
        body = ("y = If(c) <then_branch = g () => (float y) {" + body +
                "}, else_branch = g () => (float y) {" + body + "}>")
        if len(body) > 16 * 1024:
            break
    add("onnx-text-fuzzer", nested_if +
        f"g (bool c, float x) => (float y) {{\n {body}\n}}\n")


def onnx_seeds():
    texts = [read(p).decode() for p in glob.glob(
        os.path.join(ROOT, "test", "**", "*.onnxtext"), recursive=True)]
    for test in glob.glob(os.path.join(ROOT, "test", "**", "*.test"),
                          recursive=True):
        texts += [text for name, text in split_files(test).items()
                  if name.endswith(".onnxtext")]
    for text in texts:
        add("onnx-text-fuzzer", text)
        add_tokens("onnx-text-fuzzer", re.findall(
            r"=\s*(?:[A-Za-z_.]+\.)?([A-Z][A-Za-z0-9]+)\s*[(<]", text))
        add_tokens("onnx-text-fuzzer", re.findall(
            r"\b(ir_version|opset_import|domain|float16|float|bfloat16|"
            r"int64|int32|bool|uint8|int8|string|seq|optional|"
            r"then_branch|else_branch|body|external_data)\b", text))
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
            add_json("hf-config-fuzzer", read(path))
    for name, text in split_files(os.path.join(
            ROOT, "test", "Import", "HF", "errors.test")).items():
        add_json("hf-config-fuzzer", text)
    for path in glob.glob(os.path.join(ROOT, "devices", "*.json")):
        add_json("device-fuzzer", read(path))
    for target in ("hf-config-fuzzer", "device-fuzzer"):
        add_tokens(target, JSON_TOKENS)

    for spec in ["decode=64@1024", "prefill=2@2048,decode=62@1024",
                 "prefill=1@4096,prefill=1@512", "decode=1@1",
                 " prefill = 1@32 , decode=8@64"]:
        add("stage-spec-fuzzer", spec)
    add_tokens("stage-spec-fuzzer",
               ["prefill=", "decode=", "@", ",", " "] + EDGE_NUMBERS)

    header = "TIMESTAMP,ContextTokens,GeneratedTokens\n"
    add("trace-fuzzer", header +
        "2023-11-16 18:15:46.6805900,374,44\n"
        "2023-11-16 18:15:50.9951690,396,109\n"
        "2023-11-16 18:15:51.2224670,879,55\n")
    add("trace-fuzzer", "0,128,16\n0.5,256,32\n\n2.25,64,1\n")
    add_tokens("trace-fuzzer",
               ["TIMESTAMP,ContextTokens,GeneratedTokens\n", ",", "\n",
                "-", ":", " ", ".", "nan", "inf", "\ufeff",
                "2024-02-29 23:59:59.9999999"] + EDGE_NUMBERS)

    for path in glob.glob(os.path.join(ROOT, "test", "**", "*.mlir"),
                          recursive=True):
        for piece in re.split(r"^// -----\s*$", read(path).decode(),
                              flags=re.M):
            add("dialect-parser-fuzzer", piece)
            add_tokens("dialect-parser-fuzzer", re.findall(
                r"\b(?:llm|dx|onnx)\.[A-Za-z_][A-Za-z0-9_]*", piece))
    add_tokens("dialect-parser-fuzzer",
               ["module", "{", "}", "(", ")", "<", ">", "tensor<", "x", "f16",
                "i64", "attributes", "#llm.", "!llm.", "%", "^", "->"] +
               EDGE_NUMBERS)

    onnx_seeds()
    hostile_seeds()
    add_tokens("onnx-binary-fuzzer", tokens.get("onnx-text-fuzzer", ()))
    shutil.rmtree(DICTIONARIES, ignore_errors=True)
    os.makedirs(DICTIONARIES)
    for target, words in sorted(tokens.items()):
        with open(os.path.join(DICTIONARIES, target + ".dict"), "w") as f:
            f.write(f"# libFuzzer dictionary of {target}, written by "
                    "fuzz/make_seed_corpus.py\n")
            f.writelines(dictionary_entry(w) + "\n" for w in sorted(words))
    for target in sorted(os.listdir(CORPUS)):
        print(f"{target}: {len(os.listdir(os.path.join(CORPUS, target)))} "
              f"seeds, {len(tokens.get(target, ()))} dictionary entries")


if __name__ == "__main__":
    main()
