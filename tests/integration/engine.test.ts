import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createNodeEngine, createNodeRuntime } from '../../src/engine/node/node-engine';
import { createEngine } from '../../src/engine/engine';
import type { Engine, EngineManifest } from '../../src/engine/engine';
import { createNodeModelStore, repoModelsRoot, withManifest } from '../../src/engine/node/model-store';
import type { ModelStore } from '../../src/engine/models';
import { goldenInput, loadExportedCaptionModel } from '../../models/tools/lightcap_fixture';
import { decodeImageNode } from '../../src/engine/node/decode';
import { EngineError } from '../../src/engine/errors';
import { parseCaptionGate } from '../../src/engine/caption/gate';
import { solidImage, textImagePng } from '../helpers/images';

const devPhoto = '../shared/data/captions-dev/images/1053804096_ad278b25f1.jpg';

describe('what the first caption waits for', () => {
  it('reads and loads the text recogniser, direction classifier and word list only once an image has text', async () => {
    const runtime = await createNodeRuntime('wasm', 1);
    const base = createNodeModelStore();
    const reads: string[] = [];
    const store: ModelStore = { bytes: (path, signal) => (reads.push(path), base.bytes(path, signal)), text: (path, signal) => (reads.push(path), base.text(path, signal)) };
    const engine = createEngine({ runtime, store });
    const textModels = (paths: readonly string[]) => paths.filter((path) => /_(rec|cls)_infer\.onnx$|^lexicon\//.test(path));
    try {
      await engine.ready();
      const photo = await decodeImageNode(new Uint8Array(readFileSync('tests/fixtures/images/astronaut-smile.jpg')));
      await engine.describe(photo);
      expect(Object.keys(runtime.executionProviders())).not.toContain('ocr-recognition');
      expect(Object.keys(runtime.executionProviders())).not.toContain('ocr-direction');
      expect(textModels(reads)).toEqual([]);
      const sign = await engine.describe(await decodeImageNode(await textImagePng('OPEN 24 HOURS')));
      expect(sign.alt).toBe('Text: "OPEN 24 HOURS"');
      expect(Object.keys(runtime.executionProviders())).toEqual(expect.arrayContaining(['ocr-recognition', 'ocr-direction']));
      expect(textModels(reads).sort()).toEqual(['lexicon/words-en.json', 'ocr/ch_PP-OCRv4_rec_infer.onnx', 'ocr/ch_ppocr_mobile_v2.0_cls_infer.onnx']);
    } finally {
      await engine.release();
    }
  });
});

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

  it('reads a line that crosses a tile border of the text detector whole', async () => {
    // 1600 x 1000 is read at 1280 x 800, in tiles (models/ocr/ocr.json "tile") whose cores meet at x = 640, 800 here.
    const image = await decodeImageNode(await textImagePng('FRESH BREAD DAILY', { width: 1600, height: 1000, fontSize: 64, x: 480 }));
    const result = await engine.describe(image);
    expect(result.text.map((l) => l.text).join(' ')).toBe('FRESH BREAD DAILY');
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
    // The astronaut portrait is far from the training photos: the gate does not trust its caption. The guard is
    // off here, because with it the caption's bench (which the detector scores below 0.1) is refused first.
    const image = await decodeImageNode(new Uint8Array(await readFile('tests/fixtures/images/astronaut.jpg')));
    const result = await engine.describe(image, { caption: { guard: false } });
    expect(result.caption?.guardFired).toEqual([]);
    expect(result.caption?.outcome).toBe('low-confidence');
    const manifest = JSON.parse(await readFile('models/manifest.json', 'utf8')) as EngineManifest;
    const gate = parseCaptionGate(JSON.parse(await readFile(`models/${manifest.caption!.gate}`, 'utf8')));
    expect(result.caption?.confidence).toBeLessThan(gate.threshold);
    expect(result.alt).toBe('A person.');
  });

  it('leaves out a place the concept head did not see, and says the rest of the caption (IMG_1234.jpg)', async () => {
    // A crop of the astronaut portrait: the model's words put the person "on a red slide", a thing no COCO class names
    // (the detector cannot check it) and which the concept head scored below the guard's floor.
    const image = await decodeImageNode(new Uint8Array(await readFile('tests/fixtures/images/IMG_1234.jpg')));
    const result = await engine.describe(image);
    const caption = result.caption!;
    expect(caption.words.join(' ')).toMatch(/ on a red slide$/);
    expect(caption.unseenPlaces).toEqual(['slide']);
    expect(caption.checkedWords).not.toContain('slide');
    expect(caption.outcome).toBe('used');
    expect(result.alt).toBe('A little child in a shirt is sitting.');
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
      expect(['unsupported-object', 'unseen-place']).toContain(caption.outcome);
      expect(result.alt).toBe('A person.');
    }
  });
});

