#!/usr/bin/env python3
"""Export a timing-only model shaped like Firefox's image captioner "distilvit".

distilvit is a transformers VisionEncoderDecoder: a ViT-B/16 encoder (224x224,
patch 16, hidden 768, 12 layers, 12 heads, MLP 3072) and a DistilGPT2 decoder
(6 layers, hidden 768, 12 heads, MLP 3072, vocab 50257, 1024 positions) with
cross-attention to the 197 ViT tokens in every decoder layer. This script
builds the same shapes with plain torch layers and RANDOM weights (fixed seed),
so that our benchmark can time the architecture in onnxruntime-web. The
outputs are meaningless; only the compute and the memory traffic are real.

Usage (Debian's python3, which has torch 1.13 and onnx 1.12):

    /usr/bin/python3 models/tools/distilvit_shape.py [--out /tmp/distilvit-shape]
        [--cross encoder|recompute] [--int8 dynamic|weights]

Files written to --out (never into the repository: they are ~700 MB in fp32):

  encoder.onnx
      pixel_values [1,3,224,224] float32
      -> encoder_hidden_states [1,197,768]
         cross_keys, cross_values [6,1,12,197,64]   (with --cross encoder, the default)
  decoder.onnx, one greedy step with an explicit KV cache:
      input_ids [1,1] int64
      cross_keys, cross_values [6,1,12,197,64]      (--cross encoder)
        or encoder_hidden_states [1,197,768]        (--cross recompute)
      past_keys, past_values [6,1,12,past,64] float32 (past may be 0)
      -> logits [1,1,50257], present_keys, present_values [6,1,12,past+1,64]

Cross-attention keys/values. transformers.js runs distilvit with the merged
decoder, which computes the cross-attention K/V from the encoder states on the
first step only and afterwards takes them back as cached inputs. The default
`--cross encoder` is the equivalent here: the six cross K/V projections are
applied once per image (they are stored in encoder.onnx, although they belong
to the decoder) and every step reads the cached tensors. `--cross recompute`
puts them in the decoder and recomputes them from encoder_hidden_states on
every step (simpler, about 1.4 GFLOP more per token, so a slower reference).

int8. `--int8 dynamic` rewrites every MatMul with a constant weight the way
onnxruntime's quantize_dynamic does (and so the way transformers.js's q8 files
are made): DynamicQuantizeLinear on the activation, MatMulInteger with an int8
weight (symmetric, per output column), Cast and Mul by the product of scales.
onnxruntime fuses that into DynamicQuantizeMatMul, so the MatMuls really run
in int8. `--int8 weights` only stores the weights as int8 with a per-column
scale, expanded in the graph by Cast+Mul; onnxruntime constant-folds that back
to fp32 when it loads the model, so it shrinks the file but times like fp32.
With either, encoder.onnx/decoder.onnx are the int8 files and the fp32 ones
are kept as encoder-fp32.onnx/decoder-fp32.onnx.

Differences from the real model that do not matter for timing: random weights
and tokens, no ViT pooler (unused by the captioner, 0.6M parameters), the
embedding and output projection are tied as in GPT-2, and onnxruntime's graph
optimizer sees plain MatMul/Softmax attention (transformers' export looks the
same at opset 17 without fused attention ops).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from typing import List, Optional, Tuple

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import Tensor, nn

OPSET = 17
SEED = 0

IMAGE = 224
PATCH = 16
TOKENS = (IMAGE // PATCH) ** 2 + 1  # 197: CLS + 14x14 patches
HIDDEN = 768
HEADS = 12
HEAD_DIM = HIDDEN // HEADS
MLP = 3072
ENC_LAYERS = 12
DEC_LAYERS = 6
VOCAB = 50257
POSITIONS = 1024
VIT_LN_EPS = 1e-12  # transformers' ViTConfig.layer_norm_eps
GPT2_LN_EPS = 1e-5  # GPT2Config.layer_norm_epsilon


def split_heads(x: Tensor) -> Tensor:
    """[1, T, 768] -> [1, 12, T, 64]"""
    return x.reshape(x.shape[0], x.shape[1], HEADS, HEAD_DIM).transpose(1, 2)


def merge_heads(x: Tensor) -> Tensor:
    """[1, 12, T, 64] -> [1, T, 768]"""
    return x.transpose(1, 2).reshape(x.shape[0], x.shape[2], HIDDEN)


def attend(q: Tensor, k: Tensor, v: Tensor) -> Tensor:
    scores = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(HEAD_DIM))
    return torch.matmul(torch.softmax(scores, dim=-1), v)


# ---------------------------------------------------------------- ViT-B/16


class VitLayer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.ln1 = nn.LayerNorm(HIDDEN, eps=VIT_LN_EPS)
        self.q = nn.Linear(HIDDEN, HIDDEN)
        self.k = nn.Linear(HIDDEN, HIDDEN)
        self.v = nn.Linear(HIDDEN, HIDDEN)
        self.out = nn.Linear(HIDDEN, HIDDEN)
        self.ln2 = nn.LayerNorm(HIDDEN, eps=VIT_LN_EPS)
        self.fc1 = nn.Linear(HIDDEN, MLP)
        self.fc2 = nn.Linear(MLP, HIDDEN)

    def forward(self, x: Tensor) -> Tensor:
        h = self.ln1(x)
        a = attend(split_heads(self.q(h)), split_heads(self.k(h)), split_heads(self.v(h)))
        x = x + self.out(merge_heads(a))
        return x + self.fc2(nn.functional.gelu(self.fc1(self.ln2(x))))  # ViT: exact gelu


class Vit(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.patch = nn.Conv2d(3, HIDDEN, PATCH, PATCH)
        self.cls = nn.Parameter(torch.zeros(1, 1, HIDDEN))
        self.pos = nn.Parameter(torch.zeros(1, TOKENS, HIDDEN))
        self.layers = nn.ModuleList([VitLayer() for _ in range(ENC_LAYERS)])
        self.ln = nn.LayerNorm(HIDDEN, eps=VIT_LN_EPS)

    def forward(self, pixel_values: Tensor) -> Tensor:
        x = self.patch(pixel_values).flatten(2).transpose(1, 2)  # [1, 196, 768]
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
        for layer in self.layers:
            x = layer(x)
        return self.ln(x)


# ---------------------------------------------------------- DistilGPT2 + cross


class CrossKV(nn.Module):
    """GPT-2's crossattention.c_attn: encoder states -> cross K and V."""

    def __init__(self) -> None:
        super().__init__()
        self.kv = nn.Linear(HIDDEN, 2 * HIDDEN)

    def forward(self, enc: Tensor) -> Tuple[Tensor, Tensor]:
        k, v = self.kv(enc).split(HIDDEN, dim=-1)
        return split_heads(k), split_heads(v)


