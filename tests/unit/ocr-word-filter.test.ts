import { describe, expect, it } from 'vitest';
import { isLikelyReal, isVouchedFor, likelyPart, rejoinFragments } from '../../src/engine/ocr/word-filter';
import type { ScoredWord } from '../../src/engine/ocr/word-filter';

// A stand-in for the segmenter's common words: a short list, case-insensitive.
const common = new Set(['sale', 'ake', 'to', 'of', 'no', 'exit', 'side', 'gate', 'you', 'baby', 'ware', 'are', 'house', 'warehouse', 'gain', 'flowers', 'mega', 'store', 'megastore', 'live', 'alive', 'a', 'dont']);
const isCommonWord = (letters: string) => common.has(letters.toLowerCase());
const options = { minWordConfidence: 0.85, minCharacterConfidence: 0.9 };

/** A word whose characters all have probability p, or the given per-character probabilities. */
function word(text: string, ...probabilities: number[]): ScoredWord {
  const characterConfidences = probabilities.length === 1 ? Array.from(text, () => probabilities[0]!) : probabilities;
  expect(characterConfidences).toHaveLength(Array.from(text).length);
  return { text, confidence: characterConfidences.reduce((a, b) => a + b, 0) / characterConfidences.length, characterConfidences };
}

describe('isVouchedFor', () => {
  it('accepts common words, with edge punctuation, hyphens and apostrophes', () => {
    expect(isVouchedFor('SALE!', isCommonWord)).toBe(true);
    expect(isVouchedFor('"EXIT"', isCommonWord)).toBe(true);
    expect(isVouchedFor('SIDE-GATE', isCommonWord)).toBe(true);
    expect(isVouchedFor("you'd", isCommonWord)).toBe(true);
    expect(isVouchedFor('Baby-G', isCommonWord)).toBe(true);
  });

  it('refuses unknown strings, numbers and lone letters', () => {
    expect(isVouchedFor('sbootm', isCommonWord)).toBe(false);
    expect(isVouchedFor('$9.90', isCommonWord)).toBe(false);
    expect(isVouchedFor('G-W', isCommonWord)).toBe(false);
    expect(isVouchedFor('SIDE-GAT', isCommonWord)).toBe(false);
  });
});

describe('isLikelyReal', () => {
  it('says a common word when its mean character probability clears the word bar', () => {
    expect(isLikelyReal(word('EXIT', 0.86), isCommonWord, options)).toBe(true);
    expect(isLikelyReal(word('EXIT', 0.84), isCommonWord, options)).toBe(false);
    // One weak letter is forgiven in a word the lexicon knows.
    expect(isLikelyReal(word('EXIT', 0.99, 0.6, 0.99, 0.99), isCommonWord, options)).toBe(true);
  });

  it('says anything else only when every character is sure', () => {
    expect(isLikelyReal(word('DHC', 0.95), isCommonWord, options)).toBe(true);
    expect(isLikelyReal(word('sbootm', 0.99, 0.99, 0.99, 0.99, 0.99, 0.7), isCommonWord, options)).toBe(false);
    expect(isLikelyReal(word('$9.90', 0.97), isCommonWord, options)).toBe(true);
    // A price with one unsure digit is not said: $9.90 and $8.90 are different prices.
    expect(isLikelyReal(word('$9.90', 0.99, 0.8, 0.99, 0.99, 0.99), isCommonWord, options)).toBe(false);
  });

  it('says one or two letters only when they are a common word, and never bare punctuation', () => {
    expect(isLikelyReal(word('TO', 0.95), isCommonWord, options)).toBe(true);
    expect(isLikelyReal(word('No', 0.95), isCommonWord, options)).toBe(true);
    expect(isLikelyReal(word('W', 0.99), isCommonWord, options)).toBe(false);
    expect(isLikelyReal(word('KE', 0.99), isCommonWord, options)).toBe(false);
    // Digits are not letters: a sure "18" in "BELOW 18" is said.
    expect(isLikelyReal(word('18', 0.99), isCommonWord, options)).toBe(true);
    expect(isLikelyReal(word('--', 0.99), isCommonWord, options)).toBe(false);
    // One or two Chinese characters are often a whole word.
    expect(isLikelyReal(word('出口', 0.95), isCommonWord, options)).toBe(true);
  });
});

describe('rejoinFragments', () => {
  const texts = (words: readonly ScoredWord[]) => words.map((w) => w.text);

  it('joins pieces that make a common word, keeping every character probability', () => {
    const joined = rejoinFragments([word('EXIT', 0.9), word('W', 0.95), word('ARE', 0.9), word('HOUSE', 0.8)], isCommonWord);
    expect(texts(joined)).toEqual(['EXIT', 'WAREHOUSE']);
    expect(joined[1]!.characterConfidences).toHaveLength(9);
    expect(joined[1]!.confidence).toBeCloseTo((0.95 + 3 * 0.9 + 5 * 0.8) / 9, 6);
    expect(texts(rejoinFragments([word('Flo', 0.99), word('wers', 0.99)], isCommonWord))).toEqual(['Flowers']);
    expect(texts(rejoinFragments([word('G', 0.9), word('AIN', 0.9)], isCommonWord))).toEqual(['GAIN']);
  });

  it('leaves words that stand on their own, even when together they make a word, and pieces that make no word', () => {
    expect(texts(rejoinFragments([word('MEGA', 0.9), word('STORE', 0.9)], isCommonWord))).toEqual(['MEGA', 'STORE']);
    expect(texts(rejoinFragments([word('A', 0.9), word('LIVE', 0.9)], isCommonWord))).toEqual(['A', 'LIVE']);
    expect(texts(rejoinFragments([word('sboo', 0.9), word('tm', 0.9)], isCommonWord))).toEqual(['sboo', 'tm']);
    // Only letters join: "DON'" + "T" is left to the lexicon check as it is.
    expect(texts(rejoinFragments([word("DON'", 0.9), word('T', 0.9)], isCommonWord))).toEqual(["DON'", 'T']);
  });
});

describe('likelyPart', () => {
  it('keeps the likely words of a line and drops a line with none', () => {
    // The junk that was once said as 'Text: "sale sbootm ake rrie"'.
    const junk = { text: 'sale sbootm ake rrie', words: [word('sale', 0.8), word('sbootm', 0.9, 0.7, 0.9, 0.95, 0.6, 0.9), word('ake', 0.7), word('rrie', 0.88)] };
    expect(likelyPart(junk, isCommonWord, options)).toBeUndefined();
    const sign = { text: 'NO SALE W', words: [word('NO', 0.99), word('SALE', 0.97), word('W', 0.99)] };
    expect(likelyPart(sign, isCommonWord, options)?.text).toBe('NO SALE');
    expect(likelyPart(sign, isCommonWord, options)?.words.map((w) => w.text)).toEqual(['NO', 'SALE']);
  });

  it('without a lexicon, says only words every character of which is sure, never a short word', () => {
    const sign = { text: 'NO SALE', words: [word('NO', 0.99), word('SALE', 0.99, 0.99, 0.85, 0.99)] };
    expect(likelyPart(sign, () => false, options)).toBeUndefined();
  });
});
