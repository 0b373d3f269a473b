"""Caption tokenisation, CIDEr-D and BLEU, ported from src/eval/{tokenize,cider,bleu}.ts.

The TypeScript versions mirror coco-caption (PTB tokenisation minus punctuation,
vrama91/cider's ciderD with df from the evaluated corpus, tylin's BLEU with the
'closest' reference length). This port follows them line for line, so the
numbers printed while training are the numbers `npm run eval` would print for
the same captions (checked in lightcap_parity.ts for a handful of items).
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from typing import Dict, List, Sequence, Tuple

CLITIC_SUFFIXES = ("n't", "'s", "'re", "'ve", "'ll", "'d", "'m")
SPLIT_WORDS = {"cannot": ["can", "not"], "gonna": ["gon", "na"], "gotta": ["got", "ta"], "wanna": ["wan", "na"]}
TITLE_ABBREVIATIONS = {"mr.", "mrs.", "ms.", "dr.", "st.", "jr.", "sr.", "vs.", "etc."}
REMOVED_PUNCTUATION_ONLY = re.compile(r"^[.,?!:;'`\"-]+$")
ABBREVIATION = re.compile(r"^(?:[^\W\d_]\.){2,}$")


def _is_abbreviation(word: str) -> bool:
    return bool(ABBREVIATION.match(word)) or word in TITLE_ABBREVIATIONS


def _split_clitic(core: str) -> List[str]:
    if core in SPLIT_WORDS:
        return list(SPLIT_WORDS[core])
    for suffix in CLITIC_SUFFIXES:
        if len(core) > len(suffix) and core.endswith(suffix):
            return [core[: -len(suffix)], suffix]
    return [core]


def _tokenize_chunk(chunk: str, out: List[str]) -> None:
    if chunk in CLITIC_SUFFIXES:
        out.append(chunk)
        return
    core = chunk
    prefix: List[str] = []
    suffix: List[str] = []
    while core:
        first = core[0]
        if first in ("'", "`", "-"):
            core = core[1:]
        elif first in ("$", "#"):
            prefix.append(first)
            core = core[1:]
        else:
            break
    while core:
        last = core[-1]
        if last == "%":
            suffix.insert(0, "%")
            core = core[:-1]
        elif last in ("'", "`", "-", ",", ":"):
            core = core[:-1]
        elif last == "." and not _is_abbreviation(core):
            core = core[:-1]
        else:
            break
    parts = [] if core == "" else _split_clitic(core)
    for token in prefix + parts + suffix:
        if token != "" and not REMOVED_PUNCTUATION_ONLY.match(token):
            out.append(token)


def tokenize_caption(caption: str, keep_case: bool = False) -> List[str]:
    """Port of tokenizeCaption (src/eval/tokenize.ts). keep_case: the same tokens, written as in the caption."""
    text = unicodedata.normalize("NFKC", caption)
    if not keep_case:
        text = text.lower()
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    text = re.sub("[\u2018\u2019\u201B\u2032]", "'", text)
    text = re.sub("[\u201C\u201D\u201E\u201F\u00AB\u00BB]", '"', text)
    text = re.sub("[\u2012-\u2015]", " -- ", text)
    text = re.sub(r"\.{2,}", " ... ", text)
    text = re.sub(r"-{2,}", " -- ", text)
    text = re.sub(r"[\"()\[\]{};!?]", " ", text)
    text = re.sub(r"(?<![0-9])[,:]|[,:](?![0-9])", " ", text)
    tokens: List[str] = []
    for chunk in re.split(r"\s+", text):
        if chunk != "":
            _tokenize_chunk(chunk, tokens)
    return tokens


def count_ngrams(tokens: Sequence[str], max_order: int = 4) -> List[Counter]:
    out = []
    for order in range(1, max_order + 1):
        c: Counter = Counter()
        for start in range(0, len(tokens) - order + 1):
            c[" ".join(tokens[start : start + order])] += 1
        out.append(c)
    return out


# ---------------------------------------------------------------------------
# CIDEr-D (corpus df mode), see src/eval/cider.ts for the quirks kept on purpose.


def _tfidf(counts_by_order: List[Counter], df: Dict[str, float], log_n: float) -> Tuple[List[Dict[str, float]], List[float], int]:
    weights_by_order, norms, length = [], [], 0
    for order_index, counts in enumerate(counts_by_order):
        w = {}
        sq = 0.0
        for ngram, tf in counts.items():
            weight = tf * (log_n - math.log(max(1.0, df.get(ngram, 0.0))))
            w[ngram] = weight
            sq += weight * weight
            if order_index == 1:
                length += tf
        weights_by_order.append(w)
        norms.append(math.sqrt(sq))
    return weights_by_order, norms, length


def _sim(cand, ref, sigma: float) -> List[float]:
    cw, cn, cl = cand
    rw, rn, rl = ref
    penalty = math.exp(-((cl - rl) ** 2) / (2 * sigma**2))
    out = []
    for k in range(len(cw)):
        value = 0.0
        refk = rw[k]
        for ngram, weight in cw[k].items():
            r = refk.get(ngram, 0.0)
            value += min(weight, r) * r
        if cn[k] != 0 and rn[k] != 0:
            value /= cn[k] * rn[k]
        out.append(value * penalty)
    return out


class CiderD:
    """CIDEr-D whose document frequencies come from a fixed reference corpus.

    `CiderD(refs_tokens)` with the evaluated corpus' references reproduces
    corpusCiderD; with the training references it serves as a consensus score
    (nearest-neighbour baseline).
    """

    def __init__(self, references: Sequence[Sequence[Sequence[str]]], sigma: float = 6.0):
        self.sigma = sigma
        self.df: Dict[str, float] = {}
        for refs in references:
            seen = set()
            for ref in refs:
                for counts in count_ngrams(ref):
                    seen.update(counts.keys())
            for g in seen:
                self.df[g] = self.df.get(g, 0.0) + 1.0
        self.log_n = math.log(len(references)) if references else 0.0

    def vec(self, tokens: Sequence[str]):
        return _tfidf(count_ngrams(tokens), self.df, self.log_n)

    def score_vecs(self, cand_vec, ref_vecs) -> float:
        summed = [0.0] * 4
        for rv in ref_vecs:
            for k, v in enumerate(_sim(cand_vec, rv, self.sigma)):
                summed[k] += v
        return sum(summed) / 4 / len(ref_vecs) * 10


def corpus_cider_d(candidates: Sequence[str], references: Sequence[Sequence[str]], tokenize=tokenize_caption) -> Tuple[float, List[float]]:
    """Mirror of corpusCiderD: candidates and references as raw text."""
    cand_tok = [tokenize(c) for c in candidates]
    ref_tok = [[tokenize(r) for r in refs] for refs in references]
    scorer = CiderD(ref_tok)
    per = []
    for c, refs in zip(cand_tok, ref_tok):
        if not refs:
            raise ValueError("CIDEr-D needs at least one reference per image")
        per.append(scorer.score_vecs(scorer.vec(c), [scorer.vec(r) for r in refs]))
    return (sum(per) / len(per) if per else 0.0), per


# ---------------------------------------------------------------------------
# BLEU (coco-caption), see src/eval/bleu.ts.

TINY = 1e-15
SMALL = 1e-9


def corpus_bleu(candidates: Sequence[str], references: Sequence[Sequence[str]], tokenize=tokenize_caption) -> List[float]:
    total_c, total_r = 0, 0
    guesses = [0] * 4
    matches = [0] * 4
    for cand, refs in zip(candidates, references):
        c = tokenize(cand)
        rs = [tokenize(r) for r in refs]
        max_ref: Dict[str, int] = {}
        for r in rs:
            for counts in count_ngrams(r):
                for g, n in counts.items():
                    max_ref[g] = max(max_ref.get(g, 0), n)
        cc = count_ngrams(c)
        for k in range(4):
            matches[k] += sum(min(max_ref.get(g, 0), n) for g, n in cc[k].items())
            guesses[k] += max(0, len(c) - k)
        best = None
        for length in (len(r) for r in rs):
            if best is None:
                best = length
                continue
            d, bd = abs(length - len(c)), abs(best - len(c))
            if d < bd or (d == bd and length < best):
                best = length
        total_c += len(c)
        total_r += best
    ratio = (total_c + TINY) / (total_r + SMALL)
    bp = math.exp(1 - 1 / ratio) if ratio < 1 else 1.0
    scores = []
    for order in range(1, 5):
        product = 1.0
        for k in range(order):
            product *= (matches[k] + TINY) / (guesses[k] + SMALL)
        scores.append(product ** (1 / order) * bp)
    return scores


def detokenize(tokens: Sequence[str]) -> str:
    """Joins caption tokens for display: re-attaches clitics ("dog 's" -> "dog's", "do n't" -> "don't")."""
    out: List[str] = []
    for t in tokens:
        if out and t in CLITIC_SUFFIXES:
            out[-1] += t
        else:
            out.append(t)
    return " ".join(out)
