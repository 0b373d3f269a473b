/**
 * Corpus BLEU-1..4 as computed by coco-caption
 * (tylin/coco-caption `pycocoevalcap/bleu/bleu.py` + `bleu_scorer.py`,
 * David Chiang's scorer as modified by Hao Fang and Tsung-Yi Lin).
 *
 * Mirrored details, all of which make the numbers differ from textbook BLEU:
 * - Clipped n-gram counts use, per n-gram, the maximum count over the image's
 *   references (`cook_refs`), and the candidate's count is clipped to it.
 * - The effective reference length of an image is the reference length closest
 *   to the candidate length, ties going to the shorter reference
 *   (`min((abs(l - testlen), l))`, option 'closest' as `Bleu.compute_score` uses).
 * - Matches, guesses and lengths are summed over the corpus first; BLEU-N is the
 *   geometric mean of the pooled precisions 1..N, each computed as
 *   (correct + 1e-15) / (guess + 1e-9), so a zero precision yields a tiny
 *   positive number rather than 0, and an exact match scores just under 1.
 * - One corpus-level brevity penalty exp(1 - 1/ratio) where
 *   ratio = (testlen + 1e-15) / (reflen + 1e-9), applied when ratio < 1.
 */
import type { CaptionEvalItem, CaptionScoringOptions } from './tokenize';
import { countNgrams, tokenizeCaption } from './tokenize';

export interface BleuScores {
  bleu1: number;
  bleu2: number;
  bleu3: number;
  bleu4: number;
}

const MAX_ORDER = 4;
/** `tiny` in bleu_scorer.py: keeps a zero match count at (almost) zero. */
const TINY = 1e-15;
/** `small` in bleu_scorer.py: avoids division by zero for empty candidates. */
const SMALL = 1e-9;

interface CookedImage {
  candidateLength: number;
  effectiveReferenceLength: number;
  /** Candidate n-grams per order (`guess`). */
  guesses: number[];
  /** Clipped matching n-grams per order (`correct`). */
  matches: number[];
}

function closestReferenceLength(referenceLengths: readonly number[], candidateLength: number): number {
  let best: number | undefined;
  for (const length of referenceLengths) {
    if (best === undefined) {
      best = length;
      continue;
    }
    const distance = Math.abs(length - candidateLength);
    const bestDistance = Math.abs(best - candidateLength);
    if (distance < bestDistance || (distance === bestDistance && length < best)) best = length;
  }
  if (best === undefined) throw new RangeError('BLEU needs at least one reference per image');
  return best;
}

function cookImage(candidate: readonly string[], references: readonly (readonly string[])[]): CookedImage {
  const maxReferenceCounts = new Map<string, number>();
  for (const reference of references) {
    for (const counts of countNgrams(reference, MAX_ORDER)) {
      for (const [ngram, count] of counts) {
        maxReferenceCounts.set(ngram, Math.max(maxReferenceCounts.get(ngram) ?? 0, count));
      }
    }
  }
  const candidateCounts = countNgrams(candidate, MAX_ORDER);
  const matches = candidateCounts.map((counts) => {
    let clipped = 0;
    for (const [ngram, count] of counts) clipped += Math.min(maxReferenceCounts.get(ngram) ?? 0, count);
    return clipped;
  });
  const guesses = candidateCounts.map((_, index) => Math.max(0, candidate.length - index));
  return {
    candidateLength: candidate.length,
    effectiveReferenceLength: closestReferenceLength(
      references.map((reference) => reference.length),
      candidate.length,
    ),
    guesses,
    matches,
  };
}

/**
 * Corpus-level BLEU-1..4 over `items` (one candidate per image). Throws if an
 * image has no references, as the Python scorer asserts. An empty corpus
 * scores 0 (the Python arithmetic gives exp(1 - 1e6) ≈ 0 there too).
 */
export function corpusBleu(items: readonly CaptionEvalItem[], options: CaptionScoringOptions = {}): BleuScores {
  const tokenize = options.tokenize ?? tokenizeCaption;
  let totalCandidateLength = 0;
  let totalReferenceLength = 0;
  const totalGuesses = new Array<number>(MAX_ORDER).fill(0);
  const totalMatches = new Array<number>(MAX_ORDER).fill(0);

  for (const item of items) {
    const cooked = cookImage(
      tokenize(item.candidate),
      item.references.map((reference) => tokenize(reference)),
    );
    totalCandidateLength += cooked.candidateLength;
    totalReferenceLength += cooked.effectiveReferenceLength;
    for (let index = 0; index < MAX_ORDER; index++) {
      totalGuesses[index] = (totalGuesses[index] ?? 0) + (cooked.guesses[index] ?? 0);
      totalMatches[index] = (totalMatches[index] ?? 0) + (cooked.matches[index] ?? 0);
    }
  }

  const ratio = (totalCandidateLength + TINY) / (totalReferenceLength + SMALL);
  const brevityPenalty = ratio < 1 ? Math.exp(1 - 1 / ratio) : 1;
  const scores: number[] = [];
  for (let order = 1; order <= MAX_ORDER; order++) {
    // Recomputed from scratch per order, exactly like the Python loop, so the
    // floating-point products are the same.
    let product = 1;
    for (let index = 0; index < order; index++) {
      product *= ((totalMatches[index] ?? 0) + TINY) / ((totalGuesses[index] ?? 0) + SMALL);
    }
    scores.push(product ** (1 / order) * brevityPenalty);
  }
  const [bleu1 = 0, bleu2 = 0, bleu3 = 0, bleu4 = 0] = scores;
  return { bleu1, bleu2, bleu3, bleu4 };
}
