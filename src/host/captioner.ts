import type { Engine } from '../engine/engine';
import type { RgbaImage } from '../engine/image/types';
import { EngineError } from '../engine/errors';
import type { CachedCaption } from './cache';
import type { DescriptionStyle } from '../messaging/protocol';
import { textRows } from '../engine/describe/describe';

/**
 * The one captioning interface the engine host talks to, with a real
 * implementation (the local engine) and a disabled one. Tests bring their own
 * fake; nothing a user runs ever does.
 */
export interface Captioner {
  readonly kind: 'engine' | 'disabled';
  /**
   * Creates the model sessions and runs them once on a blank image; resolves
   * with both times. The warm-up tells whether this device runs the engine
   * at a usable speed.
   */
  load(signal?: AbortSignal): Promise<LoadTimings>;
  caption(bytes: Uint8Array, signal: AbortSignal, style: DescriptionStyle): Promise<CachedCaption>;
}

export interface LoadTimings {
  loadMs: number;
  warmupMs: number;
}

export function createEngineCaptioner(engine: Engine, decode: (bytes: Uint8Array, signal: AbortSignal) => Promise<RgbaImage>): Captioner {
  return {
    kind: 'engine',
    async load(signal) {
      const started = performance.now();
      await engine.load(signal);
      const loaded = performance.now();
      await engine.ready(signal);
      return { loadMs: loaded - started, warmupMs: performance.now() - loaded };
    },
    async caption(bytes, signal, style) {
      const image = await decode(bytes, signal);
      const result = await engine.describe(image, { signal, language: style.language, caption: { enabled: style.caption, neutralWording: style.neutral } });
      return {
        alt: result.alt,
        confident: result.confident,
        text: textRows(result.text),
        objects: result.objects.map((o) => ({ label: o.label, score: Math.round(o.score * 1000) / 1000 })),
      };
    },
  };
}

export function createDisabledCaptioner(reason: string): Captioner {
  return {
    kind: 'disabled',
    load: () => Promise.reject(new EngineError('model-load', reason)),
    caption: () => Promise.reject(new EngineError('model-load', reason)),
  };
}
