import type { Captioner } from '../../src/host/captioner';
import type { CachedCaption } from '../../src/host/cache';
import type { DescriptionStyle } from '../../src/messaging/protocol';
import { EngineError, throwIfAborted } from '../../src/engine/errors';

/** Test-only captioner: describes bytes by their length (and the wording asked for), and can be slowed or made to fail. */
export function createFakeCaptioner(options: { delayMs?: number; failLoad?: boolean; warmupMs?: number; hang?: boolean } = {}): Captioner & { calls: number; loads: number } {
  const state = {
    calls: 0,
    loads: 0,
    kind: 'engine' as const,
    async load() {
      state.loads++;
      if (options.failLoad) throw new EngineError('model-load', 'fake model missing');
      return { loadMs: 5, warmupMs: options.warmupMs ?? 1 };
    },
    async caption(bytes: Uint8Array, signal: AbortSignal, style: DescriptionStyle): Promise<CachedCaption> {
      state.calls++;
      // A stage that never settles and ignores its signal, like a stuck decode.
      if (options.hang) return new Promise<CachedCaption>(() => undefined);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, options.delayMs ?? 0);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new EngineError('aborted', 'cancelled'));
        });
      });
      throwIfAborted(signal);
      const wording = style.caption && style.neutral ? '' : ` (${style.caption ? 'caption' : 'objects'}, ${style.neutral ? 'neutral' : 'gendered'})`;
      return { alt: `${bytes.length} bytes${wording}`, confident: true, text: [], objects: [] };
    },
  };
  return state;
}
