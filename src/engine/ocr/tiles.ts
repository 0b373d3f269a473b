/**
 * The text detector's input cut into overlapping tiles. onnxruntime's wasm
 * memory grows to the largest run it has seen and never shrinks: one
 * 1280-pixel pass of the PP-OCR detector left it at 298 MB (60 MB after a
 * 512-pixel one), for as long as the engine lives. Tiles bound that peak by
 * the tile size instead of the image size.
 *
 * Each tile is read with a margin of context on every side that has image
 * there, and only its core (the tiles' cores cover the input exactly once) is
 * kept, so a text line cut by a tile border is still seen whole by the tile
 * whose core holds each of its pixels.
 */

import type { Box } from '../image/types';

interface Span {
  start: number;
  length: number;
}

export interface Tile {
  /** The region run through the detector, in input pixels. */
  input: Box;
  /** The part of it kept, in input pixels; the cores of all tiles partition the input. */
  core: Box;
}

export interface TileOptions {
  /** Longest side of a tile's input, margins included. */
  maxSide: number;
  /** Context read around each core where the image extends, in input pixels. */
  margin: number;
  /** Every start and length is a multiple of this (the network's stride). */
  multiple: number;
}

/** One axis: cores of near-equal length (multiples of `multiple`) whose inputs, with margins, fit `maxSide`. */
function axisTiles(length: number, { maxSide, margin, multiple }: TileOptions): Array<{ input: Span; core: Span }> {
  if (length <= maxSide) return [{ input: { start: 0, length }, core: { start: 0, length } }];
  const coreMax = maxSide - 2 * margin;
  if (coreMax < multiple) throw new RangeError(`tiles of ${maxSide} leave no core inside margins of ${margin}`);
  const count = Math.ceil(length / coreMax);
  const core = Math.ceil(length / count / multiple) * multiple;
  const spans: Array<{ input: Span; core: Span }> = [];
  for (let start = 0; start < length; start += core) {
    const end = Math.min(length, start + core);
    const inputStart = Math.max(0, start - margin);
    const inputEnd = Math.min(length, end + margin);
    spans.push({ input: { start: inputStart, length: inputEnd - inputStart }, core: { start, length: end - start } });
  }
  return spans;
}

/** The tiles of a `width` x `height` detector input (both multiples of options.multiple); a single tile when it fits. */
export function detectionTiles(width: number, height: number, options: TileOptions): Tile[] {
  const columns = axisTiles(width, options);
  const rows = axisTiles(height, options);
  return rows.flatMap((row) =>
    columns.map((column) => ({
      input: { x: column.input.start, y: row.input.start, width: column.input.length, height: row.input.length },
      core: { x: column.core.start, y: row.core.start, width: column.core.length, height: row.core.length },
    })),
  );
}

/** Copies a tile's input region out of a [channels, height, width] planar tensor. */
export function cropPlanar(source: Float32Array, channels: number, width: number, height: number, region: Box): Float32Array {
  if (source.length !== channels * width * height) throw new RangeError('tensor size does not match its dimensions');
  const out = new Float32Array(channels * region.width * region.height);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < region.height; y++) {
      const from = c * width * height + (region.y + y) * width + region.x;
      out.set(source.subarray(from, from + region.width), c * region.width * region.height + y * region.width);
    }
  }
  return out;
}

/** Writes the core of a tile's single-channel output map into the whole map. */
export function pasteCore(target: Float32Array, width: number, tileMap: Float32Array, tile: Tile): void {
  const { input, core } = tile;
  if (tileMap.length !== input.width * input.height) throw new RangeError('tile map size does not match its tile');
  for (let y = 0; y < core.height; y++) {
    const from = (core.y - input.y + y) * input.width + (core.x - input.x);
    target.set(tileMap.subarray(from, from + core.width), (core.y + y) * width + core.x);
  }
}
