// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { shadowRootReader } from '../../src/page/shadow-roots';
import { toastHostId } from '../../src/page/toast';

afterEach(() => {
  document.body.innerHTML = '';
  document.getElementById(toastHostId)?.remove();
});

function closedHost(id: string): { host: HTMLElement; root: ShadowRoot } {
  const host = document.createElement('div');
  host.id = id;
  document.body.append(host);
  return { host, root: host.attachShadow({ mode: 'closed' }) };
}

describe('shadowRootReader', () => {
  it('asks Chrome\'s dom API, on its namespace object, about custom elements only', () => {
    const host = document.createElement('photo-card');
    document.body.append(host);
    const root = host.attachShadow({ mode: 'closed' });
    const { host: plainHost } = closedHost('plain');
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    const asked: Element[] = [];
    const dom = {
      openOrClosedShadowRoot(this: unknown, element: HTMLElement) {
        // A detached call would lose its namespace, which Chrome's bindings may need.
        if (this !== dom) throw new TypeError('Illegal invocation');
        asked.push(element);
        return element === host ? root : null;
      },
    };
    const read = shadowRootReader(dom, document.documentElement);
    expect(read?.(host)).toBe(root);
    expect(read?.(svg)).toBeNull();
    // A closed root on a plain div: not asked (5-10 µs a call on every div of a page is a long task).
    expect(read?.(plainHost)).toBeNull();
    expect(asked).toEqual([host]);
  });

  it('reads Firefox\'s openOrClosedShadowRoot property where there is no dom API', () => {
    const { host, root } = closedHost('card');
    Object.defineProperty(HTMLElement.prototype, 'openOrClosedShadowRoot', {
      configurable: true,
      get(this: HTMLElement) {
        return this === host ? root : null;
      },
    });
    try {
      const read = shadowRootReader(undefined, document.documentElement);
      expect(read?.(host)).toBe(root);
      expect(read?.(document.body)).toBeNull();
    } finally {
      delete (HTMLElement.prototype as { openOrClosedShadowRoot?: unknown }).openOrClosedShadowRoot;
    }
  });

  it('gives no reader where the browser has no way in (the scanner then reads open roots)', () => {
    expect(shadowRootReader(undefined, document.documentElement)).toBeUndefined();
    expect(shadowRootReader({}, document.documentElement)).toBeUndefined();
  });

  it('never opens our own toast\'s closed root, but does open a page element that borrows its id elsewhere', () => {
    const toast = document.createElement('div');
    toast.id = toastHostId;
    document.documentElement.append(toast);
    const toastRoot = toast.attachShadow({ mode: 'closed' });
    const { host: impostor, root: impostorRoot } = closedHost(toastHostId);
    const roots = new Map<Element, ShadowRoot>([
      [toast, toastRoot],
      [impostor, impostorRoot],
    ]);
    // Firefox's property reaches plain divs, the toast's host among them.
    Object.defineProperty(HTMLElement.prototype, 'openOrClosedShadowRoot', {
      configurable: true,
      get(this: HTMLElement) {
        return roots.get(this) ?? null;
      },
    });
    try {
      const read = shadowRootReader(undefined, document.documentElement);
      expect(read?.(toast)).toBeNull();
      expect(read?.(impostor)).toBe(impostorRoot);
    } finally {
      delete (HTMLElement.prototype as { openOrClosedShadowRoot?: unknown }).openOrClosedShadowRoot;
    }
  });
});
