#!/usr/bin/env python3
"""CenterNet counterpart of trunk_compare.ts's `<trunk>-2x2` features, for the trunk comparison.

Reads LightCap's CenterNet features (read-only; SPLIT.grid.npy float16 [N, 64, 480],
the 16x16 map average-pooled 2x2 to 8x8, row-major cells) and writes the 2x2 grid
(4x4 blocks of the 8x8 cells = 2x2 adaptive pool of the 16x16 map), flattened
cell-major, as one token [N, 1, 1920], with the same presence and index files.

  /usr/bin/python3 models/tools/trunk_compare_centernet_2x2.py --features /tmp/lightcap-features \
      --out /tmp/trunk-compare/centernet-2x2 --splits train,dev
"""
import argparse
import json
import os

import numpy as np

p = argparse.ArgumentParser()
p.add_argument('--features', default='/tmp/lightcap-features')
p.add_argument('--out', default='/tmp/trunk-compare/centernet-2x2')
p.add_argument('--splits', default='train,dev')
args = p.parse_args()
os.makedirs(args.out, exist_ok=True)
for split in args.splits.split(','):
    grid = np.load(os.path.join(args.features, f'{split}.grid.npy'), mmap_mode='r')
    n, tokens, c = grid.shape
    assert tokens == 64, grid.shape
    cells = np.asarray(grid, dtype=np.float32).reshape(n, 2, 4, 2, 4, c).mean(axis=(2, 4))  # [n, cy, cx, c]
    np.save(os.path.join(args.out, f'{split}.grid.npy'), cells.reshape(n, 1, 4 * c).astype(np.float16))
    np.save(os.path.join(args.out, f'{split}.presence.npy'), np.load(os.path.join(args.features, f'{split}.presence.npy')))
    with open(os.path.join(args.features, f'{split}.index.json'), encoding='utf-8') as f:
        index = json.load(f)
    with open(os.path.join(args.out, f'{split}.index.json'), 'w', encoding='utf-8') as f:
        json.dump({'split': split, 'files': index['files'], 'from': args.features, 'pooling': '2x2 of the 16x16 map, flattened cell-major'}, f)
    print(split, cells.shape)
