/**
 * CIDEr-D, mirroring vrama91/cider `pyciderevalcap/ciderD/ciderD_scorer.py`
 * (the "CIDEr-D" of Vedantam et al., used on the COCO leaderboard), with
 * df_mode "corpus". This is NOT pycocoevalcap's plain `Cider`, which has
 * neither clipping nor the length penalty.
 *
 * Per image, for n = 1..4:
 * - tf-idf vectors: weight(g) = tf(g) * (log(#images) - log(max(1, df(g)))),
 *   where df(g) counts the images whose reference set contains g, over the
 *   evaluated corpus only. An n-gram used by every image's references weighs 0,
 *   and so does everything in a one-image corpus (log 1 = 0).
 * - similarity with each reference: sum over candidate n-grams of
 *   min(cand, ref) * ref (the clipping), divided by both norms when both are
 *   non-zero (otherwise left undivided, as the Python does), times the gaussian
 *   length penalty exp(-delta^2 / (2 * sigma^2)), sigma = 6.
 * - score = 10 * mean over n of (sum over references / number of references).
 * The corpus score is the mean of the per-image scores.
 *
 * Quirk kept on purpose: `counts2vec` accumulates `length` only for
 * `n == 1`, which is the 0-based index of *bigrams*, so the "length" in the
 * penalty is the number of bigrams (words - 1), not the number of words. The
 * difference of two such lengths equals the word-length difference whenever
 * both captions have at least one word.
 */
import type { CaptionEvalItem, CaptionScoringOptions } from './tokenize';
import { countNgrams, tokenizeCaption } from './tokenize';

export interface CiderDOptions extends CaptionScoringOptions {
  /** Standard deviation of the length penalty; ciderD's default is 6. */
  sigma?: number;
}

export interface CiderDResult {
  /** Mean of `perImage`; 0 for an empty corpus. */
  score: number;
  /** CIDEr-D of each item, in input order. */
  perImage: number[];
}

const MAX_ORDER = 4;
const DEFAULT_SIGMA = 6;
/** The 0-based n-gram index whose term frequencies form `length` in ciderD (bigrams). */
const LENGTH_ORDER_INDEX = 1;

interface TfIdfVector {
  weightsByOrder: Map<string, number>[];
  normsByOrder: number[];
  /** Bigram count, see the module comment. */
  length: number;
}

function toTfIdf(
  countsByOrder: readonly Map<string, number>[],
  documentFrequency: ReadonlyMap<string, number>,
  logImageCount: number,
): TfIdfVector {
  const weightsByOrder: Map<string, number>[] = [];
  const normsByOrder: number[] = [];
  let length = 0;
  countsByOrder.forEach((counts, orderIndex) => {
    const weights = new Map<string, number>();
    let squaredNorm = 0;
    for (const [ngram, termFrequency] of counts) {
      const logDf = Math.log(Math.max(1, documentFrequency.get(ngram) ?? 0));
      const weight = termFrequency * (logImageCount - logDf);
      weights.set(ngram, weight);
      squaredNorm += weight ** 2;
      if (orderIndex === LENGTH_ORDER_INDEX) length += termFrequency;
    }
    weightsByOrder.push(weights);
    normsByOrder.push(Math.sqrt(squaredNorm));
  });
  return { weightsByOrder, normsByOrder, length };
}

/** `sim` in ciderD_scorer.py: clipped cosine per n-gram order, times the length penalty. */
function similarityByOrder(candidate: TfIdfVector, reference: TfIdfVector, sigma: number): number[] {
  const delta = candidate.length - reference.length;
  const lengthPenalty = Math.exp(-(delta ** 2) / (2 * sigma ** 2));
  return candidate.weightsByOrder.map((candidateWeights, orderIndex) => {
    const referenceWeights = reference.weightsByOrder[orderIndex] ?? new Map<string, number>();
    let value = 0;
    for (const [ngram, candidateWeight] of candidateWeights) {
      const referenceWeight = referenceWeights.get(ngram) ?? 0;
      value += Math.min(candidateWeight, referenceWeight) * referenceWeight;
    }
    const candidateNorm = candidate.normsByOrder[orderIndex] ?? 0;
    const referenceNorm = reference.normsByOrder[orderIndex] ?? 0;
    if (candidateNorm !== 0 && referenceNorm !== 0) value /= candidateNorm * referenceNorm;
    return value * lengthPenalty;
  });
}

/**
 * Corpus CIDEr-D with document frequencies taken from the references of
 * `items` themselves. Throws if an image has no references (the Python
 * divides by zero there).
 */
export function corpusCiderD(items: readonly CaptionEvalItem[], options: CiderDOptions = {}): CiderDResult {
  const tokenize = options.tokenize ?? tokenizeCaption;
  const sigma = options.sigma ?? DEFAULT_SIGMA;

  const cooked = items.map((item) => {
    if (item.references.length === 0) throw new RangeError('CIDEr-D needs at least one reference per image');
    return {
      candidate: countNgrams(tokenize(item.candidate), MAX_ORDER),
      references: item.references.map((reference) => countNgrams(tokenize(reference), MAX_ORDER)),
    };
  });

  // compute_doc_freq: each image adds 1 for every n-gram in the union of its references.
  const documentFrequency = new Map<string, number>();
  for (const image of cooked) {
    const ngramsOfImage = new Set<string>();
    for (const reference of image.references) {
      for (const counts of reference) for (const ngram of counts.keys()) ngramsOfImage.add(ngram);
    }
    for (const ngram of ngramsOfImage) documentFrequency.set(ngram, (documentFrequency.get(ngram) ?? 0) + 1);
  }

  const logImageCount = Math.log(cooked.length);
  const perImage = cooked.map((image) => {
    const candidateVector = toTfIdf(image.candidate, documentFrequency, logImageCount);
    const summedByOrder = new Array<number>(MAX_ORDER).fill(0);
    for (const referenceCounts of image.references) {
      const referenceVector = toTfIdf(referenceCounts, documentFrequency, logImageCount);
      similarityByOrder(candidateVector, referenceVector, sigma).forEach((value, orderIndex) => {
        summedByOrder[orderIndex] = (summedByOrder[orderIndex] ?? 0) + value;
      });
    }
    const meanOverOrders = summedByOrder.reduce((sum, value) => sum + value, 0) / MAX_ORDER;
    return (meanOverOrders / image.references.length) * 10;
  });

  const score = perImage.length === 0 ? 0 : perImage.reduce((sum, value) => sum + value, 0) / perImage.length;
  return { score, perImage };
}
