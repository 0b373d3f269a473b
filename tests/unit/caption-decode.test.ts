import { describe, expect, it } from 'vitest';
import { beamSearch, blockedByTrigram, decodeCaption, greedySearch } from '../../src/engine/caption/decode';
import type { CaptionStepper, DecodeOptions } from '../../src/engine/caption/decode';
import { tidyCaption } from '../../src/engine/caption/tidy';

const bos = 0;
const eos = 1;
const options: DecodeOptions = { bos, eos, maxWords: 6, beamSize: 1, blockRepeatedTrigrams: false, suppress: [], lengthAlpha: 0 };

/**
 * A toy model: next-token probabilities keyed by the previous token. It also
 * records the parent rows it was given, as a KV cache would be reordered.
 */
function tableModel(table: Record<number, Record<number, number>>, vocab = 6): CaptionStepper & { parents: number[][] } {
  const parents: number[][] = [];
  return {
    parents,
    async step(lastTokens, rows) {
      parents.push([...rows]);
      return lastTokens.map((token) => {
        const row = new Float32Array(vocab).fill(-Infinity);
        for (const [next, p] of Object.entries(table[token] ?? { [eos]: 1 })) row[Number(next)] = Math.log(p);
        return row;
      });
    },
  };
}

describe('caption decoding', () => {
  // bos → 2 (0.6) or 3 (0.4); 2 → eos (0.5) or 4 (0.5); 3 → eos (1.0)
  const table = { [bos]: { 2: 0.6, 3: 0.4 }, 2: { [eos]: 0.5, 4: 0.5 }, 3: { [eos]: 1 }, 4: { [eos]: 1 } };

  it('greedy follows the most likely token at each step and reports its log-probability', async () => {
    const result = await greedySearch(tableModel(table), options);
    expect(result.tokens).toEqual([2]);
    expect(result.logProb).toBeCloseTo(Math.log(0.6 * 0.5), 5);
    expect(result.meanLogProb).toBeCloseTo(Math.log(0.6 * 0.5) / 2, 5);
  });

  it('a beam finds the more likely whole sequence and keeps cache rows in step', async () => {
    const model = tableModel(table);
    // [2] scores 0.6*0.5 = 0.30; [3] scores 0.4; [2,4] scores 0.30.
    const result = await decodeCaption(model, { ...options, beamSize: 3 });
    expect(result.tokens).toEqual([3]);
    expect(result.logProb).toBeCloseTo(Math.log(0.4), 5);
    // The first step has no cache to reorder; both hypotheses of the second extend row 0 of the first.
    expect(model.parents[0]).toEqual([]);
    expect(model.parents[1]).toEqual([0, 0]);
  });

  it('a beam stops once its best finished caption outscores every open beam', async () => {
    // [2] ends with 0.9 * 0.9 = 0.81 at the second step; the open beams are then 0.09 and 0.05, and can only fall.
    const wide = { [bos]: { 2: 0.9, 3: 0.05, 4: 0.05 }, 2: { [eos]: 0.9, 5: 0.1 }, 3: { 5: 1 }, 4: { 5: 1 }, 5: { 5: 0.5, [eos]: 0.5 } };
    const model = tableModel(wide);
    const result = await beamSearch(model, { ...options, beamSize: 3 });
    expect(result.tokens).toEqual([2]);
    expect(result.logProb).toBeCloseTo(Math.log(0.81), 5);
    // Two steps, although only one of the three beams has finished.
    expect(model.parents).toHaveLength(2);
  });

  it('greedy stops at the length limit; the beam forces the end there', async () => {
    const loop = { [bos]: { 2: 1 }, 2: { 2: 1 } };
    // model.py's greedy runs maxWords + 1 steps; its beam search ends every hypothesis at maxWords.
    expect((await greedySearch(tableModel(loop), { ...options, maxWords: 3 })).tokens).toEqual([2, 2, 2, 2]);
    expect((await beamSearch(tableModel(loop), { ...options, maxWords: 3, beamSize: 2 })).tokens).toEqual([2, 2, 2]);
  });

  it('blocks repeated trigrams and suppressed tokens', async () => {
    expect(blockedByTrigram([5, 2, 3, 5, 2])).toEqual([3]);
    const loop = { [bos]: { 2: 1 }, 2: { 3: 0.9, [eos]: 0.1 }, 3: { 2: 0.9, [eos]: 0.1 } };
    // After 2 3 2 3, another 2 would repeat the trigram (3, 2 ... ) 2 3 2: only the end is left.
    const blocked = await greedySearch(tableModel(loop), { ...options, maxWords: 10, blockRepeatedTrigrams: true });
    expect(blocked.tokens).toEqual([2, 3, 2, 3]);
    expect((await greedySearch(tableModel(table), { ...options, suppress: [2] })).tokens).toEqual([3]);
  });

  it('a token a trigram blocked is allowed again once the repeat is gone', async () => {
    // After 2 3 2 3, another 2 would repeat the trigram 2 3 2, so 4 is taken; after 3 4 nothing would repeat, so 2 may follow again.
    const loop = { [bos]: { 2: 1 }, 2: { 3: 1 }, 3: { 2: 0.9, 4: 0.1 }, 4: { 2: 1 } };
    const result = await greedySearch(tableModel(loop), { ...options, maxWords: 5, blockRepeatedTrigrams: true });
    expect(result.tokens).toEqual([2, 3, 2, 3, 4, 2]);
  });

  it('scores a token by its log-probability under the whole row, suppressed tokens included', async () => {
    // Suppressing 2 changes which token is chosen, not the normaliser: 3 keeps log(0.3).
    const row = { [bos]: { 2: 0.7, 3: 0.3 }, 3: { [eos]: 1 } };
    const result = await greedySearch(tableModel(row), { ...options, suppress: [2] });
    expect(result.tokens).toEqual([3]);
    expect(result.tokenLogProbs[0]).toBeCloseTo(Math.log(0.3), 6);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(greedySearch(tableModel(table), options, controller.signal)).rejects.toMatchObject({ code: 'aborted' });
  });
});

describe('tidyCaption', () => {
  it('capitalises, ends with a full stop, fixes articles and rejoins clitics', () => {
    expect(tidyCaption(['a', 'elephant', 'walks', 'past', 'an', 'tree'], { neutral: false })).toBe('An elephant walks past a tree.');
    expect(tidyCaption(['the', 'dog', "'s", 'ball', '.'], { neutral: false })).toBe("The dog's ball.");
    expect(tidyCaption(['it', 'is', "n't", 'a', 'cat'], { neutral: false })).toBe("It isn't a cat.");
  });

  it('can use neutral words for people', () => {
    expect(tidyCaption(['a', 'man', 'and', 'a', 'girl', 'ride', 'his', 'bike'], { neutral: true })).toBe('A person and a child ride their bike.');
    expect(tidyCaption(['an', 'old', 'woman'], { neutral: true })).toBe('An old person.');
    expect(tidyCaption(['a', 'man'], { neutral: false })).toBe('A man.');
  });
});
