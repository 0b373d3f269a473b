/**
 * Reaching shadow roots a page attached `closed`. Web components (design
 * systems, embedded players, some shops' product cards) keep their images
 * there, and those images need a text alternative as much as any other.
 * Pages cannot reach these roots; extensions can:
 * - Chrome: `chrome.dom.openOrClosedShadowRoot(element)`, asked of custom elements only (below);
 * - Firefox: the `openOrClosedShadowRoot` property content scripts see on elements, as cheap as `shadowRoot`.
 */
import { toastHostId } from './toast';

/** The `dom` namespace of the extension API where the browser has one (Chrome 88+). */
export interface DomApi {
  openOrClosedShadowRoot?: (element: HTMLElement) => ShadowRoot | null;
}

const xhtmlNamespace = 'http://www.w3.org/1999/xhtml';

/**
 * A shadowRootOf for the scanner: the element's root, open or closed, where
 * the browser gives extensions a way; undefined where it gives none (the
 * scanner then reads open roots alone). Our own toast's closed root is not
 * the page's and is never scanned.
 */
export function shadowRootReader(dom: DomApi | undefined, sample: Element | undefined): ((element: Element) => ShadowRoot | null) | undefined {
  const ours = (element: Element) => element.id === toastHostId && element.parentNode === element.ownerDocument.documentElement;
  if (dom && typeof dom.openOrClosedShadowRoot === 'function') {
    return (element) => {
      // Chrome's API costs 5-10 µs a call (its bindings check the argument): asked of every element,
      // a 30,000-element page took 150-340 ms on one thread. So it is asked of custom elements only,
      // which is where web components keep closed roots; an HTML element with a closed root of its own
      // (a div a widget script attached one to) stays out of reach in Chrome, as to the page itself.
      // Only HTML elements can host a shadow root, and the API throws for others (SVG, MathML).
      if (element.namespaceURI !== xhtmlNamespace || !element.localName.includes('-') || ours(element)) return null;
      // Called on its namespace object: a detached API function may not know its `this`.
      return dom.openOrClosedShadowRoot!(element as HTMLElement);
    };
  }
  if (sample && 'openOrClosedShadowRoot' in sample) {
    return (element) => (ours(element) ? null : ((element as Element & { openOrClosedShadowRoot?: ShadowRoot | null }).openOrClosedShadowRoot ?? null));
  }
  return undefined;
}
