import type { RgbaImage } from './types';
import { assertValidImage } from './tensor';

/**
 * How sharp a picture is: log10(1 + variance of the Laplacian) of a grey copy
 * at most `side` pixels on its longer side (the variance-of-Laplacian focus
 * measure; Pech-Pacheco et al., 2000). A blurred or shaken photo has few
 * strong edges and scores low: the ten captions-dev-vizwiz photos that
 * every VizWiz annotator found too poor to describe have a variance of
 * 0.1–68 at 256 px, the 200 captions-dev photos 83 and up. The caption
 * model has seen no such photo, so its caption of one is a guess; the
 * confidence gate reads this.
 *
 * The grey copy is the same size whatever the image's, so the measure does
 * not depend on resolution; each of its pixels is the mean of up to 4 × 4
 * samples spread over its cell of the source (at most 16 reads per pixel,
 * however large the image). Smaller images are measured as they are: a
 * thumbnail is not blurred by enlarging it (a 160-px copy of a captions-dev
 * photo scores 0.29 higher, the median of 60). Transparent pixels count as
 * white, as in the models' inputs.
 */
export function sharpness(image: RgbaImage, side = 256): number {
  assertValidImage(image);
  const { data, width, height } = image;
  const scale = Math.max(1, Math.max(width, height) / side);
  const w = Math.max(1, Math.round(width / scale));
  const h = Math.max(1, Math.round(height / scale));
  if (w < 3 || h < 3) return 0;
  const luma = (x: number, y: number): number => {
    const i = (y * width + x) * 4;
    const alpha = data[i + 3]! / 255;
    return (0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!) * alpha + 255 * (1 - alpha);
  };
  // Each grey pixel averages its cell of the source on a grid of at most 4 x 4 samples: close to a box filter
  // (blur is judged after the downscale, so aliased noise must not read as edges), at a bounded cost.
  const rowBounds = cellBounds(height, h);
  const colBounds = cellBounds(width, w);
  const greyRow = (gy: number, into: Float32Array<ArrayBuffer>): Float32Array<ArrayBuffer> => {
    const [top, bottom] = rowBounds[gy]!;
    const rowStep = Math.ceil((bottom - top) / 4);
    for (let gx = 0; gx < w; gx++) {
      const [left, right] = colBounds[gx]!;
      const colStep = Math.ceil((right - left) / 4);
      let total = 0;
      let count = 0;
      for (let y = top; y < bottom; y += rowStep) {
        for (let x = left; x < right; x += colStep) {
          total += luma(x, y);
          count++;
        }
      }
      into[gx] = total / count;
    }
    return into;
  };
  // Three grey rows at a time, not the whole copy (196 KB an image that would only become garbage).
  let above = greyRow(0, new Float32Array(w));
  let row = greyRow(1, new Float32Array(w));
  let below = new Float32Array(w);
  let sum = 0;
  let sumOfSquares = 0;
  for (let y = 1; y < h - 1; y++) {
    greyRow(y + 1, below);
    for (let x = 1; x < w - 1; x++) {
      const laplacian = 4 * row[x]! - row[x - 1]! - row[x + 1]! - above[x]! - below[x]!;
      sum += laplacian;
      sumOfSquares += laplacian * laplacian;
    }
    [above, row, below] = [row, below, above];
  }
  const n = (w - 2) * (h - 2);
  const mean = sum / n;
  return Math.log10(1 + Math.max(0, sumOfSquares / n - mean * mean));
}

/** The source pixels [start, end) of each of `cells` equal cells along a side of `size` pixels (cells <= size). */
function cellBounds(size: number, cells: number): [number, number][] {
  return Array.from({ length: cells }, (_, i) => [Math.floor((i * size) / cells), Math.floor(((i + 1) * size) / cells)]);
}
