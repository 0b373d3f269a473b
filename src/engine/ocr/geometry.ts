export interface Point {
  x: number;
  y: number;
}

/** Four corners in reading order: top-left, top-right, bottom-right, bottom-left. */
export type Quad = [Point, Point, Point, Point];

export interface RotatedRect {
  corners: Quad;
  /** Length of the side along the text direction (tl→tr). */
  width: number;
  /** Length of the side across it (tl→bl). */
  height: number;
}

/** Andrew's monotone chain; returns the hull counter-clockwise without repeating the first point. */
export function convexHull(points: readonly Point[]): Point[] {
  if (points.length < 3) return [...points];
  const sorted = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  const cross = (o: Point, a: Point, b: Point) => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
  const lower: Point[] = [];
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = sorted.length - 1; i >= 0; i--) {
    const p = sorted[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/**
 * Minimum-area enclosing rectangle by rotating calipers over the hull edges
 * (the optimum has one side collinear with a hull edge), as cv2.minAreaRect.
 */
export function minAreaRect(points: readonly Point[]): RotatedRect {
  const hull = convexHull(points);
  if (hull.length === 0) throw new Error('minAreaRect needs at least one point');
  if (hull.length < 3) {
    const xs = hull.map((p) => p.x);
    const ys = hull.map((p) => p.y);
    return axisAlignedRect(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys));
  }
  let best: { area: number; ux: number; uy: number; minU: number; maxU: number; minV: number; maxV: number } | undefined;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    if (len === 0) continue;
    const ux = (b.x - a.x) / len;
    const uy = (b.y - a.y) / len;
    let minU = Infinity;
    let maxU = -Infinity;
    let minV = Infinity;
    let maxV = -Infinity;
    for (const p of hull) {
      const u = p.x * ux + p.y * uy;
      const v = -p.x * uy + p.y * ux;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (!best || area < best.area) best = { area, ux, uy, minU, maxU, minV, maxV };
  }
  if (!best) {
    const p = hull[0]!;
    return axisAlignedRect(p.x, p.y, p.x, p.y);
  }
  const { ux, uy, minU, maxU, minV, maxV } = best;
  const toXY = (u: number, v: number): Point => ({ x: u * ux - v * uy, y: u * uy + v * ux });
  return orderAsText([toXY(minU, minV), toXY(maxU, minV), toXY(maxU, maxV), toXY(minU, maxV)]);
}

export function axisAlignedRect(x0: number, y0: number, x1: number, y1: number): RotatedRect {
  return {
    corners: [
      { x: x0, y: y0 },
      { x: x1, y: y0 },
      { x: x1, y: y1 },
      { x: x0, y: y1 },
    ],
    width: x1 - x0,
    height: y1 - y0,
  };
}

/**
 * Orders a rectangle's corners so that tl→tr runs along its longer side when
 * the text is roughly horizontal, like PaddleOCR's get_mini_boxes: the two
 * leftmost corners become tl/bl, the two rightmost tr/br.
 */
export function orderAsText(corners: readonly Point[]): RotatedRect {
  const byX = [...corners].sort((a, b) => a.x - b.x || a.y - b.y);
  const [l1, l2, r1, r2] = byX as [Point, Point, Point, Point];
  const [tl, bl] = l1.y <= l2.y ? [l1, l2] : [l2, l1];
  const [tr, br] = r1.y <= r2.y ? [r1, r2] : [r2, r1];
  const quad: Quad = [tl, tr, br, bl];
  return {
    corners: quad,
    width: Math.max(distance(tl, tr), distance(bl, br)),
    height: Math.max(distance(tl, bl), distance(tr, br)),
  };
}

export function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

export function quadArea(quad: readonly Point[]): number {
  let sum = 0;
  for (let i = 0; i < quad.length; i++) {
    const a = quad[i]!;
    const b = quad[(i + 1) % quad.length]!;
    sum += a.x * b.y - b.x * a.y;
  }
  return Math.abs(sum) / 2;
}

export function quadPerimeter(quad: readonly Point[]): number {
  let sum = 0;
  for (let i = 0; i < quad.length; i++) sum += distance(quad[i]!, quad[(i + 1) % quad.length]!);
  return sum;
}

/**
 * Grows a rectangle by `distance` on every side. This is what pyclipper's
 * offset + minAreaRect does to a rectangle in PaddleOCR's unclip.
 */
export function expandRect(rect: RotatedRect, by: number): RotatedRect {
  const [tl, tr, , bl] = rect.corners;
  const alongLen = distance(tl, tr) || 1;
  const acrossLen = distance(tl, bl) || 1;
  const ax = (tr.x - tl.x) / alongLen;
  const ay = (tr.y - tl.y) / alongLen;
  const cx = (bl.x - tl.x) / acrossLen;
  const cy = (bl.y - tl.y) / acrossLen;
  const shift = (p: Point, sa: number, sc: number): Point => ({ x: p.x + sa * ax * by + sc * cx * by, y: p.y + sa * ay * by + sc * cy * by });
  const corners: Quad = [shift(tl, -1, -1), shift(tr, 1, -1), shift(rect.corners[2], 1, 1), shift(bl, -1, 1)];
  return orderAsText(corners);
}

export function pointInQuad(p: Point, quad: readonly Point[]): boolean {
  let inside = false;
  for (let i = 0, j = quad.length - 1; i < quad.length; j = i++) {
    const a = quad[i]!;
    const b = quad[j]!;
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}
