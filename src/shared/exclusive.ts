/**
 * One at a time, in arrival order. The engine runs one image at once: its
 * onnxruntime-web sessions share one WebAssembly memory, which a run in
 * flight must not see grow, and its threads are busy anyway. The engine host
 * uses it too, so that the steps around an inference (fetching, hashing, the
 * cache) of the next images overlap with it without queueing inside the
 * engine's deadline. A waiter whose signal aborts leaves the line at once; a
 * task that has started runs to its end (it has the signal itself).
 */
export interface Exclusive {
  run<T>(signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T>;
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
  const turn = (signal: AbortSignal | undefined): Promise<void> => {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (!busy) {
      busy = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const wake = () => {
        signal?.removeEventListener('abort', leave);
        resolve();
      };
      const leave = () => {
        // Only registered when there is a signal.
        const index = line.indexOf(wake);
        if (index >= 0) line.splice(index, 1);
        reject(abortError(signal!));
      };
      line.push(wake);
      signal?.addEventListener('abort', leave, { once: true });
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
