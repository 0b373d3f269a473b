import { describe, expect, it } from 'vitest';
import { expandTables } from '../../src/engine/caption/tables';
import type { TableFile } from '../../src/engine/caption/tables';

/** prefold_tables.py's layout: int8 values row by row, zero bytes to a multiple of 4, then the float32 column scales. */
function storedTable(values: number[][], scales: number[]): Uint8Array {
  const count = values.length * scales.length;
  const padded = Math.ceil(count / 4) * 4;
  const bytes = new Uint8Array(padded + scales.length * 4);
  new Int8Array(bytes.buffer, 0, count).set(values.flat());
  new DataView(bytes.buffer).setFloat32(padded, 0, true);
  scales.forEach((scale, c) => new DataView(bytes.buffer).setFloat32(padded + c * 4, scale, true));
  return bytes;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

describe('caption model tables', () => {
  const first = { values: [[1, -2, 127], [-128, 0, 5]], scales: [0.5, 0.1, 3e-3] };
  const second = { values: [[7], [-7], [3]], scales: [0.25] };
  const table: TableFile = { file: 'encoder.tables.bin', mount: 'encoder.tables.fp32', shapes: [[2, 3], [3, 1]] };
  const bin = concat(storedTable(first.values, first.scales), storedTable(second.values, second.scales));

  it('expands each int8 value times its column scale into one float32 file, table after table', () => {
    const { path, data } = expandTables(bin, table);
    expect(path).toBe('encoder.tables.fp32');
    const floats = new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4);
    const expected = [
      ...first.values.flatMap((row) => row.map((v, c) => Math.fround(v * Math.fround(first.scales[c]!)))),
      ...second.values.flatMap((row) => row.map((v) => Math.fround(v * 0.25))),
    ];
    expect(Array.from(floats)).toEqual(expected);
    // The padding after the first table's six values (two bytes) is skipped, not read as a scale.
    expect(floats[2]).toBe(Math.fround(127 * Math.fround(3e-3)));
  });

  it('refuses a file that is shorter or longer than its tables, or a shape that is not two positive integers', () => {
    expect(() => expandTables(bin.subarray(0, bin.length - 1), table)).toThrow(/is 27 bytes, its tables need at least 28/);
    expect(() => expandTables(concat(bin, new Uint8Array(4)), table)).toThrow(/is 32 bytes, its tables take 28/);
    expect(() => expandTables(bin, { ...table, shapes: [[2, 0]] })).toThrow(/two positive integers/);
    let thrown: unknown;
    try {
      expandTables(bin.subarray(0, 10), table);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'model-load' });
  });
});
