/**
 * The caption models of the engine, one per language, each loaded once and
 * only when a description in its language is first asked for: an English
 * user never pays for the German model. Loading is shared by every caller,
 * so one caller's abort does not cancel it; a failed load is forgotten, so
 * the next call tries again.
 */
import type { Language } from '../describe/languages';
import type { ModelStore } from '../models';
import { readJson } from '../models';
import type { InferenceRuntime } from '../runtime/ort';
import { loadOnce } from '../load-once';
import type { LoadOnce } from '../load-once';
import { parseCaptionGate } from './gate';
import { otherFormsOfChecked } from './concept-support';
import { unnameableClasses } from './guard';
import { captionLanguageFor } from './language';
import type { CaptionGate } from './gate';
import { captionModelFiles, loadCaptionModel } from './model';
import type { CaptionModel } from './model';
import { captionSettingsFor } from './settings';
import type { CaptionManifest, CaptionSettings } from './settings';

export interface LoadedCaptioner {
  settings: CaptionSettings;
  model: CaptionModel;
  gate: CaptionGate;
  /** The guard's unnameable-rival classes that this model's vocabulary cannot name, found once when it loads. */
  unnameable: ReadonlySet<string>;
  /** The vocabulary's other forms of the place check's words ("Bäume" of "Baum"), found once when it loads. */
  placeForms: ReadonlyMap<string, readonly string[]>;
  /** The place check's words with those forms: the words a phrase of place may go on with ("a dirt road", "rock walls"). */
  placeWords: ReadonlySet<string>;
}

export interface Captioners {
  /** The language's caption model, loading it on first use; undefined when the manifest has none for it. */
  get(language: Language, signal?: AbortSignal): Promise<LoadedCaptioner | undefined>;
  /** The models loaded so far. */
  loaded(): Promise<LoadedCaptioner[]>;
  release(): Promise<void>;
}

/** Every file a language's caption model loads from, besides its manifest (none when there is no model for it). */
export async function captionFiles(store: ModelStore, manifest: CaptionManifest, language: Language): Promise<string[]> {
  const settings = captionSettingsFor(manifest, language);
  return settings ? [settings.gate, ...(await captionModelFiles(store, settings.model))] : [];
}

export function createCaptioners(runtime: InferenceRuntime, store: ModelStore, manifest: CaptionManifest): Captioners {
  const loading = new Map<Language, LoadOnce<LoadedCaptioner | undefined>>();

  const load = async (language: Language): Promise<LoadedCaptioner | undefined> => {
    const settings = captionSettingsFor(manifest, language);
    if (!settings) return undefined;
    const model = await loadCaptionModel(runtime, store, settings.model);
    const captionLanguage = captionLanguageFor(language);
    const placeForms = otherFormsOfChecked(model.vocabulary, captionLanguage.places);
    try {
      return {
        settings,
        model,
        gate: parseCaptionGate(await readJson<unknown>(store, settings.gate)),
        unnameable: unnameableClasses(settings.guard, model.vocabulary, captionLanguage.names),
        placeForms,
        placeWords: new Set([...captionLanguage.places.checked, ...placeForms.keys()]),
      };
    } catch (error) {
      await model.release();
      throw error;
    }
  };

  return {
    get(language, signal) {
      let once = loading.get(language);
      if (!once) {
        once = loadOnce(() => load(language));
        loading.set(language, once);
      }
      return once.get(signal);
    },
    async loaded() {
      const settled = await Promise.all([...loading.values()].map((once) => once.current()?.catch(() => undefined)));
      return settled.filter((c): c is LoadedCaptioner => c !== undefined);
    },
    async release() {
      const all = await this.loaded();
      loading.clear();
      await Promise.all(all.map((c) => c.model.release()));
    },
  };
}
