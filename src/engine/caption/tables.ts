/**
 * A caption model's fp32 tables (embeddings, concept head, modulator), made
 * from the int8 values and column scales that models/lightcap/prefold_tables.py
 * stored beside the graph. The graph names them as external data of one
 * file, `mount`, which this builds in memory: ort then neither folds them
 * (its optimiser is off for a pre-optimised graph) nor needs their fp32
 * bytes on disk.
 */
import { EngineError } from '../errors';
import type { ExternalDataFile } from '../runtime/ort';

export interface TableFile {
  /** The int8 values and scales, beside the model. */
  file: string;
  /** The external-data path the model's tables name. */
  mount: string;
  /** [rows, columns] of each table, in file order. */
  shapes: [number, number][];
}

/**
 * Each value times its column's scale, in float32: the int8 value and the
 * float32 scale multiply exactly in float64, and Float32Array rounds once,
 * as ort's fp32 Mul does, so the tables equal what ort's folding made.
 */
export function expandTables(bin: Uint8Array, table: TableFile, name = table.file): ExternalDataFile {
  const total = table.shapes.reduce((sum, [rows, columns]) => sum + rows * columns, 0);
  const out = new Float32Array(total);
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const int8 = new Int8Array(bin.buffer, bin.byteOffset, bin.byteLength);
  let read = 0;
  let written = 0;
  for (const [rows, columns] of table.shapes) {
    if (!Number.isInteger(rows) || !Number.isInteger(columns) || rows < 1 || columns < 1) {
      throw new EngineError('model-load', `${name}: a table shape must be two positive integers, got ${rows}x${columns}`);
    }
    const values = rows * columns;
    const scalesAt = read + values + ((4 - (values % 4)) % 4);
    const end = scalesAt + columns * 4;
    if (end > bin.byteLength) throw new EngineError('model-load', `${name} is ${bin.byteLength} bytes, its tables need at least ${end}`);
    const scales = new Float32Array(columns);
    for (let c = 0; c < columns; c++) scales[c] = view.getFloat32(scalesAt + c * 4, true);
    for (let r = 0; r < rows; r++) {
      const row = read + r * columns;
      const at = written + r * columns;
      for (let c = 0; c < columns; c++) out[at + c] = int8[row + c]! * scales[c]!;
    }
    read = end;
    written += values;
  }
  if (read !== bin.byteLength) throw new EngineError('model-load', `${name} is ${bin.byteLength} bytes, its tables take ${read}`);
  return { path: table.mount, data: new Uint8Array(out.buffer) };
}
