"""Language-model pretraining of the LightCap decoder on caption text without pictures.

flickr30k-text holds 145k English captions, five times what the image training sets
give the decoder to read. Before the image training, the decoder learns the language
from them: the same caption path as in training, with the visual prefix replaced by one
token (the "visual" type embedding alone), so there is nothing to look at and the words
must predict the next word. No parameter is added, so the checkpoint and the export are
unchanged; the image training then starts from these weights.
"""
from __future__ import annotations

import json
import math
import time
from typing import Dict, List

import torch
import torch.nn.functional as F

from data import encode_captions
from metrics import tokenize_caption


def load_text_captions(path: str) -> List[List[str]]:
    """Tokenised captions of a flickr30k-text JSONL file (dev and test photos are already kept out of it)."""
    out: List[List[str]] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            out.extend(tokenize_caption(c) for c in row["captions"])
    return out


def text_only_memory(model, batch: int):
    """Per-layer keys/values of a one-token prefix that carries no picture: [L,B,H,1,dh]."""
    return model.prefix_memory((model.type_emb[0] + model.vis_pos.mean(0)).expand(batch, 1, model.d))


def pretrain_language(model, sentences: List[List[str]], vindex: Dict[str, int], *, epochs: int, batch: int, lr: float,
                      warmup: int, max_words: int, label_smoothing: float, minutes: float, log) -> Dict[str, float]:
    """Next-word training on sentences; returns a summary for the log."""
    # One sentence per "image" row: encode_captions wants [images][captions].
    inputs, targets, mask = encode_captions([[s] for s in sentences], vindex, max_words, per_image=1)
    inputs, targets, mask = (torch.from_numpy(a[:, 0]) for a in (inputs, targets, mask))
    n = len(sentences)
    steps_per_epoch = n // batch
    total = max(1, epochs * steps_per_epoch)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr, betas=(0.9, 0.98), weight_decay=0.01)

    def lr_at(step: int) -> float:
        if step < warmup:
            return lr * (step + 1) / warmup
        progress = min(1.0, (step - warmup) / max(1, total - warmup))
        return lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))

    t0 = time.time()
    step = 0
    ce_sum, k = 0.0, 0
    model.train()
    for epoch in range(epochs):
        perm = torch.randperm(n)
        for b in range(steps_per_epoch):
            idx = perm[b * batch : (b + 1) * batch]
            m = mask[idx]
            tmax = int(m.any(0).nonzero().max()) + 1
            m = m[:, :tmax]
            mk, mv = text_only_memory(model, 1)
            logits = model.forward_captions(mk, mv, inputs[idx, :tmax].unsqueeze(0), m.unsqueeze(0))
            ce = F.cross_entropy(logits, targets[idx, :tmax][m], label_smoothing=label_smoothing)
            for group in opt.param_groups:
                group["lr"] = lr_at(step)
            opt.zero_grad(set_to_none=True)
            ce.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            step += 1
            ce_sum += float(ce)
            k += 1
            if step % 100 == 0:
                entry = {"lm_epoch": epoch, "lm_step": step, "lm_ce": round(ce_sum / k, 4), "minutes": round((time.time() - t0) / 60, 2)}
                print(json.dumps(entry), flush=True)
                log.write(json.dumps(entry) + "\n")
                log.flush()
                ce_sum, k = 0.0, 0
            if (time.time() - t0) / 60 > minutes:
                print("language pretraining: time limit", flush=True)
                return {"lm_steps": step, "lm_minutes": round((time.time() - t0) / 60, 2), "lm_sentences": n}
    return {"lm_steps": step, "lm_minutes": round((time.time() - t0) / 60, 2), "lm_sentences": n}
