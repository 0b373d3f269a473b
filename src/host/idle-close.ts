/**
 * When the engine's document has had no request for a while, it closes
 * itself: its process (the models, ort's wasm heap, about 300 MB) goes back
 * to the system, instead of staying for as long as the browser runs. The
 * background opens a new document on the next request, which then waits for
 * the models again (the cold start: 2-6 s to the first caption on the 2-core
 * test machine, README "Speed").
 */

/** Five minutes: one reading session's pages share a document, a browser left open overnight does not keep one. */
export const defaultIdleCloseMs = 5 * 60_000;
/** Bounds for the `idle` query parameter of the document's URL (set by tests). */
export const idleCloseBoundsMs = { min: 1_000, max: 24 * 60 * 60_000 } as const;

export interface IdleWatch {
  /** Counts `work` as activity until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T>;
}

/**
 * Calls `onIdle` once `idleMs` have passed with no tracked work in flight.
 * The wait starts at creation, so a document that never gets a request closes too.
 */
export function createIdleWatch({ idleMs, onIdle }: { idleMs: number; onIdle: () => void }): IdleWatch {
  let busy = 0;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const disarm = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  const arm = () => {
    disarm();
    if (closed || busy > 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      closed = true;
      onIdle();
    }, idleMs);
  };

  arm();
  return {
    track(work) {
      busy++;
      disarm();
      const done = () => {
        busy--;
        arm();
      };
      work.then(done, done);
      return work;
    },
  };
}

/** The idle time a document's URL asks for (`?idle=MS`, used by tests), else the default. */
export function idleCloseMsFrom(search: string): number {
  const raw = new URLSearchParams(search).get('idle');
  if (raw === null || !/^\d+$/.test(raw)) return defaultIdleCloseMs;
  const ms = Number(raw);
  return Math.min(idleCloseBoundsMs.max, Math.max(idleCloseBoundsMs.min, ms));
}
