import { expandRect, minAreaRect, pointInQuad, quadArea, quadPerimeter } from './geometry';
import type { Point, RotatedRect } from './geometry';

/** PaddleOCR's DBPostProcess settings, loaded from the OCR model config. */
export interface DbPostprocessOptions {
  /** Probability above which a pixel counts as text. */
  threshold: number;
  /** Mean probability inside a box below which it is dropped. */
  boxThreshold: number;
  /** DB shrinks text regions in training; this grows them back. */
  unclipRatio: number;
  /** Shorter side, in map pixels, below which a region is noise. */
  minSize: number;
  maxCandidates: number;
}

export interface TextRegion {
  rect: RotatedRect;
  /** Mean text probability inside the region before unclipping. */
  score: number;
}

/**
 * Turns DB's probability map into text boxes, in the map's own pixel space:
 * threshold, 8-connected regions, min-area rectangle, box score, unclip.
 */
export function dbPostprocess(prob: Float32Array, mapWidth: number, mapHeight: number, options: DbPostprocessOptions): TextRegion[] {
  const labels = new Int32Array(mapWidth * mapHeight);
  const stack = new Int32Array(mapWidth * mapHeight);
  const regions: TextRegion[] = [];
  let nextLabel = 0;
  for (let start = 0; start < prob.length; start++) {
    if (labels[start] !== 0 || prob[start]! <= options.threshold) continue;
    nextLabel++;
    if (nextLabel > options.maxCandidates) break;
    const boundary: Point[] = [];
    let top = 0;
    stack[top++] = start;
    labels[start] = nextLabel;
    while (top > 0) {
      const index = stack[--top]!;
      const x = index % mapWidth;
      const y = (index - x) / mapWidth;
      let onEdge = false;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        for (let dx = -1; dx <= 1; dx++) {
          if (dx === 0 && dy === 0) continue;
          const nx = x + dx;
          if (nx < 0 || ny < 0 || nx >= mapWidth || ny >= mapHeight) {
            onEdge = true;
            continue;
          }
          const neighbour = ny * mapWidth + nx;
          if (prob[neighbour]! <= options.threshold) {
            onEdge = true;
            continue;
          }
          if (labels[neighbour] === 0) {
            labels[neighbour] = nextLabel;
            stack[top++] = neighbour;
          }
        }
      }
      if (onEdge) boundary.push({ x, y });
    }
    const region = regionFromBoundary(boundary, prob, mapWidth, mapHeight, options);
    if (region) regions.push(region);
  }
  return regions;
}

function regionFromBoundary(
  boundary: Point[],
  prob: Float32Array,
  mapWidth: number,
  mapHeight: number,
  options: DbPostprocessOptions,
): TextRegion | undefined {
  if (boundary.length < 4) return undefined;
  const rect = minAreaRect(boundary);
  if (Math.min(rect.width, rect.height) < options.minSize) return undefined;
  const score = meanInside(prob, mapWidth, mapHeight, rect.corners);
  if (score < options.boxThreshold) return undefined;
  const grow = (quadArea(rect.corners) * options.unclipRatio) / quadPerimeter(rect.corners);
  const unclipped = expandRect(rect, grow);
  if (Math.min(unclipped.width, unclipped.height) < options.minSize + 2) return undefined;
  return { rect: unclipped, score };
}

/** PaddleOCR's box_score_fast: mean probability over the pixels inside the box. */
export function meanInside(prob: Float32Array, mapWidth: number, mapHeight: number, quad: readonly Point[]): number {
  const xs = quad.map((p) => p.x);
  const ys = quad.map((p) => p.y);
  const x0 = Math.max(0, Math.floor(Math.min(...xs)));
  const x1 = Math.min(mapWidth - 1, Math.ceil(Math.max(...xs)));
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(mapHeight - 1, Math.ceil(Math.max(...ys)));
  let sum = 0;
  let count = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      if (!pointInQuad({ x, y }, quad)) continue;
      sum += prob[y * mapWidth + x]!;
      count++;
    }
  }
  // A rectangle thinner than a pixel misses every pixel centre; score its centre instead.
  if (count === 0) {
    const cx = Math.min(mapWidth - 1, Math.max(0, Math.round(xs.reduce((a, b) => a + b, 0) / 4)));
    const cy = Math.min(mapHeight - 1, Math.max(0, Math.round(ys.reduce((a, b) => a + b, 0) / 4)));
    return prob[cy * mapWidth + cx]!;
  }
  return sum / count;
}
