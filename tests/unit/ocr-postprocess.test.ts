import { describe, expect, it } from 'vitest';
import { convexHull, expandRect, minAreaRect, orderAsText, quadArea } from '../../src/engine/ocr/geometry';
import type { Point, Quad } from '../../src/engine/ocr/geometry';
import { dbPostprocess, meanInside } from '../../src/engine/ocr/db-postprocess';
import { ctcGreedyDecode } from '../../src/engine/ocr/ctc';
import { readingOrder } from '../../src/engine/ocr/reading-order';
import { detectionInputSize, resegment, sayablePart } from '../../src/engine/ocr/ocr';
import { createSegmenter } from '../../src/engine/ocr/segment';
import { lineCrop } from '../../src/engine/ocr/crop';

const round = (p: Point) => ({ x: Math.round(p.x * 1000) / 1000, y: Math.round(p.y * 1000) / 1000 });

describe('geometry', () => {
  it('finds the convex hull', () => {
    const hull = convexHull([{ x: 0, y: 0 }, { x: 2, y: 0 }, { x: 1, y: 1 }, { x: 2, y: 2 }, { x: 0, y: 2 }]);
    expect(hull).toHaveLength(4);
    expect(quadArea(hull)).toBe(4);
  });

  it('finds the minimum-area rectangle of a rotated rectangle', () => {
    // A 10x2 rectangle rotated by 30°, sampled at its corners and edge midpoints.
    const angle = Math.PI / 6;
    const rotate = (x: number, y: number): Point => ({ x: x * Math.cos(angle) - y * Math.sin(angle), y: x * Math.sin(angle) + y * Math.cos(angle) });
    const points = [rotate(0, 0), rotate(10, 0), rotate(10, 2), rotate(0, 2), rotate(5, 0), rotate(5, 2)];
    const rect = minAreaRect(points);
    expect(rect.width).toBeCloseTo(10, 6);
    expect(rect.height).toBeCloseTo(2, 6);
    expect(quadArea(rect.corners)).toBeCloseTo(20, 6);
  });

  it('orders corners as text: tl, tr, br, bl', () => {
    const rect = orderAsText([{ x: 10, y: 5 }, { x: 0, y: 0 }, { x: 0, y: 5 }, { x: 10, y: 0 }]);
    expect(rect.corners).toEqual([{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 5 }, { x: 0, y: 5 }]);
    expect([rect.width, rect.height]).toEqual([10, 5]);
  });

  it('grows a rectangle by the same distance on every side', () => {
    const rect = expandRect(orderAsText([{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 4 }, { x: 0, y: 4 }]), 1.5);
    expect(rect.corners.map(round)).toEqual([{ x: -1.5, y: -1.5 }, { x: 11.5, y: -1.5 }, { x: 11.5, y: 5.5 }, { x: -1.5, y: 5.5 }]);
  });
});

describe('dbPostprocess', () => {
  const options = { threshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5, minSize: 3, maxCandidates: 100 };

  function map(width: number, height: number, boxes: [number, number, number, number, number][]): Float32Array {
    const prob = new Float32Array(width * height).fill(0.05);
    for (const [x0, y0, x1, y1, p] of boxes) for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) prob[y * width + x] = p;
    return prob;
  }

  it('turns each text blob into an unclipped box and drops weak or tiny ones', () => {
    const prob = map(40, 30, [
      [5, 5, 24, 9, 0.9], // a 20x5 line of text
      [5, 20, 24, 24, 0.4], // above threshold but a weak box score
      [32, 20, 33, 21, 0.95], // 2x2 speck
    ]);
    const regions = dbPostprocess(prob, 40, 30, options);
    expect(regions).toHaveLength(1);
    const [region] = regions;
    expect(region!.score).toBeCloseTo(0.9, 5);
    // Boundary pixel centres span 19x4; unclip distance = 19*4*1.5 / 46.
    const grow = (19 * 4 * 1.5) / 46;
    expect(region!.rect.width).toBeCloseTo(19 + 2 * grow, 5);
    expect(region!.rect.height).toBeCloseTo(4 + 2 * grow, 5);
    expect(round(region!.rect.corners[0])).toEqual(round({ x: 5 - grow, y: 5 - grow }));
  });

  it('scores a box by the mean probability inside it', () => {
    const prob = map(10, 10, [[2, 2, 3, 3, 1]]);
    const quad: Quad = [{ x: 2, y: 2 }, { x: 5, y: 2 }, { x: 5, y: 3 }, { x: 2, y: 3 }];
    // pointInQuad counts the top-left pixels (2,2),(3,2),(4,2) on the half-open rows: 2 of 3 are text.
    expect(meanInside(prob, 10, 10, quad)).toBeCloseTo((1 + 1 + 0.05) / 3, 5);
  });

  it('sizes the detector input to the stride and never upsamples', () => {
    expect(detectionInputSize(1280, 720, 960, 32)).toEqual({ width: 960, height: 544 });
    expect(detectionInputSize(300, 200, 960, 32)).toEqual({ width: 288, height: 192 });
    expect(detectionInputSize(10, 10, 960, 32)).toEqual({ width: 32, height: 32 });
  });
});

