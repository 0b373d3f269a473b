/**
 * What the page's own loader fetched, read from its resource timing.
 *
 * A content script's `new Image()` is not held to the page's
 * Content-Security-Policy (in Chrome or Firefox), so asking it whether a URL
 * loads would fetch what the page was refused: a web mail that blocks remote
 * images by CSP would have each tracker pixel painted as a `role=img`
 * background requested by us, and described into its `aria-label`. Only a URL
 * the page has fetched itself may be loaded again by us, which tells its
 * server nothing new.
 *
 * A load the page's CSP refused never reaches the network. Chromium still
 * lists it, with a duration of 0 (start and end at the same instant, status
 * 0), so there an entry counts only when it took time; a real fetch, even from
 * the disk cache, takes longer than its clock's resolution (5-100 µs). Firefox
 * does not list refused loads at all, and its clock is coarser (1 ms): any
 * entry counts.
 *
 * What this misses, on the safe side (the image is not described):
 * - the resource timing buffer keeps the page's first 250 entries and drops
 *   later ones until the page clears it; the observer, started with the
 *   content script, sees every entry from then on, but one that came between
 *   the 250th and our start (document_idle) is lost;
 * - Firefox lists no entry for an image its in-memory image cache served
 *   (a page revisited, another tab of the site), so such a role=img background
 *   or image button is not described there.
 */

export interface ResourceLog {
  /**
   * Resolves once the page's own loader has fetched `url` (at once if it has,
   * or when it does); never if it does not, until `signal` aborts (false).
   * data: and blob: URLs are the page's own bytes and fetch nothing: true.
   */
  fetchedByPage(url: string, signal: AbortSignal): Promise<boolean>;
  /** Stops observing the page (the captioner stopped, or the extension was updated). */
  dispose(): void;
}

/** URLs remembered; a page that fetches more than this has its oldest forgotten (not described, no harm done). */
const maxRemembered = 5000;

function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash < 0 ? url : url.slice(0, hash);
}

type PageWindow = Window & typeof globalThis;

export function pageResourceLog(view: PageWindow | null, options: { refusedLoadsListed?: boolean } = {}): ResourceLog {
  const { refusedLoadsListed = import.meta.env.FIREFOX !== true } = options;
  const fetched = new Set<string>();
  const waiters = new Map<string, Set<() => void>>();

  const note = (entry: PerformanceEntry) => {
    // Chromium: refused before any fetch (CSP), listed, but it took no time.
    if (refusedLoadsListed && !(entry.duration > 0)) return;
    const url = withoutFragment(entry.name);
    fetched.delete(url);
    fetched.add(url);
    if (fetched.size > maxRemembered) fetched.delete(fetched.values().next().value!);
    const waiting = waiters.get(url);
    if (!waiting) return;
    waiters.delete(url);
    for (const wake of waiting) wake();
  };

  // Started at once: entries past the buffer's 250 reach an observer only, and only from when it observes.
  const Observer = view?.PerformanceObserver;
  const available = view !== null && typeof Observer === 'function' && Observer.supportedEntryTypes?.includes('resource') === true;
  let observer: PerformanceObserver | undefined;
  /** Observes from now on (again, after dispose), with what the buffer still holds. */
  const observe = () => {
    if (!available || observer) return;
    for (const entry of view.performance.getEntriesByType('resource')) note(entry);
    observer = new Observer((list) => {
      for (const entry of list.getEntries()) note(entry);
    });
    observer.observe({ type: 'resource' });
  };
  observe();

  return {
    dispose() {
      observer?.disconnect();
      observer = undefined;
    },
    fetchedByPage(url, signal) {
      if (/^(data|blob):/i.test(url)) return Promise.resolve(!signal.aborted);
      if (signal.aborted || !available) return Promise.resolve(false);
      observe();
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
