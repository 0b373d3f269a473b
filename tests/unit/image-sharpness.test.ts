import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sharpness } from '../../src/engine/image/sharpness';
import { decodeImageNode } from '../../src/engine/node/decode';
import type { RgbaImage } from '../../src/engine/image/types';

function image(width: number, height: number, grey: (x: number, y: number) => number, alpha = 255): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data.fill(grey(x, y), i, i + 3);
      data[i + 3] = alpha;
    }
  }
  return { width, height, data };
}

/** Squares of `size` pixels, black and white. */
const checks = (size: number) => (x: number, y: number) => ((Math.floor(x / size) + Math.floor(y / size)) % 2) * 255;

/** The same pattern seen through a (2r+1)-pixel box blur. */
function blurred(width: number, height: number, pattern: (x: number, y: number) => number, r: number): RgbaImage {
  return image(width, height, (x, y) => {
    let total = 0;
    for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) total += pattern(x + dx, y + dy);
    return Math.round(total / (2 * r + 1) ** 2);
  });
}

describe('picture sharpness', () => {
  it('is 0 for a flat picture, and for one too small to have an inside', () => {
    expect(sharpness(image(300, 200, () => 128))).toBe(0);
    expect(sharpness(image(2, 2, checks(1)))).toBe(0);
  });

  it('falls when the same picture is blurred', () => {
    const sharp = sharpness(image(256, 192, checks(8)));
    const soft = sharpness(blurred(256, 192, checks(8), 2));
    const softer = sharpness(blurred(256, 192, checks(8), 6));
    expect(sharp).toBeGreaterThan(soft + 0.3);
    expect(soft).toBeGreaterThan(softer + 0.3);
  });

  it('does not depend on the resolution the picture comes at', () => {
    const small = sharpness(image(640, 480, checks(20)));
    const large = sharpness(image(2560, 1920, checks(80)));
    expect(Math.abs(small - large)).toBeLessThan(0.1);
  });

  it('counts transparent pixels as white', () => {
    expect(sharpness(image(300, 200, checks(4), 0))).toBe(0);
  });

  it('refuses pixels that do not match the size', () => {
    expect(() => sharpness({ width: 10, height: 10, data: new Uint8Array(12) })).toThrow(/expected 400/);
  });

  // The photos VizWiz's annotators all found too poor to describe, against captions-dev's (skipped without ../shared/data).
  const vizwiz = '../shared/data/captions-dev-vizwiz';
  const dev = '../shared/data/captions-dev/images';
  it.skipIf(!existsSync(vizwiz) || !existsSync(dev))('scores every quality-issue photo below every captions-dev photo', async () => {
    const measure = async (path: string) => sharpness(await decodeImageNode(new Uint8Array(readFileSync(path))));
    const qualityIssues = (JSON.parse(readFileSync(join(vizwiz, 'captions.json'), 'utf8')) as { quality_issue_images: { file_name: string }[] }).quality_issue_images;
    expect(qualityIssues.length).toBe(10);
    const worst = Math.max(...(await Promise.all(qualityIssues.map((q) => measure(join(vizwiz, 'images', q.file_name))))));
    const photos = readdirSync(dev).slice(0, 200);
    const best = Math.min(...(await Promise.all(photos.map((f) => measure(join(dev, f))))));
    expect(worst).toBeLessThan(best);
  }, 60_000);
});
