"""Train the LightCap captioner on precomputed CenterNet features.

  nice -n 10 /usr/bin/python3 models/lightcap/train.py --features /tmp/lightcap-features --out /tmp/lightcap-run

Features come from models/tools/lightcap_features.ts (splits `train`, `dev`, and
optionally `dev224`). Early stopping and every reported figure use captions-dev
only (`--select beam3` picks the epoch by beam-3 score, as the product decodes).
`--teacher A.pt,B.pt` distils: the word loss is partly the cross-entropy against
the teachers' averaged distribution (LightCap's ensemble distillation). Writes to OUT: best.pt (weights + config + vocabulary), log.jsonl,
results.json, dev_captions.json.
"""
from __future__ import annotations

import os

# One BLAS thread unless told otherwise: Debian's OpenBLAS ignores torch.set_num_threads.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, os.environ.get("LIGHTCAP_THREADS", "1"))

import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import (  # noqa: E402
    BOS, EOS, MIRRORED_WORDS, PAD, build_vocab, concept_targets, encode_captions, load_caption_file, load_captions, load_features,
    load_language_captions, mine_concepts,
)
from metrics import corpus_bleu, corpus_cider_d, detokenize, tokenize_caption  # noqa: E402
from lm import load_text_captions, pretrain_language  # noqa: E402
from model import FEATURE_CHANNELS, LightCap, beam_search, count_parameters, from_checkpoint, greedy  # noqa: E402

# Data defaults: <repo>/../shared/data, found from this file (models/lightcap/ -> repository root -> its parent).
SHARED_DATA = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data"))


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--features", default="/tmp/lightcap-features")
    p.add_argument("--out", default="/tmp/lightcap-run")
    p.add_argument("--train-data", default=os.path.join(SHARED_DATA, "flickr8k-train"))
    p.add_argument("--extra-train", default="", help="comma list of SPLIT:FOLDER trained on too (e.g. extra:../shared/data/flickr30k-extra)")
    p.add_argument("--hold-out", default="", help="comma list of SPLIT:N: the split's first N photos in its captions.json order are not trained on (a check set for npm run eval --limit N)")
    p.add_argument("--language", default="en", help="caption language: en, or de (captions_de.json / flickr30k-text captions_de.jsonl)")
    p.add_argument("--text-captions", default="", help="flickr30k-text captions_<language>.jsonl: captions for train photos whose folder has none in that language")
    p.add_argument("--dev-captions", default="", help="COCO-caption JSON of dev references (default: DEV_DATA/captions.json); dev photos without one are skipped")
    p.add_argument("--aux", action="store_true", help="also read SPLIT.aux.npy (the detector's pooled head map and class map, models/tools/detector_aux.py) as extra channels of every grid token")
    p.add_argument("--flip", type=float, default=0.0, help="share of images per batch mirrored left-right (grid columns reversed, left/right swapped in the words)")
    p.add_argument("--lm-text", default="", help="caption text (flickr30k-text captions_en.jsonl) the decoder first learns the language from")
    p.add_argument("--lm-epochs", type=int, default=1)
    p.add_argument("--lm-batch", type=int, default=256, help="sentences per language-model step")
    p.add_argument("--lm-lr", type=float, default=8e-4)
    p.add_argument("--lm-minutes", type=float, default=40.0, help="hard wall-clock stop for the language pretraining")
    p.add_argument("--dev-data", default=os.path.join(SHARED_DATA, "captions-dev"))
    p.add_argument("--dev-split", default="dev", help="feature split used for early stopping")
    p.add_argument("--extra-dev-splits", default="dev224", help="comma list, evaluated at the end if present")
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--run-epochs", type=int, default=0, help="stop after this many epochs, keeping the --epochs schedule (ablations)")
    p.add_argument("--minutes", type=float, default=60.0, help="hard wall-clock stop for the training loop")
    p.add_argument("--patience", type=int, default=3)
    p.add_argument("--batch", type=int, default=32, help="images per step (x5 captions)")
    p.add_argument("--lr", type=float, default=6e-4)
    p.add_argument("--warmup", type=int, default=300)
    p.add_argument("--weight-decay", type=float, default=0.02)
    p.add_argument("--label-smoothing", type=float, default=0.1)
    p.add_argument("--concept-weight", type=float, default=10.0)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--ffn", type=int, default=1024)
    p.add_argument("--dropout", type=float, default=0.1)
    p.add_argument("--top-k", type=int, default=10)
    p.add_argument("--top-k-det", type=int, default=3)
    p.add_argument("--concepts", type=int, default=400)
    p.add_argument("--no-concepts", action="store_true")
    p.add_argument("--min-count", type=int, default=5)
    p.add_argument("--max-words", type=int, default=20)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--teacher", default="", help="comma list of checkpoints with the same vocabulary: the model also learns their averaged word distribution (ensemble distillation)")
    p.add_argument("--kd-weight", type=float, default=0.5, help="share of the word loss taken from the teachers instead of the references")
    p.add_argument("--kd-temperature", type=float, default=1.0)
    p.add_argument("--select", choices=["greedy", "beam3"], default="greedy", help="dev score that picks the best epoch (beam3: what the product decodes with; slower)")
    p.add_argument("--init", default="", help="start from this checkpoint's weights (fine-tuning; same vocabulary required)")
    p.add_argument("--bench", type=int, default=0, help="time N steps and exit")
    p.add_argument("--eval-beam-every", type=int, default=0, help="also run beam-3 every N epochs (0: only at the end)")
    return p.parse_args()


