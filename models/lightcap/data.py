"""Captions, vocabulary and concept mining for LightCap (Flickr8k-style COCO-caption JSON)."""
from __future__ import annotations

import json
import os
from collections import Counter
from typing import Dict, List, Tuple

import numpy as np

from metrics import tokenize_caption

PAD, BOS, EOS, UNK = 0, 1, 2, 3
SPECIALS = ["<pad>", "<bos>", "<eos>", "<unk>"]

# Function words and fillers that make poor visual concepts. Counting words
# ("two", "three") and colours stay: they are what alt text needs.
STOPWORDS = set(
    """a an the and or but of in on at to for from with without by into onto over under up down out off
    through across along around near next behind front top while as is are was were be been being has have
    had do does did n't 's 're 've 'll 'd 'm it its it's this that these those there here he she they them
    his her their him i you we my your our who which what where when how very some other another each
    one's someone something something's just about after before against between during towards toward
    away back like than then so not no can could will would all both also only more most much many
    is of other one""".split()
)


def load_captions(data_dir: str) -> Tuple[List[str], Dict[str, List[str]]]:
    """Returns (file names in JSON order, file name -> list of raw captions)."""
    with open(os.path.join(data_dir, "captions.json"), encoding="utf-8") as f:
        d = json.load(f)
    id_to_file = {im["id"]: im["file_name"] for im in d["images"]}
    caps: Dict[str, List[str]] = {im["file_name"]: [] for im in d["images"]}
    for a in d["annotations"]:
        caps[id_to_file[a["image_id"]]].append(a["caption"])
    return [im["file_name"] for im in d["images"]], caps


def build_vocab(tokenized: List[List[List[str]]], min_count: int) -> List[str]:
    counts = Counter(t for caps in tokenized for cap in caps for t in cap)
    words = sorted((w for w, n in counts.items() if n >= min_count), key=lambda w: (-counts[w], w))
    return SPECIALS + words


def mine_concepts(tokenized: List[List[List[str]]], vocab_index: Dict[str, int], size: int, min_images: int) -> List[str]:
    """Most frequent content words by the number of images whose captions use them."""
    image_freq: Counter = Counter()
    for caps in tokenized:
        image_freq.update({t for cap in caps for t in cap})
    words = [
        w for w, n in image_freq.most_common()
        if n >= min_images and w not in STOPWORDS and w in vocab_index and w.isalpha() and len(w) > 1
    ]
    return words[:size]


def concept_targets(tokenized: List[List[List[str]]], concepts: List[str]) -> np.ndarray:
    """Soft multi-label targets: the fraction of an image's captions that use each concept."""
    index = {w: i for i, w in enumerate(concepts)}
    out = np.zeros((len(tokenized), len(concepts)), dtype=np.float32)
    for i, caps in enumerate(tokenized):
        for cap in caps:
            for w in set(cap):
                j = index.get(w)
                if j is not None:
                    out[i, j] += 1.0 / len(caps)
    return out


def encode_captions(tokenized: List[List[List[str]]], vocab_index: Dict[str, int], max_words: int, per_image: int = 5):
    """-> inputs [N,per_image,max_words+1] (BOS + words), targets (words + EOS), mask."""
    n = len(tokenized)
    t = max_words + 1
    inputs = np.zeros((n, per_image, t), dtype=np.int64)
    targets = np.zeros((n, per_image, t), dtype=np.int64)
    mask = np.zeros((n, per_image, t), dtype=bool)
    for i, caps in enumerate(tokenized):
        for j in range(per_image):
            cap = caps[j % len(caps)][:max_words]
            ids = [vocab_index.get(w, UNK) for w in cap]
            seq_in = [BOS] + ids
            seq_out = ids + [EOS]
            inputs[i, j, : len(seq_in)] = seq_in
            targets[i, j, : len(seq_out)] = seq_out
            mask[i, j, : len(seq_out)] = True
    return inputs, targets, mask


def load_features(feature_dir: str, split: str) -> Tuple[np.ndarray, np.ndarray, List[str]]:
    grid = np.load(os.path.join(feature_dir, f"{split}.grid.npy"), mmap_mode="r")
    presence = np.load(os.path.join(feature_dir, f"{split}.presence.npy"))
    with open(os.path.join(feature_dir, f"{split}.index.json"), encoding="utf-8") as f:
        files = json.load(f)["files"]
    return grid, presence, files
