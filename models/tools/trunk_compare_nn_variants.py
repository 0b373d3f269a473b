#!/usr/bin/env python3
"""Diagnostic for the trunk comparison: nn_baseline.py's k-NN consensus retrieval with
other feature normalisations, to check that a trunk's low score is not an artefact of
per-dimension standardisation (nn_baseline.py's choice).

  nice -n 10 /usr/bin/python3 models/tools/trunk_compare_nn_variants.py \
      --features /tmp/lightcap-features /tmp/trunk-compare/mobilenet_v2 /tmp/trunk-compare/inception_v3

Variants: std (nn_baseline.py: standardise with training mean/std, then L2),
raw (L2 of the pooled vector), sqrt (signed square root, then L2), pca (centre,
PCA-whiten to 256 dims with training statistics, then L2). captions-dev only.
"""
import os
import sys

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")
import argparse

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lightcap'))
from data import load_captions, load_features  # noqa: E402
from metrics import CiderD, corpus_bleu, corpus_cider_d, tokenize_caption  # noqa: E402
from nn_baseline import SHARED_DATA  # noqa: E402


def l2(x):
    return x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-12)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--features', nargs='+', required=True)
    p.add_argument('--k', type=int, default=10)
    p.add_argument('--variants', default='std,raw,sqrt,pca')
    args = p.parse_args()
    _, caps = load_captions(os.path.join(SHARED_DATA, 'flickr8k-train'))
    _, dev_caps = load_captions(os.path.join(SHARED_DATA, 'captions-dev'))
    scorer = None
    for feat in args.features:
        grid, _, files = load_features(feat, 'train')
        dgrid, _, dfiles = load_features(feat, 'dev')
        train_caps = [caps[f] for f in files]
        if scorer is None or scorer_files != files:
            tok = [[tokenize_caption(c) for c in cs] for cs in train_caps]
            scorer = CiderD(tok)
            vecs = [[scorer.vec(t) for t in ts] for ts in tok]
            scorer_files = files
        refs = [dev_caps[f] for f in dfiles]
        g = np.asarray(grid, np.float32).mean(1)
        d = np.asarray(dgrid, np.float32).mean(1)
        for variant in args.variants.split(','):
            if variant == 'std':
                m, s = g.mean(0), g.std(0) + 1e-6
                tr, dv = l2((g - m) / s), l2((d - m) / s)
            elif variant == 'raw':
                tr, dv = l2(g), l2(d)
            elif variant == 'sqrt':
                tr, dv = l2(np.sign(g) * np.sqrt(np.abs(g))), l2(np.sign(d) * np.sqrt(np.abs(d)))
            elif variant == 'pca':
                m = g.mean(0)
                u, sv, vt = np.linalg.svd(g - m, full_matrices=False)
                w = vt[:256].T / (sv[:256] / np.sqrt(len(g)) + 1e-6)
                tr, dv = l2((g - m) @ w), l2((d - m) @ w)
            order = np.argsort(-(dv @ tr.T), axis=1)
            out = []
            for i in range(len(dfiles)):
                pool = [(j, c) for j in order[i, :args.k] for c in range(len(train_caps[j]))]
                best, best_s = None, -1.0
                for j, c in pool:
                    s = scorer.score_vecs(vecs[j][c], [vecs[a][b] for a, b in pool if (a, b) != (j, c)])
                    if s > best_s:
                        best, best_s = train_caps[j][c], s
                out.append(best)
            cider, _ = corpus_cider_d(out, refs)
            print(f'{feat} {variant} k{args.k}: CIDEr-D {cider:.4f} BLEU-4 {corpus_bleu(out, refs)[3]:.4f}', flush=True)


if __name__ == '__main__':
    main()
