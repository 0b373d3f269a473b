/**
 * One at a time, in arrival order: the engine runs one image at once (its
 * sessions are not re-entrant, and its threads are already busy), while the
 * steps around it (fetching, hashing, the cache) of the next images overlap
 * with it. A waiter whose signal aborts leaves the line at once.
 */
export interface Exclusive {
  run<T>(signal: AbortSignal, task: () => Promise<T>): Promise<T>;
  /** Tasks waiting for their turn (not counting the running one). */
  waiting(): number;
}

/** What a cancelled wait rejects with: the signal's own reason, as fetch() and ort do. */
function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

export function createExclusive(): Exclusive {
  let busy = false;
  const line: (() => void)[] = [];
  const next = () => {
    const wake = line.shift();
    if (wake) wake();
    else busy = false;
  };
  const turn = (signal: AbortSignal): Promise<void> => {
    if (signal.aborted) return Promise.reject(abortError(signal));
    if (!busy) {
      busy = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const wake = () => {
        signal.removeEventListener('abort', leave);
        resolve();
      };
      const leave = () => {
        const index = line.indexOf(wake);
        if (index >= 0) line.splice(index, 1);
        reject(abortError(signal));
      };
      line.push(wake);
      signal.addEventListener('abort', leave, { once: true });
    });
  };
  return {
    async run(signal, task) {
      await turn(signal);
      try {
        return await task();
      } finally {
        next();
      }
    },
    waiting: () => line.length,
  };
}
