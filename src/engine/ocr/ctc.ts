export interface CtcWord {
  text: string;
  /** Mean of the winning probabilities of the word's characters. */
  confidence: number;
  /** The winning probability of each character of `text`, in order. */
  characterConfidences: readonly number[];
  /**
   * Where each character of `text` was read, as a fraction of the decoded
   * width (0 = first step, 1 = past the last); recognise() rescales it to the
   * line's own box.
   */
  characterPositions: readonly number[];
}

export interface CtcResult {
  text: string;
  words: CtcWord[];
  /** Mean of the winning probabilities of all emitted characters; 0 for empty text. */
  confidence: number;
}

export interface CtcOptions {
  /**
   * PP-OCR often reads neighbouring words as one ("LIFTLOBBY"). The distance,
   * in steps (8 input pixels each at height 48), between two characters is
   * regular within a word; a distance this many times the line's median
   * starts a new word.
   */
  gapRatio: number;
  /** ...and at least this many steps, so tight lines are not split at every letter. */
  minGapSteps: number;
}

interface Emission {
  character: string;
  probability: number;
  step: number;
}

/**
 * Greedy CTC decoding of a [steps, classes] softmax. Class 0 is the blank;
 * class i ≥ 1 is characters[i - 1].
 */
export function ctcGreedyDecode(
  probs: Float32Array,
  steps: number,
  classes: number,
  characters: readonly string[],
  options: CtcOptions,
): CtcResult {
  const emissions: Emission[] = [];
  let previous = 0;
  for (let t = 0; t < steps; t++) {
    const row = t * classes;
    let best = 0;
    let bestP = probs[row]!;
    for (let c = 1; c < classes; c++) {
      const p = probs[row + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0 && best !== previous) emissions.push({ character: characters[best - 1] ?? '', probability: bestP, step: t });
    previous = best;
  }
  const words = splitWords(emissions, steps, options);
  const confidence = emissions.length > 0 ? emissions.reduce((s, e) => s + e.probability, 0) / emissions.length : 0;
  return { text: words.map((w) => w.text).join(' '), words, confidence };
}

function splitWords(emissions: readonly Emission[], steps: number, options: CtcOptions): CtcWord[] {
  const distances: number[] = [];
  for (let i = 1; i < emissions.length; i++) {
    if (emissions[i]!.character.trim() !== '' && emissions[i - 1]!.character.trim() !== '') {
      distances.push(emissions[i]!.step - emissions[i - 1]!.step);
    }
  }
  const typical = median(distances);
  const wordGap = Math.max(options.minGapSteps, typical * options.gapRatio);
  const words: CtcWord[] = [];
  let text = '';
  let characterConfidences: number[] = [];
  let characterPositions: number[] = [];
  const endWord = () => {
    if (text.length > 0) words.push({ text, confidence: mean(characterConfidences), characterConfidences, characterPositions });
    text = '';
    characterConfidences = [];
    characterPositions = [];
  };
  emissions.forEach((emission, i) => {
    if (emission.character.trim() === '') {
      endWord();
      return;
    }
    const before = emissions[i - 1];
    if (before && before.character.trim() !== '' && emission.step - before.step >= wordGap) endWord();
    text += emission.character;
    characterConfidences.push(emission.probability);
    characterPositions.push((emission.step + 0.5) / steps);
  });
  endWord();
  return words;
}

/** Mean of a word's character probabilities (0 for none): its confidence, here and wherever words are re-cut. */
export function mean(values: readonly number[]): number {
  return values.length > 0 ? values.reduce((sum, v) => sum + v, 0) / values.length : 0;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
