"""Self-critical fine-tuning (SCST) of a trained LightCap checkpoint on CIDEr-D.

  nice -n 10 /usr/bin/python3 models/lightcap/scst.py --init /tmp/lightcap-run/best.pt --out /tmp/lightcap-scst

Cross-entropy training teaches the next word of a reference; the captions are
then judged as whole sentences. SCST (Rennie et al., CVPR 2017) samples K
captions per training image, scores each with CIDEr-D against that image's
references (document frequencies from the training captions), and raises the
log-probability of the captions that beat the mean of the image's other
samples (the baseline of Luo, 2020, which needs no extra greedy decode).

Early stopping uses captions-dev greedy CIDEr-D, as train.py does. Writes
OUT/best.pt in train.py's format (so export.py takes it), log.jsonl and
results.json.
"""
from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, os.environ.get("LIGHTCAP_THREADS", "1"))

import argparse
import json
import random
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import BOS, EOS, load_captions, load_features  # noqa: E402
from metrics import CiderD, tokenize_caption  # noqa: E402
from model import SUPPRESS, LightCap, count_parameters, from_checkpoint  # noqa: E402
from train import SHARED_DATA, DevSet, decode_all, score  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--init", required=True, help="checkpoint from train.py")
    p.add_argument("--features", default="/tmp/lightcap-features")
    p.add_argument("--out", default="/tmp/lightcap-scst")
    p.add_argument("--train-data", default=os.path.join(SHARED_DATA, "flickr8k-train"))
    p.add_argument("--dev-data", default=os.path.join(SHARED_DATA, "captions-dev"))
    p.add_argument("--dev-split", default="dev")
    p.add_argument("--samples", type=int, default=5, help="captions sampled per image (K)")
    p.add_argument("--batch", type=int, default=16, help="images per step")
    p.add_argument("--lr", type=float, default=2e-5)
    p.add_argument("--epochs", type=float, default=2.0)
    p.add_argument("--minutes", type=float, default=40.0, help="hard wall-clock stop")
    p.add_argument("--eval-every", type=int, default=60, help="steps between dev evaluations")
    p.add_argument("--patience", type=int, default=4, help="dev evaluations without improvement before stopping")
    p.add_argument("--max-words", type=int, default=20)
    p.add_argument("--seed", type=int, default=1)
    return p.parse_args()


@torch.no_grad()
def sample(model: LightCap, mk, mv, max_words: int) -> list:
    """Multinomial samples, one per memory row; returns token lists without BOS/EOS."""
    b = mk.shape[1]
    past_k = mk.new_zeros(model.n_layers, b, model.heads, 0, model.dh)
    past_v = past_k.clone()
    ids = torch.full((b, 1), BOS, dtype=torch.long)
    seqs = [[] for _ in range(b)]
    done = torch.zeros(b, dtype=torch.bool)
    for t in range(max_words + 1):
        logits, past_k, past_v = model.step(ids, mk, mv, past_k, past_v)
        logits = logits[:, 0]
        logits[:, list(SUPPRESS)] = float("-inf")
        if t == max_words:
            logits[:, :] = float("-inf")
            logits[:, EOS] = 0.0
        nxt = torch.multinomial(torch.softmax(logits, dim=-1), 1)[:, 0]
        for i in range(b):
            if not done[i]:
                if int(nxt[i]) == EOS:
                    done[i] = True
                else:
                    seqs[i].append(int(nxt[i]))
        if bool(done.all()):
            break
        ids = nxt.unsqueeze(1)
    return seqs


