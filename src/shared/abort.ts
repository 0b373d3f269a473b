/**
 * Settles with `onAbort()` as soon as the signal fires, whatever the promise
 * does later; otherwise with the promise. `onAbort` may throw to reject.
 * Listeners are removed either way, so long-lived signals do not leak.
 */
export function raceAbort<T, A>(promise: Promise<T>, signal: AbortSignal | undefined, onAbort: () => A): Promise<T | A> {
  if (!signal) return promise;
  if (signal.aborted) {
    // Nobody will read the promise's outcome now; a late rejection must not go unhandled.
    promise.catch(() => undefined);
    return Promise.resolve().then(onAbort);
  }
  return new Promise<T | A>((resolve, reject) => {
    const aborted = () => {
      try {
        resolve(onAbort());
      } catch (error) {
        reject(error);
      }
    };
    signal.addEventListener('abort', aborted, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', aborted);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', aborted);
        reject(error);
      },
    );
  });
}
