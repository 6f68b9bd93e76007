#!/usr/bin/python3
"""Import + raise benchmark: an 80-layer, Llama-3-70B-shaped decoder export.

Writes the structure of the model torch.onnx would export for
Llama-3-70B (hidden 8192, 80 layers, 64 query / 8 KV heads of 128,
intermediate 28672, vocabulary 128256, rope_theta 500000, bf16 weights, a
KV cache): decomposed RMSNorm, rotary embedding and attention with past-KV
Concat and repeat_kv, SiLU MLPs, shape plumbing as torch writes it. Every
weight is external data in `model.onnx.data`, which is not written: the
importer must never need it.

Then runs `duplexc stats` on it (ONNX import, raise to llm ops, statistics)
several times and reports the best wall time and the peak resident memory,
against the targets of 2 s and 1 GB, and checks the parameter count against
the bundled Llama-3-70B config.

Usage: onnx_import_llama70b.py [--duplexc build/bin/duplexc] [--runs 3]
                               [--keep DIR]
"""

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

from onnx import TensorProto, helper

HIDDEN, LAYERS, HEADS, KV_HEADS, HEAD = 8192, 80, 64, 8, 128
INTERMEDIATE, VOCAB, THETA, EPS = 28672, 128256, 500000.0, 1e-5


class Builder:
    def __init__(self):
        self.nodes, self.initializers, self.offset = [], [], 0
        self.names = 0

    def fresh(self, hint):
        self.names += 1
        return f"/{hint}_{self.names}"

    def node(self, op, inputs, hint, outputs=1, **attrs):
        names = [self.fresh(hint) for _ in range(outputs)]
        self.nodes.append(helper.make_node(op, inputs, names,
                                           name=names[0] + "_node", **attrs))
        return names[0] if outputs == 1 else names

    def weight(self, name, dims):
        """A bf16 initializer stored in model.onnx.data (not written)."""
        tensor = TensorProto(name=name, data_type=TensorProto.BFLOAT16)
        tensor.dims.extend(dims)
        tensor.data_location = TensorProto.EXTERNAL
        length = math.prod(dims) * 2
        for key, value in (("location", "model.onnx.data"),
                           ("offset", str(self.offset)),
                           ("length", str(length))):
            entry = tensor.external_data.add()
            entry.key, entry.value = key, value
        self.offset += length
        self.initializers.append(tensor)
        return name

    def const(self, values, dtype=TensorProto.INT64, dims=None):
        name = self.fresh("const")
        dims = [len(values)] if dims is None else dims
        self.initializers.append(helper.make_tensor(name, dtype, dims, values))
        return name


def rms_norm(b, x, weight):
    squared = b.node("Pow", [x, b.two], "pow")
    mean = b.node("ReduceMean", [squared], "mean", axes=[-1], keepdims=1)
    shifted = b.node("Add", [mean, b.eps], "add_eps")
    root = b.node("Sqrt", [shifted], "sqrt")
    inverse = b.node("Div", [b.one, root], "rsqrt")
    return b.node("Mul", [weight, b.node("Mul", [x, inverse], "scale")],
                  "norm")


def heads(b, x, count, dims):
    """[B, T, count*HEAD] -> [B, count, T, HEAD] with torch's shape ops."""
    shape = b.node("Concat", [dims[0], dims[1], b.const([count]),
                              b.const([HEAD])], "shape", axis=0)
    return b.node("Transpose", [b.node("Reshape", [x, shape], "view")],
                  "heads", perm=[0, 2, 1, 3])


def rotary(b, x):
    half = HEAD // 2
    first = b.node("Slice", [x, b.const([0]), b.const([half]),
                             b.const([-1])], "slice")
    second = b.node("Slice", [x, b.const([half]), b.const([2**62]),
                              b.const([-1])], "slice")
    rotated = b.node("Concat", [b.node("Neg", [second], "neg"), first],
                     "rotate_half", axis=-1)
    return b.node("Add", [b.node("Mul", [x, b.cos], "mul_cos"),
                          b.node("Mul", [rotated, b.sin], "mul_sin")], "rope")