class Gpt2Layer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.ln1 = nn.LayerNorm(HIDDEN, eps=GPT2_LN_EPS)
        self.qkv = nn.Linear(HIDDEN, 3 * HIDDEN)  # GPT-2's fused c_attn
        self.out = nn.Linear(HIDDEN, HIDDEN)
        self.ln_cross = nn.LayerNorm(HIDDEN, eps=GPT2_LN_EPS)
        self.cross_q = nn.Linear(HIDDEN, HIDDEN)  # crossattention.q_attn
        self.cross_kv = CrossKV()  # crossattention.c_attn (K, V of the encoder states)
        self.cross_out = nn.Linear(HIDDEN, HIDDEN)
        self.ln2 = nn.LayerNorm(HIDDEN, eps=GPT2_LN_EPS)
        self.fc1 = nn.Linear(HIDDEN, MLP)
        self.fc2 = nn.Linear(MLP, HIDDEN)

    def forward(
        self, x: Tensor, past_k: Tensor, past_v: Tensor, cross_k: Tensor, cross_v: Tensor
    ) -> Tuple[Tensor, Tensor, Tensor]:
        q, k, v = self.qkv(self.ln1(x)).split(HIDDEN, dim=-1)
        k = torch.cat([past_k, split_heads(k)], dim=2)
        v = torch.cat([past_v, split_heads(v)], dim=2)
        # One query at the newest position sees every cached position: no mask.
        x = x + self.out(merge_heads(attend(split_heads(q), k, v)))
        cq = split_heads(self.cross_q(self.ln_cross(x)))
        x = x + self.cross_out(merge_heads(attend(cq, cross_k, cross_v)))
        h = nn.functional.gelu(self.fc1(self.ln2(x)), approximate="tanh")  # GPT-2's gelu_new
        return x + self.fc2(h), k, v


