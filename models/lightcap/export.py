"""Export a trained LightCap checkpoint to ONNX (opset 17) for onnxruntime-web.

  /usr/bin/python3 models/lightcap/export.py --ckpt /tmp/lightcap-run/best.pt --out models/lightcap \
      --features /tmp/lightcap-features --fixture /tmp/lightcap-run/parity.json

Writes to OUT:
  encoder.onnx   features [B,480,16,16] (CenterNet `features`), class_presence [B,80]
                 -> memory_keys, memory_values [L,B,H,P,dh] (+ concept_ids, concept_scores)
  decoder.onnx   input_ids [B,1] int64, memory_keys, memory_values, past_keys, past_values [L,B,H,T,dh]
                 -> logits [B,1,V], present_keys, present_values [L,B,H,T+1,dh]
  vocab.json, manifest.json
Weight matrices are stored as int8 with one fp32 scale per output column and
expanded in-graph (Cast + Mul on initializers, folded by onnxruntime at session
creation), unless --fp32. The fixture (outside the repo) holds a few dev
images' inputs and the PyTorch greedy tokens for models/tools/lightcap_parity.ts.
"""
from __future__ import annotations

import os

# One BLAS thread unless told otherwise: Debian's OpenBLAS ignores torch.set_num_threads.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, os.environ.get("LIGHTCAP_THREADS", "1"))

import argparse
import json
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import helper, numpy_helper, TensorProto

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import BOS, EOS, PAD, UNK, load_caption_file, load_captions, load_features, load_language_captions, written_forms  # noqa: E402
from metrics import corpus_bleu, corpus_cider_d, detokenize  # noqa: E402
from model import LightCap, beam_search, count_parameters, from_checkpoint, greedy  # noqa: E402

# Data defaults: <repo>/../shared/data, found from this file (models/lightcap/ -> repository root -> its parent).
SHARED_DATA = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data"))


QUANT_MIN_ELEMENTS = 16384


class Encoder(nn.Module):
    def __init__(self, model: LightCap):
        super().__init__()
        self.model = model

    def forward(self, features, class_presence):
        grid = F.avg_pool2d(features, 2).flatten(2).transpose(1, 2)  # [B,64,480]
        mk, mv, clog = self.model.encode(grid, class_presence)
        if clog is None:
            return mk, mv
        scores = torch.sigmoid(clog)
        top_s, top_i = scores.topk(self.model.top_k, dim=-1)
        return mk, mv, self.model.concept_word_ids[top_i], top_s


class DecoderStep(nn.Module):
    def __init__(self, model: LightCap):
        super().__init__()
        self.model = model

    def forward(self, input_ids, memory_keys, memory_values, past_keys, past_values):
        return self.model.step(input_ids, memory_keys, memory_values, past_keys, past_values)


def quantize_initializers(path: str, params: dict) -> dict:
    """int8 weight storage: W -> Cast(W_q) * scale (per last axis), for initializers that
    are (possibly transposed) copies of large model parameters. Returns the dequantized
    values keyed by parameter name (with the transpose undone) for the PyTorch reference."""
    m = onnx.load(path)
    g = m.graph
    flat = {k: v.detach().numpy() for k, v in params.items()}
    by_shape = {}
    for k, v in flat.items():
        by_shape.setdefault(v.shape, []).append(k)
        if v.ndim == 2:
            by_shape.setdefault(v.T.shape, []).append(k)
    new_inits, new_nodes, dequant = [], [], {}
    for init in list(g.initializer):
        w = numpy_helper.to_array(init)
        if w.dtype != np.float32 or w.size < QUANT_MIN_ELEMENTS or w.ndim != 2:
            new_inits.append(init)
            continue
        source, transposed = None, False
        for k in by_shape.get(w.shape, []):
            if flat[k].shape == w.shape and np.array_equal(flat[k], w):
                source = k
                break
            if flat[k].ndim == 2 and flat[k].T.shape == w.shape and np.array_equal(flat[k].T, w):
                source, transposed = k, True
                break
        if source is None:
            new_inits.append(init)
            continue
        scale = np.abs(w).max(axis=0, keepdims=True) / 127.0
        scale[scale == 0] = 1.0
        q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
        deq = q.astype(np.float32) * scale.astype(np.float32)
        dequant[source] = deq.T if transposed else deq
        qname, sname, cname = init.name + "_int8", init.name + "_scale", init.name + "_f32"
        new_inits.append(numpy_helper.from_array(q, qname))
        new_inits.append(numpy_helper.from_array(scale.astype(np.float32), sname))
        new_nodes.append(helper.make_node("Cast", [qname], [cname], to=TensorProto.FLOAT, name=cname))
        new_nodes.append(helper.make_node("Mul", [cname, sname], [init.name], name=init.name + "_dequant"))
    del g.initializer[:]
    g.initializer.extend(new_inits)
    nodes = new_nodes + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(m)
    onnx.save(m, path)
    return dequant


