import { pageResourceLog } from './resource-log';
import type { ResourceLog } from './resource-log';
import { backgroundImageUrl, isImageInput, isRoleImage } from './targets';
import type { CaptionTarget } from './targets';

/**
 * Waits for an image's pixels. An `<img>` says whether it loaded
 * (`complete`, `naturalWidth`); an `<input type=image>` does not, so what its
 * `load` and `error` events said is remembered here, per src. Describing an
 * input whose image the page could not load (a 404, or one the browser
 * blocked) would mean fetching what the browser refused to. A role=img
 * element's CSS background fires no event at all, so its URL is loaded once
 * through the page's own image loader, but only after the page fetched it
 * itself (resource-log.ts: our loads skip the page's CSP), and that answer is
 * remembered per URL.
 */

export type ImageLoadStatus = 'loaded' | 'failed' | 'unknown';

/** Loads a URL with the page's own image loader (same blocking rules as the page) and says whether it decoded. */
export type ImageProbe = (url: string, signal: AbortSignal) => Promise<boolean>;

export interface ImageLoadWatcher {
  /** What the input's `load`/`error` events (or a probe) said about its current src. */
  inputStatus(input: HTMLInputElement): ImageLoadStatus;
  /** What the page's image loader said about the element's current background image. */
  backgroundStatus(element: Element): ImageLoadStatus;
  /**
   * Calls `onSettled(true)` once the element's image loads, `onSettled(false)`
   * when it fails; never after `signal` aborts, and at most once.
   */
  waitFor(element: CaptionTarget, signal: AbortSignal, onSettled: (loaded: boolean) => void): void;
  /** Stops watching the page's resource timing (the captioner stopped); a later wait starts it again. */
  dispose(): void;
}

/** Background URLs remembered per page; a page that paints more than this is probed again, no harm done. */
const maxRememberedBackgrounds = 2000;

export function createImageLoadWatcher(view: (Window & typeof globalThis) | null, givenProbe?: ImageProbe): ImageLoadWatcher {
  // Our own resource log only with our own probe, so that dispose() has it to stop.
  let resources: ResourceLog | undefined;
  const probe = givenProbe ?? pageImageProbe(view, (resources = pageResourceLog(view)));
  const inputs = new WeakMap<HTMLInputElement, { src: string; status: 'loaded' | 'failed' }>();
  const backgrounds = new Map<string, 'loaded' | 'failed'>();
  const rememberBackground = (url: string, loaded: boolean) => {
    backgrounds.delete(url);
    backgrounds.set(url, loaded ? 'loaded' : 'failed');
    if (backgrounds.size > maxRememberedBackgrounds) backgrounds.delete(backgrounds.keys().next().value!);
  };

  const inputStatus = (input: HTMLInputElement): ImageLoadStatus => {
    const known = inputs.get(input);
    return known && known.src === input.src ? known.status : 'unknown';
  };

  return {
    inputStatus,

    dispose() {
      resources?.dispose();
    },

    backgroundStatus(element) {
      const url = backgroundImageUrl(element);
      return url === undefined ? 'unknown' : (backgrounds.get(url) ?? 'unknown');
    },

    waitFor(element, signal, onSettled) {
      if (signal.aborted) return;
      let settled = false;
      const settle = (loaded: boolean) => {
        if (settled || signal.aborted) return;
        settled = true;
        if (isImageInput(element)) inputs.set(element, { src: element.src, status: loaded ? 'loaded' : 'failed' });
        onSettled(loaded);
      };
      if (isRoleImage(element)) {
        const url = backgroundImageUrl(element);
        if (url === undefined) return;
        probe(url, signal).then((loaded) => {
          // A wait cut short says nothing about the URL.
          if (signal.aborted) return;
          rememberBackground(url, loaded);
          settle(loaded);
        }, () => undefined);
        return;
      }
      element.addEventListener('load', () => settle(true), { signal });
      element.addEventListener('error', () => settle(false), { signal });
      // An input whose image loaded before we started watching fired its
      // load event already; ask the page's image loader, which answers from
      // its cache, or refuses just as it refused the input.
      if (isImageInput(element) && inputStatus(element) === 'unknown' && element.src) {
        probe(element.src, signal).then(settle, () => undefined);
      }
    },
  };
}

/**
 * A detached `<img>` of the page's document, never shown, loaded once the page's own loader has
 * fetched the URL (and never if it does not: a load the page's CSP or a blocker refused), so that
 * the answer comes from the cache the page filled and no request goes out that the page did not make.
 */
export function pageImageProbe(view: (Window & typeof globalThis) | null, resources: ResourceLog): ImageProbe {
  return async (url, signal) => (await resources.fetchedByPage(url, signal)) && decodes(view, url, signal);
}

function decodes(view: (Window & typeof globalThis) | null, url: string, signal: AbortSignal): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const ImageConstructor = view?.Image;
    if (!ImageConstructor || signal.aborted) {
      resolve(false);
      return;
    }
    const image = new ImageConstructor();
    const done = (loaded: boolean) => {
      signal.removeEventListener('abort', abort);
      image.onload = null;
      image.onerror = null;
      resolve(loaded);
    };
    const abort = () => {
      image.removeAttribute('src');
      done(false);
    };
    signal.addEventListener('abort', abort, { once: true });
    image.onload = () => done(image.naturalWidth > 0);
    image.onerror = () => done(false);
    image.decoding = 'async';
    image.src = url;
  });
}
