import type { RgbaImage } from '../image/types';
import type { TensorSpec } from '../image/tensor';
import type { Quad } from './geometry';
import { distance } from './geometry';

export interface LineCrop {
  /** Corners in source pixels, rotated so that tl→tr follows the text. */
  quad: Quad;
  /** Width / height of the text line as it will be read. */
  aspect: number;
}

/**
 * Prepares a detected box for reading, like PaddleOCR's get_rotate_crop_image:
 * a box much taller than wide is taken as vertical text and turned 90° so that
 * the recogniser sees a horizontal line.
 */
export function lineCrop(box: Quad, padding = 0): LineCrop {
  const corners = padding > 0 ? padQuad(box, padding) : box;
  const [tl, tr, br, bl] = corners;
  const width = Math.max(distance(tl, tr), distance(bl, br));
  const height = Math.max(distance(tl, bl), distance(tr, br));
  if (height / Math.max(width, 1e-6) >= 1.5) {
    // np.rot90 on the crop: the right edge becomes the top.
    return { quad: [tr, br, bl, tl], aspect: height / Math.max(width, 1e-6) };
  }
  return { quad: corners, aspect: width / Math.max(height, 1e-6) };
}

/**
 * How much margin each box may get: `fraction` of its height, but never more
 * than half the free space to the nearest box above or below it, so a
 * padded crop of dense scene text does not take in the neighbouring line.
 */
export function freeMargins(boxes: readonly Quad[], fraction: number): number[] {
  const bounds = boxes.map((quad) => {
    const xs = quad.map((p) => p.x);
    const ys = quad.map((p) => p.y);
    return { left: Math.min(...xs), right: Math.max(...xs), top: Math.min(...ys), bottom: Math.max(...ys) };
  });
  return bounds.map((box, i) => {
    let free = Infinity;
    bounds.forEach((other, j) => {
      if (i === j || other.right <= box.left || other.left >= box.right) return;
      if (other.bottom <= box.top) free = Math.min(free, box.top - other.bottom);
      else if (other.top >= box.bottom) free = Math.min(free, other.top - box.bottom);
      else free = 0;
    });
    const height = box.bottom - box.top;
    return height > 0 ? Math.min(fraction, free / 2 / height) : 0;
  });
}

/**
 * Grows a box across the line, on both sides, by `fraction` of its height. PP-OCR's
 * recogniser only emits word spaces when the text has some margin around it
 * (measured: "OPEN24HOURS" on a tight crop, "OPEN 24 HOURS" with 0.3).
 */
export function padQuad(quad: Quad, fraction: number): Quad {
  const [tl, tr, br, bl] = quad;
  const along = Math.max(distance(tl, tr), 1e-6);
  const across = Math.max(distance(tl, bl), 1e-6);
  // Only across the line: padding along it pulls in neighbouring words.
  const by = fraction * Math.min(along, across);
  const cx = ((bl.x - tl.x) / across) * by;
  const cy = ((bl.y - tl.y) / across) * by;
  return [
    { x: tl.x - cx, y: tl.y - cy },
    { x: tr.x - cx, y: tr.y - cy },
    { x: br.x + cx, y: br.y + cy },
    { x: bl.x + cx, y: bl.y + cy },
  ];
}

/**
 * Samples a quadrilateral of the image straight into a [3, outHeight, padWidth]
 * NCHW slot of `out` (at `offset`), resampling to outWidth×outHeight and leaving
 * the padding at 0, which is what PaddleOCR pads with after normalisation.
 * One resampling step instead of crop-then-resize keeps small text sharper.
 */
export function sampleQuadInto(
  out: Float32Array,
  offset: number,
  image: RgbaImage,
  quad: Quad,
  outWidth: number,
  outHeight: number,
  padWidth: number,
  spec: TensorSpec,
  rotate180: boolean,
): void {
  const { data, width: srcW, height: srcH } = image;
  const [tl, tr, br, bl] = rotate180 ? ([quad[2], quad[3], quad[0], quad[1]] as Quad) : quad;
  const order = spec.channelOrder === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  const plane = outHeight * padWidth;
  // Supersample when shrinking a lot, so big headline text does not alias.
  const shrink = Math.max(distance(tl, tr) / outWidth, distance(tl, bl) / outHeight);
  const samples = shrink > 2 ? 2 : 1;
  for (let v = 0; v < outHeight; v++) {
    for (let u = 0; u < outWidth; u++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sv = 0; sv < samples; sv++) {
        const t = (v + (sv + 0.5) / samples) / outHeight;
        for (let su = 0; su < samples; su++) {
          const s = (u + (su + 0.5) / samples) / outWidth;
          const x = (1 - s) * (1 - t) * tl.x + s * (1 - t) * tr.x + s * t * br.x + (1 - s) * t * bl.x - 0.5;
          const y = (1 - s) * (1 - t) * tl.y + s * (1 - t) * tr.y + s * t * br.y + (1 - s) * t * bl.y - 0.5;
          const cx = Math.min(Math.max(x, 0), srcW - 1);
          const cy = Math.min(Math.max(y, 0), srcH - 1);
          const x0 = Math.floor(cx);
          const y0 = Math.floor(cy);
          const x1 = Math.min(x0 + 1, srcW - 1);
          const y1 = Math.min(y0 + 1, srcH - 1);
          const fx = cx - x0;
          const fy = cy - y0;
          const i00 = (y0 * srcW + x0) * 4;
          const i01 = (y0 * srcW + x1) * 4;
          const i10 = (y1 * srcW + x0) * 4;
          const i11 = (y1 * srcW + x1) * 4;
          const w00 = (1 - fx) * (1 - fy);
          const w01 = fx * (1 - fy);
          const w10 = (1 - fx) * fy;
          const w11 = fx * fy;
          const a = (data[i00 + 3]! * w00 + data[i01 + 3]! * w01 + data[i10 + 3]! * w10 + data[i11 + 3]! * w11) / 255;
          const white = 255 * (1 - a);
          r += (data[i00]! * w00 + data[i01]! * w01 + data[i10]! * w10 + data[i11]! * w11) * a + white;
          g += (data[i00 + 1]! * w00 + data[i01 + 1]! * w01 + data[i10 + 1]! * w10 + data[i11 + 1]! * w11) * a + white;
          b += (data[i00 + 2]! * w00 + data[i01 + 2]! * w01 + data[i10 + 2]! * w10 + data[i11 + 2]! * w11) * a + white;
        }
      }
      const n = samples * samples;
      const rgb = [r / n, g / n, b / n];
      const pixel = offset + v * padWidth + u;
      for (let c = 0; c < 3; c++) {
        out[pixel + c * plane] = (rgb[order[c]!]! * spec.scale - spec.mean[c]!) / spec.std[c]!;
      }
    }
  }
}
