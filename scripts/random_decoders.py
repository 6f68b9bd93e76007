#!/usr/bin/python3
"""Generates randomised decoder LLMs, exports them to ONNX with torch.onnx and
writes what torch itself says about each one, to test the ONNX import and the
raise to `llm` ops on architectures nobody wrote a test for by hand.

Usage:
  random_decoders.py --seed S --count N -o DIR [--family llama|mixtral|gpt2|qwen3|all]

writes DIR/model-K.onnx and DIR/model-K.truth.json for K in 0..N-1; the same
seed gives the same models. scripts/check_random_decoders.py compares
`duplexc stats` on each model with its truth.

The modules are scripts/export_torch_models.py's. Per model, drawn from
`random.Random(seed)` (categorical axes from shuffled decks, so that N models
cover every value about equally often):

  family        llama (RMSNorm, rotary, SwiGLU), mixtral (llama + a top-k MoE
                router), gpt2 (learned positions, LayerNorm, gelu_new,
                Conv1D as Gemm, tied head) or qwen3 (llama + an RMSNorm of
                each query and key head; hidden may differ from heads *
                head_dim)
  attention     MHA, GQA (kv_heads a proper divisor of heads) or MQA
                (kv_heads 1); gpt2 is MHA
  sizes         heads 2..8 of head_dim 8/12/16/20/24, the product not a power
                of two; 1..6 layers; vocab 64..300; intermediate equal to,
                below or above hidden; 1..8 experts with top-k
                1..min(4, experts)
  head          tied or untied (gpt2: tied)
  export        opset 14 or 17, with or without past key/values, float32 or
                float16
  idioms        "hf": transformers' LlamaRMSNorm verbatim (a float32 round
                trip: a no-op Cast on the residual stream in a float32
                export), softmax(dtype=float32).to(q.dtype) in attention and
                the router, cos/sin cast to the activations' dtype; "plain":
                scripts/export_torch_models.py's modules as they are
  stream        nothing, an nn.Identity or an eval-mode nn.Dropout on the
                residual stream after the embedding or after every block
                (torch.onnx leaves no trace of either), or an ONNX Identity
                node after the embedding (other exporters emit those)
  norms         all-ones norm weights and zero biases (torch.onnx then shares
                one initializer among them through Identity nodes) or random
                ones, as in a trained model

float16 models: torch 1.13 cannot run float16 matmuls on the CPU, so the
float32 export is converted: initializers and float inputs/outputs become
FLOAT16, the float32 upcasts of the HF idioms (a Cast from a float16 tensor)
stay float32 and the casts back become FLOAT16; uses of an upcast outside its
module read the float16 tensor again (a float32 trace routes the residual
stream through LlamaRMSNorm's no-op Cast, a float16 one would not); constants
take the type of what they meet (values beyond float16 clamped to its range, as
torch.finfo(float16).min is). The result must pass onnx.checker with full
shape and type inference, or the generator fails.

The truth comes from the torch module, not from formulas: "parameters" is
the numel of its unique parameters (a tied head counted once; buffers such as
inv_freq and the causal mask are not parameters), "layers" the decoder
blocks, "moe_layers" those with a sparse MoE, "kv_cache_bytes_per_token" the
key and value projections' output widths summed over layers times the
export's float size. "config" holds what was drawn and "hf_config" the
Hugging Face config.json of the same architecture.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
import warnings

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_torch_models as etm  # noqa: E402
import torch  # noqa: E402

FAMILIES = ("llama", "mixtral", "gpt2", "qwen3")
HEAD_DIMS = (8, 12, 16, 20, 24)


class Decks:
    """Categorical draws from shuffled decks: every value comes up once per
    pass through its deck, so a few dozen models cover every value."""

    def __init__(self, rng):
        self.rng = rng
        self.decks = {}

    def draw(self, axis, values):
        deck = self.decks.setdefault(axis, [])
        if not deck:
            deck.extend(values)
            self.rng.shuffle(deck)
        return deck.pop()


def is_power_of_two(n):
    return n & (n - 1) == 0


def proper_divisors(n):
    return [d for d in range(2, n) if n % d == 0]


def sample(rng, decks, family):
    """One architecture: the drawn config (a flat dict)."""
    if family == "all":
        family = decks.draw("family", FAMILIES)
    s = {"family": family}
    attention = "mha" if family == "gpt2" else decks.draw(
        "attention", ("mha", "gqa", "mqa"))
    while True:
        heads = rng.randint(2, 8)
        head_dim = rng.choice(HEAD_DIMS)
        if is_power_of_two(heads * head_dim):
            continue
        if attention == "gqa" and not proper_divisors(heads):
            continue
        break
    kv_heads = {"mha": heads, "mqa": 1}.get(attention)
    if kv_heads is None:
        kv_heads = rng.choice(proper_divisors(heads))
    hidden = heads * head_dim
    if family == "qwen3" and rng.random() < 0.5:
        # Qwen3 sets head_dim apart: heads * head_dim need not be hidden.
        hidden += 8 * rng.randint(1, 4)
    s.update(attention=attention, heads=heads, kv_heads=kv_heads,
             head_dim=head_dim, hidden=hidden)
    s["layers"] = rng.randint(1, 6)
    s["vocab"] = rng.randint(64, 300)
    case = decks.draw("intermediate", ("equal", "below", "above"))
    if case == "equal":
        inter = hidden
    elif case == "below":
        inter = rng.randint(max(4, hidden // 3), hidden - 1)
    elif family == "gpt2" and rng.random() < 0.3:
        inter = 4 * hidden  # GPT-2's default: n_inner left out
    else:
        inter = rng.randint(hidden + 1, 3 * hidden)
    s["intermediate_case"] = case
    s["intermediate"] = inter
    if family == "mixtral":
        s["experts"] = decks.draw("experts", range(1, 9))
        s["top_k"] = rng.randint(1, min(4, s["experts"]))
    else:
        s["experts"] = s["top_k"] = 0
    s["tied"] = True if family == "gpt2" else decks.draw("tied",
                                                         (False, True))
    s["opset"] = decks.draw("opset", (14, 17))
    s["past"] = decks.draw("past", (False, True))
    s["dtype"] = decks.draw("dtype", ("float32", "float16"))
    s["idioms"] = decks.draw("idioms", ("hf", "plain"))
    s["stream"] = decks.draw("stream",
                             ("none", "identity", "dropout", "onnx-identity"))
    s["stream_at"] = ("embed" if s["stream"] in ("none", "onnx-identity")
                      else rng.choice(("embed", "blocks")))
    s["norms"] = decks.draw("norms", ("ones", "random"))
    if family == "gpt2":
        s["positions"] = rng.randint(32, 128)
        s["eps"] = rng.choice((1e-5, 1e-6))
    else:
        s["eps"] = rng.choice((1e-5, 1e-6))
        s["rope_theta"] = rng.choice((10000.0, 500000.0, 1000000.0))
    return s


def hf_config(s):
    """The Hugging Face config.json of a drawn architecture."""
    dtype = s["dtype"]
    if s["family"] == "gpt2":
        raw = {"model_type": "gpt2", "n_embd": s["hidden"],
               "n_layer": s["layers"], "n_head": s["heads"],
               "n_positions": s["positions"], "vocab_size": s["vocab"],
               "activation_function": "gelu_new",
               "layer_norm_epsilon": s["eps"], "torch_dtype": dtype}
        # GPT-2's default n_inner is 4 * n_embd: leave it out when it is.
        if s["intermediate"] != 4 * s["hidden"]:
            raw["n_inner"] = s["intermediate"]
        return raw
    raw = {"model_type": s["family"], "hidden_size": s["hidden"],
           "intermediate_size": s["intermediate"],
           "num_hidden_layers": s["layers"],
           "num_attention_heads": s["heads"],
           "num_key_value_heads": s["kv_heads"], "vocab_size": s["vocab"],
           "max_position_embeddings": 256, "rms_norm_eps": s["eps"],
           "rope_theta": s["rope_theta"],
           "tie_word_embeddings": s["tied"], "torch_dtype": dtype}
    if s["family"] == "mixtral":
        raw["num_local_experts"] = s["experts"]
        raw["num_experts_per_tok"] = s["top_k"]
    if s["family"] == "qwen3":
        raw["head_dim"] = s["head_dim"]
    return raw


def build(s):
    """The torch module of a drawn architecture, in eval mode (float32)."""
    c = etm.Config(hf_config(s))
    hf = s["idioms"] == "hf"
    c.hf_rms_norm = c.hf_softmax = c.rope_cast = hf
    c.stream = s["stream"] if s["stream"] in ("identity", "dropout") else None
    c.stream_at = s["stream_at"]
    model = etm.build(c)
    if s["norms"] == "random":
        with torch.no_grad():
            for p in model.parameters():
                if p.dim() == 1:
                    p.normal_(1.0 if p.abs().sum() else 0.0, 0.1)
    return c, model.eval()


def truth(s, model):
    """What the torch module says: unique parameters, blocks, MoE blocks, KV
    bytes per token (key and value projection widths)."""
    seen = {}  # every module's own parameters, shared ones once
    for m in model.modules():
        for p in m._parameters.values():
            if p is not None:
                seen[id(p)] = p
    parameters = sum(p.numel() for p in seen.values())
    dtype_bytes = 2 if s["dtype"] == "float16" else 4
    if isinstance(model, etm.GPT2Model):
        blocks = list(model.h)
        kv_width = [2 * (b.attn.c_attn.weight.shape[1] // 3) for b in blocks]
    else:
        blocks = list(model.layers)
        kv_width = [b.self_attn.k_proj.out_features +
                    b.self_attn.v_proj.out_features for b in blocks]
    moe = sum(1 for m in model.modules() if isinstance(m, etm.SparseMoE))
    return {"parameters": parameters, "layers": len(blocks),
            "moe_layers": moe,
            "kv_cache_bytes_per_token": sum(kv_width) * dtype_bytes}


# ----------------------------------------------------------------------------
# ONNX post-processing
# ----------------------------------------------------------------------------


def insert_stream_identity(model, family):
    """An ONNX Identity on the residual stream after the embedding."""
    g = model.graph
    weight = "wte.weight" if family == "gpt2" else "embed_tokens.weight"
    gathers = [n for n in g.node if n.op_type == "Gather"
               and n.input[0] == weight]
    if len(gathers) != 1:
        raise RuntimeError(f"{len(gathers)} Gathers read {weight}")
    stream = gathers[0].output[0]
    producer = gathers[0]
    if family == "gpt2":  # wte + wpe
        adds = [n for n in g.node if n.op_type == "Add" and stream in n.input]
        if len(adds) != 1:
            raise RuntimeError("no single Add of token and position "
                               "embeddings")
        producer = adds[0]
        stream = producer.output[0]
    out = stream + "_identity"
    for n in g.node:
        for i, name in enumerate(n.input):
            if name == stream:
                n.input[i] = out
    nodes = list(g.node)
    at = nodes.index(producer) + 1
    g.node.insert(at, helper.make_node("Identity", [stream], [out],
                                       name="/stream/Identity"))


FP16_MAX = float(np.finfo(np.float16).max)


def to_f16_array(a):
    return np.clip(a, -FP16_MAX, FP16_MAX).astype(np.float16)


class Types:
    """Union-find over float tensors' types: FLOAT, FLOAT16 or open."""

    def __init__(self):
        self.parent = {}
        self.fixed = {}

    def var(self, key):
        self.parent.setdefault(key, key)
        return key

    def find(self, key):
        self.var(key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def get(self, key):
        return self.fixed.get(self.find(key))

    def fix(self, key, t, why):
        root = self.find(key)
        have = self.fixed.get(root)
        if have is not None and have != t:
            raise RuntimeError(f"float16: {why}: {key} would be both "
                               f"{TensorProto.DataType.Name(have)} and "
                               f"{TensorProto.DataType.Name(t)}")
        self.fixed[root] = t

    def union(self, a, b, why):
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        ta, tb = self.fixed.get(ra), self.fixed.get(rb)
        if ta is not None and tb is not None and ta != tb:
            raise RuntimeError(f"float16: {why}: {a} is "
                               f"{TensorProto.DataType.Name(ta)}, {b} "
                               f"{TensorProto.DataType.Name(tb)}")
        self.parent[rb] = ra
        if ta is None and tb is not None:
            self.fixed[ra] = tb


def convert_to_float16(model, torch_model):
    """The float16 model a float16 export of `torch_model` would be (see the
    module docstring); raises RuntimeError where it cannot tell."""
    FLOAT, HALF = TensorProto.FLOAT, TensorProto.FLOAT16
    g = model.graph
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    elem = {}
    for vi in (list(inferred.graph.value_info) + list(inferred.graph.input) +
               list(inferred.graph.output)):
        elem[vi.name] = vi.type.tensor_type.elem_type
    inits = {t.name: t for t in g.initializer}
    for t in g.initializer:
        elem[t.name] = t.data_type
    constants = {}  # Constant node outputs -> node
    for n in g.node:
        if n.op_type == "Constant":
            constants[n.output[0]] = n
            for a in n.attribute:
                if a.name == "value":
                    elem[n.output[0]] = a.t.data_type
        if any(a.type in (onnx.AttributeProto.GRAPH,
                          onnx.AttributeProto.GRAPHS) for a in n.attribute):
            raise RuntimeError(f"float16: {n.op_type} has a subgraph")

    # Parameters (and exporter-made transposed copies of them) are float16.
    params = set()
    for p in torch_model.parameters():
        a = p.detach().numpy()
        params.add((a.shape, a.tobytes()))
        if a.ndim == 2:
            t = np.ascontiguousarray(a.T)
            params.add((t.shape, t.tobytes()))
    param_inits = set()
    for t in g.initializer:
        if t.data_type == FLOAT:
            a = numpy_helper.to_array(t)
            if (a.shape, a.tobytes()) in params:
                param_inits.add(t.name)

    types = Types()

    def is_float(name):
        return name != "" and elem.get(name) == FLOAT

    def key_of(node_index, input_index, name):
        """Constants get a type variable per use; others one per tensor."""
        if name in inits or name in constants:
            key = ("use", node_index, input_index, name)
            types.var(key)
            if name in param_inits:
                types.fix(key, HALF, f"parameter {name}")
            return key
        return ("tensor", name)

    for vi in g.input:
        if vi.type.tensor_type.elem_type == FLOAT:
            types.fix(("tensor", vi.name), HALF, "graph input")

    cast_to = {}  # Cast node index -> new `to`
    open_casts = []  # Casts from integers, typed by their users
    for i, n in enumerate(g.node):
        if n.op_type == "Constant":
            continue
        if n.op_type == "Cast":
            to = helper.get_attribute_value(
                next(a for a in n.attribute if a.name == "to"))
            x = n.input[0]
            if to != FLOAT:
                continue
            out = ("tensor", n.output[0])
            types.var(out)
            if not is_float(x):  # int -> float: open, like a constant
                open_casts.append(i)
                continue
            xk = key_of(i, 0, x)
            have = types.get(xk)
            if have == HALF:  # an upcast: stays float32
                types.fix(out, FLOAT, "upcast")
                # In a float32 trace `x = x.to(torch.float32)` is x itself,
                # so every later use of x reads the Cast (LlamaRMSNorm's
                # upcast carries the residual stream on); in a float16 trace
                # only the module's own uses do.
                scope = n.name.rsplit("/", 1)[0] + "/"
                if not n.name.startswith("/"):
                    raise RuntimeError(f"float16: Cast '{n.name}' has no "
                                       "module scope")
                for later in g.node[i + 1:]:
                    if later.name.startswith(scope):
                        continue
                    for j, name in enumerate(later.input):
                        if name == n.output[0]:
                            later.input[j] = x
            else:  # a cast back (or a float32 computation's result)
                types.fix(xk, FLOAT, "cast back")
                types.fix(out, HALF, "cast back")
                cast_to[i] = HALF
            continue
        floats = [key_of(i, j, x) for j, x in enumerate(n.input)
                  if is_float(x)]
        outputs = n.output[:1] if n.op_type == "LayerNormalization" \
            else n.output
        floats += [("tensor", o) for o in outputs if is_float(o)]
        for k in floats[1:]:
            types.union(floats[0], k, f"{n.op_type} {n.name}")
        for k in floats[:1]:
            types.var(k)

    def final(key):
        return types.get(key) or FLOAT

    # Rewrite: Casts, ConstantOfShape values, constants per use, inputs and
    # outputs.
    for i in open_casts:
        cast_to[i] = final(("tensor", g.node[i].output[0]))
    for i, t in cast_to.items():
        for a in g.node[i].attribute:
            if a.name == "to":
                a.i = t
    for n in g.node:
        if n.op_type == "ConstantOfShape" and is_float(n.output[0]) \
                and final(("tensor", n.output[0])) == HALF:
            for a in n.attribute:
                if a.name == "value":
                    a.t.CopyFrom(numpy_helper.from_array(
                        to_f16_array(numpy_helper.to_array(a.t)), a.t.name))
    uses = {}  # constant name -> {type: [(node index, input index)]}
    for key in list(types.parent):
        if key[0] == "use":
            _, i, j, name = key
            uses.setdefault(name, {}).setdefault(final(key), []).append(
                (i, j))
    new_constants = []
    for name, by_type in uses.items():
        if HALF not in by_type:
            continue
        all_half = FLOAT not in by_type
        half_name = name if all_half else name + "_fp16"
        if name in inits:
            t = inits[name]
            a = to_f16_array(numpy_helper.to_array(t))
            if all_half:
                t.CopyFrom(numpy_helper.from_array(a, name))
            else:
                g.initializer.append(numpy_helper.from_array(a, half_name))
        else:
            node = constants[name]
            attr = next(a for a in node.attribute if a.name == "value")
            a = to_f16_array(numpy_helper.to_array(attr.t))
            if all_half:
                attr.t.CopyFrom(numpy_helper.from_array(a))
            else:
                new_constants.append((node, helper.make_node(
                    "Constant", [], [half_name], name=node.name + "_fp16",
                    value=numpy_helper.from_array(a))))
        for i, j in by_type[HALF]:
            g.node[i].input[j] = half_name
    for after, node in new_constants:
        g.node.insert(list(g.node).index(after) + 1, node)
    for vi in list(g.input) + list(g.output):
        tt = vi.type.tensor_type
        if tt.elem_type == FLOAT:
            tt.elem_type = final(("tensor", vi.name))
    del g.value_info[:]
    model = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    onnx.checker.check_model(model, full_check=True)
    return model


# ----------------------------------------------------------------------------
# Generation
# ----------------------------------------------------------------------------


def generate(s, seed, path):
    """Builds, exports and post-processes one model; returns its truth."""
    torch.manual_seed(seed)
    c, model = build(s)
    fd, tmp = tempfile.mkstemp(suffix=".onnx",
                               dir=os.path.dirname(path) or ".")
    os.close(fd)
    try:
        etm.export_model(model, c, tmp, s["opset"], s["past"],
                         torch.float32)
        onnx_model = onnx.load(tmp)
    finally:
        os.unlink(tmp)
    if s["stream"] == "onnx-identity":
        insert_stream_identity(onnx_model, s["family"])
    if s["dtype"] == "float16":
        onnx_model = convert_to_float16(onnx_model, model)
    else:
        onnx.checker.check_model(onnx_model, full_check=True)
    onnx.save(onnx_model, path)
    t = truth(s, model)
    t["config"] = s
    t["hf_config"] = hf_config(s)
    return t


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("-o", "--output", required=True, help="directory")
    parser.add_argument("--family", default="all",
                        choices=FAMILIES + ("all", ))
    parser.add_argument("--dry-run", action="store_true",
                        help="print the drawn configs, export nothing")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="print each model's export time to stderr")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    decks = Decks(rng)
    configs = [sample(rng, decks, args.family) for _ in range(args.count)]
    if args.dry_run:
        for k, s in enumerate(configs):
            print(f"model-{k}: {json.dumps(s)}")
        return
    os.makedirs(args.output, exist_ok=True)
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    for k, s in enumerate(configs):
        start = time.monotonic()
        base = os.path.join(args.output, f"model-{k}")
        t = generate(s, args.seed * 1000003 + k, base + ".onnx")
        with open(base + ".truth.json", "w") as f:
            json.dump(t, f, indent=2, sort_keys=True)
            f.write("\n")
        if args.verbose:
            print(f"model-{k}: {time.monotonic() - start:.2f}s "
                  f"{s['family']} {s['dtype']}", file=sys.stderr)


if __name__ == "__main__":
    main()
