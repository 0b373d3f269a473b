import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createNodeEngine } from '../../src/engine/node/node-engine';
import type { Engine, EngineManifest } from '../../src/engine/engine';
import { decodeImageNode } from '../../src/engine/node/decode';
import { EngineError } from '../../src/engine/errors';
import { parseCaptionGate } from '../../src/engine/caption/gate';
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

  it.skipIf(!existsSync(devPhoto))('captions a dev photo with the LightCap model, in neutral words', async () => {
    // 1053804096: a girl playing in the surf; every reference mentions her.
    const image = await decodeImageNode(new Uint8Array(await readFile(devPhoto)));
    const result = await engine.describe(image);
    expect(result.objects.map((o) => o.label)).toContain('person');
    expect(result.caption?.outcome).toBe('used');
    expect(result.alt).toBe(result.caption?.text);
    expect(result.alt).toMatch(/\b(child|person|people)\b/);
    expect(result.alt).not.toMatch(/\b(man|woman|boy|girl|men|women|boys|girls)\b/i);
    expect(result.ms.captionEncoder).toBeGreaterThan(0);
    expect(result.ms.captionDecoder).toBeGreaterThan(0);
  });

  it.skipIf(!existsSync(devPhoto))('falls back to the objects sentence when told not to caption', async () => {
    const image = await decodeImageNode(new Uint8Array(await readFile(devPhoto)));
    const result = await engine.describe(image, { caption: { enabled: false } });
    expect(result.caption).toBeUndefined();
    expect(result.alt).toMatch(/^(A person|\w+ people)/);
  });

  it('says the caption of a committed photo it is sure of, in neutral words (astronaut-smile.jpg)', async () => {
    const image = await decodeImageNode(new Uint8Array(await readFile('tests/fixtures/images/astronaut-smile.jpg')));
    const result = await engine.describe(image);
    expect(result.caption?.outcome).toBe('used');
    expect(result.alt).toBe(result.caption?.text);
    // The model's own words are "a man in a shirt and a shirt is smiling": gender guessed, garment repeated.
    expect(result.alt).toBe('A person in a shirt is smiling.');
    expect(result.caption!.confidence).toBeGreaterThan(0.5);
  });

  it('says the objects sentence, not a caption the model is unsure of', async () => {
    // The astronaut portrait is far from the training photos: the gate does not trust its caption.
    const image = await decodeImageNode(new Uint8Array(await readFile('tests/fixtures/images/astronaut.jpg')));
    const result = await engine.describe(image);
    expect(result.caption?.outcome).toBe('low-confidence');
    const manifest = JSON.parse(await readFile('models/manifest.json', 'utf8')) as EngineManifest;
    const gate = parseCaptionGate(JSON.parse(await readFile(`models/${manifest.caption!.gate}`, 'utf8')));
    expect(result.caption?.confidence).toBeLessThan(gate.threshold);
    expect(result.alt).toBe('A person.');
  });

  it('never says a caption that names an object the detector did not see', async () => {
    const image = await decodeImageNode(new Uint8Array(await readFile('tests/fixtures/images/astronaut.jpg')));
    const result = await engine.describe(image, { caption: { minConfidence: 0, neutralWording: false } });
    const caption = result.caption!;
    // Whatever the model says, the words of every object the guard refused are gone from what is said.
    const refused = caption.rejected.flatMap((r) => r.unsupported);
    for (const fired of caption.guardFired) expect(fired.presence).toBeLessThan(0.15);
    if (caption.outcome === 'used') {
      expect(result.alt.startsWith(caption.text)).toBe(true);
      for (const label of refused) {
        for (const fired of caption.guardFired.filter((g) => g.label === label)) {
          for (const word of fired.words) expect(caption.words).not.toContain(word);
        }
      }
    } else {
      expect(caption.outcome).toBe('unsupported-object');
      expect(result.alt).toBe('A person.');
    }
  });
});
