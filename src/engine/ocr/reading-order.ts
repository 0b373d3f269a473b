import type { Quad } from './geometry';

export interface PlacedText {
  text: string;
  confidence: number;
  quad: Quad;
}

export interface TextRow<T extends PlacedText> {
  items: T[];
}

/**
 * Groups recognised boxes into rows and orders them top-to-bottom, then
 * left-to-right: two boxes share a row when their vertical extents overlap by
 * more than half of the shorter one.
 */
export function readingOrder<T extends PlacedText>(items: readonly T[]): TextRow<T>[] {
  const spans = items.map((item) => {
    const ys = item.quad.map((p) => p.y);
    const xs = item.quad.map((p) => p.x);
    return { item, top: Math.min(...ys), bottom: Math.max(...ys), left: Math.min(...xs) };
  });
  spans.sort((a, b) => a.top + a.bottom - (b.top + b.bottom));
  const rows: { top: number; bottom: number; members: typeof spans }[] = [];
  for (const span of spans) {
    const row = rows.find((r) => {
      const overlap = Math.min(r.bottom, span.bottom) - Math.max(r.top, span.top);
      const shorter = Math.min(r.bottom - r.top, span.bottom - span.top);
      return shorter > 0 && overlap > shorter / 2;
    });
    if (row) {
      row.members.push(span);
      row.top = Math.min(row.top, span.top);
      row.bottom = Math.max(row.bottom, span.bottom);
    } else {
      rows.push({ top: span.top, bottom: span.bottom, members: [span] });
    }
  }
  rows.sort((a, b) => a.top + a.bottom - (b.top + b.bottom));
  return rows.map((row) => ({ items: row.members.sort((a, b) => a.left - b.left).map((m) => m.item) }));
}
