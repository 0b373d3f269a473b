/**
 * The shipped LightCap captioner (models/lightcap), run by the engine's own
 * caption model and decoding in onnxruntime-web, reproduces PyTorch's greedy
 * tokens on the synthetic input that models/lightcap/export.py describes in
 * golden.json. It exercises the I/O names, the zero-length past cache, the
 * KV-cache growth and the decoding rules.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptionModel } from '../../src/engine/caption/model';
import { appendStep, selectRows } from '../../src/engine/caption/model';
import { floatTensor } from '../../src/engine/runtime/ort';
import type { CaptionModelManifest as Manifest } from '../../src/engine/caption/manifest';
import { goldenInput, loadExportedCaptionModel } from '../../models/tools/lightcap_fixture';

const dir = join(__dirname, '../../models/lightcap');
const readJson = <T>(file: string): T => JSON.parse(readFileSync(join(dir, file), 'utf8')) as T;

describe('LightCap ONNX export', () => {
  const manifest = readJson<Manifest>('manifest.json');
  const vocab = readJson<string[]>(manifest.vocabulary);
  const golden = readJson<{ greedy: number[]; memoryKeysSum: number }>('golden.json');
  let model: CaptionModel;
  beforeAll(async () => {
    model = await loadExportedCaptionModel(dir);
  });
  afterAll(async () => model.release());

  it('has a vocabulary that matches the manifest', () => {
    expect(vocab.length).toBe(manifest.vocabSize);
    expect(vocab.slice(0, 4)).toEqual(['<pad>', '<bos>', '<eos>', '<unk>']);
  });

  it('decodes the golden tokens greedily with an explicit KV cache', async () => {
    const memory = await model.encode(goldenInput());
    const { layers, heads, headDim, prefixLength } = manifest;
    expect(memory.keys.dims).toEqual([layers, 1, heads, prefixLength, headDim]);
    const keySum = memory.keys.data.reduce((sum, v) => sum + v, 0);
    // 2 %: golden.json is PyTorch's, and the shipped encoder quantises its activations (models/lightcap/int8_matmul.py).
    expect(Math.abs(keySum - golden.memoryKeysSum)).toBeLessThan(2e-2 * Math.max(1, Math.abs(golden.memoryKeysSum)) + 0.05);
    const caption = await model.decode(memory, { beamSize: 1 });
    expect(caption.tokens).toEqual(golden.greedy);
    expect(caption.words).toEqual(golden.greedy.map((t) => vocab[t]));
    expect(caption.meanLogProb).toBeLessThan(0);
  });

  it('keeps forbidden words out of the caption', async () => {
    const memory = await model.encode(goldenInput());
    const first = await model.decode(memory, { beamSize: 3 });
    expect(first.words.length).toBeGreaterThan(0);
    const banned = first.words.filter((w) => w.length > 3);
    const second = await model.decode(memory, { beamSize: 3, bannedWords: banned });
    for (const word of banned) expect(second.words).not.toContain(word);
  });
});

describe('selectRows (the beams\' cache, reordered)', () => {
  // [L=2, B=3, H=1, T=2, dh=1]: each value says its layer, row and position.
  const cache = floatTensor(Float32Array.from({ length: 12 }, (_, i) => 100 * Math.floor(i / 6) + 10 * Math.floor((i % 6) / 2) + (i % 2)), [2, 3, 1, 2, 1]);

  it('keeps and repeats rows in order, in a new array or at the start of a scratch buffer', () => {
    const expected = [20, 21, 0, 1, 0, 1, 120, 121, 100, 101, 100, 101];
    expect([...selectRows(cache, [2, 0, 0]).data]).toEqual(expected);
    const scratch = new Float32Array(20).fill(-1);
    const reordered = selectRows(cache, [2, 0, 0], scratch);
    expect(reordered.data.buffer).toBe(scratch.buffer);
    expect([...reordered.data]).toEqual(expected);
    expect(reordered.dims).toEqual([2, 3, 1, 2, 1]);
    expect(selectRows(cache, [0, 1, 2], scratch)).toBe(cache);
  });

  it('refuses a scratch buffer that is too small or is the cache itself', () => {
    expect(() => selectRows(cache, [1, 1, 1], new Float32Array(11))).toThrow(/scratch/);
    expect(() => selectRows(cache, [1, 1, 1], cache.data)).toThrow(/scratch/);
  });
});

describe('appendStep (the next cache from a decoder that returns only the new position)', () => {
  // [L=2, B=2, H=1, T=2, dh=2] and the new position [L, B, H, 1, dh]: values say layer, row and position.
  const past = floatTensor(Float32Array.from({ length: 16 }, (_, i) => 1000 * Math.floor(i / 8) + 100 * Math.floor((i % 8) / 4) + (i % 4)), [2, 2, 1, 2, 2]);
  const step = floatTensor(Float32Array.from({ length: 8 }, (_, i) => 1000 * Math.floor(i / 4) + 100 * Math.floor((i % 4) / 2) + 50 + (i % 2)), [2, 2, 1, 1, 2]);

  it("puts each kept row's cache before its new position, in the rows' new order", () => {
    const next = appendStep(past, step, [1, 1, 0]);
    expect(next.dims).toEqual([2, 3, 1, 3, 2]);
    expect([...next.data]).toEqual([
      100, 101, 102, 103, 150, 151, 100, 101, 102, 103, 150, 151, 0, 1, 2, 3, 50, 51,
      1100, 1101, 1102, 1103, 1150, 1151, 1100, 1101, 1102, 1103, 1150, 1151, 1000, 1001, 1002, 1003, 1050, 1051,
    ]);
    const scratch = new Float32Array(40);
    const written = appendStep(past, step, [1, 1, 0], scratch);
    expect(written.data.buffer).toBe(scratch.buffer);
    expect([...written.data]).toEqual([...next.data]);
  });

  it('starts from an empty cache, and refuses a new position of another shape or a bad scratch', () => {
    const empty = floatTensor(new Float32Array(0), [2, 1, 1, 0, 2]);
    const first = floatTensor(Float32Array.from([1, 2, 3, 4]), [2, 1, 1, 1, 2]);
    expect([...appendStep(empty, first, [0, 0]).data]).toEqual([1, 2, 1, 2, 3, 4, 3, 4]);
    expect(() => appendStep(past, first, [0])).toThrow(/new position/);
    expect(() => appendStep(past, step, [0], new Float32Array(5))).toThrow(/scratch/);
    expect(() => appendStep(past, step, [0], past.data)).toThrow(/scratch/);
    expect(() => appendStep(past, step, [2])).toThrow(/out of range/);
  });
});