def sequence_log_probs(model: LightCap, mk, mv, seqs: list, k: int, max_words: int) -> torch.Tensor:
    """Sum of log p(token) over each sampled caption and its end, with gradients. mk/mv are per image [L,B,H,P,dh]."""
    b = mk.shape[1]
    t = max(len(s) for s in seqs) + 1
    inputs = torch.zeros((b, k, t), dtype=torch.long)
    targets = torch.zeros((b, k, t), dtype=torch.long)
    mask = torch.zeros((b, k, t), dtype=torch.bool)
    for n, seq in enumerate(seqs):
        i, j = divmod(n, k)
        inputs[i, j, : len(seq) + 1] = torch.tensor([BOS] + seq)
        targets[i, j, : len(seq) + 1] = torch.tensor(seq + [EOS])
        mask[i, j, : len(seq) + 1] = True
    logits = model.forward_captions(mk, mv, inputs, mask)  # [M, V], row-major over (b, k, t)
    logp = torch.log_softmax(logits, dim=-1).gather(1, targets[mask].unsqueeze(1))[:, 0]
    owner = torch.arange(b * k).reshape(b, k, 1).expand(b, k, t)[mask]
    return torch.zeros(b * k).index_add(0, owner, logp)


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np.random.seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    t_start = time.time()

    ck = torch.load(args.init)
    cfg, vocab, concepts = ck["config"], ck["vocab"], ck["concepts"]
    model = from_checkpoint(ck)
    print(f"initialised from {args.init} (epoch {ck['epoch']}, dev greedy {ck.get('dev_greedy')}), {count_parameters(model):,} parameters", flush=True)

    grid, presence, files = load_features(args.features, "train")
    _, caps = load_captions(args.train_data)
    refs_tok = [[tokenize_caption(c) for c in caps[f]] for f in files]
    cider = CiderD(refs_tok)
    ref_vecs = [[cider.vec(r) for r in refs] for refs in refs_tok]
    grid_t = torch.from_numpy(np.array(grid))
    presence_t = torch.from_numpy(presence)
    n = len(files)
    dev = DevSet(args.features, args.dev_split, args.dev_data)

    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps_per_epoch = n // args.batch
    total_steps = int(args.epochs * steps_per_epoch)
    log = open(os.path.join(args.out, "log.jsonl"), "a", encoding="utf-8")

    def evaluate(step: int, extra: dict) -> dict:
        sc = score(decode_all(model, dev, vocab, beam=1), dev.refs)
        entry = {"step": step, "minutes": round((time.time() - t_loop) / 60, 2), "greedy": sc, **extra}
        print(json.dumps(entry), flush=True)
        log.write(json.dumps(entry) + "\n")
        log.flush()
        return sc

    def save(sc: dict, step: int) -> None:
        torch.save({"state": model.state_dict(), "config": cfg, "vocab": vocab, "concepts": concepts,
                    "epoch": ck["epoch"], "scst_step": step, "dev_greedy": sc, "args": {**ck.get("args", {}), "scst": vars(args)}},
                   os.path.join(args.out, "best.pt"))

    t_loop = time.time()
    best = evaluate(0, {"reward": None})
    save(best, 0)
    bad = 0
    step = 0
    sums = {"reward": 0.0, "k": 0}
    perm = torch.randperm(n)
    cursor = 0
    while step < total_steps:
        if cursor + args.batch > n:
            perm, cursor = torch.randperm(n), 0
        idx = perm[cursor : cursor + args.batch]
        cursor += args.batch
        model.eval()  # no dropout: the sampled captions and their gradients come from the same model
        mk, mv, _ = model.encode(grid_t[idx].float(), presence_t[idx])
        k = args.samples
        mk_rep = mk.repeat_interleave(k, dim=1)
        mv_rep = mv.repeat_interleave(k, dim=1)
        seqs = sample(model, mk_rep.detach(), mv_rep.detach(), args.max_words)
        rewards = torch.tensor([
            cider.score_vecs(cider.vec([vocab[t] for t in seq]), ref_vecs[int(idx[i // k])]) for i, seq in enumerate(seqs)
        ]).reshape(-1, k)
        baseline = (rewards.sum(1, keepdim=True) - rewards) / (k - 1)
        advantage = (rewards - baseline).reshape(-1)
        logp = sequence_log_probs(model, mk, mv, seqs, k, args.max_words)
        loss = -(advantage * logp).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        sums["reward"] += float(rewards.mean())
        sums["k"] += 1
        if step % 20 == 0:
            print(f"step {step}/{total_steps} reward {sums['reward'] / sums['k']:.3f} {time.time() - t_loop:.0f}s", flush=True)
        out_of_time = (time.time() - t_loop) / 60 > args.minutes
        if step % args.eval_every == 0 or step == total_steps or out_of_time:
            sc = evaluate(step, {"reward": round(sums["reward"] / max(1, sums["k"]), 4)})
            sums = {"reward": 0.0, "k": 0}
            if sc["cider_d"] > best["cider_d"]:
                best, bad = sc, 0
                save(sc, step)
            else:
                bad += 1
                if bad >= args.patience:
                    print("early stop", flush=True)
                    break
        if out_of_time:
            print("time limit", flush=True)
            break

    ck_best = torch.load(os.path.join(args.out, "best.pt"))
    model.load_state_dict(ck_best["state"])
    results = {"init": args.init, "best_step": ck_best["scst_step"], "scst_minutes": round((time.time() - t_loop) / 60, 2),
               "dev": {"greedy": score(decode_all(model, dev, vocab, beam=1), dev.refs),
                       "beam3": score(decode_all(model, dev, vocab, beam=3), dev.refs)}}
    results["total_minutes"] = round((time.time() - t_start) / 60, 2)
    print(json.dumps(results), flush=True)
    with open(os.path.join(args.out, "results.json"), "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
