#!/usr/bin/python3
"""Exports small decoder LLMs to ONNX with torch.onnx, the way Hugging Face
Optimum and plain `torch.onnx.export` do, to test the ONNX importer and the
raise to `llm` ops on decomposed graphs.

Each model is built from a Hugging Face `config.json` (the same file the
`--import-hf-config` path reads), so a test can check that the ONNX export
raises to the architecture the config describes. Supported `model_type`s:

  llama    RMSNorm, rotary GQA attention (repeat_kv as Expand+Reshape),
           SwiGLU MLP (SiLU as Sigmoid*Mul)
  mixtral  llama with a top-k MoE: Softmax/TopK router, OneHot expert mask,
           NonZero/Gather dispatch and an index_add combine per expert
           (ScatterElements with reduction "add")
  gpt2     learned positions, LayerNorm, fused c_attn (Gemm via addmm) split
           into Q/K/V, tril-buffer causal mask with Where, gelu_new (Tanh)
  opt      learned positions with OPT's offset of 2, LayerNorm (pre or post,
           `do_layer_norm_before`), optional projected embeddings
           (`word_embed_proj_dim`), ReLU MLP, tied LM head

The modules are written here (no `transformers` dependency): Debian ships
python3-torch but not transformers. Weights are random; only the structure
matters.

Usage:
  export_torch_models.py CONFIG.json -o model.onnx [--opset 14|17] [--past]

Weights are float32: torch 1.13 cannot trace float16 norms on the CPU.

`--past` adds past key/value inputs and present outputs (KV-cache decoding:
keys and values are concatenated with the past along the sequence axis).

scripts/random_decoders.py builds randomised architectures from these modules
and switches on the Hugging Face idioms a `Config` carries (`hf_rms_norm`,
`hf_softmax`, `rope_cast`, `stream`); a config.json alone gives the plain
modules, so this script's exports do not change.
"""

import argparse
import json
import math
import sys

import torch
from torch import nn
from torch.nn import functional as F


class Config:
    """The HF config fields the modules read, with transformers' defaults."""

    def __init__(self, raw):
        t = raw["model_type"]
        self.model_type = t
        if t in ("llama", "mixtral", "qwen3"):
            self.hidden = raw["hidden_size"]
            self.layers = raw["num_hidden_layers"]
            self.heads = raw["num_attention_heads"]
            self.kv_heads = raw.get("num_key_value_heads", self.heads)
            self.intermediate = raw["intermediate_size"]
            self.vocab = raw["vocab_size"]
            self.eps = raw.get("rms_norm_eps", 1e-6)
            self.theta = raw.get("rope_theta", 10000.0)
            self.tied = raw.get("tie_word_embeddings", False)
            self.experts = raw.get("num_local_experts", 0)
            self.top_k = raw.get("num_experts_per_tok", 0)
            # Qwen3: RMSNorm of each query and key head; head_dim may
            # differ from hidden / heads.
            self.qk_norm = t == "qwen3"
            self.explicit_head_dim = raw.get("head_dim")
        elif t == "gpt2":
            self.hidden = raw["n_embd"]
            self.layers = raw["n_layer"]
            self.heads = self.kv_heads = raw["n_head"]
            self.intermediate = raw.get("n_inner") or 4 * self.hidden
            self.vocab = raw["vocab_size"]
            self.positions = raw["n_positions"]
            self.eps = raw.get("layer_norm_epsilon", 1e-5)
            self.tied = raw.get("tie_word_embeddings", True)
        elif t == "opt":
            self.hidden = raw["hidden_size"]
            self.layers = raw["num_hidden_layers"]
            self.heads = self.kv_heads = raw["num_attention_heads"]
            self.intermediate = raw["ffn_dim"]
            self.vocab = raw["vocab_size"]
            self.positions = raw["max_position_embeddings"] + 2
            self.pre_norm = raw.get("do_layer_norm_before", True)
            self.proj = raw.get("word_embed_proj_dim", self.hidden)
            self.eps = 1e-5
            self.tied = raw.get("tie_word_embeddings", True)
        else:
            sys.exit(f"export_torch_models: unsupported model_type '{t}'")
        self.head_dim = (getattr(self, "explicit_head_dim", None) or
                         self.hidden // self.heads)
        # Idioms of transformers' own modules (llama/mixtral/gpt2), off here;
        # scripts/random_decoders.py turns them on.
        self.hf_rms_norm = False  # LlamaRMSNorm: float32 round trip (Casts)
        self.hf_softmax = False   # softmax(dtype=float32).to(q.dtype)
        self.rope_cast = False    # cos/sin .to(x.dtype), as the rotary does
        self.stream = None        # "identity" | "dropout" (eval: no-ops) ...
        self.stream_at = "embed"  # ... after the embedding | after each block
        self.dropout = 0.1


# ----------------------------------------------------------------------------
# Llama / Mixtral
# ----------------------------------------------------------------------------


class RMSNorm(nn.Module):
    def __init__(self, width, eps, hf=False):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(width))
        self.eps = eps
        self.hf = hf

    def forward(self, x):
        if self.hf:
            # transformers' LlamaRMSNorm, verbatim: in a float32 export the
            # upcast is a no-op Cast that the residual stream then flows
            # through.
            input_dtype = x.dtype
            x = x.to(torch.float32)
            variance = x.pow(2).mean(-1, keepdim=True)
            x = x * torch.rsqrt(variance + self.eps)
            return self.weight * x.to(input_dtype)
        variance = x.pow(2).mean(-1, keepdim=True)
        return self.weight * (x * torch.rsqrt(variance + self.eps))