def fix_output_dims(path: str, dims: dict) -> None:
    """Replaces the exporter's generated names for fixed output axes with their sizes."""
    m = onnx.load(path)
    for o in m.graph.output:
        for axis, size in dims.get(o.name, {}).items():
            d = o.type.tensor_type.shape.dim[axis]
            d.ClearField("dim_param")
            d.dim_value = size
    onnx.checker.check_model(m)
    onnx.save(m, path)


def synthetic_inputs():
    """Deterministic encoder inputs that TypeScript can rebuild bit for bit (exact rationals)."""
    c, y, x = np.meshgrid(np.arange(480), np.arange(16), np.arange(16), indexing="ij")
    features = np.where((c * 31 + y * 17 + x * 7) % 23 == 0, 2.0, -0.125).astype(np.float32)[None]
    presence = (((np.arange(80) * 37) % 80) / 80.0).astype(np.float32)[None]  # distinct values: no top-k ties
    return torch.from_numpy(features), torch.from_numpy(presence)


def training_captions(train_args: dict) -> list:
    """The raw training captions of a checkpoint's run (its train.py arguments), in its language."""
    language = train_args.get("language", "en")
    folders = [train_args["train_data"]] + [s.split(":", 1)[1] for s in (train_args.get("extra_train") or "").split(",") if s]
    out = []
    for folder in folders:
        for captions in load_language_captions(folder, language, train_args.get("text_captions", "")).values():
            out.extend(captions)
    return out


