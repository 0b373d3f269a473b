/**
 * The exported LightCap captioner (models/lightcap) runs in onnxruntime-web and
 * reproduces PyTorch's greedy tokens on the synthetic input that
 * models/lightcap/export.py describes in golden.json. It exercises the I/O
 * names, the zero-length past cache and the KV-cache growth.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrtForNode } from '../../src/engine/runtime/ort';
import type { CaptionModelManifest as Manifest } from '../../src/engine/caption/manifest';

const dir = join(__dirname, '../../models/lightcap');
const readJson = <T>(file: string): T => JSON.parse(readFileSync(join(dir, file), 'utf8')) as T;


describe('LightCap ONNX export', () => {
  const manifest = readJson<Manifest>('manifest.json');
  const vocab = readJson<string[]>(manifest.vocabulary);
  const golden = readJson<{ greedy: number[]; memoryKeysSum: number }>('golden.json');

  it('has a vocabulary that matches the manifest', () => {
    expect(vocab.length).toBe(manifest.vocabSize);
    expect(vocab.slice(0, 4)).toEqual(['<pad>', '<bos>', '<eos>', '<unk>']);
  });

  it('decodes the golden tokens greedily with an explicit KV cache', async () => {
    const ort = await loadOrtForNode();
    ort.env.wasm.numThreads = 1;
    const load = (file: string) => ort.InferenceSession.create(new Uint8Array(readFileSync(join(dir, file))));
    const encoder = await load(manifest.encoder);
    const decoder = await load(manifest.decoder);
    expect(encoder.inputNames).toEqual(['features', 'class_presence']);
    expect(decoder.inputNames).toEqual(['input_ids', 'memory_keys', 'memory_values', 'past_keys', 'past_values']);
    expect(decoder.outputNames).toEqual(['logits', 'present_keys', 'present_values']);

    const features = new Float32Array(480 * 16 * 16);
    for (let c = 0; c < 480; c++) {
      for (let y = 0; y < 16; y++) {
        for (let x = 0; x < 16; x++) features[c * 256 + y * 16 + x] = (c * 31 + y * 17 + x * 7) % 23 === 0 ? 2 : -0.125;
      }
    }
    const presence = Float32Array.from({ length: 80 }, (_, k) => ((k * 37) % 80) / 80);
    const memory = await encoder.run({
      features: new ort.Tensor('float32', features, [1, 480, 16, 16]),
      class_presence: new ort.Tensor('float32', presence, [1, 80]),
    });
    const { layers, heads, headDim, prefixLength } = manifest;
    expect(memory.memory_keys!.dims).toEqual([layers, 1, heads, prefixLength, headDim]);
    const keySum = (memory.memory_keys!.data as Float32Array).reduce((sum, v) => sum + v, 0);
    expect(Math.abs(keySum - golden.memoryKeysSum)).toBeLessThan(1e-3 * Math.max(1, Math.abs(golden.memoryKeysSum)) + 0.05);

    type OrtTensor = (typeof memory)[string];
    let pastK: OrtTensor = new ort.Tensor('float32', new Float32Array(0), [layers, 1, heads, 0, headDim]);
    let pastV: OrtTensor = new ort.Tensor('float32', new Float32Array(0), [layers, 1, heads, 0, headDim]);
    let token = manifest.specialTokens.bos;
    const tokens: number[] = [];
    for (let step = 0; step <= manifest.decoding.maxWords; step++) {
      const out = await decoder.run({
        input_ids: new ort.Tensor('int64', BigInt64Array.from([BigInt(token)]), [1, 1]),
        memory_keys: memory.memory_keys!,
        memory_values: memory.memory_values!,
        past_keys: pastK,
        past_values: pastV,
      });
      expect(out.present_keys!.dims).toEqual([layers, 1, heads, step + 1, headDim]);
      const logits = (out.logits!.data as Float32Array).slice();
      for (const s of manifest.decoding.suppressTokens) logits[s] = -Infinity;
      const n = tokens.length;
      if (manifest.decoding.blockRepeatedTrigrams && n >= 2) {
        for (let i = 0; i + 2 < n; i++) if (tokens[i] === tokens[n - 2] && tokens[i + 1] === tokens[n - 1]) logits[tokens[i + 2]!] = -Infinity;
      }
      let best = 0;
      for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
      if (best === manifest.specialTokens.eos) break;
      tokens.push(best);
      token = best;
      pastK = out.present_keys!;
      pastV = out.present_values!;
    }
    expect(tokens).toEqual(golden.greedy);
    await encoder.release();
    await decoder.release();
  });
});
