/**
 * One caption model per language, named in models/manifest.json, each loaded
 * once and only when a description in its language is first asked for.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { captionSettingsFor } from '../../src/engine/caption/settings';
import type { CaptionManifest, CaptionSettings } from '../../src/engine/caption/settings';
import { createCaptioners } from '../../src/engine/caption/captioners';
import type { ModelStore } from '../../src/engine/models';
import type { InferenceRuntime, ModelSession } from '../../src/engine/runtime/ort';
import { captionLanguageFor } from '../../src/engine/caption/language';
import { englishObjectNames } from '../../src/engine/caption/guard';
import { germanObjectNames } from '../../src/engine/caption/de/object-names';

const english: CaptionSettings = {
  model: 'lightcap/manifest.json',
  gate: 'lightcap/gate.json',
  beamSize: 3,
  guard: { minPresence: 0.05, retries: 1 },
  neutralWording: true,
};

describe('caption settings per language', () => {
  it('reads a manifest with only "caption" as before: English has it, German has none', () => {
    const manifest: CaptionManifest = { caption: english };
    expect(captionSettingsFor(manifest, 'en')).toBe(english);
    expect(captionSettingsFor(manifest, 'de')).toBeUndefined();
  });

  it('gives another language its own model and gate, and the shared settings of "caption"', () => {
    const manifest: CaptionManifest = { caption: english, captionByLanguage: { de: { model: 'lightcap-de/manifest.json', gate: 'lightcap-de/gate.json', beamSize: 5 } } };
    expect(captionSettingsFor(manifest, 'de')).toEqual({ ...english, model: 'lightcap-de/manifest.json', gate: 'lightcap-de/gate.json', beamSize: 5 });
    expect(captionSettingsFor(manifest, 'en')).toBe(english);
  });

  it('refuses a language entry with nothing to take its other settings from', () => {
    const manifest: CaptionManifest = { captionByLanguage: { de: { model: 'lightcap-de/manifest.json', gate: 'lightcap-de/gate.json' } } };
    expect(() => captionSettingsFor(manifest, 'de')).toThrow(/lacks beamSize, guard, neutralWording/);
  });

  it('ships the German model with its own gate, and the English one as before', () => {
    const shipped = JSON.parse(readFileSync('models/manifest.json', 'utf8')) as CaptionManifest;
    expect(captionSettingsFor(shipped, 'en')?.model).toBe('lightcap/manifest.json');
    expect(captionSettingsFor(shipped, 'de')).toMatchObject({ model: 'lightcap-de/manifest.json', gate: 'lightcap-de/gate.json' });
  });

  it('reads each language\'s captions with its own words', () => {
    expect(captionLanguageFor('en').names).toBe(englishObjectNames);
    expect(captionLanguageFor('de').names).toBe(germanObjectNames);
    expect(captionLanguageFor('de').tidy(['ein', 'Mann', 'läuft'], { neutral: true })).toBe('Eine Person läuft.');
    expect(captionLanguageFor('en').tidy(['a', 'man', 'runs'], { neutral: true })).toBe('A person runs.');
  });
});

/** In-memory caption model files for `folder`, and a runtime that counts the sessions it creates. */
function fakes(folders: string[]) {
  const files = new Map<string, string>();
  for (const folder of folders) {
    files.set(`${folder}/manifest.json`, JSON.stringify({ encoder: 'encoder.onnx', decoder: 'decoder.onnx', vocabulary: 'vocab.json', vocabSize: 5 }));
    files.set(`${folder}/vocab.json`, JSON.stringify(['<pad>', '<bos>', '<eos>', '<unk>', 'x']));
    files.set(`${folder}/encoder.onnx`, 'onnx');
    files.set(`${folder}/decoder.onnx`, 'onnx');
    files.set(`${folder}/gate.json`, JSON.stringify({ signals: ['words'], mean: [8], scale: [2], weights: [0.5], bias: 0, threshold: 0.5 }));
  }
  const reads: string[] = [];
  const store: ModelStore = {
    async text(path) {
      reads.push(path);
      const text = files.get(path);
      if (text === undefined) throw new Error(`no ${path}`);
      return text;
    },
    async bytes(path) {
      return new TextEncoder().encode(await this.text(path));
    },
  };
  const sessions: string[] = [];
  const released: string[] = [];
  const runtime: InferenceRuntime = {
    kind: 'wasm',
    threads: 1,
    executionProviders: () => ({}),
    async createSession(name) {
      sessions.push(name);
      const session: ModelSession = {
        name,
        executionProvider: 'wasm',
        inputNames: [],
        outputNames: [],
        run: () => Promise.resolve({}),
        release: async () => {
          released.push(name);
        },
      };
      return session;
    },
  };
  return { store, runtime, reads, sessions, released };
}

describe('caption models, loaded lazily per language', () => {
  const manifest: CaptionManifest = { caption: english, captionByLanguage: { de: { model: 'lightcap-de/manifest.json', gate: 'lightcap-de/gate.json' } } };

  it('loads a language\'s model only when asked for, once, however many ask at the same time', async () => {
    const { store, runtime, reads, sessions } = fakes(['lightcap', 'lightcap-de']);
    const captioners = createCaptioners(runtime, store, manifest);
    const en = await captioners.get('en');
    expect(en?.settings.model).toBe('lightcap/manifest.json');
    expect(reads.some((path) => path.startsWith('lightcap-de/'))).toBe(false);
    expect(sessions).toHaveLength(2);

    const [a, b] = await Promise.all([captioners.get('de'), captioners.get('de')]);
    expect(a).toBe(b);
    expect(a?.settings.gate).toBe('lightcap-de/gate.json');
    expect(a?.gate.threshold).toBe(0.5);
    expect(sessions).toHaveLength(4);
    expect(await captioners.get('de')).toBe(a);
    expect(sessions).toHaveLength(4);
  });

  it('has no caption model for a language the manifest does not name', async () => {
    const { store, runtime, sessions } = fakes(['lightcap']);
    const captioners = createCaptioners(runtime, store, { caption: english });
    expect(await captioners.get('de')).toBeUndefined();
    expect(sessions).toHaveLength(0);
  });

  it('tries again after a failed load, and releases what it loaded', async () => {
    const { store, runtime, released } = fakes(['lightcap']);
    const captioners = createCaptioners(runtime, store, manifest);
    await expect(captioners.get('de')).rejects.toThrow(/lightcap-de\/manifest.json/);
    await captioners.get('en');
    expect((await captioners.loaded()).map((c) => c.settings.model)).toEqual(['lightcap/manifest.json']);
    await captioners.release();
    expect(released).toEqual(['caption encoder', 'caption decoder']);
  });

  it('does not cancel a shared load when one caller gives up', async () => {
    const { store, runtime } = fakes(['lightcap', 'lightcap-de']);
    const captioners = createCaptioners(runtime, store, manifest);
    const controller = new AbortController();
    const first = captioners.get('de', controller.signal);
    controller.abort();
    await expect(first).rejects.toMatchObject({ code: 'aborted' });
    expect((await captioners.get('de'))?.settings.model).toBe('lightcap-de/manifest.json');
  });
});
