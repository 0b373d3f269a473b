"""Synthetic LightCap data for the training smoke test (no real images or captions).

  /usr/bin/python3 models/lightcap/smoke_data.py --out /tmp/lightcap-smoke

Writes, in the formats train.py, export.py and nn_baseline.py read:
  OUT/features/{train,dev}.grid.npy      float16 [N, 64, 480]  (as models/tools/lightcap_features.ts)
  OUT/features/{train,dev}.presence.npy  float32 [N, 80]
  OUT/features/{train,dev}.index.json    { split, data, via, files, imageIds }
  OUT/train/captions.json, OUT/dev/captions.json   COCO-caption JSON, 5 captions per image

Each fake image has a scene (dog on grass, man on a bike, cat on a couch, child
at the beach) and a colour. The scene raises one block of feature channels and
its COCO classes' presence; the colour raises another block. The captions come
from a tiny grammar over the same scene and colour, so a few training steps are
enough to learn the mapping. Deterministic for a given --seed.
"""
from __future__ import annotations

import argparse
import json
import os

import numpy as np

GRID_TOKENS, CHANNELS, CLASSES = 64, 480, 80
COLOURS = ["black", "white", "brown"]
# (name, COCO class indices in models/detector/centernet.json order, caption templates)
SCENES = [
    ("dog", [16], [
        "A {c} dog runs on the grass .",
        "A {c} dog is running through the grass .",
        "A {c} dog plays in the green grass .",
    ]),
    ("bike", [0, 1], [
        "A man rides a {c} bike down the street .",
        "A man on a {c} bike rides along the street .",
        "A man is riding a {c} bike on the road .",
    ]),
    ("cat", [15, 57], [
        "A {c} cat sleeps on the couch .",
        "A {c} cat is lying on a couch .",
        "A {c} cat rests on the sofa .",
    ]),
    ("beach", [0, 37], [
        "A child in a {c} shirt plays in the water .",
        "A child wearing a {c} shirt runs on the beach .",
        "A child in a {c} shirt is playing at the beach .",
    ]),
]
SCENE_CHANNELS = 48  # scene s raises channels [s*48, (s+1)*48)
COLOUR_BASE, COLOUR_CHANNELS = 240, 40  # colour k raises [240 + k*40, 240 + (k+1)*40)


def make_split(rng: np.random.RandomState, n: int, first_id: int, prefix: str):
    grid = rng.normal(-0.1, 0.5, size=(n, GRID_TOKENS, CHANNELS)).astype(np.float32)
    presence = rng.uniform(0.0, 0.15, size=(n, CLASSES)).astype(np.float32)
    images, annotations = [], []
    for i in range(n):
        s = i % len(SCENES)  # balanced scenes
        k = rng.randint(len(COLOURS))
        name, classes, templates = SCENES[s]
        # The scene fills the middle of the 8x8 grid, the colour a random quarter of the tokens.
        region = np.zeros((8, 8), dtype=bool)
        region[2:6, 1:7] = True
        grid[i, region.reshape(-1), s * SCENE_CHANNELS : (s + 1) * SCENE_CHANNELS] += 3.0
        tokens = rng.choice(GRID_TOKENS, size=16, replace=False)
        lo = COLOUR_BASE + k * COLOUR_CHANNELS
        grid[i, tokens, lo : lo + COLOUR_CHANNELS] += 2.5
        presence[i, classes] = rng.uniform(0.55, 0.95, size=len(classes))
        image_id = first_id + i
        file_name = f"{prefix}_{image_id:06d}.jpg"
        images.append({"id": image_id, "file_name": file_name, "width": 500, "height": 375, "scene": name, "colour": COLOURS[k]})
        for j in range(5):
            caption = templates[rng.randint(len(templates))].format(c=COLOURS[k])
            annotations.append({"id": image_id * 10 + j, "image_id": image_id, "caption": caption})
    return grid.astype(np.float16), presence, images, annotations


def write(out: str, split: str, data_dir: str, grid, presence, images, annotations, seed: int) -> None:
    features = os.path.join(out, "features")
    os.makedirs(features, exist_ok=True)
    os.makedirs(data_dir, exist_ok=True)
    np.save(os.path.join(features, f"{split}.grid.npy"), grid)
    np.save(os.path.join(features, f"{split}.presence.npy"), presence)
    with open(os.path.join(features, f"{split}.index.json"), "w", encoding="utf-8") as f:
        json.dump({"split": split, "data": data_dir, "via": None, "files": [im["file_name"] for im in images],
                   "imageIds": [im["id"] for im in images], "synthetic": True}, f)
    with open(os.path.join(data_dir, "captions.json"), "w", encoding="utf-8") as f:
        json.dump({"info": {"dataset": "synthetic LightCap smoke data (models/lightcap/smoke_data.py)", "set": split, "seed": seed},
                   "images": images, "annotations": annotations}, f, indent=0)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True)
    p.add_argument("--train", type=int, default=60, help="training images")
    p.add_argument("--dev", type=int, default=12, help="dev images")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    rng = np.random.RandomState(args.seed)
    out = os.path.abspath(args.out)
    for split, n, first_id, data_name in (("train", args.train, 1, "train"), ("dev", args.dev, 100001, "dev")):
        grid, presence, images, annotations = make_split(rng, n, first_id, split)
        write(out, split, os.path.join(out, data_name), grid, presence, images, annotations, args.seed)
    print(json.dumps({"features": os.path.join(out, "features"), "train_data": os.path.join(out, "train"),
                      "dev_data": os.path.join(out, "dev")}))


if __name__ == "__main__":
    main()
