import { describe, expect, it } from 'vitest';
import { beamSearch, blockedTokens } from '../../src/engine/caption/decode';
import type { DecodeOptions, DecodeStep } from '../../src/engine/caption/decode';
import { tidyCaption } from '../../src/engine/caption/tidy';

const bos = 0;
const eos = 1;
const options: DecodeOptions = { bos, eos, maxTokens: 6, beamSize: 1, noRepeatNgram: 0, banned: [], lengthPenalty: 0 };

/** A toy model: a table of next-token probabilities keyed by the previous token. */
function tableModel(table: Record<number, Record<number, number>>, vocab = 6): DecodeStep<number> {
  return async (lastTokens, states) => ({
    logProbs: lastTokens.map((token) => {
      const row = new Float32Array(vocab).fill(-Infinity);
      for (const [next, p] of Object.entries(table[token] ?? { [eos]: 1 })) row[Number(next)] = Math.log(p);
      return row;
    }),
    states: states.map((s) => s + 1),
  });
}

describe('beamSearch', () => {
  // bos → 2 (0.6) or 3 (0.4); 2 → eos (0.5) or 4 (0.5); 3 → eos (1.0)
  const model = tableModel({ [bos]: { 2: 0.6, 3: 0.4 }, 2: { [eos]: 0.5, 4: 0.5 }, 3: { [eos]: 1 }, 4: { [eos]: 1 } });

  it('greedy follows the most likely token at each step', async () => {
    expect((await beamSearch(model, 0, options)).tokens).toEqual([2]);
  });

  it('a beam finds the more likely whole sequence', async () => {
    // [2] scores 0.6*0.5 = 0.30; [3] scores 0.4; [2,4] scores 0.30.
    const result = await beamSearch(model, 0, { ...options, beamSize: 3 });
    expect(result.tokens).toEqual([3]);
    expect(result.score).toBeCloseTo(Math.log(0.4), 6);
  });

  it('stops at the length limit', async () => {
    const loop = tableModel({ [bos]: { 2: 1 }, 2: { 2: 0.9, [eos]: 0.1 } });
    expect((await beamSearch(loop, 0, { ...options, maxTokens: 4 })).tokens).toEqual([2, 2, 2, 2]);
  });

  it('blocks repeated n-grams and banned tokens', async () => {
    expect([...blockedTokens([5, 2, 3, 5, 2], 3)]).toEqual([3]);
    const loop = tableModel({ [bos]: { 2: 1 }, 2: { 3: 0.9, [eos]: 0.1 }, 3: { 2: 0.9, [eos]: 0.1 } });
    // After 2 3 2, another 3 would repeat the bigram (2, 3): only the end is left.
    expect((await beamSearch(loop, 0, { ...options, maxTokens: 10, noRepeatNgram: 2 })).tokens).toEqual([2, 3, 2]);
    expect((await beamSearch(model, 0, { ...options, banned: [2] })).tokens).toEqual([3]);
  });
});

describe('tidyCaption', () => {
  it('capitalises, ends with a full stop, and fixes articles', () => {
    expect(tidyCaption(['a', 'elephant', 'walks', 'past', 'an', 'tree'], { neutral: false })).toBe('An elephant walks past a tree.');
    expect(tidyCaption(['the', 'dog', "'s", 'ball', '.'], { neutral: false })).toBe("The dog's ball.");
  });

  it('can use neutral words for people', () => {
    expect(tidyCaption(['a', 'man', 'and', 'a', 'girl', 'ride', 'his', 'bike'], { neutral: true })).toBe('A person and a child ride their bike.');
  });
});