def trained_on(run_args: dict) -> str:
    """The English training data, as train.py's arguments give it: Flickr8k, then each --extra-train folder, less its --hold-out photos."""
    text = "Flickr8k train split minus captions-dev"
    held = dict(item.split(":", 1) for item in (run_args.get("hold_out") or "").split(",") if item)
    for item in [i for i in (run_args.get("extra_train") or "").split(",") if i]:
        split, folder = item.split(":", 1)
        text += f", {os.path.basename(os.path.normpath(folder))}" + (f" minus its first {held[split]} photos (kept for checks)" if split in held else "")
    if run_args.get("flip"):
        text += ", with left-right flips"
    return text + " (research-only data, see MODEL_CARD.md)"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ckpt", default="/tmp/lightcap-run/best.pt")
    p.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    p.add_argument("--features", default="/tmp/lightcap-features")
    p.add_argument("--dev-data", default=os.path.join(SHARED_DATA, "captions-dev"))
    p.add_argument("--dev-captions", default="", help="COCO-caption JSON of dev references in the model's language (default: DEV_DATA/captions.json)")
    p.add_argument("--fixture", default="/tmp/lightcap-run/parity.json")
    p.add_argument("--fixture-images", type=int, default=8)
    p.add_argument("--fp32", action="store_true")
    p.add_argument("--model-version", default="2", help="written into manifest.json; bump it (and models/manifest.json's version) when the weights change")
    p.add_argument("--no-eval", action="store_true", help="skip the dev evaluation of the int8-weight model")
    args = p.parse_args()
    torch.set_num_threads(1)

    os.makedirs(args.out, exist_ok=True)
    ck = torch.load(args.ckpt)
    cfg, vocab, concepts = ck["config"], ck["vocab"], ck["concepts"]
    model = from_checkpoint(ck)
    model.eval()
    L, H, dh = model.n_layers, model.heads, model.dh

    enc_path = os.path.join(args.out, "encoder.onnx")
    dec_path = os.path.join(args.out, "decoder.onnx")
    feats = torch.randn(2, 480, 16, 16).abs()
    pres = torch.rand(2, 80)
    enc_outputs = ["memory_keys", "memory_values"] + (["concept_ids", "concept_scores"] if cfg["use_concepts"] else [])
    axes = {"features": {0: "batch"}, "class_presence": {0: "batch"}, "memory_keys": {1: "batch"}, "memory_values": {1: "batch"}}
    if cfg["use_concepts"]:
        axes.update({"concept_ids": {0: "batch"}, "concept_scores": {0: "batch"}})
    with torch.no_grad():
        torch.onnx.export(Encoder(model), (feats, pres), enc_path, opset_version=17, input_names=["features", "class_presence"],
                          output_names=enc_outputs, dynamic_axes=axes, do_constant_folding=True)
        mk, mv, _ = model.encode(F.avg_pool2d(feats, 2).flatten(2).transpose(1, 2), pres)
        past = torch.randn(L, 2, H, 3, dh)
        ids = torch.tensor([[5], [9]])
        dec_axes = {
            "input_ids": {0: "batch"}, "memory_keys": {1: "batch"}, "memory_values": {1: "batch"},
            "past_keys": {1: "batch", 3: "past"}, "past_values": {1: "batch", 3: "past"},
            "logits": {0: "batch"}, "present_keys": {1: "batch", 3: "total"}, "present_values": {1: "batch", 3: "total"},
        }
        torch.onnx.export(DecoderStep(model), (ids, mk, mv, past, past.clone()), dec_path, opset_version=17,
                          input_names=["input_ids", "memory_keys", "memory_values", "past_keys", "past_values"],
                          output_names=["logits", "present_keys", "present_values"], dynamic_axes=dec_axes, do_constant_folding=True)

    params = dict(model.named_parameters())
    dequant = {}
    if not args.fp32:
        for path in (enc_path, dec_path):
            dequant.update(quantize_initializers(path, params))
        with torch.no_grad():
            for name, value in dequant.items():
                params[name].copy_(torch.from_numpy(value))
        print(f"int8 weights: {len(dequant)} tensors, {sum(v.size for v in dequant.values()):,} values")
    prefix_len = model.vis_pos.shape[0] + (model.top_k + model.top_k_det if cfg["use_concepts"] else 0)
    fix_output_dims(enc_path, {"memory_keys": {3: prefix_len}, "memory_values": {3: prefix_len}})
    fix_output_dims(dec_path, {"logits": {1: 1}})
    sizes = {os.path.basename(pth): os.path.getsize(pth) for pth in (enc_path, dec_path)}
    print("sizes", sizes)

    language = cfg.get("language", "en")
    with open(os.path.join(args.out, "vocab.json"), "w", encoding="utf-8") as f:
        # German writes nouns with a capital: the vocabulary carries each word's usual written form, so the
        # engine's captions need no guessing. English keeps the lower-case tokens the model was trained on.
        json.dump(vocab if language == "en" else written_forms(training_captions(ck["args"]), vocab), f, ensure_ascii=False, indent=0)
    manifest = {
        "name": "lightcap-centernet",
        "version": args.model_version,
        "encoder": "encoder.onnx",
        "decoder": "decoder.onnx",
        "vocabulary": "vocab.json",
        "trunk": {
            "detectorConfig": "detector/centernet.json",
            "features": {"output": "features", "shape": [1, 480, 16, 16]},
            "classPresence": {"from": "heatmap", "reduce": "per-class max over the 128x128 sigmoid heatmap", "shape": [1, 80]},
        },
        "encoderInputs": {"features": ["batch", 480, 16, 16], "class_presence": ["batch", 80]},
        "encoderOutputs": {
            "memory_keys": [L, "batch", H, prefix_len, dh], "memory_values": [L, "batch", H, prefix_len, dh],
            **({"concept_ids": ["batch", model.top_k], "concept_scores": ["batch", model.top_k]} if cfg["use_concepts"] else {}),
        },
        "decoderInputs": {
            "input_ids": ["batch", 1], "memory_keys": [L, "batch", H, prefix_len, dh], "memory_values": [L, "batch", H, prefix_len, dh],
            "past_keys": [L, "batch", H, "past", dh], "past_values": [L, "batch", H, "past", dh],
        },
        "decoderOutputs": {"logits": ["batch", 1, len(vocab)], "present_keys": [L, "batch", H, "past+1", dh], "present_values": [L, "batch", H, "past+1", dh]},
        "layers": L, "heads": H, "headDim": dh, "prefixLength": prefix_len, "vocabSize": len(vocab),
        "specialTokens": {"pad": PAD, "bos": BOS, "eos": EOS, "unk": UNK},
        "maxPositions": model.max_len,
        "decoding": {"strategy": "beam", "beamSize": 3, "maxWords": cfg["max_words"], "blockRepeatedTrigrams": True,
                     "lengthAlpha": 0.0, "suppressTokens": [PAD, BOS, UNK],
                     "detokenize": "join with spaces, then attach the clitic tokens n't 's 're 've 'll 'd 'm to the previous word; capitalise the first letter"},
        "weights": "fp32" if args.fp32 else "int8 per-column, expanded in-graph (Cast+Mul)",
        "parameters": count_parameters(model),
        "sizes": sizes,
        "trainedOn": trained_on(ck.get("args", {})) if language == "en"
        else "German Multi30k captions of the Flickr8k train photos (minus captions-dev) and of flickr30k-extra (research-only data, see MODEL_CARD.md)",
        "language": language,
    }
    with open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)

    # ---- golden tokens on a synthetic input, for tests/unit/lightcap-*.test.ts ----
    with torch.no_grad():
        sf, sp = synthetic_inputs()
        k, v, _ = model.encode(F.avg_pool2d(sf, 2).flatten(2).transpose(1, 2), sp)
        golden = {
            "input": "features[0,c,y,x] = (c*31 + y*17 + x*7) % 23 == 0 ? 2 : -0.125; class_presence[0,k] = ((k*37) % 80) / 80 (float32)",
            "memoryKeysSum": float(k.double().sum()),
            "greedy": greedy(model, k, v, BOS, EOS, max_words=cfg["max_words"])[0],
            "beam3": beam_search(model, k, v, BOS, EOS, beam=3, max_words=cfg["max_words"]),
        }
    with open(os.path.join(args.out, "golden.json"), "w", encoding="utf-8") as f:
        json.dump(golden, f)
    print("golden greedy:", detokenize([vocab[t] for t in golden["greedy"]]))

    # ---- PyTorch reference (with the same int8-rounded weights) and fixture ----
    grid, presence, files = load_features(args.features, "dev")
    _, caps = load_caption_file(args.dev_captions) if args.dev_captions else load_captions(args.dev_data)
    keep = [i for i, f in enumerate(files) if caps.get(f)]
    grid, presence, files = np.asarray(grid)[keep], presence[keep], [files[i] for i in keep]
    g = torch.from_numpy(np.asarray(grid, dtype=np.float32))
    pr = torch.from_numpy(presence)
    fixture = {"files": [], "grid": [], "presence": [], "greedy": [], "beam3": [], "captions": []}
    with torch.no_grad():
        n = args.fixture_images
        mk, mv, _ = model.encode(g[:n], pr[:n])
        seqs = greedy(model, mk, mv, BOS, EOS, max_words=cfg["max_words"])
        for i in range(n):
            fixture["files"].append(files[i])
            fixture["grid"].append([round(float(x), 6) for x in g[i].flatten()])
            fixture["presence"].append([float(x) for x in pr[i]])
            fixture["greedy"].append(seqs[i])
            fixture["beam3"].append(beam_search(model, mk[:, i : i + 1], mv[:, i : i + 1], BOS, EOS, beam=3, max_words=cfg["max_words"]))
            fixture["captions"].append(detokenize([vocab[t] for t in seqs[i]]))
        if not args.no_eval:
            res = {}
            for name, beam in (("greedy", 1), ("beam3", 3)):
                out = []
                for s in range(0, len(files), 50):
                    k, v, _ = model.encode(g[s : s + 50], pr[s : s + 50])
                    if beam == 1:
                        ss = greedy(model, k, v, BOS, EOS, max_words=cfg["max_words"])
                    else:
                        ss = [beam_search(model, k[:, i : i + 1], v[:, i : i + 1], BOS, EOS, beam=3, max_words=cfg["max_words"]) for i in range(k.shape[1])]
                    out.extend(detokenize([vocab[t] for t in sq]) for sq in ss)
                refs = [caps[f] for f in files]
                res[name] = {"cider_d": round(corpus_cider_d(out, refs)[0], 4), "bleu4": round(corpus_bleu(out, refs)[3], 4)}
            fixture["dev_pytorch_exported_weights"] = res
            print("dev (PyTorch, exported weights):", json.dumps(res))
    os.makedirs(os.path.dirname(args.fixture), exist_ok=True)
    with open(args.fixture, "w", encoding="utf-8") as f:
        json.dump(fixture, f)
    for c in fixture["captions"]:
        print(" ", c)


if __name__ == "__main__":
    main()
