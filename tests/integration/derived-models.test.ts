/**
 * Files derived from npm model files (models/npm-assets.json "derived"): the
 * text detector as onnxruntime-node optimises it. Made on first need, kept
 * while its source and ort are the same, and equal in output to the package's
 * own file run with ort's optimiser on.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { derivedModel, derivedModelPath, ensureDerivedModel } from '../../src/engine/node/derived-models';
import { resolveModelPath } from '../../src/engine/node/model-store';
import { createNodeRuntime } from '../../src/engine/node/node-engine';
import { floatTensor } from '../../src/engine/runtime/ort';
import { decodeImageNode } from '../../src/engine/node/decode';
import { imageToTensor } from '../../src/engine/image/tensor';
import type { OcrConfig } from '../../src/engine/ocr/ocr';

const path = 'ocr/ch_PP-OCRv4_det_infer.extended.onnx';

describe('derived model files', () => {
  const work = mkdtempSync(join(tmpdir(), 'lightcap-derived-'));
  const modelsRoot = join(work, 'models');
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('the shipped text detector config names a derived file, made from the package file', () => {
    const ocr = JSON.parse(readFileSync(resolveModelPath('ocr/ocr.json'), 'utf8')) as { detection: { file: string; graphOptimization?: string } };
    expect(`ocr/${ocr.detection.file}`).toBe(path);
    expect(ocr.detection.graphOptimization).toBe('disabled');
    expect(derivedModel(path)).toEqual({ from: 'ocr/ch_PP-OCRv4_det_infer.onnx', level: 'extended' });
    expect(derivedModel('ocr/ch_PP-OCRv4_det_infer.onnx')).toBeUndefined();
  });

  it('is made when missing, kept while its source is unchanged, and made again when the source changes', async () => {
    const source = join(work, 'source.onnx');
    writeFileSync(source, readFileSync(resolveModelPath(derivedModel(path)!.from)));
    const made = await ensureDerivedModel(path, source, modelsRoot);
    expect(made).toBe(derivedModelPath(path, modelsRoot));
    const first = statSync(made).mtimeMs;
    expect(await ensureDerivedModel(path, source, modelsRoot)).toBe(made);
    expect(statSync(made).mtimeMs).toBe(first);
    // A new package version: another source file, so another stamp.
    writeFileSync(source, readFileSync(resolveModelPath(derivedModel(path)!.from)));
    const later = Date.now() + 5_000;
    const { utimesSync } = await import('node:fs');
    utimesSync(source, later / 1000, later / 1000);
    await ensureDerivedModel(path, source, modelsRoot);
    expect(statSync(made).mtimeMs).toBeGreaterThan(first);
    await expect(ensureDerivedModel('ocr/not-derived.onnx', source, modelsRoot)).rejects.toThrow(/not a derived model file/);
  }, 60_000);

  it('gives the text probability map of the package file within float rounding, with the optimiser off', async () => {
    const runtime = await createNodeRuntime('wasm', 1);
    const made = await ensureDerivedModel(path, resolveModelPath(derivedModel(path)!.from), modelsRoot);
    const original = await runtime.createSession('original', new Uint8Array(readFileSync(resolveModelPath(derivedModel(path)!.from))));
    const optimised = await runtime.createSession('optimised', new Uint8Array(readFileSync(made)), undefined, { graphOptimization: 'disabled' });
    // A banner reading "OPEN 24 HOURS", at 320 x 128 (multiples of the detector's stride of 32), as the engine prepares it.
    const ocr = JSON.parse(readFileSync(resolveModelPath('ocr/ocr.json'), 'utf8')) as OcrConfig;
    const image = await decodeImageNode(new Uint8Array(readFileSync('tests/fixtures/images/open-24-hours.png')));
    const input = floatTensor(imageToTensor(image, 320, 128, ocr.detection.input), [1, 3, 128, 320]);
    const [name] = original.inputNames;
    const a = (await original.run({ [name!]: input }))[original.outputNames[0]!]!.data as Float32Array;
    const b = (await optimised.run({ [name!]: input }))[optimised.outputNames[0]!]!.data as Float32Array;
    expect(b.length).toBe(a.length);
    let worst = 0;
    let text = 0;
    for (let i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      if (a[i]! > 0.5) text++;
    }
    // The words are found (about a tenth of the map is text), and found alike.
    expect(text / a.length).toBeGreaterThan(0.05);
    expect(worst).toBeLessThan(1e-4);
    await Promise.all([original.release(), optimised.release()]);
  }, 60_000);
});