const germanModel = 'models/lightcap-de/manifest.json';
const germanGate = 'models/lightcap-de/gate.json';
const shippedManifest = JSON.parse(readFileSync('models/manifest.json', 'utf8')) as EngineManifest;
/** Gendered German words for people that neutral wording must never leave in an alt. */
const gendered = /\b(Mann|Mannes|Männer|Männern|Frau|Frauen|Junge|Jungen|Jungs|Mädchen|Herr|Herren|Dame|Damen)\b/;

describe('German descriptions without a German caption model in the manifest', () => {
  let engine: Engine;
  beforeAll(async () => {
    const store = withManifest(createNodeModelStore(), 'manifest.json', { ...shippedManifest, captionByLanguage: {} });
    engine = createEngine({ runtime: await createNodeRuntime('wasm', 1), store });
  });
  afterAll(async () => engine.release());

  it('says German objects and the text as read, and no caption in another language', async () => {
    const text = await engine.describe(await decodeImageNode(await textImagePng('OPEN 24 HOURS')), { language: 'de' });
    expect(text.alt).toBe('Text: "OPEN 24 HOURS"');
    const astronaut = await engine.describe(await decodeImageNode(new Uint8Array(await readFile('tests/fixtures/images/astronaut.jpg'))), { language: 'de' });
    expect(astronaut.caption).toBeUndefined();
    expect(astronaut.alt).toBe('Eine Person.');
  });

  it.skipIf(!existsSync(devPhoto))('says the objects sentence of a dev photo in German, in neutral words', async () => {
    const result = await engine.describe(await decodeImageNode(new Uint8Array(await readFile(devPhoto))), { language: 'de' });
    expect(result.caption).toBeUndefined();
    expect(result.alt).toMatch(/^(Eine Person|(Zwei|Drei|Vier|Viele) Personen)/);
  });

  it('rejects a language it does not know with a typed error', async () => {
    await expect(engine.describe(solidImage(64, 64, [0, 0, 0, 255]), { language: 'fr' as 'de' })).rejects.toMatchObject({ code: 'invalid-option' });
  });
});