describe('ctcGreedyDecode', () => {
  const characters = ['a', 'b', 'c', ' '];
  /** One-hot-ish rows: class index per step with probability p. */
  function probs(classes: number[], p = 0.9): Float32Array {
    const out = new Float32Array(classes.length * 5).fill((1 - p) / 4);
    classes.forEach((c, t) => (out[t * 5 + c] = p));
    return out;
  }

  it('collapses repeats, drops blanks and keeps doubled letters separated by a blank', () => {
    const result = ctcGreedyDecode(probs([1, 1, 0, 1, 2, 2, 0, 3]), 8, 5, characters, { gapRatio: 10, minGapSteps: 100 });
    expect(result.text).toBe('aabc');
    expect(result.confidence).toBeCloseTo(0.9, 6);
  });

  it('splits words at the model space and at unusually wide gaps', () => {
    // Letters every 2 steps, then a 6-step gap: "ab" + "ca".
    const steps = [1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 1];
    const result = ctcGreedyDecode(probs(steps), steps.length, 5, characters, { gapRatio: 1.8, minGapSteps: 3 });
    expect(result.words.map((w) => w.text)).toEqual(['ab', 'ca']);
    const spaced = ctcGreedyDecode(probs([1, 4, 2]), 3, 5, characters, { gapRatio: 10, minGapSteps: 100 });
    expect(spaced.text).toBe('a b');
  });

  it('gives each word its own confidence', () => {
    const out = probs([1, 4, 2]);
    out[2 * 5 + 2] = 0.5;
    const result = ctcGreedyDecode(out, 3, 5, characters, { gapRatio: 10, minGapSteps: 100 });
    expect(result.words.map((w) => w.confidence)).toEqual([expect.closeTo(0.9, 6), expect.closeTo(0.5, 6)]);
  });

  it('keeps the probability of each character of a word', () => {
    const out = probs([1, 0, 2, 0, 3]);
    out[2 * 5 + 2] = 0.4;
    const [word] = ctcGreedyDecode(out, 5, 5, characters, { gapRatio: 10, minGapSteps: 100 }).words;
    expect(word!.text).toBe('abc');
    expect(word!.characterConfidences).toEqual([expect.closeTo(0.9, 6), expect.closeTo(0.4, 6), expect.closeTo(0.9, 6)]);
    expect(word!.confidence).toBeCloseTo(2.2 / 3, 6);
  });

  it('says where along the decoded width each character was read', () => {
    // 10 steps: "ab" at steps 1 and 3, a space, "c" at step 8.
    const result = ctcGreedyDecode(probs([0, 1, 0, 2, 0, 4, 0, 0, 3, 0]), 10, 5, characters, { gapRatio: 10, minGapSteps: 100 });
    expect(result.words.map((w) => w.characterPositions)).toEqual([[0.15, 0.35], [0.85]]);
  });
});

