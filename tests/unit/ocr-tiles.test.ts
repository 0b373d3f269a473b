import { describe, expect, it } from 'vitest';
import { cropPlanar, detectionTiles, pasteCore } from '../../src/engine/ocr/tiles';

const options = { maxSide: 640, margin: 64, multiple: 32 };

function covered(width: number, height: number, tiles: ReturnType<typeof detectionTiles>): Uint8Array {
  const counts = new Uint8Array(width * height);
  for (const { core } of tiles) for (let y = core.y; y < core.y + core.height; y++) for (let x = core.x; x < core.x + core.width; x++) counts[y * width + x]!++;
  return counts;
}

describe('detectionTiles', () => {
  it('is one tile, the whole input, when the input fits', () => {
    expect(detectionTiles(640, 480, options)).toEqual([{ input: { x: 0, y: 0, width: 640, height: 480 }, core: { x: 0, y: 0, width: 640, height: 480 } }]);
  });

  it('cuts a 1280 x 960 input into tiles whose cores cover every pixel once and whose inputs fit', () => {
    const tiles = detectionTiles(1280, 960, options);
    expect(tiles).toHaveLength(3 * 2);
    expect(covered(1280, 960, tiles).every((n) => n === 1)).toBe(true);
    for (const { input, core } of tiles) {
      expect(Math.max(input.width, input.height)).toBeLessThanOrEqual(640);
      for (const v of [input.x, input.y, input.width, input.height, core.x, core.y, core.width, core.height]) expect(v % 32).toBe(0);
      // The margin is read wherever the image extends.
      expect(core.x - input.x).toBe(Math.min(64, core.x));
      expect(input.x + input.width - (core.x + core.width)).toBe(Math.min(64, 1280 - (core.x + core.width)));
    }
  });

  it('refuses margins that leave no core', () => {
    expect(() => detectionTiles(1280, 1280, { maxSide: 128, margin: 64, multiple: 32 })).toThrow(RangeError);
  });
});

describe('cropPlanar and pasteCore', () => {
  it('reassemble a map exactly from its tiles', () => {
    const width = 1344;
    const height = 704;
    // Each pixel's value is its own index, in every channel (offset per channel).
    const source = new Float32Array(2 * width * height).map((_, i) => i);
    const map = new Float32Array(width * height);
    for (const tile of detectionTiles(width, height, options)) {
      const crop = cropPlanar(source, 2, width, height, tile.input);
      expect(crop[tile.input.width * tile.input.height]).toBe(width * height + tile.input.y * width + tile.input.x);
      pasteCore(map, width, crop.subarray(0, tile.input.width * tile.input.height), tile);
    }
    expect(map).toEqual(source.subarray(0, width * height));
  });

  it('check their sizes', () => {
    expect(() => cropPlanar(new Float32Array(10), 3, 2, 2, { x: 0, y: 0, width: 1, height: 1 })).toThrow(RangeError);
    const [tile] = detectionTiles(64, 64, options);
    expect(() => pasteCore(new Float32Array(64 * 64), 64, new Float32Array(10), tile!)).toThrow(RangeError);
  });
});