describe('a German caption model named in the manifest', () => {
  const manifest: EngineManifest = {
    ...shippedManifest,
    captionByLanguage: {
      // Without its own gate (fitted by `npm run gate:fit -- --language de`), the English one stands in; the tests below say every caption (minConfidence 0) or check outcomes only.
      de: { model: 'lightcap-de/manifest.json', gate: existsSync(germanGate) ? 'lightcap-de/gate.json' : shippedManifest.caption!.gate },
    },
  };
  const reads: string[] = [];
  let engine: Engine;
  beforeAll(async () => {
    const base = withManifest(createNodeModelStore(), 'manifest.json', manifest);
    const store: ModelStore = {
      bytes: (path, signal) => (reads.push(path), base.bytes(path, signal)),
      text: (path, signal) => (reads.push(path), base.text(path, signal)),
    };
    engine = createEngine({ runtime: await createNodeRuntime('wasm', 1), store });
    await engine.ready();
  });
  afterAll(async () => engine.release());

  it('is not loaded for English descriptions', async () => {
    const result = await engine.describe(await decodeImageNode(new Uint8Array(await readFile('tests/fixtures/images/astronaut-smile.jpg'))));
    expect(result.alt).toBe('A person in a shirt is smiling.');
    expect(reads.filter((path) => path.startsWith('lightcap-de/'))).toEqual([]);
  });

  it.skipIf(existsSync(germanModel))('fails German descriptions with a model-load error while its files are missing', async () => {
    await expect(engine.describe(solidImage(64, 64, [90, 90, 90, 255]), { language: 'de' })).rejects.toMatchObject({ code: 'model-load' });
  });

  describe.skipIf(!existsSync(germanModel))('with models/lightcap-de exported', () => {
    it('has a vocabulary in written German: nouns capitalised', () => {
      const model = JSON.parse(readFileSync(germanModel, 'utf8')) as { vocabulary: string; vocabSize: number };
      const vocabulary = JSON.parse(readFileSync(`models/lightcap-de/${model.vocabulary}`, 'utf8')) as string[];
      expect(vocabulary).toHaveLength(model.vocabSize);
      expect(vocabulary.slice(0, 4)).toEqual(['<pad>', '<bos>', '<eos>', '<unk>']);
      expect(vocabulary).toContain('Hund');
      expect(vocabulary.filter((word) => /^[A-ZÄÖÜ]/.test(word)).length).toBeGreaterThan(100);
    });

    it.skipIf(!existsSync('models/lightcap-de/golden.json'))('decodes PyTorch\'s golden tokens with the engine\'s decoding', async () => {
      const golden = JSON.parse(readFileSync('models/lightcap-de/golden.json', 'utf8')) as { greedy: number[] };
      const model = await loadExportedCaptionModel(join(repoModelsRoot, 'lightcap-de'));
      try {
        const caption = await model.decode(await model.encode(goldenInput()), { beamSize: 1 });
        expect(caption.tokens).toEqual(golden.greedy);
      } finally {
        await model.release();
      }
    });

    it.skipIf(!existsSync(devPhoto))('captions a dev photo in German, loading the model on first use, in neutral words', async () => {
      const image = await decodeImageNode(new Uint8Array(await readFile(devPhoto)));
      const result = await engine.describe(image, { language: 'de', caption: { minConfidence: 0 } });
      expect(reads.some((path) => path.startsWith('lightcap-de/'))).toBe(true);
      const caption = result.caption!;
      expect(caption.text).toMatch(/^[A-ZÄÖÜ].*\.$/);
      expect(caption.text).not.toMatch(gendered);
      expect(caption.text).not.toMatch(/\b(the|a|is|and|with)\b/);
      if (caption.outcome === 'used') expect(result.alt.startsWith(caption.text)).toBe(true);
      // Whatever the guard refused was refused in German words.
      for (const fired of caption.guardFired) for (const word of fired.words) expect(caption.rejected.flatMap((r) => r.words)).toContain(word);
    });

    it('does not say a German caption that names a thing the concept head did not see, when it cannot be left out (cat-240.jpg)', async () => {
      // The first try names a ball the detector did not see; the retry without it gives the cat a stick "im Maul",
      // which cannot go without the phrase that says where it is. The retry was the last, so the caption is not said.
      const image = await decodeImageNode(new Uint8Array(await readFile('tests/fixtures/images/cat-240.jpg')));
      const result = await engine.describe(image, { language: 'de' });
      const caption = result.caption!;
      expect(caption.words).toContain('Stock');
      expect(caption.unseenPlaces).toContain('Stock');
      expect(caption.rejected.some((r) => r.unsupported.includes('Stock'))).toBe(true);
      expect(caption.outcome).toBe('unseen-place');
      expect(result.alt).not.toMatch(/Stock|Maul/);
    });

    it.skipIf(!existsSync(devPhoto))('says the German caption only when its own gate trusts it', async () => {
      const image = await decodeImageNode(new Uint8Array(await readFile(devPhoto)));
      const result = await engine.describe(image, { language: 'de' });
      expect(result.alt).not.toMatch(gendered);
      if (result.caption?.outcome === 'used') expect(result.alt).toBe(result.caption.text);
      else expect(result.alt).toMatch(/^(Eine Person|(Zwei|Drei|Vier|Viele) Personen)/);
    });
  });
});