def attention_softmax(scores, c, like):
    """F.softmax over the keys; with `hf_softmax` in float32 and cast back to
    the query's dtype, as transformers' eager attention does."""
    if c.hf_softmax:
        return F.softmax(scores, dim=-1, dtype=torch.float32).to(like.dtype)
    return F.softmax(scores, dim=-1)


def stream_module(c):
    """An eval-mode no-op on the residual stream, or None."""
    if c.stream == "identity":
        return nn.Identity()
    if c.stream == "dropout":
        return nn.Dropout(c.dropout)
    return None


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def repeat_kv(x, n_rep):
    """transformers' repeat_kv: [B, KV, T, D] -> [B, KV * n_rep, T, D]."""
    if n_rep == 1:
        return x
    b, kv, t, d = x.shape
    x = x[:, :, None, :, :].expand(b, kv, n_rep, t, d)
    return x.reshape(b, kv * n_rep, t, d)


def causal_mask(t, past, dtype):
    """Additive mask [T, P+T]: query i sees keys 0..P+i (Trilu)."""
    full = torch.full((t, past + t), torch.finfo(dtype).min, dtype=dtype)
    return torch.triu(full, diagonal=past + 1)


class LlamaAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.q_proj = nn.Linear(c.hidden, c.heads * c.head_dim, bias=False)
        self.k_proj = nn.Linear(c.hidden, c.kv_heads * c.head_dim, bias=False)
        self.v_proj = nn.Linear(c.hidden, c.kv_heads * c.head_dim, bias=False)
        self.o_proj = nn.Linear(c.heads * c.head_dim, c.hidden, bias=False)
        if getattr(c, "qk_norm", False):
            self.q_norm = RMSNorm(c.head_dim, c.eps, c.hf_rms_norm)
            self.k_norm = RMSNorm(c.head_dim, c.eps, c.hf_rms_norm)

    def forward(self, x, cos, sin, past):
        c = self.c
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, c.heads, c.head_dim)
        k = self.k_proj(x).view(b, t, c.kv_heads, c.head_dim)
        if getattr(c, "qk_norm", False):
            q, k = self.q_norm(q), self.k_norm(k)
        q, k = q.transpose(1, 2), k.transpose(1, 2)
        v = self.v_proj(x).view(b, t, c.kv_heads, c.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if past is not None:
            k = torch.cat((past[0], k), dim=2)
            v = torch.cat((past[1], v), dim=2)
        present = (k, v)
        n_rep = c.heads // c.kv_heads
        k = repeat_kv(k, n_rep)
        v = repeat_kv(v, n_rep)
        scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(c.head_dim)
        scores = scores + causal_mask(t, k.shape[2] - t, scores.dtype)
        probs = attention_softmax(scores, c, q)
        out = torch.matmul(probs, v).transpose(1, 2).reshape(b, t, -1)
        return self.o_proj(out), present


class GatedMLP(nn.Module):
    def __init__(self, hidden, intermediate):
        super().__init__()
        self.gate_proj = nn.Linear(hidden, intermediate, bias=False)
        self.up_proj = nn.Linear(hidden, intermediate, bias=False)
        self.down_proj = nn.Linear(intermediate, hidden, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class SparseMoE(nn.Module):
    """transformers' MixtralSparseMoeBlock, traceable (no .tolist())."""

    def __init__(self, c):
        super().__init__()
        self.c = c
        self.gate = nn.Linear(c.hidden, c.experts, bias=False)
        self.experts = nn.ModuleList(
            GatedMLP(c.hidden, c.intermediate) for _ in range(c.experts))

    def forward(self, x):
        c = self.c
        b, t, h = x.shape
        x = x.view(-1, h)
        router_logits = self.gate(x)
        if c.hf_softmax:
            weights = F.softmax(router_logits, dim=1, dtype=torch.float)
        else:
            weights = F.softmax(router_logits, dim=1)
        weights, selected = torch.topk(weights, c.top_k, dim=-1)
        weights = weights / weights.sum(dim=-1, keepdim=True)
        if c.hf_softmax:
            weights = weights.to(x.dtype)
        out = torch.zeros_like(x)
        mask = F.one_hot(selected, num_classes=c.experts).permute(2, 1, 0)
        for e, expert in enumerate(self.experts):
            idx, top_x = torch.where(mask[e])
            state = x[top_x]
            routed = expert(state) * weights[top_x, idx, None]
            out = out.index_add(0, top_x, routed)
        return out.view(b, t, h)


class LlamaLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.input_layernorm = RMSNorm(c.hidden, c.eps, c.hf_rms_norm)
        self.self_attn = LlamaAttention(c)
        self.post_attention_layernorm = RMSNorm(c.hidden, c.eps,
                                                c.hf_rms_norm)
        if c.experts:
            self.mlp = SparseMoE(c)
        else:
            self.mlp = GatedMLP(c.hidden, c.intermediate)

    def forward(self, x, cos, sin, past):
        a, present = self.self_attn(self.input_layernorm(x), cos, sin, past)
        x = x + a
        return x + self.mlp(self.post_attention_layernorm(x)), present


class LlamaModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(c.vocab, c.hidden)
        self.stream = stream_module(c)
        self.layers = nn.ModuleList(LlamaLayer(c) for _ in range(c.layers))
        self.norm = RMSNorm(c.hidden, c.eps, c.hf_rms_norm)
        self.lm_head = nn.Linear(c.hidden, c.vocab, bias=False)
        if c.tied:
            self.lm_head.weight = self.embed_tokens.weight
        inv_freq = 1.0 / (c.theta**(
            torch.arange(0, c.head_dim, 2).float() / c.head_dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    def forward(self, input_ids, position_ids, *past):
        freqs = position_ids[..., None].float() * self.inv_freq
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[:, None], emb.sin()[:, None]
        x = self.embed_tokens(input_ids)
        if self.c.rope_cast:
            cos, sin = cos.to(x.dtype), sin.to(x.dtype)
        at_embed = self.c.stream_at == "embed"
        if self.stream is not None and at_embed:
            x = self.stream(x)
        presents = []
        for i, layer in enumerate(self.layers):
            layer_past = past[2 * i:2 * i + 2] if past else None
            x, present = layer(x, cos, sin, layer_past)
            if self.stream is not None and not at_embed:
                x = self.stream(x)
            presents += present
        logits = self.lm_head(self.norm(x))
        return (logits, *presents) if past else logits


# ----------------------------------------------------------------------------
# GPT-2
# ----------------------------------------------------------------------------


class Conv1D(nn.Module):
    """GPT-2's transposed linear layer: addmm over flattened tokens (Gemm)."""

    def __init__(self, out_features, in_features):
        super().__init__()
        self.weight = nn.Parameter(
            torch.randn(in_features, out_features) * 0.02)
        self.bias = nn.Parameter(torch.zeros(out_features))

    def forward(self, x):
        shape = x.size()[:-1] + (self.weight.size(-1), )
        x = torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight)
        return x.view(shape)


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(
        math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class GPT2Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        n = c.positions
        self.register_buffer("bias", torch.tril(
            torch.ones((n, n), dtype=torch.bool)).view(1, 1, n, n))
        self.c_attn = Conv1D(3 * c.hidden, c.hidden)
        self.c_proj = Conv1D(c.hidden, c.hidden)

    def split_heads(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.c.heads, self.c.head_dim).permute(0, 2, 1, 3)

    def forward(self, x, past):
        q, k, v = self.c_attn(x).split(self.c.hidden, dim=2)
        q, k, v = self.split_heads(q), self.split_heads(k), self.split_heads(v)
        if past is not None:
            k = torch.cat((past[0], k), dim=-2)
            v = torch.cat((past[1], v), dim=-2)
        present = (k, v)
        w = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.c.head_dim)
        qlen, klen = q.size(-2), k.size(-2)
        causal = self.bias[:, :, klen - qlen:klen, :klen]
        w = torch.where(causal, w, torch.tensor(torch.finfo(w.dtype).min))
        w = attention_softmax(w, self.c, q)
        out = torch.matmul(w, v).permute(0, 2, 1, 3).contiguous()
        out = out.view(out.shape[0], out.shape[1], self.c.hidden)
        return self.c_proj(out), present


class GPT2Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.ln_1 = nn.LayerNorm(c.hidden, eps=c.eps)
        self.attn = GPT2Attention(c)
        self.ln_2 = nn.LayerNorm(c.hidden, eps=c.eps)
        self.c_fc = Conv1D(c.intermediate, c.hidden)
        self.c_proj = Conv1D(c.hidden, c.intermediate)

    def forward(self, x, past):
        a, present = self.attn(self.ln_1(x), past)
        x = x + a
        return x + self.c_proj(gelu_new(self.c_fc(self.ln_2(x)))), present


class GPT2Model(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.wte = nn.Embedding(c.vocab, c.hidden)
        self.wpe = nn.Embedding(c.positions, c.hidden)
        self.stream = stream_module(c)
        self.h = nn.ModuleList(GPT2Block(c) for _ in range(c.layers))
        self.ln_f = nn.LayerNorm(c.hidden, eps=c.eps)

    def forward(self, input_ids, position_ids, *past):
        x = self.wte(input_ids) + self.wpe(position_ids)
        at_embed = self.c.stream_at == "embed"
        if self.stream is not None and at_embed:
            x = self.stream(x)
        presents = []
        for i, block in enumerate(self.h):
            x, present = block(x, past[2 * i:2 * i + 2] if past else None)
            if self.stream is not None and not at_embed:
                x = self.stream(x)
            presents += present
        logits = F.linear(self.ln_f(x), self.wte.weight)
        return (logits, *presents) if past else logits


# ----------------------------------------------------------------------------
# OPT
# ----------------------------------------------------------------------------


class OPTAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.q_proj = nn.Linear(c.hidden, c.hidden)
        self.k_proj = nn.Linear(c.hidden, c.hidden)
        self.v_proj = nn.Linear(c.hidden, c.hidden)
        self.out_proj = nn.Linear(c.hidden, c.hidden)

    def forward(self, x, past):
        c = self.c
        b, t, _ = x.shape
        q = self.q_proj(x) * c.head_dim**-0.5
        q = q.view(b, t, c.heads, c.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, t, c.heads, c.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, c.heads, c.head_dim).transpose(1, 2)
        if past is not None:
            k = torch.cat([past[0], k], dim=2)
            v = torch.cat([past[1], v], dim=2)
        present = (k, v)
        w = torch.matmul(q, k.transpose(2, 3))
        w = w + causal_mask(t, k.shape[2] - t, w.dtype)
        w = F.softmax(w, dim=-1)
        out = torch.matmul(w, v).transpose(1, 2).reshape(b, t, c.hidden)
        return self.out_proj(out), present


class OPTLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.pre_norm = c.pre_norm
        self.self_attn = OPTAttention(c)
        self.self_attn_layer_norm = nn.LayerNorm(c.hidden)
        self.fc1 = nn.Linear(c.hidden, c.intermediate)
        self.fc2 = nn.Linear(c.intermediate, c.hidden)
        self.final_layer_norm = nn.LayerNorm(c.hidden)

    def forward(self, x, past):
        residual = x
        if self.pre_norm:
            x = self.self_attn_layer_norm(x)
        x, present = self.self_attn(x, past)
        x = residual + x
        if not self.pre_norm:
            x = self.self_attn_layer_norm(x)
        residual = x
        if self.pre_norm:
            x = self.final_layer_norm(x)
        x = residual + self.fc2(F.relu(self.fc1(x)))
        if not self.pre_norm:
            x = self.final_layer_norm(x)
        return x, present


class OPTModel(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(c.vocab, c.proj)
        self.embed_positions = nn.Embedding(c.positions, c.hidden)
        self.project_in = None
        self.project_out = None
        if c.proj != c.hidden:
            self.project_in = nn.Linear(c.proj, c.hidden, bias=False)
            self.project_out = nn.Linear(c.hidden, c.proj, bias=False)
        self.layers = nn.ModuleList(OPTLayer(c) for _ in range(c.layers))
        self.final_layer_norm = nn.LayerNorm(c.hidden) if c.pre_norm else None

    def forward(self, input_ids, attention_mask, *past):
        # OPTLearnedPositionalEmbedding: positions from the mask, offset 2.
        positions = torch.cumsum(attention_mask, dim=1) * attention_mask - 1
        positions = positions[:, -input_ids.shape[1]:] + 2
        x = self.embed_tokens(input_ids)
        if self.project_in is not None:
            x = self.project_in(x)
        x = x + self.embed_positions(positions)
        presents = []
        for i, layer in enumerate(self.layers):
            x, present = layer(x, past[2 * i:2 * i + 2] if past else None)
            presents += present
        if self.final_layer_norm is not None:
            x = self.final_layer_norm(x)
        if self.project_out is not None:
            x = self.project_out(x)
        logits = F.linear(x, self.embed_tokens.weight)
        return (logits, *presents) if past else logits


# ----------------------------------------------------------------------------
# Export
# ----------------------------------------------------------------------------


def build(c):
    if c.model_type in ("llama", "mixtral", "qwen3"):
        return LlamaModel(c)
    if c.model_type == "gpt2":
        return GPT2Model(c)
    return OPTModel(c)


def export(c, path, opset, past, dtype):
    torch.manual_seed(0)
    model = build(c).eval().to(dtype)
    export_model(model, c, path, opset, past, dtype)


def export_model(model, c, path, opset, past, dtype):
    """torch.onnx.export of a built, eval-mode `model` of config `c`."""
    batch, seq, past_len = 1, 3, 2 if past else 0
    ids = torch.randint(0, c.vocab, (batch, seq))
    if c.model_type == "opt":
        second = torch.ones(batch, past_len + seq, dtype=torch.int64)
        second_name = "attention_mask"
        second_axes = {0: "batch", 1: "total_sequence_length"}
    else:
        second = torch.arange(past_len, past_len + seq).unsqueeze(0)
        second_name = "position_ids"
        second_axes = {0: "batch", 1: "sequence_length"}
    names = ["input_ids", second_name]
    axes = {"input_ids": {0: "batch", 1: "sequence_length"},
            second_name: second_axes, "logits": {0: "batch",
                                                 1: "sequence_length"}}
    args = [ids, second]
    outputs = ["logits"]
    if past:
        for i in range(c.layers):
            for kind in ("key", "value"):
                name = f"past_key_values.{i}.{kind}"
                args.append(torch.zeros(batch, c.kv_heads, past_len,
                                        c.head_dim, dtype=dtype))
                names.append(name)
                axes[name] = {0: "batch", 2: "past_sequence_length"}
                out = f"present.{i}.{kind}"
                outputs.append(out)
                axes[out] = {0: "batch", 2: "total_sequence_length"}
    with torch.no_grad():
        torch.onnx.export(model, tuple(args), path, opset_version=opset,
                          input_names=names, output_names=outputs,
                          dynamic_axes=axes, do_constant_folding=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("config", help="Hugging Face config.json")
    parser.add_argument("-o", "--output", required=True, help="model.onnx")
    parser.add_argument("--opset", type=int, default=17, choices=[14, 17])
    parser.add_argument("--past", action="store_true",
                        help="add past/present key-value inputs and outputs")
    args = parser.parse_args()
    with open(args.config) as f:
        config = Config(json.load(f))
    export(config, args.output, args.opset, args.past, torch.float32)


if __name__ == "__main__":
    main()
