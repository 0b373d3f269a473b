import type { Captioner, Described } from '../../src/host/captioner';
import type { DescriptionStyle } from '../../src/messaging/protocol';
import { EngineError, throwIfAborted } from '../../src/engine/errors';

interface FakeCaptionerOptions {
  delayMs?: number;
  failLoad?: boolean;
  /** The model time each description reports (the speed check reads the first); null: no caption was made. */
  modelMs?: number | null;
  /** What the blank speed check reports; 'hang' never settles. */
  warmUpMs?: number | 'hang';
  /** Descriptions never settle and ignore their signal, like a stuck decode. */
  hang?: boolean;
}

/** Test-only captioner: describes bytes by their length (and the wording asked for), and can be slowed or made to fail. */
export function createFakeCaptioner(options: FakeCaptionerOptions = {}): Captioner & { calls: number; loads: number; warmUps: number } {
  const state = {
    calls: 0,
    loads: 0,
    warmUps: 0,
    kind: 'engine' as const,
    async load() {
      state.loads++;
      if (options.failLoad) throw new EngineError('model-load', 'fake model missing');
      return { loadMs: 5 };
    },
    async warmUp() {
      state.warmUps++;
      if (options.warmUpMs === 'hang') return new Promise<number>(() => undefined);
      return options.warmUpMs ?? 1;
    },
    async caption(bytes: Uint8Array, signal: AbortSignal, style: DescriptionStyle): Promise<Described> {
      state.calls++;
      if (options.hang) return new Promise<Described>(() => undefined);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, options.delayMs ?? 0);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new EngineError('aborted', 'cancelled'));
        });
      });
      throwIfAborted(signal);
      const wording = style.caption && style.neutral ? '' : ` (${style.caption ? 'caption' : 'objects'}, ${style.neutral ? 'neutral' : 'gendered'})`;
      const caption = { alt: `${bytes.length} bytes${wording}`, confident: true, text: [], objects: [] };
      // Stage times that tell images apart: the engine's whole turn is the image's size in ms.
      const timings = { decode: 1, detector: bytes.length - 4, text: 0, captionEncoder: 1, captionDecoder: 2, engine: bytes.length };
      return options.modelMs === null ? { caption, timings } : { caption, modelMs: options.modelMs ?? 1, timings };
    },
  };
  return state;
}
