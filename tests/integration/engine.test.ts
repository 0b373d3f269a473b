import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createNodeEngine } from '../../src/engine/node/node-engine';
import type { Engine } from '../../src/engine/engine';
import { decodeImageNode } from '../../src/engine/node/decode';
import { EngineError } from '../../src/engine/errors';
import { solidImage, textImagePng } from '../helpers/images';

const devPhoto = '../shared/data/captions-dev/images/1053804096_ad278b25f1.jpg';

describe('engine with the real models (onnxruntime-web, 1 thread)', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createNodeEngine({ threads: 1 });
    await engine.ready();
  });
  afterAll(async () => engine.release());

  it('reads rendered text and quotes it', async () => {
    const image = await decodeImageNode(await textImagePng('OPEN 24 HOURS'));
    const result = await engine.describe(image);
    expect(result.text.map((l) => l.text).join(' ')).toBe('OPEN 24 HOURS');
    expect(result.alt).toBe('Text: "OPEN 24 HOURS"');
    expect(result.confident).toBe(true);
    expect(result.ms.total).toBeGreaterThan(0);
  });

  it('reads two lines in order', async () => {
    const top = await decodeImageNode(await textImagePng('FRESH BREAD', { width: 520, height: 90 }));
    const bottom = await decodeImageNode(await textImagePng('DAILY', { width: 520, height: 90 }));
    const data = new Uint8Array(top.data.length + bottom.data.length);
    data.set(top.data);
    data.set(bottom.data, top.data.length);
    const result = await engine.describe({ width: 520, height: 180, data });
    expect(result.alt).toBe('Text: "FRESH BREAD DAILY"');
    expect(result.text.map((l) => [l.text, l.row])).toEqual([['FRESH BREAD', 0], ['DAILY', 1]]);
  });

  it('says "nothing confident" for a blank image instead of guessing', async () => {
    const result = await engine.describe(solidImage(320, 240, [200, 200, 200, 255]));
    expect(result).toMatchObject({ confident: false, alt: '', objects: [], text: [] });
  });

  it('rejects an image too small to describe with a typed error', async () => {
    await expect(engine.describe(solidImage(1, 1, [0, 0, 0, 255]))).rejects.toMatchObject({ code: 'image-too-small' });
  });

  it('stops with an "aborted" error when the signal fires', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(engine.describe(solidImage(64, 64, [0, 0, 0, 255]), { signal: controller.signal })).rejects.toBeInstanceOf(EngineError);
    await expect(engine.describe(solidImage(64, 64, [0, 0, 0, 255]), { signal: controller.signal })).rejects.toMatchObject({ code: 'aborted' });
  });

  it('serves concurrent calls from one set of sessions', async () => {
    const image = await decodeImageNode(await textImagePng('EXIT'));
    const results = await Promise.all([engine.describe(image), engine.describe(image), engine.describe(image)]);
    expect(new Set(results.map((r) => r.alt))).toEqual(new Set(['Text: "EXIT"']));
  });

  it.skipIf(!existsSync(devPhoto))('names the people in a dev photo', async () => {
    // 1053804096: a girl playing in the surf; every reference mentions her.
    const image = await decodeImageNode(new Uint8Array(await readFile(devPhoto)));
    const result = await engine.describe(image);
    expect(result.objects.map((o) => o.label)).toContain('person');
    expect(result.alt).toMatch(/person|people/);
  });
});
