"""LightCap-style captioner on frozen CenterNet features (PyTorch 1.13).

Pipeline (one image):
  detector features [480,16,16] --avgpool 2x2--> 64 grid tokens [64,480]
  detector class presence [80] (per-class max of the sigmoid heatmap)
  concept extractor: MLP([mean(grid), max(grid), presence]) -> sigmoid scores over the
      mined concept vocabulary; the top-K concepts (words of the caption vocabulary)
      plus the top-K_det detector classes become concept tokens
  cross-modal modulator: score-weighted mean of the concept embeddings -> channel
      gate over the 480 visual channels (2*sigmoid, starts at 1)
  fusion decoder (TinyBERT-4-like, pre-LN): sequence [visual; concepts; caption];
      the prefix (visual + concepts) attends bidirectionally within itself, the caption
      attends to the whole prefix and causally to itself. Because the prefix never
      sees the caption, its per-layer keys/values are computed once per image (the
      "memory") and reused by every caption and every decoding step.

Word embeddings are tied with the output projection and stored once as
`emb_t` [hidden, vocab] (lookup gathers columns), so the ONNX export does not
duplicate the table.
"""
from __future__ import annotations

import math
from typing import List, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

GRID_TOKENS = 64
FEATURE_CHANNELS = 480
COCO_CLASSES = 80


