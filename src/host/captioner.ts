import type { Engine } from '../engine/engine';
import type { RgbaImage } from '../engine/image/types';
import { EngineError } from '../engine/errors';
import type { CachedCaption } from './cache';
import type { DescriptionStyle } from '../messaging/protocol';
import { textRows } from '../engine/describe/describe';
import type { ImageTimings } from './image-timings';

/**
 * The one captioning interface the engine host talks to, with a real
 * implementation (the local engine) and a disabled one. Tests bring their own
 * fake; nothing a user runs ever does.
 */
export interface Captioner {
  readonly kind: 'engine' | 'disabled';
  /** Creates the model sessions; resolves with the time it took. */
  load(signal?: AbortSignal): Promise<{ loadMs: number }>;
  /**
   * Runs the models once on a blank image of our own and resolves with the
   * time it took: a speed check no page can slow down.
   */
  warmUp(signal?: AbortSignal): Promise<number>;
  caption(bytes: Uint8Array, signal: AbortSignal, style: DescriptionStyle): Promise<Described>;
}

export interface Described {
  caption: CachedCaption;
  /**
   * Time in the object detector and the caption model, whose work an image's
   * size or text cannot enlarge (fixed-size inputs; at most 20 words and two
   * guard retries): how fast this device runs the engine. Undefined when no
   * caption was made (captions off, or no model for the language), so that
   * the speed is never judged on part of the models.
   */
  modelMs?: number;
  /** Where the time went: decoding, each model, and the whole (for benchmarks). */
  timings?: ImageTimings;
}

export function createEngineCaptioner(engine: Engine, decode: (bytes: Uint8Array, signal: AbortSignal) => Promise<RgbaImage>): Captioner {
  return {
    kind: 'engine',
    async load(signal) {
      const started = performance.now();
      await engine.load(signal);
      return { loadMs: performance.now() - started };
    },
    async warmUp(signal) {
      const started = performance.now();
      await engine.ready(signal);
      return performance.now() - started;
    },
    async caption(bytes, signal, style) {
      const started = performance.now();
      const image = await decode(bytes, signal);
      const decoded = performance.now();
      const result = await engine.describe(image, { signal, language: style.language, caption: { enabled: style.caption, neutralWording: style.neutral } });
      const { ms } = result;
      return {
        caption: {
          alt: result.alt,
          confident: result.confident,
          text: textRows(result.text),
          objects: result.objects.map((o) => ({ label: o.label, score: Math.round(o.score * 1000) / 1000 })),
        },
        ...(ms.captionEncoder > 0 ? { modelMs: ms.detector + ms.captionEncoder + ms.captionDecoder } : {}),
        timings: {
          decode: decoded - started,
          detector: ms.detector,
          text: ms.ocrDetection + ms.ocrClassification + ms.ocrRecognition,
          captionEncoder: ms.captionEncoder,
          captionDecoder: ms.captionDecoder,
          engine: performance.now() - started,
        },
      };
    },
  };
}

export function createDisabledCaptioner(reason: string): Captioner {
  return {
    kind: 'disabled',
    load: () => Promise.reject(new EngineError('model-load', reason)),
    warmUp: () => Promise.reject(new EngineError('model-load', reason)),
    caption: () => Promise.reject(new EngineError('model-load', reason)),
  };
}