class Gpt2(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.wte = nn.Embedding(VOCAB, HIDDEN)
        self.wpe = nn.Embedding(POSITIONS, HIDDEN)
        self.layers = nn.ModuleList([Gpt2Layer() for _ in range(DEC_LAYERS)])
        self.ln = nn.LayerNorm(HIDDEN, eps=GPT2_LN_EPS)

    def cross(self, enc: Tensor) -> Tuple[Tensor, Tensor]:
        kv = [layer.cross_kv(enc) for layer in self.layers]
        return torch.stack([k for k, _ in kv]), torch.stack([v for _, v in kv])

    def step(
        self, input_ids: Tensor, past_keys: Tensor, past_values: Tensor, cross_keys: Tensor, cross_values: Tensor
    ) -> Tuple[Tensor, Tensor, Tensor]:
        # The new token's position is the cache length, read from the shape.
        positions = torch.zeros_like(input_ids) + past_keys.shape[3]
        x = self.wte(input_ids) + self.wpe(positions)
        keys: List[Tensor] = []
        values: List[Tensor] = []
        for i, layer in enumerate(self.layers):
            x, k, v = layer(x, past_keys[i], past_values[i], cross_keys[i], cross_values[i])
            keys.append(k)
            values.append(v)
        logits = torch.matmul(self.ln(x), self.wte.weight.t())  # tied lm_head, as in GPT-2
        return logits, torch.stack(keys), torch.stack(values)


class EncoderExport(nn.Module):
    def __init__(self, vit: Vit, gpt2: Gpt2, with_cross: bool) -> None:
        super().__init__()
        self.vit = vit
        self.gpt2 = gpt2
        self.with_cross = with_cross

    def forward(self, pixel_values: Tensor):  # type: ignore[no-untyped-def]
        enc = self.vit(pixel_values)
        if not self.with_cross:
            return enc
        cross_keys, cross_values = self.gpt2.cross(enc)
        return enc, cross_keys, cross_values


class DecoderCachedCross(nn.Module):
    def __init__(self, gpt2: Gpt2) -> None:
        super().__init__()
        self.gpt2 = gpt2

    def forward(self, input_ids, cross_keys, cross_values, past_keys, past_values):  # type: ignore[no-untyped-def]
        return self.gpt2.step(input_ids, past_keys, past_values, cross_keys, cross_values)


class DecoderRecomputeCross(nn.Module):
    def __init__(self, gpt2: Gpt2) -> None:
        super().__init__()
        self.gpt2 = gpt2

    def forward(self, input_ids, encoder_hidden_states, past_keys, past_values):  # type: ignore[no-untyped-def]
        cross_keys, cross_values = self.gpt2.cross(encoder_hidden_states)
        return self.gpt2.step(input_ids, past_keys, past_values, cross_keys, cross_values)


def init_weights(module: nn.Module) -> None:
    """transformers' initialisation: N(0, 0.02) weights, zero biases, unit LayerNorm."""
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
            if getattr(m, "bias", None) is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.LayerNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
    for name, p in module.named_parameters(recurse=False):
        nn.init.normal_(p, std=0.02)


def count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


# ------------------------------------------------------------------ int8


def _consumers(graph: onnx.GraphProto) -> dict:
    uses: dict = {}
    for node in graph.node:
        for name in node.input:
            uses.setdefault(name, []).append(node)
    return uses


def quantize(path_in: str, path_out: str, mode: str) -> Tuple[int, int]:
    """Rewrite every MatMul whose B is a 2-D float initializer. Returns (rewritten, total MatMuls)."""
    model = onnx.load(path_in)
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    uses = _consumers(graph)
    new_nodes: List[onnx.NodeProto] = []
    rewritten = 0
    total = 0
    dropped: set = set()
    for node in graph.node:
        if node.op_type != "MatMul":
            new_nodes.append(node)
            continue
        total += 1
        w_init: Optional[onnx.TensorProto] = inits.get(node.input[1])
        if w_init is None or w_init.data_type != TensorProto.FLOAT or len(w_init.dims) != 2:
            new_nodes.append(node)
            continue
        w = numpy_helper.to_array(w_init).astype(np.float32)
        scale = np.maximum(np.abs(w).max(axis=0), 1e-12) / 127.0  # per output column
        wq = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
        base = f"q{rewritten}_{node.name or 'matmul'}".replace("/", "_").replace(":", "_")
        graph.initializer.append(numpy_helper.from_array(wq, f"{base}_w_int8"))
        graph.initializer.append(numpy_helper.from_array(scale.astype(np.float32), f"{base}_w_scale"))
        if len(uses.get(w_init.name, [])) == 1:
            dropped.add(w_init.name)
        x, y = node.input[0], node.output[0]
        if mode == "weights":
            new_nodes += [
                helper.make_node("Cast", [f"{base}_w_int8"], [f"{base}_w_f"], to=TensorProto.FLOAT),
                helper.make_node("Mul", [f"{base}_w_f", f"{base}_w_scale"], [f"{base}_w"]),
                helper.make_node("MatMul", [x, f"{base}_w"], [y], name=node.name),
            ]
        else:
            graph.initializer.append(numpy_helper.from_array(np.zeros(w.shape[1], np.int8), f"{base}_w_zero"))
            new_nodes += [
                helper.make_node("DynamicQuantizeLinear", [x], [f"{base}_xq", f"{base}_xs", f"{base}_xz"]),
                helper.make_node(
                    "MatMulInteger", [f"{base}_xq", f"{base}_w_int8", f"{base}_xz", f"{base}_w_zero"], [f"{base}_i32"]
                ),
                helper.make_node("Cast", [f"{base}_i32"], [f"{base}_f"], to=TensorProto.FLOAT),
                helper.make_node("Mul", [f"{base}_xs", f"{base}_w_scale"], [f"{base}_s"]),
                helper.make_node("Mul", [f"{base}_f", f"{base}_s"], [y], name=node.name),
            ]
        rewritten += 1
    del graph.node[:]
    graph.node.extend(new_nodes)
    kept = [t for t in graph.initializer if t.name not in dropped]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    onnx.checker.check_model(model)
    onnx.save(model, path_out)
    return rewritten, total


# ------------------------------------------------------------------ main


def mb(path: str) -> str:
    return f"{os.path.getsize(path) / 1e6:.1f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="/tmp/distilvit-shape")
    parser.add_argument(
        "--cross",
        choices=["encoder", "recompute"],
        default="encoder",
        help="where the cross-attention K/V are computed (default: once, in the encoder)",
    )
    parser.add_argument("--int8", choices=["dynamic", "weights"], help="also write int8 files (see the module doc)")
    args = parser.parse_args()

    out = os.path.abspath(args.out)
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    if out == repo or out.startswith(repo + os.sep):
        print(f"refusing to write ~700 MB of random weights into the repository ({out})", file=sys.stderr)
        return 2
    os.makedirs(out, exist_ok=True)

    torch.manual_seed(SEED)
    vit, gpt2 = Vit().eval(), Gpt2().eval()
    init_weights(vit)
    init_weights(gpt2)

    n_vit = count(vit)
    n_gpt2 = count(gpt2)
    n_cross_kv = sum(count(layer.cross_kv) for layer in gpt2.layers)
    n_cross = n_cross_kv + sum(
        count(layer.cross_q) + count(layer.cross_out) + count(layer.ln_cross) for layer in gpt2.layers
    )
    print(f"encoder (ViT-B/16, no pooler): {n_vit / 1e6:.2f}M parameters")
    print(
        f"decoder (DistilGPT2 + cross-attention): {n_gpt2 / 1e6:.2f}M parameters "
        f"= {(n_gpt2 - n_cross) / 1e6:.2f}M DistilGPT2 + {n_cross / 1e6:.2f}M cross-attention "
        f"(of which {n_cross_kv / 1e6:.2f}M cross K/V projections)"
    )
    print(f"total: {(n_vit + n_gpt2) / 1e6:.2f}M parameters")

    cached = args.cross == "encoder"
    suffix = "-fp32" if args.int8 else ""
    enc_path = os.path.join(out, f"encoder{suffix}.onnx")
    dec_path = os.path.join(out, f"decoder{suffix}.onnx")
    for stale in ("encoder.onnx", "decoder.onnx", "encoder-fp32.onnx", "decoder-fp32.onnx"):
        if os.path.exists(os.path.join(out, stale)):
            os.remove(os.path.join(out, stale))

    pixel_values = torch.randn(1, 3, IMAGE, IMAGE)
    encoder = EncoderExport(vit, gpt2, cached).eval()
    enc_outputs = ["encoder_hidden_states"] + (["cross_keys", "cross_values"] if cached else [])
    with torch.no_grad():
        torch.onnx.export(
            encoder,
            (pixel_values,),
            enc_path,
            input_names=["pixel_values"],
            output_names=enc_outputs,
            opset_version=OPSET,
            do_constant_folding=True,
        )
        enc_result = encoder(pixel_values)
    enc = enc_result[0] if cached else enc_result

    # Trace with a non-empty cache, so that the past axis is not frozen at zero.
    trace_past = 3
    input_ids = torch.tensor([[50256]], dtype=torch.int64)
    past = torch.randn(DEC_LAYERS, 1, HEADS, trace_past, HEAD_DIM)
    cache_axes = {3: "past"}
    present_axes = {3: "past_plus_1"}
    if cached:
        decoder: nn.Module = DecoderCachedCross(gpt2)
        dec_inputs: Tuple[Tensor, ...] = (input_ids, enc_result[1], enc_result[2], past, past.clone())
        dec_names = ["input_ids", "cross_keys", "cross_values", "past_keys", "past_values"]
    else:
        decoder = DecoderRecomputeCross(gpt2)
        dec_inputs = (input_ids, enc, past, past.clone())
        dec_names = ["input_ids", "encoder_hidden_states", "past_keys", "past_values"]
    with torch.no_grad():
        torch.onnx.export(
            decoder.eval(),
            dec_inputs,
            dec_path,
            input_names=dec_names,
            output_names=["logits", "present_keys", "present_values"],
            dynamic_axes={
                "past_keys": cache_axes,
                "past_values": cache_axes,
                "present_keys": present_axes,
                "present_values": present_axes,
            },
            opset_version=OPSET,
            do_constant_folding=True,
        )
    print(f"wrote {enc_path} ({mb(enc_path)})")
    print(f"wrote {dec_path} ({mb(dec_path)})")

    if args.int8:
        for src, name in ((enc_path, "encoder.onnx"), (dec_path, "decoder.onnx")):
            dst = os.path.join(out, name)
            done, total = quantize(src, dst, args.int8)
            print(f"wrote {dst} ({mb(dst)}, int8 {args.int8}: {done} of {total} MatMuls)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