def repeat_kv(b, x, dims):
    total = b.node("Unsqueeze", [b.node("Gather", [
        b.node("Shape", [x], "shape"), b.const([2], dims=[])], "total",
        axis=0), b.const([0])], "total_1d")
    expanded = b.node("Expand", [
        b.node("Unsqueeze", [x, b.const([2])], "unsqueeze"),
        b.node("Concat", [dims[0], b.const([KV_HEADS]),
                          b.const([HEADS // KV_HEADS]), total,
                          b.const([HEAD])], "expand_shape", axis=0)],
        "expand")
    merged = b.node("Concat", [dims[0], b.const([HEADS]), total,
                               b.const([HEAD])], "merge_shape", axis=0)
    return b.node("Reshape", [expanded, merged], "repeat_kv")


def layer(b, i, h, dims, inputs, outputs):
    p = f"model.layers.{i}."
    n = rms_norm(b, h, b.weight(p + "input_layernorm.weight", [HIDDEN]))
    q = b.node("MatMul", [n, b.weight(p + "self_attn.q_proj.weight_t",
                                      [HIDDEN, HEADS * HEAD])], "q_proj")
    k = b.node("MatMul", [n, b.weight(p + "self_attn.k_proj.weight_t",
                                      [HIDDEN, KV_HEADS * HEAD])], "k_proj")
    v = b.node("MatMul", [n, b.weight(p + "self_attn.v_proj.weight_t",
                                      [HIDDEN, KV_HEADS * HEAD])], "v_proj")
    q = rotary(b, heads(b, q, HEADS, dims))
    k = rotary(b, heads(b, k, KV_HEADS, dims))
    v = heads(b, v, KV_HEADS, dims)
    for kind, value in (("key", k), ("value", v)):
        past = f"past_key_values.{i}.{kind}"
        inputs.append(helper.make_tensor_value_info(
            past, TensorProto.BFLOAT16, ["batch", KV_HEADS, "past", HEAD]))
        present = f"present.{i}.{kind}"
        b.nodes.append(helper.make_node("Concat", [past, value], [present],
                                        name=present + "_concat", axis=2))
        outputs.append(helper.make_tensor_value_info(
            present, TensorProto.BFLOAT16, ["batch", KV_HEADS, "total", HEAD]))
    k = repeat_kv(b, f"present.{i}.key", dims)
    v = repeat_kv(b, f"present.{i}.value", dims)
    scores = b.node("MatMul", [q, b.node("Transpose", [k], "k_t",
                                         perm=[0, 1, 3, 2])], "qk")
    scores = b.node("Div", [scores, b.sqrt_head], "scale")
    probs = b.node("Softmax", [b.node("Add", [scores, b.mask], "mask")],
                   "softmax", axis=-1)
    context = b.node("Transpose", [b.node("MatMul", [probs, v], "pv")],
                     "merge", perm=[0, 2, 1, 3])
    context = b.node("Reshape", [context, b.node(
        "Concat", [dims[0], dims[1], b.const([-1])], "shape", axis=0)],
        "flatten")
    o = b.node("MatMul", [context, b.weight(p + "self_attn.o_proj.weight_t",
                                            [HEADS * HEAD, HIDDEN])], "o_proj")
    h = b.node("Add", [h, o], "residual")
    n = rms_norm(b, h, b.weight(p + "post_attention_layernorm.weight",
                                [HIDDEN]))
    gate = b.node("MatMul", [n, b.weight(p + "mlp.gate_proj.weight_t",
                                         [HIDDEN, INTERMEDIATE])], "gate")
    up = b.node("MatMul", [n, b.weight(p + "mlp.up_proj.weight_t",
                                       [HIDDEN, INTERMEDIATE])], "up")
    silu = b.node("Mul", [gate, b.node("Sigmoid", [gate], "sigmoid")], "silu")
    down = b.node("MatMul", [b.node("Mul", [silu, up], "gated"), b.weight(
        p + "mlp.down_proj.weight_t", [INTERMEDIATE, HIDDEN])], "down")
    return b.node("Add", [h, down], "residual")


def build(path):
    b = Builder()
    b.two = b.const([2.0], TensorProto.FLOAT, [])
    b.one = b.const([1.0], TensorProto.FLOAT, [])
    b.eps = b.const([EPS], TensorProto.FLOAT, [])
    b.sqrt_head = b.const([math.sqrt(HEAD)], TensorProto.FLOAT, [])
    inputs = [helper.make_tensor_value_info("input_ids", TensorProto.INT64,
                                            ["batch", "sequence"]),
              helper.make_tensor_value_info("position_ids", TensorProto.INT64,
                                            ["batch", "sequence"])]
    outputs = [helper.make_tensor_value_info(
        "logits", TensorProto.BFLOAT16, ["batch", "sequence", VOCAB])]

    # Rotary tables from the positions and inv_freq, a Constant node as
    # torch writes a non-persistent buffer.
    inv_freq = b.node("Constant", [], "inv_freq", value=helper.make_tensor(
        "inv_freq", TensorProto.FLOAT, [HEAD // 2],
        [THETA**(-2 * i / HEAD) for i in range(HEAD // 2)]))
    freqs = b.node("Mul", [b.node("Cast", [b.node(
        "Unsqueeze", ["position_ids", b.const([-1])], "positions")], "cast",
        to=TensorProto.FLOAT), inv_freq], "freqs")
    angles = b.node("Concat", [freqs, freqs], "angles", axis=-1)
    b.cos = b.node("Unsqueeze", [b.node("Cos", [angles], "cos"),
                                 b.const([1])], "cos_heads")
    b.sin = b.node("Unsqueeze", [b.node("Sin", [angles], "sin"),
                                 b.const([1])], "sin_heads")

    h = b.node("Gather", [b.weight("model.embed_tokens.weight",
                                   [VOCAB, HIDDEN]), "input_ids"], "embed")
    shape = b.node("Shape", [h], "shape")
    dims = [b.node("Unsqueeze", [b.node("Gather", [
        shape, b.const([i], dims=[])], "dim", axis=0), b.const([0])], "dim1")
        for i in range(2)]
    # The causal mask, computed once: Trilu of a large negative fill.
    square = b.node("Concat", [dims[1], dims[1]], "square", axis=0)
    fill = b.node("ConstantOfShape", [square], "fill",
                  value=helper.make_tensor("fill", TensorProto.FLOAT, [1],
                                           [-3.0e38]))
    b.mask = b.node("Trilu", [fill, b.const([1], dims=[])], "mask", upper=1)

    for i in range(LAYERS):
        h = layer(b, i, h, dims, inputs, outputs)
    h = rms_norm(b, h, b.weight("model.norm.weight", [HIDDEN]))
    b.nodes.append(helper.make_node("MatMul", [h, b.weight(
        "lm_head.weight_t", [HIDDEN, VOCAB])], ["logits"], name="lm_head"))

    graph = helper.make_graph(b.nodes, "llama3_70b", inputs, outputs,
                              b.initializers)
    model = helper.make_model(graph, producer_name="duplex benchmark",
                              opset_imports=[helper.make_opsetid("", 17)])
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    return len(b.nodes), b.offset


def measure(command):
    """Wall time and the child's peak RSS (KiB) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr}")
    return wall, max(peak, before), result.stdout


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duplexc", default=os.path.join(
        here, "..", "build", "bin", "duplexc"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", help="write the model into this directory")
    args = parser.parse_args()

    directory = args.keep or tempfile.mkdtemp(prefix="duplex-llama70b-")
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "model.onnx")
    start = time.perf_counter()
    nodes, data_bytes = build(path)
    print(f"generated {path}: {nodes} nodes, {os.path.getsize(path)} bytes, "
          f"{data_bytes / 1e9:.1f} GB of external data (not written) "
          f"in {time.perf_counter() - start:.1f} s")

    # The import alone first: the children's peak RSS is a high-water mark,
    # and duplexc does all the import does and more.
    translate = os.path.join(os.path.dirname(args.duplexc), "duplex-translate")
    import_walls, import_peak = [], 0
    if os.path.exists(translate):
        for _ in range(args.runs):
            wall, import_peak, _ = measure(
                [translate, "--import-onnx", path, "-o", os.devnull])
            import_walls.append(wall)
    walls, peak = [], 0
    for _ in range(args.runs):
        wall, peak, stdout = measure([args.duplexc, "stats", path, "--json"])
        walls.append(wall)
    raised = json.loads(stdout)
    _, _, bundled = measure([args.duplexc, "stats", "llama-3-70b", "--json"])
    expected = json.loads(bundled)

    wall = min(walls)
    if import_walls:
        print(f"duplex-translate --import-onnx (import only), best of "
              f"{args.runs}: {min(import_walls):.3f} s wall, peak "
              f"{import_peak / 1024:.1f} MiB")
    print(f"duplexc stats (import + raise + statistics), best of "
          f"{args.runs}: {wall:.3f} s wall (runs: "
          + ", ".join(f"{w:.3f}" for w in walls) + ")")
    print(f"duplexc peak resident memory: {peak / 1024:.1f} MiB")
    print(f"raised: {raised['layers']} layers, {raised['parameters']:,} "
          f"parameters; bundled llama-3-70b: {expected['parameters']:,}")
    ok = (wall < 2.0 and peak < 1024 * 1024 and
          raised["parameters"] == expected["parameters"] and
          raised["layers"] == LAYERS)
    print("targets (< 2 s, < 1 GB, parameters as the config):",
          "met" if ok else "NOT met")
    if not args.keep:
        shutil.rmtree(directory)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
