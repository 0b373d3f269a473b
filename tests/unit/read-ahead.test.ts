import { describe, expect, it } from 'vitest';
import { readAhead } from '../../src/engine/read-ahead';
import type { ModelStore } from '../../src/engine/models';

function countingStore(files: Record<string, string>) {
  const reads: string[] = [];
  const store: ModelStore = {
    async bytes(path) {
      reads.push(path);
      const text = files[path];
      if (text === undefined) throw new Error(`missing ${path}`);
      return new TextEncoder().encode(text);
    },
    async text(path) {
      return new TextDecoder().decode(await store.bytes(path));
    },
  };
  return { store, reads };
}

describe('read-ahead model store', () => {
  it('reads a started file once and hands that read to the first caller, as bytes or text', async () => {
    const { store, reads } = countingStore({ 'a.onnx': 'AAA', 'b.json': '{"b":1}' });
    const files = readAhead(store);
    files.start(['a.onnx', 'b.json', 'a.onnx']);
    expect(reads).toEqual(['a.onnx', 'b.json']);
    expect(new TextDecoder().decode(await files.bytes('a.onnx'))).toBe('AAA');
    expect(await files.text('b.json')).toBe('{"b":1}');
    expect(reads).toEqual(['a.onnx', 'b.json']);
  });

  it('forgets a read once handed over, so the bytes are not held twice; a later ask reads again', async () => {
    const { store, reads } = countingStore({ 'a.onnx': 'AAA' });
    const files = readAhead(store);
    files.start(['a.onnx']);
    await files.bytes('a.onnx');
    await files.bytes('a.onnx');
    expect(reads).toEqual(['a.onnx', 'a.onnx']);
  });

  it('gives a failed read to its taker, and leaves no unhandled rejection when nobody takes it', async () => {
    const { store } = countingStore({});
    const files = readAhead(store);
    files.start(['gone.onnx', 'never-taken.onnx']);
    await expect(files.bytes('gone.onnx')).rejects.toThrow('missing gone.onnx');
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
});
