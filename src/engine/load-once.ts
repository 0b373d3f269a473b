import { EngineError } from './errors';
import { raceAbort } from '../shared/abort';

/**
 * Something made once, on first use, and shared by every caller (a model
 * session, a language's caption model). One caller's abort does not cancel
 * the making, only that caller's wait; a failed attempt is forgotten, so the
 * next caller tries again.
 */
export interface LoadOnce<T> {
  get(signal?: AbortSignal): Promise<T>;
  /** What was made, or is being made; undefined before the first get() and after a failure. */
  current(): Promise<T> | undefined;
  /** Forgets what was made and returns it (undefined if it failed or never started), e.g. to release it. */
  take(): Promise<T | undefined>;
}

export function loadOnce<T>(make: () => Promise<T>): LoadOnce<T> {
  let made: Promise<T> | undefined;
  return {
    get(signal) {
      if (!made) {
        const attempt: Promise<T> = make().catch((error: unknown) => {
          // Only this attempt: after take(), a newer one may be under way.
          if (made === attempt) made = undefined;
          throw error;
        });
        made = attempt;
      }
      return raceAbort(made, signal, () => {
        throw new EngineError('aborted', 'the request was cancelled', { cause: signal?.reason });
      });
    },
    current: () => made,
    async take() {
      const pending = made;
      made = undefined;
      return pending?.catch(() => undefined);
    },
  };
}
