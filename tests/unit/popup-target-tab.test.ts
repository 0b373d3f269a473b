import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { TargetTab } from '../../src/popup/extension';

// @wxt-dev/browser reads globalThis.chrome once, when first loaded: the fake goes there before the import.
Object.assign(globalThis, { chrome: fakeBrowser });
const { watchTargetTab } = await import('../../src/popup/extension');

beforeEach(() => fakeBrowser.reset());
afterEach(() => fakeBrowser.reset());

describe('the popup\'s tab', () => {
  it('follows the tab to another site while the popup is open, and only that tab', async () => {
    const seen: TargetTab[] = [];
    const unwatch = watchTargetTab(7, (target) => seen.push(target));
    await fakeBrowser.tabs.onUpdated.trigger(8, { url: 'https://elsewhere.example/' }, { id: 8, url: 'https://elsewhere.example/' } as never);
    await fakeBrowser.tabs.onUpdated.trigger(7, { title: 'A title' }, { id: 7, url: 'https://a.example/' } as never);
    expect(seen).toEqual([]);
    await fakeBrowser.tabs.onUpdated.trigger(7, { url: 'https://b.example/next' }, { id: 7, url: 'https://b.example/next' } as never);
    expect(seen).toEqual([{ tabId: 7, page: { kind: 'web', site: 'b.example' } }]);
    // A load whose address we are not told (no host permission there: a browser page) is a page we cannot run on.
    await fakeBrowser.tabs.onUpdated.trigger(7, { status: 'loading' }, { id: 7 } as never);
    expect(seen.at(-1)).toEqual({ tabId: 7, page: { kind: 'restricted' } });
    // A frame of the page navigating (the tab loading again at the same kind of page) changes nothing.
    await fakeBrowser.tabs.onUpdated.trigger(7, { status: 'loading' }, { id: 7 } as never);
    expect(seen).toHaveLength(2);
    unwatch();
    await fakeBrowser.tabs.onUpdated.trigger(7, { url: 'https://c.example/' }, { id: 7, url: 'https://c.example/' } as never);
    expect(seen).toHaveLength(2);
  });
});