describe('reading order and filtering', () => {
  const box = (x: number, y: number, w: number, h: number): Quad => [{ x, y }, { x: x + w, y }, { x: x + w, y: y + h }, { x, y: y + h }];
  const line = (text: string, quad: Quad, confidence = 0.95) => ({ text, confidence, quad, words: text.split(' ').map((t) => ({ text: t, confidence })), row: 0 });

  it('groups boxes into rows, top to bottom and left to right', () => {
    const rows = readingOrder([line('HOURS', box(120, 52, 80, 20)), line('OPEN', box(10, 10, 60, 20)), line('24', box(10, 50, 30, 20)), line('NOW', box(80, 12, 50, 20))]);
    expect(rows.map((r) => r.items.map((i) => i.text))).toEqual([['OPEN', 'NOW'], ['24', 'HOURS']]);
  });

  it('says only likely words, rejoins split pieces, re-splits glued words and keeps the output shape', () => {
    const segmenter = createSegmenter(['the', 'to', 'of', 'exit', 'ware', 'house', 'warehouse', 'see', 'more', 'want', 'i'], {
      maxRank: 20,
      minTokenLength: 7,
      minPieceLength: 3,
      shortPieces: ['i', 'to'],
    });
    const filter = { minWordConfidence: 0.85, minCharacterConfidence: 0.9, maxRows: 10, maxBoxes: 40 };
    const word = (text: string, ...characterConfidences: number[]) => {
      const all = characterConfidences.length === 1 ? Array.from(text, () => characterConfidences[0]!) : characterConfidences;
      return { text, confidence: all.reduce((a, b) => a + b, 0) / all.length, characterConfidences: all };
    };
    const read = {
      ...line('x', box(0, 0, 10, 10)),
      words: [word('EXIT', 0.86), word('W', 0.95), word('ARE', 0.9), word('HOUSE', 0.8), word('IWANTTOSEEMORE', 0.95), word('zq9', 0.99, 0.99, 0.6), word('KE', 0.99)],
    };
    const said = sayablePart(read, segmenter, (letters) => segmenter.isCommonWord(letters), filter);
    // "W ARE HOUSE" joins to a common word whose mean (0.86) clears the bar; "HOUSE" alone would not.
    expect(said?.text).toBe('EXIT WAREHOUSE I WANT TO SEE MORE');
    expect(said?.words[1]).toEqual({ text: 'WAREHOUSE', confidence: expect.closeTo((0.95 + 3 * 0.9 + 5 * 0.8) / 9, 6) });
    expect(Object.keys(said!.words[0]!).sort()).toEqual(['confidence', 'text']);
    expect(sayablePart({ ...read, words: [word('zq9', 0.99, 0.99, 0.6)] }, segmenter, () => false, filter)).toBeUndefined();
  });

  it('gives each piece of a re-split word the probabilities of its own characters', () => {
    const segmenter = createSegmenter(['lift', 'lobby'], { maxRank: 10, minTokenLength: 7, minPieceLength: 3, shortPieces: [] });
    const characterConfidences = [0.9, 0.9, 0.9, 0.9, 0.5, 0.5, 0.5, 0.5, 0.5];
    const glued = { ...line('LIFTLOBBY', box(0, 0, 90, 10)), words: [{ text: 'LIFTLOBBY', confidence: 0.7, characterConfidences }] };
    const split = resegment(glued, segmenter);
    expect(split.text).toBe('LIFT LOBBY');
    expect(split.words.map((w) => w.confidence)).toEqual([expect.closeTo(0.9, 6), expect.closeTo(0.5, 6)]);
    expect(split.words[1]!.characterConfidences).toHaveLength(5);
  });

  it('keeps each word\'s place along the line through joining and splitting, as a span of the box', () => {
    const segmenter = createSegmenter(['lift', 'lobby', 'ware', 'house', 'warehouse'], { maxRank: 10, minTokenLength: 7, minPieceLength: 3, shortPieces: [] });
    const at = (text: string, from: number) => ({
      text,
      confidence: 0.99,
      characterConfidences: Array.from(text, () => 0.99),
      characterPositions: Array.from(text, (_, i) => from + i * 0.05),
    });
    const read = { ...line('LIFTLOBBY W AREHOUSE', box(0, 0, 200, 10)), words: [at('LIFTLOBBY', 0.05), at('W', 0.55), at('AREHOUSE', 0.6)] };
    const filter = { minWordConfidence: 0.85, minCharacterConfidence: 0.9, maxRows: 10, maxBoxes: 40 };
    const said = sayablePart(read, segmenter, (letters) => segmenter.isCommonWord(letters), filter);
    expect(said?.text).toBe('LIFT LOBBY WAREHOUSE');
    expect(said?.words.map((w) => w.span)).toEqual([
      [0.05, 0.2],
      [0.25, 0.45],
      [0.55, 0.95],
    ]);
  });

  it('turns tall boxes to read vertical text', () => {
    expect(lineCrop(box(0, 0, 10, 40)).aspect).toBe(4);
    expect(lineCrop(box(0, 0, 40, 10)).quad[0]).toEqual({ x: 0, y: 0 });
  });
});