class DevSet:
    def __init__(self, feature_dir, split, data_dir, captions_path="", aux=False):
        grid, presence, files = load_features(feature_dir, split, aux)
        _, caps = load_caption_file(captions_path) if captions_path else load_captions(data_dir)
        keep = [i for i, f in enumerate(files) if caps.get(f)]
        self.grid = torch.from_numpy(np.asarray(grid, dtype=np.float32)[keep])
        self.presence = torch.from_numpy(presence[keep])
        self.files = [files[i] for i in keep]
        self.refs = [caps[f] for f in self.files]


def decode_all(model, dev: DevSet, vocab, beam: int, alpha: float = 0.0, chunk: int = 50):
    model.eval()
    out = []
    with torch.no_grad():
        for s in range(0, len(dev.files), chunk):
            mk, mv, _ = model.encode(dev.grid[s : s + chunk], dev.presence[s : s + chunk])
            if beam <= 1:
                seqs = greedy(model, mk, mv, BOS, EOS)
            else:
                seqs = [beam_search(model, mk[:, i : i + 1], mv[:, i : i + 1], BOS, EOS, beam=beam, length_alpha=alpha) for i in range(mk.shape[1])]
            out.extend(detokenize([vocab[t] for t in seq]) for seq in seqs)
    return out


def score(captions, refs):
    cider, _ = corpus_cider_d(captions, refs)
    bleu = corpus_bleu(captions, refs)
    return {"cider_d": round(cider, 4), "bleu4": round(bleu[3], 4), "bleu1": round(bleu[0], 4)}


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np.random.seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    t_start = time.time()

    # ---- data ------------------------------------------------------------
    held_out = {split: int(n) for split, n in (s.split(":", 1) for s in args.hold_out.split(",") if s)}

    def captioned(split, folder):
        """Features and tokenised captions of the split's photos that have captions in the language."""
        g, p, f = load_features(args.features, split, args.aux)
        c = load_language_captions(folder, args.language, args.text_captions)
        n_held = held_out.get(split, 0)
        checked = set(load_captions(folder)[0][:n_held]) if n_held else set()
        if checked:
            print(f"{split}: the first {len(checked)} photos of {folder}/captions.json are held out", flush=True)
        trainable = [i for i, name in enumerate(f) if name not in checked]
        keep = [i for i in trainable if c.get(f[i])]
        if len(keep) < len(trainable):
            print(f"{split}: {len(trainable) - len(keep)} of {len(f)} photos have no {args.language} captions, left out", flush=True)
        return np.asarray(g)[keep], p[keep], [f[i] for i in keep], [[tokenize_caption(x) for x in c[f[i]]] for i in keep]

    grid, presence, files, tokenized = captioned("train", args.train_data)
    for source in [s for s in args.extra_train.split(",") if s]:
        split, folder = source.split(":", 1)
        g2, p2, f2, t2 = captioned(split, folder)
        grid, presence = np.concatenate([grid, g2]), np.concatenate([presence, p2])
        files = files + f2
        tokenized += t2
        print(f"+ {len(f2)} images from {split} ({folder})", flush=True)
    vocab = build_vocab(tokenized, args.min_count)
    vindex = {w: i for i, w in enumerate(vocab)}
    concepts = mine_concepts(tokenized, vindex, args.concepts, min_images=10)
    ctargets = torch.from_numpy(concept_targets(tokenized, concepts))
    inputs, targets, mask = encode_captions(tokenized, vindex, args.max_words)
    inputs, targets, mask = torch.from_numpy(inputs), torch.from_numpy(targets), torch.from_numpy(mask)
    # The mirrored picture's words: left and right trade places.
    mirror = torch.arange(len(vocab))
    for left, right in MIRRORED_WORDS.get(args.language, []):
        if left in vindex and right in vindex:
            mirror[vindex[left]], mirror[vindex[right]] = vindex[right], vindex[left]
    grid_t = torch.from_numpy(np.array(grid))  # float16 in memory (copied out of the memory map)
    presence_t = torch.from_numpy(presence)
    n = len(files)
    print(f"train images {n}, vocab {len(vocab)}, concepts {len(concepts)}, data ready in {time.time() - t_start:.0f}s", flush=True)
    dev = DevSet(args.features, args.dev_split, args.dev_data, args.dev_captions, args.aux)

    model = LightCap(
        len(vocab), [vindex[w] for w in concepts], d=args.hidden, heads=args.heads, layers=args.layers, ffn=args.ffn,
        top_k=args.top_k, top_k_det=args.top_k_det, use_concepts=not args.no_concepts, dropout=args.dropout,
        aux_channels=grid.shape[2] - FEATURE_CHANNELS,
    )
    if args.init:
        init = torch.load(args.init)
        if init["vocab"] != vocab or init["concepts"] != concepts:
            raise SystemExit("--init checkpoint has a different vocabulary or concept list")
        model.load_state_dict(init["state"])
        print(f"initialised from {args.init} (epoch {init['epoch']}, dev greedy {init.get('dev_greedy')})", flush=True)
    print(f"parameters {count_parameters(model):,}", flush=True)
    teachers = []
    for path in [t for t in args.teacher.split(",") if t]:
        ck = torch.load(path)
        if ck["vocab"] != vocab:
            raise SystemExit(f"--teacher {path} has a different vocabulary")
        teacher = from_checkpoint(ck)
        teacher.eval()
        for q in teacher.parameters():
            q.requires_grad_(False)
        teachers.append(teacher)
        print(f"teacher {path} (epoch {ck['epoch']}, dev greedy {ck.get('dev_greedy')})", flush=True)
    log = open(os.path.join(args.out, "log.jsonl"), "a", encoding="utf-8")
    lm_summary = None
    if args.lm_text and not args.init:
        sentences = load_text_captions(args.lm_text)
        known = sum(1 for s in sentences for w in s if w in vindex) / max(1, sum(len(s) for s in sentences))
        print(f"language pretraining on {len(sentences)} sentences ({known:.1%} of their words in the vocabulary)", flush=True)
        lm_summary = pretrain_language(
            model, sentences, vindex, epochs=args.lm_epochs, batch=args.lm_batch, lr=args.lm_lr, warmup=args.warmup,
            max_words=args.max_words, label_smoothing=args.label_smoothing, minutes=args.lm_minutes, log=log,
        )
        entry = {"language_pretraining": lm_summary, "greedy": score(decode_all(model, dev, vocab, beam=1), dev.refs)}
        print(json.dumps(entry), flush=True)
        log.write(json.dumps(entry) + "\n")
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (decay if p.dim() >= 2 and "pos" not in name and "type_emb" not in name else no_decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay}, {"params": no_decay, "weight_decay": 0.0}], lr=args.lr, betas=(0.9, 0.98))
    steps_per_epoch = n // args.batch
    total_steps = args.epochs * steps_per_epoch

    def lr_at(step):
        if step < args.warmup:
            return args.lr * (step + 1) / args.warmup
        progress = min(1.0, (step - args.warmup) / max(1, total_steps - args.warmup))
        return args.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * progress)))

    config = {
        "vocab_size": len(vocab), "hidden": args.hidden, "heads": args.heads, "layers": args.layers, "ffn": args.ffn,
        "top_k": args.top_k, "top_k_det": args.top_k_det, "use_concepts": not args.no_concepts, "max_len": model.max_len,
        "max_words": args.max_words, "dropout": args.dropout, "language": args.language,
        "aux_channels": model.aux_channels,
    }
    best = {"cider_d": -1.0}
    bad_epochs = 0
    step = 0
    train_seconds = 0.0
    t_loop = time.time()
    stop = False
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(n)
        t_epoch = time.time()
        sums = {"ce": 0.0, "bce": 0.0, "k": 0}
        for b in range(steps_per_epoch):
            idx = perm[b * args.batch : (b + 1) * args.batch]
            m = mask[idx]
            tmax = int(m.any(0).any(0).nonzero().max()) + 1
            m = m[:, :, :tmax]
            x_in = inputs[idx, :, :tmax]
            y_all = targets[idx, :, :tmax]
            g = grid_t[idx].float()
            if args.flip > 0:
                flipped = torch.rand(len(idx)) < args.flip
                if flipped.any():
                    # Tokens are an 8x8 grid, row-major: reverse each row.
                    side = int(round(g.shape[1] ** 0.5))
                    g[flipped] = g[flipped].view(-1, side, side, g.shape[2]).flip(2).reshape(-1, side * side, g.shape[2])
                    x_in = torch.where(flipped[:, None, None], mirror[x_in], x_in)
                    y_all = torch.where(flipped[:, None, None], mirror[y_all], y_all)
            y = y_all[m]
            pr = presence_t[idx]
            mk, mv, clog = model.encode(g, pr)
            logits = model.forward_captions(mk, mv, x_in, m)
            ce = F.cross_entropy(logits, y, label_smoothing=args.label_smoothing)
            loss = ce
            if teachers:
                # The teachers see the same (possibly mirrored) picture and words; their averaged distribution is the soft target.
                temp = args.kd_temperature
                with torch.no_grad():
                    soft = torch.stack([
                        F.softmax(t.forward_captions(*t.encode(g, pr)[:2], x_in, m) / temp, dim=-1) for t in teachers
                    ]).mean(0)
                kd = -(soft * F.log_softmax(logits / temp, dim=-1)).sum(-1).mean() * temp * temp
                loss = (1 - args.kd_weight) * ce + args.kd_weight * kd
                sums["kd"] = sums.get("kd", 0.0) + float(kd)
            if clog is not None:
                bce = F.binary_cross_entropy_with_logits(clog, ctargets[idx])
                loss = loss + args.concept_weight * bce
                sums["bce"] += float(bce)
            for group in opt.param_groups:
                group["lr"] = lr_at(step)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            sums["ce"] += float(ce)
            sums["k"] += 1
            if args.bench and step >= args.bench:
                dt = time.time() - t_loop
                print(f"bench: {dt / step:.3f} s/step, {dt / step * steps_per_epoch / 60:.1f} min/epoch ({steps_per_epoch} steps)")
                return
            if step % 50 == 0:
                print(f"epoch {epoch} step {step} ce {sums['ce'] / sums['k']:.3f} bce {sums['bce'] / sums['k']:.4f} lr {lr_at(step):.2e} {time.time() - t_epoch:.0f}s", flush=True)
            if (time.time() - t_loop) / 60 > args.minutes:
                stop = True
                break
        train_seconds = time.time() - t_loop
        caps_dev = decode_all(model, dev, vocab, beam=1)
        sc = score(caps_dev, dev.refs)
        entry = {"epoch": epoch, "step": step, "ce": sums["ce"] / max(1, sums["k"]), "bce": sums["bce"] / max(1, sums["k"]),
                 "train_minutes": round(train_seconds / 60, 2), "greedy": sc, "examples": caps_dev[:3]}
        if teachers:
            entry["kd"] = sums.get("kd", 0.0) / max(1, sums["k"])
        if args.select == "beam3" or (args.eval_beam_every and (epoch + 1) % args.eval_beam_every == 0):
            entry["beam3"] = score(decode_all(model, dev, vocab, beam=3), dev.refs)
        selected = entry["beam3"] if args.select == "beam3" else sc
        print(json.dumps(entry), flush=True)
        log.write(json.dumps(entry) + "\n")
        log.flush()
        if selected["cider_d"] > best["cider_d"]:
            best = dict(selected, epoch=epoch)
            bad_epochs = 0
            torch.save({"state": model.state_dict(), "config": config, "vocab": vocab, "concepts": concepts, "epoch": epoch,
                        "dev_greedy": sc, "dev_selected": {args.select: selected}, "args": vars(args)}, os.path.join(args.out, "best.pt"))
        else:
            bad_epochs += 1
            if bad_epochs >= args.patience:
                print("early stop", flush=True)
                break
        if stop:
            print("time limit", flush=True)
            break
        if args.run_epochs and epoch + 1 >= args.run_epochs:
            print("run-epochs reached", flush=True)
            break

    # ---- final evaluation of the best checkpoint ------------------------------
    ck = torch.load(os.path.join(args.out, "best.pt"))
    model.load_state_dict(ck["state"])
    results = {"best_epoch": ck["epoch"], "train_minutes": round(train_seconds / 60, 2), "parameters": count_parameters(model),
               "vocab": len(vocab), "concepts": len(concepts), "use_concepts": not args.no_concepts, "splits": {},
               "language_pretraining": lm_summary}
    samples = {}
    for split in [args.dev_split] + [s for s in args.extra_dev_splits.split(",") if s]:
        if not os.path.exists(os.path.join(args.features, f"{split}.grid.npy")):
            continue
        d = dev if split == args.dev_split else DevSet(args.features, split, args.dev_data, args.dev_captions, args.aux)
        res = {}
        for name, beam, alpha in [("greedy", 1, 0.0), ("beam3", 3, 0.0)]:
            c = decode_all(model, d, vocab, beam=beam, alpha=alpha)
            res[name] = score(c, d.refs)
            samples[f"{split}/{name}"] = dict(zip(d.files, c))
        results["splits"][split] = res
        print(split, json.dumps(res), flush=True)
    results["total_minutes"] = round((time.time() - t_start) / 60, 2)
    with open(os.path.join(args.out, "results.json"), "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1)
    with open(os.path.join(args.out, "dev_captions.json"), "w", encoding="utf-8") as f:
        json.dump(samples, f, indent=1)


if __name__ == "__main__":
    main()
