/**
 * What the page's own loader fetched, read from its resource timing.
 *
 * A content script's `new Image()` is not held to the page's
 * Content-Security-Policy (in Chrome or Firefox), so asking it whether a URL
 * loads would fetch what the page was refused: a web mail that blocks remote
 * images by CSP would have each tracker pixel painted as a `role=img`
 * background requested by us, and described into its `aria-label`. Only a URL
 * the page has fetched itself may be loaded again by us, which tells its
 * server nothing new. A load the page's CSP refused never reaches the network:
 * Chromium still lists it, with a duration of 0 (start and end at the same
 * instant, status 0), so an entry counts only when it took time. A real fetch,
 * even from the disk cache, takes longer than the clock's resolution (5-100 µs).
 *
 * Resource timing keeps 250 entries by default, and our script starts once
 * the page is idle: on a page of many resources an early one may have left the
 * buffer, and then its image is not described (the safe side). Entries that
 * come later are seen by an observer, buffer or not.
 */

export interface ResourceLog {
  /**
   * Resolves once the page's own loader has fetched `url` (at once if it has,
   * or when it does); never if it does not, until `signal` aborts (false).
   * data: and blob: URLs are the page's own bytes and fetch nothing: true.
   */
  fetchedByPage(url: string, signal: AbortSignal): Promise<boolean>;
}

/** URLs remembered; a page that fetches more than this has its oldest forgotten (not described, no harm done). */
const maxRemembered = 5000;

function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash < 0 ? url : url.slice(0, hash);
}

type PageWindow = Window & typeof globalThis;

export function pageResourceLog(view: PageWindow | null): ResourceLog {
  const fetched = new Set<string>();
  const waiters = new Map<string, Set<() => void>>();
  let started = false;
  let available = false;

  const note = (entry: PerformanceEntry) => {
    // Refused before any fetch (CSP): listed, but it took no time.
    if (!(entry.duration > 0)) return;
    const url = withoutFragment(entry.name);
    fetched.delete(url);
    fetched.add(url);
    if (fetched.size > maxRemembered) fetched.delete(fetched.values().next().value!);
    const waiting = waiters.get(url);
    if (!waiting) return;
    waiters.delete(url);
    for (const wake of waiting) wake();
  };

  // Started on first use: a page with no painted or input images never gets an observer.
  const start = () => {
    if (started) return;
    started = true;
    const Observer = view?.PerformanceObserver;
    if (!view || typeof Observer !== 'function' || !Observer.supportedEntryTypes?.includes('resource')) return;
    available = true;
    for (const entry of view.performance.getEntriesByType('resource')) note(entry);
    new Observer((list) => {
      for (const entry of list.getEntries()) note(entry);
    }).observe({ type: 'resource' });
  };

  return {
    fetchedByPage(url, signal) {
      if (/^(data|blob):/i.test(url)) return Promise.resolve(!signal.aborted);
      start();
      if (signal.aborted || !available) return Promise.resolve(false);
      const key = withoutFragment(url);
      if (fetched.has(key)) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const wake = () => {
          signal.removeEventListener('abort', abort);
          resolve(true);
        };
        const abort = () => {
          const waiting = waiters.get(key);
          waiting?.delete(wake);
          if (waiting?.size === 0) waiters.delete(key);
          resolve(false);
        };
        signal.addEventListener('abort', abort, { once: true });
        const waiting = waiters.get(key) ?? new Set<() => void>();
        waiting.add(wake);
        waiters.set(key, waiting);
      });
    },
  };
}
