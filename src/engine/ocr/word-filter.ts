/**
 * Which recognised words are said. A misread word read aloud is worse than a
 * missing one, so a word is said only when it is likely real:
 *
 * - a common word (the lexicon vouches for its spelling) needs a mean
 *   character probability of `minWordConfidence`;
 * - anything else (numbers, prices, codes, names, brands, other scripts, and
 *   misreads like "sbootm") needs every character at `minCharacterConfidence`:
 *   nothing but the recogniser vouches for it, and one wrong digit in a price
 *   is as bad as a wrong word;
 * - one or two letters that are not a common word ("W", "KE", "sI") are never
 *   said: on signs they are almost always a piece of a longer word that the
 *   detector cut or the recogniser split (on ocr-dev none of the 9 such
 *   tokens sure enough to pass the rule above was right).
 *
 * Before that, pieces of one word that the recogniser split at wide letter
 * spacing ("W ARE HOUSE", "Flo wers") are joined back when together they
 * make a common word.
 *
 * Measured on ocr-dev (150 ICDAR 2015 photos), word recall / precision of
 * scripts/eval.ts: the previous filter (mean ≥ 0.85, ≥ 0.9 for 1–2 letters,
 * no lexicon) 0.463 / 0.659; these rules without rejoining 0.442 / 0.752;
 * with it 0.452 / 0.769. WordFilterOptions gives the effect of each
 * threshold. A line-level floor on the mean confidence (0.5 before) and
 * dropping a line whose words are mostly refused changed nothing or cost
 * right words there, so there is no line rule.
 *
 * Many right short words ("NO SALE OF ALCOHOL", "Give Way to Buses") sit in
 * regions ICDAR 2015 marks "do not care" (all its words under three
 * characters). They are kept: dropping "NO" would turn the sign around. The
 * eval ignores text read there word by word, as the ICDAR protocol does
 * (TextWord.span places each word): 0.452 / 0.838; ignoring only whole lines
 * whose centre is in such a region, 0.452 / 0.769.
 */

import { mean } from './ctc';

/** A word as the recogniser read it: its text and its characters' winning probabilities. */
export interface ScoredWord {
  text: string;
  /** Mean of `characterConfidences`. */
  confidence: number;
  /** One probability per character (code point) of `text`. */
  characterConfidences: readonly number[];
  /** Where each character sits along the line, 0 (its start) to 1 (its end), when known. */
  characterPositions?: readonly number[];
}

/** Whether a run of letters (any case) is a common word; see Segmenter.isCommonWord. */
export type IsCommonWord = (letters: string) => boolean;

export interface WordFilterOptions {
  /**
   * Mean character probability a common word needs. On ocr-dev the lexicon
   * words between 0.80 and 0.85 were right about half the time (5 of 11),
   * so they are left out; 0.85 → 0.80 moves recall / precision from
   * 0.452 / 0.769 to 0.459 / 0.762.
   */
  minWordConfidence: number;
  /**
   * Probability every character of any other word needs. On ocr-dev 0.85 →
   * 0.90 → 0.95 gives 0.456 / 0.768, 0.452 / 0.769, 0.435 / 0.773: above
   * 0.9 mostly right words go (17 of 19 dropped between 0.9 and 0.95 were right).
   */
  minCharacterConfidence: number;
}

/** Punctuation at either end is not part of the word: "(EXIT", "SALE!", "'STOP'". */
const EDGE_PUNCTUATION = /^\p{P}+|\p{P}+$/gu;
const LETTERS_ONLY = /^\p{L}+$/u;
const ONE_LETTER = /^\p{L}$/u;
/**
 * Letters of an alphabet with case (Latin, Greek, Cyrillic), where one or two
 * of them are rarely a word; one or two Chinese characters often are one.
 */
const ALPHABETIC = /^[\p{Lu}\p{Ll}\p{Lt}]+$/u;

/**
 * Whether the lexicon vouches for a word: after edge punctuation is removed,
 * its parts between hyphens and apostrophes are common words or single
 * letters, at least one a word ("SIDE-GATE", "DON'T", "you'd", "Baby-G").
 */
export function isVouchedFor(text: string, isCommonWord: IsCommonWord): boolean {
  const parts = text.replace(EDGE_PUNCTUATION, '').split(/[-'’]/u);
  const common = parts.map((part) => LETTERS_ONLY.test(part) && isCommonWord(part));
  return common.some(Boolean) && parts.every((part, i) => common[i] || ONE_LETTER.test(part));
}

/** Whether one word may be said; see the module comment. */
export function isLikelyReal(word: ScoredWord, isCommonWord: IsCommonWord, options: WordFilterOptions): boolean {
  const alphanumeric = word.text.replace(/[^\p{L}\p{N}]/gu, '');
  // A word with no letter or digit ("-", "…") says nothing.
  if (alphanumeric.length === 0) return false;
  if (isVouchedFor(word.text, isCommonWord)) return word.confidence >= options.minWordConfidence;
  if (alphanumeric.length <= 2 && ALPHABETIC.test(alphanumeric)) return false;
  return word.characterConfidences.length > 0 && Math.min(...word.characterConfidences) >= options.minCharacterConfidence;
}

/**
 * Joins neighbouring pieces of letters back into one word when, together,
 * they make a common word and at least one of them is not a word on its own:
 * "W ARE HOUSE" → "WAREHOUSE", "G AIN" → "GAIN", "Flo wers" → "Flowers", but
 * never "MEGA STORE" or "A LIVE". Longest span first, up to `maxPieces`.
 */
export function rejoinFragments(words: readonly ScoredWord[], isCommonWord: IsCommonWord, maxPieces = 4): ScoredWord[] {
  const joined: ScoredWord[] = [];
  let start = 0;
  while (start < words.length) {
    let taken = 1;
    for (let end = Math.min(words.length, start + maxPieces); end >= start + 2; end--) {
      const span = words.slice(start, end);
      if (!span.every((piece) => LETTERS_ONLY.test(piece.text))) continue;
      if (span.every((piece) => isCommonWord(piece.text))) continue;
      const text = span.map((piece) => piece.text).join('');
      if (!isCommonWord(text)) continue;
      const characterConfidences = span.flatMap((piece) => piece.characterConfidences);
      const positions = span.map((piece) => piece.characterPositions);
      joined.push({
        text,
        confidence: mean(characterConfidences),
        characterConfidences,
        ...(positions.every((p) => p !== undefined) ? { characterPositions: positions.flat() } : {}),
      });
      taken = end - start;
      break;
    }
    if (taken === 1) joined.push(words[start]!);
    start += taken;
  }
  return joined;
}

/**
 * The part of a line that may be said: its likely-real words, the text made
 * of them, or undefined when none is left.
 */
export function likelyPart<L extends { text: string; words: ScoredWord[] }>(line: L, isCommonWord: IsCommonWord, options: WordFilterOptions): L | undefined {
  const words = line.words.filter((word) => isLikelyReal(word, isCommonWord, options));
  if (words.length === 0) return undefined;
  return { ...line, words, text: words.map((word) => word.text).join(' ') };
}
