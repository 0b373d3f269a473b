"""Nearest-neighbour caption retrieval baseline on the same frozen CenterNet features.

  nice -n 10 /usr/bin/python3 models/lightcap/nn_baseline.py --features /tmp/lightcap-features --out /tmp/lightcap-run

For each dev image: cosine similarity of the mean-pooled grid features
(standardised with training statistics; optionally with the 80 class
presences appended) against every training image; among the captions of the
k nearest images, output the one with the highest CIDEr-D consensus against
the other captions of those images (document frequencies from the training
references). Reports every k tried; only captions-dev is used.
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import load_captions, load_features  # noqa: E402
from metrics import CiderD, corpus_bleu, corpus_cider_d, tokenize_caption  # noqa: E402

# Data defaults: <repo>/../shared/data, found from this file (models/lightcap/ -> repository root -> its parent).
SHARED_DATA = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data"))


def pooled(grid, presence, mean, std, with_presence):
    x = (np.asarray(grid, dtype=np.float32).mean(1) - mean) / std
    if with_presence:
        x = np.concatenate([x, presence * 5.0], axis=1)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--features", default="/tmp/lightcap-features")
    p.add_argument("--out", default="/tmp/lightcap-run")
    p.add_argument("--train-data", default=os.path.join(SHARED_DATA, "flickr8k-train"))
    p.add_argument("--dev-data", default=os.path.join(SHARED_DATA, "captions-dev"))
    p.add_argument("--splits", default="dev,dev224")
    p.add_argument("--ks", default="1,5,10")
    p.add_argument("--captions-out", default="", help="also write every retrieved caption, {split/k: {file: caption}}, here")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)

    grid, presence, files = load_features(args.features, "train")
    _, caps = load_captions(args.train_data)
    train_caps = [caps[f] for f in files]
    train_tok = [[tokenize_caption(c) for c in cs] for cs in train_caps]
    scorer = CiderD(train_tok)
    vecs = [[scorer.vec(t) for t in ts] for ts in train_tok]
    g = np.asarray(grid, dtype=np.float32).mean(1)
    mean, std = g.mean(0), g.std(0) + 1e-6
    _, dev_caps = load_captions(args.dev_data)
    results = {}
    captions = {}
    for split in args.splits.split(","):
        if not os.path.exists(os.path.join(args.features, f"{split}.grid.npy")):
            continue
        dgrid, dpres, dfiles = load_features(args.features, split)
        refs = [dev_caps[f] for f in dfiles]
        for with_presence in (False, True):
            tr = pooled(grid, presence, mean, std, with_presence)
            dv = pooled(dgrid, dpres, mean, std, with_presence)
            sims = dv @ tr.T
            order = np.argsort(-sims, axis=1)
            for k in [int(x) for x in args.ks.split(",")]:
                out = []
                for i in range(len(dfiles)):
                    nn = order[i, :k]
                    pool = [(j, c) for j in nn for c in range(len(train_caps[j]))]
                    best, best_s = None, -1.0
                    for j, c in pool:
                        others = [vecs[jj][cc] for jj, cc in pool if (jj, cc) != (j, c)]
                        s = scorer.score_vecs(vecs[j][c], others)
                        if s > best_s:
                            best, best_s = train_caps[j][c], s
                    out.append(best)
                cider, _ = corpus_cider_d(out, refs)
                bleu = corpus_bleu(out, refs)
                key = f"{split}/k{k}{'+presence' if with_presence else ''}"
                results[key] = {"cider_d": round(cider, 4), "bleu4": round(bleu[3], 4), "example": out[0]}
                captions[key] = dict(zip(dfiles, out))
                print(key, results[key], flush=True)
    with open(os.path.join(args.out, "nn_baseline.json"), "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1)
    if args.captions_out:
        with open(args.captions_out, "w", encoding="utf-8") as f:
            json.dump(captions, f, indent=1)


if __name__ == "__main__":
    main()
