import { describe, expect, it } from 'vitest';
import { createSegmenter } from '../../src/engine/ocr/segment';
import { freeMargins, padQuad } from '../../src/engine/ocr/crop';
import type { Quad } from '../../src/engine/ocr/geometry';

// A tiny frequency-ranked lexicon, most frequent first.
const lexicon = ['the', 'to', 'of', 'and', 'a', 'in', 'for', 'see', 'more', 'want', 'i', 'lift', 'lobby', 'cafe', 'below', 'hours', 'open', 'wall', 'ass', 'or', 'ted', 'assorted', 'fiction'];
const options = { maxRank: 20, minTokenLength: 7, minPieceLength: 3, shortPieces: ['a', 'i', 'to', 'or', 'of', 'in'] };

describe('createSegmenter', () => {
  const segmenter = createSegmenter(lexicon, options);

  it('splits glued words into common words, keeping the letter case', () => {
    expect(segmenter.split('IWANTTOSEEMORE')).toEqual(['I', 'WANT', 'TO', 'SEE', 'MORE']);
    expect(segmenter.split('thecafelobby')).toEqual(['the', 'cafe', 'lobby']);
  });

  it('parts letters from digits only where the letters make words', () => {
    expect(segmenter.split('LIFTLOBBY2')).toEqual(['LIFT', 'LOBBY', '2']);
    expect(segmenter.split('OPEN24HOURS')).toEqual(['OPEN', '24', 'HOURS']);
    expect(segmenter.split('CC23')).toEqual(['CC23']);
  });

  it('leaves known words, short tokens and unknown words whole', () => {
    // "assorted" is ranked below maxRank, but it is a word: never "ass or ted".
    expect(segmenter.split('Assorted')).toEqual(['Assorted']);
    expect(segmenter.split('Sanook')).toEqual(['Sanook']);
    expect(segmenter.split('forsee')).toEqual(['forsee']);
    expect(segmenter.split('managdment')).toEqual(['managdment']);
  });
});

describe('crop margins', () => {
  const box = (x: number, y: number, w: number, h: number): Quad => [{ x, y }, { x: x + w, y }, { x: x + w, y: y + h }, { x, y: y + h }];

  it('pads lines by a fraction of their height where there is room, and less next to another line', () => {
    const margins = freeMargins([box(0, 0, 100, 20), box(0, 24, 100, 20), box(300, 0, 50, 10)], 0.3);
    // 4 px apart: each may take half, 2 px = 0.1 of its height.
    expect(margins[0]).toBeCloseTo(0.1, 6);
    expect(margins[1]).toBeCloseTo(0.1, 6);
    expect(margins[2]).toBeCloseTo(0.3, 6);
  });

  it('pads across the line only', () => {
    expect(padQuad(box(10, 10, 100, 20), 0.25)).toEqual(box(10, 5, 100, 30));
  });
});