class Block(nn.Module):
    def __init__(self, d: int, heads: int, ffn: int, dropout: float):
        super().__init__()
        self.heads = heads
        self.dh = d // heads
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.ff1 = nn.Linear(d, ffn)
        self.ff2 = nn.Linear(ffn, d)
        self.drop = nn.Dropout(dropout)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        # [..., T, D] -> [..., H, T, dh]
        shape = x.shape[:-1] + (self.heads, self.dh)
        return x.reshape(shape).transpose(-2, -3)

    def _merge(self, x: torch.Tensor) -> torch.Tensor:
        x = x.transpose(-2, -3)
        return x.reshape(x.shape[:-2] + (self.heads * self.dh,))

    def _ffn(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.drop(self.ff2(self.drop(F.gelu(self.ff1(self.ln2(x))))))

    def prefix_kv(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """x [B,P,D] -> q, k, v [B,H,P,dh]."""
        q, k, v = self.qkv(self.ln1(x)).chunk(3, dim=-1)
        return self._split(q), self._split(k), self._split(v)

    def prefix_forward(self, x: torch.Tensor, q, k, v) -> torch.Tensor:
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(self.dh), dim=-1) @ v
        x = x + self.drop(self.out(self._merge(a)))
        return self._ffn(x)

    def caption_forward(self, y: torch.Tensor, pk: torch.Tensor, pv: torch.Tensor, causal: torch.Tensor) -> torch.Tensor:
        """Teacher forcing. y [B,N,T,D]; pk/pv [B,1,H,P,dh]; causal [T,T] additive."""
        q, k, v = self.qkv(self.ln1(y)).chunk(3, dim=-1)
        q, k, v = self._split(q), self._split(k), self._split(v)  # [B,N,H,T,dh]
        scale = 1.0 / math.sqrt(self.dh)
        sp = (q @ pk.transpose(-1, -2)) * scale  # [B,N,H,T,P]
        sc = (q @ k.transpose(-1, -2)) * scale + causal  # [B,N,H,T,T]
        att = torch.softmax(torch.cat([sp, sc], dim=-1), dim=-1)
        p = pk.shape[-2]
        a = att[..., :p] @ pv + att[..., p:] @ v
        y = y + self.drop(self.out(self._merge(a)))
        return self._ffn(y)

    def step(self, y: torch.Tensor, mk, mv, past_k, past_v):
        """One new token. y [B,1,D]; mk/mv [B,H,P,dh]; past [B,H,Tp,dh]. Returns y, present k, v."""
        q, k, v = self.qkv(self.ln1(y)).chunk(3, dim=-1)
        q, k, v = self._split(q), self._split(k), self._split(v)  # [B,H,1,dh]
        present_k = torch.cat([past_k, k], dim=2)
        present_v = torch.cat([past_v, v], dim=2)
        keys = torch.cat([mk, present_k], dim=2)
        values = torch.cat([mv, present_v], dim=2)
        att = torch.softmax((q @ keys.transpose(-1, -2)) / math.sqrt(self.dh), dim=-1)
        y = y + self.out(self._merge(att @ values))
        return self._ffn(y), present_k, present_v


class LightCap(nn.Module):
    def __init__(
        self,
        vocab_size: int,
        concept_word_ids: List[int],
        d: int = 256,
        heads: int = 4,
        layers: int = 4,
        ffn: int = 1024,
        top_k: int = 10,
        top_k_det: int = 3,
        use_concepts: bool = True,
        max_len: int = 32,
        dropout: float = 0.1,
        aux_channels: int = 0,
    ):
        super().__init__()
        # Optional per-token channels after the trunk's 480: the detector head's pooled map and
        # where each class is (models/tools/detector_aux.py), normalised on their own.
        self.aux_channels = aux_channels
        channels = FEATURE_CHANNELS + aux_channels
        self.d, self.heads, self.n_layers = d, heads, layers
        self.dh = d // heads
        self.top_k, self.top_k_det = top_k, top_k_det
        self.use_concepts = use_concepts
        self.max_len = max_len
        self.vocab_size = vocab_size
        self.register_buffer("concept_word_ids", torch.tensor(concept_word_ids, dtype=torch.long), persistent=True)

        self.in_norm = nn.LayerNorm(FEATURE_CHANNELS)
        if aux_channels:
            self.aux_norm = nn.LayerNorm(aux_channels)
        self.vis_proj = nn.Linear(channels, d)
        self.vis_pos = nn.Parameter(torch.randn(GRID_TOKENS, d) * 0.02)
        self.type_emb = nn.Parameter(torch.randn(3, d) * 0.02)  # visual, concept, detector class
        if use_concepts:
            c = len(concept_word_ids)
            self.concept_head = nn.Sequential(
                nn.Linear(2 * channels + COCO_CLASSES, 512), nn.GELU(), nn.Dropout(dropout), nn.Linear(512, c)
            )
            self.concept_score = nn.Linear(1, d)
            self.det_emb = nn.Parameter(torch.randn(COCO_CLASSES, d) * 0.02)
            self.det_score = nn.Linear(1, d)
            self.modulator = nn.Sequential(nn.Linear(d, d), nn.ReLU(), nn.Linear(d, channels))
            nn.init.zeros_(self.modulator[2].weight)
            nn.init.zeros_(self.modulator[2].bias)
        self.emb_t = nn.Parameter(torch.randn(d, vocab_size) * 0.02)  # tied word table, [hidden, vocab]
        self.pos = nn.Parameter(torch.randn(max_len, d) * 0.02)
        self.emb_drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList([Block(d, heads, ffn, dropout) for _ in range(layers)])
        self.final_norm = nn.LayerNorm(d)
        self.out_bias = nn.Parameter(torch.zeros(vocab_size))

    # ---- encoder ---------------------------------------------------------
    def concepts(self, grid: torch.Tensor, presence: torch.Tensor):
        """grid [B,64,480] normalised; presence [B,80] -> concept logits [B,C]."""
        pooled = torch.cat([grid.mean(1), grid.amax(1), presence], dim=-1)
        return self.concept_head(pooled)

    def encode(self, grid_raw: torch.Tensor, presence: torch.Tensor):
        """grid_raw [B,64,480] (pooled detector features; [B,64,480+aux] with the aux map appended), presence [B,80].

        Returns memory keys/values [L,B,H,P,dh] and the concept logits (or None)."""
        grid = self.in_norm(grid_raw[..., :FEATURE_CHANNELS])
        if self.aux_channels:
            grid = torch.cat([grid, self.aux_norm(grid_raw[..., FEATURE_CHANNELS:])], dim=-1)
        b = grid.shape[0]
        tokens = []
        concept_logits = None
        if self.use_concepts:
            concept_logits = self.concepts(grid, presence)
            scores = torch.sigmoid(concept_logits)
            top_s, top_i = scores.topk(self.top_k, dim=-1)  # [B,K]
            words = self.concept_word_ids[top_i]  # [B,K]
            cemb = self.embed_words(words)  # [B,K,D]
            ctok = cemb + self.concept_score(top_s.unsqueeze(-1)) + self.type_emb[1]
            det_s, det_i = presence.topk(self.top_k_det, dim=-1)
            demb = self.det_emb[det_i]
            dtok = demb + self.det_score(det_s.unsqueeze(-1)) + self.type_emb[2]
            weights = torch.cat([top_s, det_s], dim=1).unsqueeze(-1)
            summary = (torch.cat([cemb, demb], dim=1) * weights).sum(1) / weights.sum(1).clamp_min(1e-6)
            gate = 2.0 * torch.sigmoid(self.modulator(summary))  # [B,channels]
            grid = grid * gate.unsqueeze(1)
            tokens = [ctok, dtok]
        vis = self.vis_proj(grid) + self.vis_pos + self.type_emb[0]
        mem_k, mem_v = self.prefix_memory(self.emb_drop(torch.cat([vis] + tokens, dim=1)))
        return mem_k, mem_v, concept_logits

    def prefix_memory(self, x: torch.Tensor):
        """Prefix tokens [B,P,D] -> per-layer keys and values [L,B,H,P,dh] (the prefix attends only to itself)."""
        ks, vs = [], []
        for i, blk in enumerate(self.blocks):
            q, k, v = blk.prefix_kv(x)
            ks.append(k)
            vs.append(v)
            if i + 1 < len(self.blocks):
                x = blk.prefix_forward(x, q, k, v)
        return torch.stack(ks), torch.stack(vs)

    # ---- decoder ---------------------------------------------------------
    def embed_words(self, ids: torch.Tensor) -> torch.Tensor:
        # Gather columns of the [hidden, vocab] table (ONNX: one Gather on axis 1, no transposed copy).
        cols = torch.index_select(self.emb_t, 1, ids.reshape(-1))  # [D, n]
        return cols.t().reshape(ids.shape + (self.d,))

    def logits(self, h: torch.Tensor) -> torch.Tensor:
        return self.final_norm(h) @ self.emb_t + self.out_bias

    def forward_captions(self, mem_k, mem_v, inputs: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Teacher forcing. inputs [B,N,T] ids (BOS first); mask [B,N,T] bool of real targets.

        Returns logits only at masked positions: [M, V]."""
        t = inputs.shape[-1]
        y = self.emb_drop(self.embed_words(inputs) + self.pos[:t])
        causal = torch.full((t, t), float("-inf")).triu(1)
        for i, blk in enumerate(self.blocks):
            y = blk.caption_forward(y, mem_k[i].unsqueeze(1), mem_v[i].unsqueeze(1), causal)
        return self.logits(y[mask])

    def step(self, ids: torch.Tensor, mem_k, mem_v, past_k, past_v):
        """ids [B,1]; mem [L,B,H,P,dh]; past [L,B,H,Tp,dh] -> logits [B,1,V], present [L,B,H,Tp+1,dh]."""
        # Position = past length, computed from the tensor so export keeps it dynamic.
        position = torch.ones_like(past_k[0, :, 0, :, 0]).sum(1, keepdim=True).long()  # [B,1]
        y = self.embed_words(ids) + self.pos[position]
        pks, pvs = [], []
        for i, blk in enumerate(self.blocks):
            y, pk, pv = blk.step(y, mem_k[i], mem_v[i], past_k[i], past_v[i])
            pks.append(pk)
            pvs.append(pv)
        return self.logits(y), torch.stack(pks), torch.stack(pvs)


# ---- decoding (shared by training-time evaluation and export parity) -------


# Never generated: <pad>, <bos>, <unk> (ids fixed in data.py).
SUPPRESS = (0, 1, 3)


def _blocked(seq: List[int]) -> set:
    """Tokens that would repeat a trigram already in seq."""
    if len(seq) < 2:
        return set()
    last = (seq[-2], seq[-1])
    return {seq[i + 2] for i in range(len(seq) - 2) if (seq[i], seq[i + 1]) == last}


@torch.no_grad()
def greedy(
    model: LightCap, mem_k, mem_v, bos: int, eos: int, max_words: int = 20, block_trigrams: bool = True,
    suppress: Tuple[int, ...] = SUPPRESS,
) -> List[List[int]]:
    b = mem_k.shape[1]
    past_k = mem_k.new_zeros(model.n_layers, b, model.heads, 0, model.dh)
    past_v = past_k.clone()
    ids = torch.full((b, 1), bos, dtype=torch.long)
    seqs: List[List[int]] = [[] for _ in range(b)]
    done = [False] * b
    for _ in range(max_words + 1):
        logits, past_k, past_v = model.step(ids, mem_k, mem_v, past_k, past_v)
        logits = logits[:, 0].clone()
        logits[:, list(suppress)] = float("-inf")
        if block_trigrams:
            for i in range(b):
                for tok in _blocked(seqs[i]):
                    logits[i, tok] = float("-inf")
        nxt = logits.argmax(-1)
        for i in range(b):
            if not done[i]:
                if int(nxt[i]) == eos:
                    done[i] = True
                else:
                    seqs[i].append(int(nxt[i]))
        if all(done):
            break
        ids = nxt.unsqueeze(1)
    return seqs


@torch.no_grad()
def beam_search(
    model: LightCap, mem_k, mem_v, bos: int, eos: int, beam: int = 3, max_words: int = 20,
    length_alpha: float = 0.0, block_trigrams: bool = True, suppress: Tuple[int, ...] = SUPPRESS,
) -> List[int]:
    """Beam search for ONE image (mem [L,1,H,P,dh]). Score = sum log p / len^alpha."""
    mk = mem_k.expand(-1, beam, -1, -1, -1)
    mv = mem_v.expand(-1, beam, -1, -1, -1)
    past_k = mem_k.new_zeros(model.n_layers, 1, model.heads, 0, model.dh)
    past_v = past_k.clone()
    beams = [([], 0.0)]  # (tokens, logprob)
    finished = []
    for t in range(max_words + 1):
        n = len(beams)
        ids = torch.tensor([[seq[-1] if seq else bos] for seq, _ in beams], dtype=torch.long)
        logits, pk, pv = model.step(ids, mk[:, :n], mv[:, :n], past_k, past_v)
        logp = torch.log_softmax(logits[:, 0], dim=-1)
        logp[:, list(suppress)] = float("-inf")
        if block_trigrams:
            for i, (seq, _) in enumerate(beams):
                for tok in _blocked(seq):
                    logp[i, tok] = float("-inf")
        if t == max_words:  # force the end
            keep = logp[:, eos].clone()
            logp.fill_(float("-inf"))
            logp[:, eos] = keep
        cand = []
        top_lp, top_ix = logp.topk(beam + 1, dim=-1)
        for i, (seq, score) in enumerate(beams):
            for lp, ix in zip(top_lp[i].tolist(), top_ix[i].tolist()):
                if lp == float("-inf"):
                    continue
                cand.append((score + lp, i, ix))
        cand.sort(key=lambda c: -c[0])
        new_beams, parents = [], []
        for score, i, ix in cand:
            seq = beams[i][0]
            if ix == eos:
                length = max(1, len(seq) + 1)
                finished.append((score / (length**length_alpha), seq))
            else:
                new_beams.append((seq + [ix], score))
                parents.append(i)
            if len(new_beams) == beam:
                break
        if finished and new_beams:
            best_done = max(f[0] for f in finished)
            # alpha=0: scores only decrease, so once the best finished caption outscores
            # every open beam, nothing left open can end above it.
            if length_alpha == 0.0 and max(s for _, s in new_beams) < best_done:
                break
        if not new_beams:
            break
        idx = torch.tensor(parents, dtype=torch.long)
        past_k, past_v = pk[:, idx], pv[:, idx]
        beams = new_beams
    if not finished:
        finished = [(s, seq) for seq, s in beams]
    return max(finished, key=lambda f: f[0])[1]


def from_checkpoint(ck: dict) -> LightCap:
    """The model a train.py checkpoint describes, with its weights and no dropout."""
    cfg, vocab, concepts = ck["config"], ck["vocab"], ck["concepts"]
    vindex = {w: i for i, w in enumerate(vocab)}
    model = LightCap(
        cfg["vocab_size"], [vindex[w] for w in concepts], d=cfg["hidden"], heads=cfg["heads"], layers=cfg["layers"],
        ffn=cfg["ffn"], top_k=cfg["top_k"], top_k_det=cfg["top_k_det"], use_concepts=cfg["use_concepts"],
        max_len=cfg["max_len"], dropout=0.0, aux_channels=cfg.get("aux_channels", 0),
    )
    model.load_state_dict(ck["state"])
    return model


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
