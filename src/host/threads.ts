/**
 * How many WebAssembly threads the engine gets. ort's own default (half the
 * cores, only when cross-origin isolated) is not what we want. Captioning runs
 * while the user browses, so on four cores and more one core stays free for
 * the page and the browser; more than four threads buy little for models this
 * small. Two cores still get two threads: the engine runs in its own process,
 * and on this project's 2-core VM `npm run bench:page` measured the page's
 * own main thread at one long task of about 70 ms in two of three runs (none
 * in our scripts), against 0.73x the 1-thread time per image (README.md, Speed).
 */
export interface ThreadEnvironment {
  /** navigator.hardwareConcurrency; undefined or 0 where the browser hides it. */
  cores: number | undefined;
  /** Whether this context can share wasm memory with workers (SharedArrayBuffer and, where required, cross-origin isolation). */
  sharedMemory: boolean;
}

export const maxEngineThreads = 4;

export function chooseThreads({ cores, sharedMemory }: ThreadEnvironment): number {
  if (!sharedMemory || !cores || !Number.isFinite(cores)) return 1;
  const available = Math.floor(cores);
  return Math.max(1, Math.min(Math.max(available - 1, 2), available, maxEngineThreads));
}

/** This context's environment, read at call time (extension pages: the offscreen document, Firefox's background page). */
export function currentThreadEnvironment(scope: { navigator?: { hardwareConcurrency?: number }; SharedArrayBuffer?: unknown } = globalThis): ThreadEnvironment {
  return {
    cores: scope.navigator?.hardwareConcurrency,
    // ort starts its threads only where SharedArrayBuffer exists; browsers that gate it behind isolation leave it undefined otherwise.
    sharedMemory: typeof scope.SharedArrayBuffer === 'function',
  };
}
