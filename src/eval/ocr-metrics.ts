/**
 * Bag-of-words OCR scoring: how many of an image's legible ground-truth words
 * the OCR output contains, ignoring order, layout and case.
 *
 * Word normalisation (decided here, applied identically to both sides):
 * - NFKC (full-width and ligature forms fold to plain letters), then lowercase.
 * - Leading and trailing Unicode punctuation (category P) is stripped, except
 *   "%", "#", "@" and "&", which carry meaning on signs ("50%", "#1", "@name").
 *   Symbols (category S: "$", "€", "+", "=") are never stripped. So
 *   "(Hello," -> "hello", "$10." -> "$10", "50%" -> "50%", '"STOP"' -> "stop".
 * - Internal characters are kept: "one-north", "3.99", "don't", "a/c" each stay
 *   one word; splitting them would let a half-right read score as fully right.
 * - A word left with no letter or digit ("-", "...", "&", "$") is dropped, so
 *   stray punctuation neither earns nor costs anything.
 *
 * Predicted text is split on whitespace. Reference entries are split on
 * whitespace too, so a multi-word ground-truth line counts word by word.
 * Matching is on multisets: a word matches min(count predicted, count in
 * reference) times. Scores are micro-averaged over all images.
 */

export interface OcrEvalItem {
  /** The OCR output for the image, as one string. */
  predicted: string;
  /** The image's legible ground-truth words. */
  reference: readonly string[];
}

export interface OcrWordScores {
  /** matched / referenceWords; 0 when there are no reference words. */
  recall: number;
  /** matched / predictedWords; 0 when nothing was predicted. */
  precision: number;
  /** Harmonic mean of precision and recall; 0 when both are 0. */
  f1: number;
  matched: number;
  predictedWords: number;
  referenceWords: number;
}

// Punctuation other than the kept four, as a run at either end of the word.
const EDGE_PUNCTUATION = /^(?:(?![%#@&])\p{P})+|(?:(?![%#@&])\p{P})+$/gu;
const HAS_LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Normalises one OCR word as described in the module comment; null when the word is dropped. */
export function normalizeOcrWord(word: string): string | null {
  const normalized = word.normalize('NFKC').toLowerCase().replace(EDGE_PUNCTUATION, '');
  return HAS_LETTER_OR_DIGIT.test(normalized) ? normalized : null;
}

function wordCounts(texts: readonly string[]): { counts: Map<string, number>; total: number } {
  const counts = new Map<string, number>();
  let total = 0;
  for (const text of texts) {
    for (const raw of text.split(/\s+/)) {
      const word = normalizeOcrWord(raw);
      if (word === null) continue;
      counts.set(word, (counts.get(word) ?? 0) + 1);
      total++;
    }
  }
  return { counts, total };
}

/** Micro-averaged bag-of-words recall/precision/F1 of OCR output against legible ground-truth words. */
export function ocrWordScores(items: readonly OcrEvalItem[]): OcrWordScores {
  let matched = 0;
  let predictedWords = 0;
  let referenceWords = 0;
  for (const item of items) {
    const predicted = wordCounts([item.predicted]);
    const reference = wordCounts(item.reference);
    predictedWords += predicted.total;
    referenceWords += reference.total;
    for (const [word, count] of predicted.counts) matched += Math.min(count, reference.counts.get(word) ?? 0);
  }
  const recall = referenceWords === 0 ? 0 : matched / referenceWords;
  const precision = predictedWords === 0 ? 0 : matched / predictedWords;
  const f1 = recall + precision === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { recall, precision, f1, matched, predictedWords, referenceWords };
}
