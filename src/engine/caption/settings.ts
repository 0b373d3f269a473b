/**
 * The caption settings of the engine manifest (models/manifest.json), one
 * caption model per language:
 *
 *   "caption": { "model": "lightcap/manifest.json", "gate": "lightcap/gate.json", "beamSize": 3, "guard": {...}, "neutralWording": true },
 *   "captionByLanguage": { "de": { "model": "lightcap-de/manifest.json", "gate": "lightcap-de/gate.json" } }
 *
 * `caption` is the English model, as it always was (older manifests keep
 * working), and the shared settings: another language names its own model
 * and gate, and takes the beam size, guard and neutral wording from
 * `caption` unless it sets its own. A language with no model gets no
 * caption: never another language's caption inside its description.
 */
import type { Language } from '../describe/languages';
import { EngineError } from '../errors';
import type { GuardOptions } from './guard';

export interface CaptionSettings {
  /** models/lightcap/manifest.json, relative to models/. */
  model: string;
  beamSize: number;
  /**
   * The confidence gate (src/engine/caption/gate.ts), relative to models/: a
   * caption it does not trust is not said, and the objects-and-text sentence
   * is used instead. Faithfulness over fluency. Fitted for one model
   * (`npm run gate:fit`): each language's model has its own.
   */
  gate: string;
  guard: GuardOptions & {
    /** Re-decodes with the unsupported objects' words forbidden, this many times, before giving up on the caption. */
    retries: number;
  };
  /** "person"/"child" instead of gendered words, unless a call says otherwise. */
  neutralWording: boolean;
}

/** A language's caption model: its own model and gate, the rest as in `caption` unless given. */
export type LanguageCaptionSettings = Pick<CaptionSettings, 'model' | 'gate'> & Partial<Omit<CaptionSettings, 'model' | 'gate'>>;

export interface CaptionManifest {
  caption?: CaptionSettings;
  captionByLanguage?: Partial<Record<Language, LanguageCaptionSettings>>;
}

/** The caption settings for a language, or undefined when the manifest has no caption model for it. */
export function captionSettingsFor(manifest: CaptionManifest, language: Language): CaptionSettings | undefined {
  const own = manifest.captionByLanguage?.[language];
  if (!own) return language === 'en' ? manifest.caption : undefined;
  const merged: Partial<CaptionSettings> = { ...manifest.caption, ...own };
  const missing = (['model', 'gate', 'beamSize', 'guard', 'neutralWording'] as const).filter((key) => merged[key] === undefined);
  if (missing.length > 0) {
    throw new EngineError('model-load', `captionByLanguage.${language} lacks ${missing.join(', ')}, and there is no "caption" entry to take them from`);
  }
  return merged as CaptionSettings;
}

