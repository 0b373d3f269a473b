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


def load_captions(data_dir: str, file_name: str = "captions.json") -> Tuple[List[str], Dict[str, List[str]]]:
    """Returns (file names in JSON order, file name -> list of raw captions)."""
    return load_caption_file(os.path.join(data_dir, file_name))


def load_caption_file(path: str) -> Tuple[List[str], Dict[str, List[str]]]:
    """A COCO-caption JSON file -> (file names in JSON order, file name -> list of raw captions)."""
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    id_to_file = {im["id"]: im["file_name"] for im in d["images"]}
    caps: Dict[str, List[str]] = {im["file_name"]: [] for im in d["images"]}
    for a in d["annotations"]:
        caps[id_to_file[a["image_id"]]].append(a["caption"])
    return [im["file_name"] for im in d["images"]], caps


def flickr_id(file_name: str) -> str:
    """The Flickr photo id of a Flickr8k or Flickr30k file name (`1000268201_693b08cb0e.jpg`, `10002456.jpg`)."""
    return os.path.basename(file_name).split("_")[0].split(".")[0]


def load_language_captions(data_dir: str, language: str, text_jsonl: str = "") -> Dict[str, List[str]]:
    """File name -> captions in `language` for the photos of `data_dir`.

    English: the folder's captions.json. Another language: the folder's captions_<lang>.json
    when it has one (flickr30k-extra), else the rows of a flickr30k-text JSONL file
    (captions_<lang>.jsonl) matched by Flickr id. Photos with no caption in that language
    are left out of the result.
    """
    if language == "en":
        return load_captions(data_dir)[1]
    own = os.path.join(data_dir, f"captions_{language}.json")
    if os.path.exists(own):
        return load_caption_file(own)[1]
    if not text_jsonl:
        raise SystemExit(f"{data_dir} has no captions_{language}.json; pass the flickr30k-text captions_{language}.jsonl")
    by_id: Dict[str, List[str]] = {}
    with open(text_jsonl, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            by_id[row["flickr_id"]] = row["captions"]
    files, _ = load_captions(data_dir)
    return {name: by_id[flickr_id(name)] for name in files if flickr_id(name) in by_id}


# Words that trade places when a picture is mirrored, per language.
MIRRORED_WORDS = {
    "en": [("left", "right")],
    "de": [("links", "rechts"), ("linke", "rechte"), ("linken", "rechten"), ("linker", "rechter"), ("linkes", "rechtes"), ("linkem", "rechtem")],
}


def written_forms(captions: List[str], vocab: List[str]) -> List[str]:
    """Each vocabulary word as the captions usually write it ("mann" -> "Mann"), for languages that capitalise nouns.

    Counts only words after the first, where capitals carry meaning; a word seen only
    sentence-initially keeps its lower-case form (the caption's first letter is capitalised anyway).
    """
    index = {w: i for i, w in enumerate(vocab)}
    counts: List[Counter] = [Counter() for _ in vocab]
    for caption in captions:
        cased = tokenize_caption(caption, keep_case=True)
        for token in cased[1:]:
            i = index.get(token.lower())
            if i is not None:
                counts[i][token] += 1
    return [w if w in SPECIALS or not c else c.most_common(1)[0][0] for w, c in zip(vocab, counts)]


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


def load_features(feature_dir: str, split: str, aux: bool = False) -> Tuple[np.ndarray, np.ndarray, List[str]]:
    """The split's grid [N,64,480] (with `aux`: [N,64,480+A], the detector's aux map appended to each
    token's channels, see models/tools/detector_aux.py), class presence [N,80] and file names."""
    grid = np.load(os.path.join(feature_dir, f"{split}.grid.npy"), mmap_mode="r")
    if aux:
        grid = np.concatenate([grid, np.load(os.path.join(feature_dir, f"{split}.aux.npy"), mmap_mode="r")], axis=2)
    presence = np.load(os.path.join(feature_dir, f"{split}.presence.npy"))
    with open(os.path.join(feature_dir, f"{split}.index.json"), encoding="utf-8") as f:
        files = json.load(f)["files"]
    return grid, presence, files