/**
 * The German caption path end to end before the German model exists: the
 * English weights under a vocabulary whose words are German, loaded from a
 * folder of their own. The sentences are no German a model would write, but
 * they show that the language's own model is loaded on first use and that its
 * words go through the German guard, colour check and wording.
 */
describe('a second language\'s caption model, plumbed with the English weights under German words', () => {
  const folder = 'lightcap-relabelled/';
  const german: Record<string, string> = { a: 'ein', man: 'Mann', in: 'in', shirt: 'Hemd', and: 'und', is: 'ist', smiling: 'lächelt', red: 'roten', black: 'schwarzen' };
  const englishVocabulary = JSON.parse(readFileSync('models/lightcap/vocab.json', 'utf8')) as string[];
  const manifest: EngineManifest = { ...shippedManifest, captionByLanguage: { de: { model: `${folder}manifest.json`, gate: shippedManifest.caption!.gate } } };
  const reads: string[] = [];
  let engine: Engine;
  beforeAll(async () => {
    const base = withManifest(createNodeModelStore(), 'manifest.json', manifest);
    const fromEnglish = (path: string) => path.replace(folder, 'lightcap/');
    const store: ModelStore = {
      bytes: (path, signal) => (reads.push(path), base.bytes(fromEnglish(path), signal)),
      text: (path, signal) => {
        reads.push(path);
        if (path === `${folder}vocab.json`) return Promise.resolve(JSON.stringify(englishVocabulary.map((word) => german[word] ?? word)));
        return base.text(fromEnglish(path), signal);
      },
    };
    engine = createEngine({ runtime: await createNodeRuntime('wasm', 1), store });
    await engine.ready();
  });
  afterAll(async () => engine.release());

  it('loads the second model on the first description in its language only, and words its caption in German', async () => {
    const image = await decodeImageNode(new Uint8Array(await readFile('tests/fixtures/images/astronaut-smile.jpg')));
    expect((await engine.describe(image)).alt).toBe('A person in a shirt is smiling.');
    expect(reads.filter((path) => path.startsWith(folder))).toEqual([]);

    const result = await engine.describe(image, { language: 'de' });
    expect(reads.filter((path) => path.startsWith(folder)).sort()).toEqual([
      `${folder}decoder.onnx`,
      `${folder}decoder.tables.bin`,
      `${folder}encoder.onnx`,
      `${folder}encoder.tables.bin`,
      `${folder}manifest.json`,
      `${folder}vocab.json`,
    ]);
    // The model's words, "a man in a red shirt and a black shirt is smiling", under the German vocabulary.
    expect(result.caption?.words).toEqual(['ein', 'Mann', 'in', 'ein', 'roten', 'Hemd', 'und', 'ein', 'schwarzen', 'Hemd', 'ist', 'lächelt']);
    expect(result.caption?.outcome).toBe('used');
    // The German colour check drops what the English one drops: the shirt is neither red nor black.
    expect((await engine.describe(image)).caption?.coloursDropped).toEqual(['red', 'black']);
    expect(result.caption?.coloursDropped).toEqual(['rot', 'schwarz']);
    // The repeated garment dropped and the person neutral, by the German rules.
    expect(result.alt).toBe('Eine Person in ein Hemd ist lächelt.');
    expect((await engine.describe(image, { language: 'de', caption: { neutralWording: false } })).alt).toBe('Ein Mann in ein Hemd ist lächelt.');
  });
});
