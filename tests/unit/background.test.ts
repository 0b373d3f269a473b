import { describe, expect, it } from 'vitest';
import { createRouter, isEngineHostUrl } from '../../src/background/router';
import type { HostClient } from '../../src/background/host-client';
import { describeFromMenu, menuTexts } from '../../src/background/context-menu';
import { germanLocaliser } from './i18n-helpers';
import type { RuleSetter } from '../../src/host/network-access';
import type { BackgroundRequests, DescriptionStyle, EngineHostRequests, PageContext, RequestOf } from '../../src/messaging/protocol';
import { defaultSettings, descriptionStyle, isEnabledForUrl, withSite } from '../../src/settings/schema';
import type { Settings } from '../../src/settings/schema';
import { cachePartition, credentialsFor, mayFetch } from '../../src/shared/fetch-policy';

const wording = { caption: true, neutral: false, language: 'en' } as const;
const noRules: RuleSetter = { add: async () => [], remove: async () => undefined };
/** The settings a router reads: this wording, and every site switched on. */
const everywhere = (style: DescriptionStyle) => async () => ({ style, enabledFor: () => true });
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A host that records what it is asked; the once-per-worker host-forget-runs only when `withRunCleanup`. */
function recordingHost(options: { withRunCleanup?: boolean } = {}) {
  const calls: { type: keyof EngineHostRequests; request: unknown }[] = [];
  const client: HostClient = {
    async call(type, request) {
      if (type !== 'host-forget-runs' || options.withRunCleanup) calls.push({ type, request });
      if (type === 'host-caption') return { output: { alt: 'A dog.', confident: true, text: ['WOOF'], objects: [], cached: false, ms: 1 } } as never;
      return { output: null } as never;
    },
  };
  return { client, calls };
}

describe('background router', () => {
  it('namespaces request ids by tab and frame, and passes the page as the browser saw the sender, with the wording settings', async () => {
    const { client, calls } = recordingHost();
    const router = createRouter(client, everywhere(wording), noRules);
    const sender = { tabId: 7, frameId: 2, url: 'https://a.example/frame', tabUrl: 'https://top.example/', incognito: false };
    const reply = await router.handlers.caption({ requestId: 'img-1', source: { kind: 'url', url: 'https://a.example/dog.jpg' }, priority: 0 }, sender);
    expect(reply).toMatchObject({ output: { alt: 'A dog.' } });
    const page = { frameUrl: 'https://a.example/frame', topLevelUrl: 'https://top.example/', incognito: false };
    expect(calls[0]).toEqual({ type: 'host-caption', request: { requestId: 't7-f2-img-1', source: { kind: 'url', url: 'https://a.example/dog.jpg' }, priority: 0, page, style: wording, owner: 't7', run: expect.stringMatching(/^\w+$/) } });
    await router.handlers['caption-cancel']({ requestId: 'img-1' }, { tabId: 7, frameId: 2 });
    expect(calls[1]).toEqual({ type: 'host-cancel', request: { requestIds: ['t7-f2-img-1'] } });
  });

  it('reads the style, language included, for every request, from pages and from the menu alike', async () => {
    const { client, calls } = recordingHost();
    const settings: Settings = { ...defaultSettings };
    // What entrypoints/background.ts builds: the stored settings and the browser's UI language.
    const router = createRouter(client, async () => ({ style: descriptionStyle(settings, 'de-AT'), enabledFor: () => true }), noRules);
    const sender = { tabId: 3, frameId: 0, url: 'https://a.example/', tabUrl: 'https://a.example/', incognito: false };
    const source = { kind: 'url', url: 'https://a.example/dog.jpg' } as const;
    await router.handlers.caption({ requestId: 'a', source, priority: 0 }, sender);
    settings.descriptionLanguage = 'en';
    await router.caption(source, 0, 'menu3', { topLevelUrl: 'https://a.example/', incognito: false });
    const styles = calls.map((call) => (call.request as { style: unknown }).style);
    expect(styles).toEqual([
      { caption: true, neutral: true, language: 'de' },
      { caption: true, neutral: true, language: 'en' },
    ]);
  });

  it('passes on the referrer policy the page read, and drops one that is not a policy', async () => {
    const { client, calls } = recordingHost();
    const router = createRouter(client, everywhere(wording), noRules);
    const sender = { tabId: 7, frameId: 0, url: 'https://a.example/', tabUrl: 'https://a.example/', incognito: false };
    const ask = (requestId: string, referrerPolicy: unknown) =>
      router.handlers.caption({ requestId, source: { kind: 'url', url: 'https://cdn.example/dog.jpg' }, priority: 0, referrerPolicy } as RequestOf<BackgroundRequests, 'caption'>, sender);
    for (const [id, policy] of [['a', 'no-referrer'], ['b', 'bogus'], ['c', 'NO-REFERRER'], ['d', 42], ['e', undefined]] as const) await ask(id, policy);
    const pages = calls.map((call) => (call.request as { page: PageContext }).page);
    expect(pages[0]).toEqual({ frameUrl: 'https://a.example/', topLevelUrl: 'https://a.example/', incognito: false, referrerPolicy: 'no-referrer' });
    for (const page of pages.slice(1)) expect(page).not.toHaveProperty('referrerPolicy');
  });

  it('drops a page context\'s referrer policy that is not a policy when the engine host asks for rules', async () => {
    const { client } = recordingHost();
    const pages: PageContext[] = [];
    const router = createRouter(client, everywhere(wording), { add: async (_url, page) => (pages.push(page), []), remove: async () => undefined });
    const engineHost = { extensionPage: true, engineHost: true };
    const page = { frameUrl: 'https://a.example/', topLevelUrl: 'https://a.example/', incognito: false };
    await router.handlers['network-rules-add']({ url: 'https://cdn.example/a.png', page: { ...page, referrerPolicy: 'same-origin' } }, engineHost);
    await router.handlers['network-rules-add']({ url: 'https://cdn.example/a.png', page: { ...page, referrerPolicy: 'unsafe-url ' } as unknown as PageContext }, engineHost);
    expect(pages).toEqual([{ ...page, referrerPolicy: 'same-origin' }, page]);
    expect(pages[1]).not.toHaveProperty('referrerPolicy');
  });

  it('lets only the engine host set network rules, never a page or the popup', async () => {
    const { client } = recordingHost();
    const added: string[] = [];
    const removed: number[][] = [];
    const router = createRouter(client, everywhere(wording), { add: async (url) => (added.push(url), [1001]), remove: async (ids) => void removed.push(ids) });
    const request = { url: 'http://192.168.1.1/admin.png', page: { topLevelUrl: 'http://192.168.1.1/', incognito: false } };
    expect(await router.handlers['network-rules-add'](request, { tabId: 4, url: 'https://evil.example/' })).toMatchObject({ error: { code: 'bad-request' } });
    expect(await router.handlers['network-rules-add'](request, { extensionPage: true })).toMatchObject({ error: { code: 'bad-request' } });
    expect(await router.handlers['network-rules-remove']({ ruleIds: [1] }, { tabId: 4 })).toMatchObject({ error: { code: 'bad-request' } });
    expect(added).toEqual([]);
    expect(await router.handlers['network-rules-add'](request, { extensionPage: true, engineHost: true })).toEqual({ output: { ruleIds: [1001] } });
    expect(await router.handlers['network-rules-remove']({ ruleIds: [1001] }, { extensionPage: true, engineHost: true })).toEqual({ output: null });
    expect(added).toEqual(['http://192.168.1.1/admin.png']);
    expect(removed).toEqual([[1001]]);
  });

  it('refuses a page\'s request when the user turned the site in the address bar off, whatever the frame thinks', async () => {
    const { client, calls } = recordingHost();
    let settings: Settings = withSite({ ...defaultSettings }, 'bank.example', false);
    const router = createRouter(client, async () => ({ style: wording, enabledFor: (topLevelUrl: string | undefined) => isEnabledForUrl(settings, topLevelUrl) }), noRules);
    const source = { kind: 'url', url: 'https://pay.example/card.png' } as const;
    // A cross-origin frame on the bank's page: Firefox gives it no ancestorOrigins, so it cannot tell.
    const frame = { tabId: 5, frameId: 3, url: 'https://pay.example/widget', tabUrl: 'https://www.bank.example/account', incognito: false };
    expect(await router.handlers.caption({ requestId: 'a', source, priority: 0 }, frame)).toMatchObject({ error: { code: 'disabled' } });
    expect(calls).toEqual([]);
    settings = withSite(settings, 'bank.example', true);
    expect(await router.handlers.caption({ requestId: 'b', source, priority: 0 }, frame)).toMatchObject({ output: { alt: 'A dog.' } });
    settings = { ...settings, enabled: false };
    expect(await router.handlers.caption({ requestId: 'c', source, priority: 0 }, frame)).toMatchObject({ error: { code: 'disabled' } });
    // The menu is the user's own request, for one image: the switches are about automatic descriptions.
    expect(await router.caption(source, 0, 'menu1', { topLevelUrl: 'https://www.bank.example/', incognito: false })).toMatchObject({ output: { alt: 'A dog.' } });
  });

  it('passes the document origin the browser reports, else the content script\'s, and the tab\'s cookie store', async () => {
    const { client, calls } = recordingHost();
    const router = createRouter(client, everywhere(wording), noRules);
    const source = { kind: 'url', url: 'https://victim.example/qr.png' } as const;
    const sandboxed = { tabId: 1, frameId: 4, url: 'https://victim.example/uploads/x.html', tabUrl: 'https://evil.example/', incognito: false };
    await router.handlers.caption({ requestId: 'a', source, priority: 0, documentOrigin: 'https://victim.example' }, { ...sandboxed, origin: 'null' });
    await router.handlers.caption({ requestId: 'b', source, priority: 0, documentOrigin: 'null' }, sandboxed);
    await router.handlers.caption({ requestId: 'c', source, priority: 0, documentOrigin: '<script>' }, { ...sandboxed, cookieStoreId: 'firefox-container-2' });
    const pages = calls.map((call) => (call.request as { page: PageContext }).page);
    expect(pages[0]).toMatchObject({ frameOrigin: 'null' });
    expect(pages[1]).toMatchObject({ frameOrigin: 'null' });
    expect(pages[2]).not.toHaveProperty('frameOrigin');
    expect(pages[2]).toMatchObject({ cookieStoreId: 'firefox-container-2' });
  });

  it('never takes a subframe\'s own URL for the address bar\'s when the browser withholds the tab\'s URL (Firefox)', async () => {
    const { client, calls } = recordingHost();
    const router = createRouter(client, everywhere(wording), noRules);
    const source = { kind: 'url', url: 'https://tracker.example/id.png' } as const;
    await router.handlers.caption({ requestId: 'a', source, priority: 0 }, { tabId: 1, frameId: 5, url: 'https://tracker.example/f', incognito: false });
    await router.handlers.caption({ requestId: 'b', source, priority: 0 }, { tabId: 1, frameId: 0, url: 'https://tracker.example/f', incognito: false });
    const pages = calls.map((call) => (call.request as { page: PageContext }).page);
    expect(pages[0]!.topLevelUrl).toBeUndefined();
    expect(credentialsFor(source.url, pages[0]!)).toBe('omit');
    expect(cachePartition(pages[0]!)).not.toBe(cachePartition(pages[1]!));
    // The top frame is the address bar's page.
    expect(pages[1]!.topLevelUrl).toBe('https://tracker.example/f');
    expect(credentialsFor(source.url, pages[1]!)).toBe('include');
  });

  it('lets an about:srcdoc or about:blank frame fetch as the document that made it, and a sandboxed one as nobody', async () => {
    const { client, calls } = recordingHost();
    const router = createRouter(client, everywhere(wording), noRules);
    const source = { kind: 'url', url: 'https://mail.example/inline/1.png' } as const;
    const srcdoc = { tabId: 1, frameId: 4, url: 'about:srcdoc', tabUrl: 'https://mail.example/inbox', incognito: false };
    // Chrome reports the frame's origin; Firefox does not, and the content script's self.origin stands in.
    await router.handlers.caption({ requestId: 'a', source, priority: 0 }, { ...srcdoc, origin: 'https://mail.example' });
    await router.handlers.caption({ requestId: 'b', source, priority: 0, documentOrigin: 'https://mail.example' }, { ...srcdoc, url: 'about:blank' });
    await router.handlers.caption({ requestId: 'c', source, priority: 0, documentOrigin: 'null' }, srcdoc);
    await router.handlers.caption({ requestId: 'd', source, priority: 0 }, srcdoc);
    const pages = calls.map((call) => (call.request as { page: PageContext }).page);
    expect(pages.map((page) => page.frameUrl)).toEqual(['https://mail.example/', 'https://mail.example/', 'about:srcdoc', 'about:srcdoc']);
    expect(pages.map((page) => credentialsFor(source.url, page))).toEqual(['include', 'include', 'omit', 'omit']);
    // A loopback page's srcdoc frame reaches what the page reaches; without an origin, only public hosts.
    await router.handlers.caption({ requestId: 'e', source, priority: 0 }, { ...srcdoc, tabUrl: 'http://localhost:8080/', origin: 'http://localhost:8080' });
    await router.handlers.caption({ requestId: 'f', source, priority: 0 }, { ...srcdoc, tabUrl: 'http://localhost:8080/', origin: 'null' });
    const [local, sandboxed] = calls.slice(-2).map((call) => (call.request as { page: PageContext }).page);
    expect(mayFetch('http://localhost:8080/a.png', local!)).toBe(true);
    expect(mayFetch('http://localhost:8080/a.png', sandboxed!)).toBe(false);
  });

  it('holds a popup a page opened and wrote into (about:blank in the address bar) to that page\'s site switch', async () => {
    const { client, calls } = recordingHost();
    const settings: Settings = withSite({ ...defaultSettings }, 'bank.example', false);
    const router = createRouter(client, async () => ({ style: wording, enabledFor: (topLevelUrl: string | undefined) => isEnabledForUrl(settings, topLevelUrl) }), noRules);
    const source = { kind: 'url', url: 'https://bank.example/card.png' } as const;
    const popup = { tabId: 9, frameId: 0, url: 'about:blank', tabUrl: 'about:blank', incognito: false, origin: 'https://www.bank.example' };
    expect(await router.handlers.caption({ requestId: 'a', source, priority: 0 }, popup)).toMatchObject({ error: { code: 'disabled' } });
    expect(await router.handlers.caption({ requestId: 'b', source, priority: 0 }, { ...popup, origin: 'https://shop.example' })).toMatchObject({ output: {} });
    expect(calls).toHaveLength(1);
  });

  it('refuses requests whose source is not a web or data image URL', async () => {
    const { client, calls } = recordingHost();
    const router = createRouter(client, everywhere(wording), noRules);
    const reply = await router.handlers.caption({ requestId: 'x', source: { kind: 'url', url: 'javascript:alert(1)' }, priority: 0 }, { tabId: 1 });
    expect(reply).toMatchObject({ error: { code: 'bad-request' } });
    expect(calls).toEqual([]);
  });

  it('never sends the engine a request the page cancelled while its settings were read', async () => {
    const { client, calls } = recordingHost();
    let settingsRead: () => void = () => undefined;
    const slowStyle = () => new Promise<typeof wording>((resolve) => (settingsRead = () => resolve(wording)));
    const router = createRouter(client, () => slowStyle().then((style) => ({ style, enabledFor: () => true })), noRules);
    const sender = { tabId: 9, frameId: 0, url: 'https://a.example/', tabUrl: 'https://a.example/', incognito: false };
    const pending = router.handlers.caption({ requestId: 'a', source: { kind: 'url', url: 'https://a.example/1.png' }, priority: 1 }, sender);
    await router.handlers['caption-cancel']({ requestId: 'a' }, sender);
    settingsRead();
    expect(await pending).toEqual({ cancel: true });
    expect(calls.map((call) => call.type)).toEqual(['host-cancel']);
  });

  it('drops a page\'s open requests when its frame sends from a new document, and every frame\'s when the top frame does', async () => {
    const cancelled: string[][] = [];
    const client: HostClient = {
      call(type, request) {
        if (type === 'host-cancel') cancelled.push((request as { requestIds: string[] }).requestIds);
        if (type === 'host-caption') return new Promise(() => undefined);
        return Promise.resolve({ output: null } as never);
      },
    };
    const router = createRouter(client, everywhere(wording), noRules);
    const source = { kind: 'url', url: 'https://a.example/1.png' } as const;
    const ask = (frameId: number, requestId: string, pageToken: string) => void router.handlers.caption({ requestId, source, priority: 1, pageToken }, { tabId: 4, frameId });
    ask(0, 'top-1', 'page-a');
    ask(2, 'ad-1', 'ad-x');
    ask(0, 'top-2', 'page-a');
    await tick();
    expect(cancelled).toEqual([]);
    // The ad frame navigates (an iframe load, which also sets the tab "loading"): only its own request goes.
    ask(2, 'ad-2', 'ad-y');
    await tick();
    expect(cancelled).toEqual([['t4-f2-ad-1']]);
    // The tab shows a new page, whose content script says so as it starts: everything of the old one goes,
    // before the new page asks for anything (it may never).
    expect(await router.handlers['page-open']({ pageToken: 'page-b' }, { tabId: 4, frameId: 0 })).toEqual({ output: { topLevelHostname: null } });
    await tick();
    expect(cancelled[1]?.sort()).toEqual(['t4-f0-top-1', 't4-f0-top-2', 't4-f2-ad-2']);
    // The new page's own requests, from its frames too, are not cancelled by its own tokens.
    ask(0, 'top-1', 'page-b');
    ask(3, 'frame-1', 'frame-of-b');
    await router.handlers['page-open']({ pageToken: 'page-b' }, { tabId: 4, frameId: 0 });
    await tick();
    expect(cancelled).toHaveLength(2);
    expect(await router.handlers['page-open']({ pageToken: '' }, { tabId: 4, frameId: 0 })).toMatchObject({ error: { code: 'bad-request' } });
  });

  it('asks the engine, with its first caption, to drop the requests of the worker before it, naming its own run', async () => {
    const { client, calls } = recordingHost({ withRunCleanup: true });
    const router = createRouter(client, everywhere(wording), noRules);
    const sender = { tabId: 7, frameId: 0, url: 'https://a.example/', incognito: false };
    await router.handlers.caption({ requestId: 'img-1', source: { kind: 'url', url: 'https://a.example/dog.jpg' }, priority: 0 }, sender);
    await router.handlers.caption({ requestId: 'img-2', source: { kind: 'url', url: 'https://a.example/cat.jpg' }, priority: 0 }, sender);
    const run = (calls[0]!.request as { run: string }).run;
    expect(calls.map((call) => call.type)).toEqual(['host-caption', 'host-forget-runs', 'host-caption']);
    expect(calls[1]).toEqual({ type: 'host-forget-runs', request: { run } });
  });

  it('tells a frame which site is in the address bar, for the per-site switch (Firefox gives cross-origin frames no ancestorOrigins)', async () => {
    const { client } = recordingHost();
    const router = createRouter(client, everywhere(wording), noRules);
    const frame = { tabId: 4, frameId: 3, url: 'https://www.youtube.example/embed/x', tabUrl: 'https://news.example/story', incognito: false };
    expect(await router.handlers['page-open']({ pageToken: 'frame-a' }, frame)).toEqual({ output: { topLevelHostname: 'news.example' } });
    // Where the browser withholds the tab's URL, a frame's own is not taken for it.
    expect(await router.handlers['page-open']({ pageToken: 'frame-b' }, { ...frame, tabUrl: undefined })).toEqual({ output: { topLevelHostname: null } });
  });

  it('cancels the open requests of a closed tab', async () => {
    const calls: string[][] = [];
    let finish: () => void = () => undefined;
    const client: HostClient = {
      call(type, request) {
        if (type === 'host-cancel') calls.push((request as { requestIds: string[] }).requestIds);
        if (type === 'host-caption') return new Promise((resolve) => (finish = () => resolve({ cancel: true })));
        return Promise.resolve({ output: null } as never);
      },
    };
    const router = createRouter(client, everywhere(wording), noRules);
    const pending = router.handlers.caption({ requestId: 'a', source: { kind: 'url', url: 'https://a.example/1.png' }, priority: 1 }, { tabId: 3, frameId: 0 });
    await router.forgetTab(3);
    expect(calls).toEqual([['t3-f0-a']]);
    finish();
    expect(await pending).toEqual({ cancel: true });
  });
});

describe('the engine host as a sender', () => {
  const offscreen = 'chrome-extension://abc/offscreen.html';
  it('is the offscreen document, whether or not it was opened with the GPU off', () => {
    expect(isEngineHostUrl(offscreen, offscreen)).toBe(true);
    // The background opens it so when "Use the GPU when available" is off; its network rules must still be set.
    expect(isEngineHostUrl(`${offscreen}?gpu=off`, offscreen)).toBe(true);
    expect(isEngineHostUrl(`${offscreen}#x`, offscreen)).toBe(true);
  });

  it('is no other page of ours, and nothing without a URL', () => {
    expect(isEngineHostUrl('chrome-extension://abc/popup.html', offscreen)).toBe(false);
    expect(isEngineHostUrl('chrome-extension://abc/offscreen.html.evil', offscreen)).toBe(false);
    expect(isEngineHostUrl('chrome-extension://other/offscreen.html', offscreen)).toBe(false);
    expect(isEngineHostUrl(undefined, offscreen)).toBe(false);
  });
});

describe('context menu flow', () => {
  it('shows progress, then the description and the text read, in the tab and frame it was opened in, saying when it was asked', async () => {
    const sent: unknown[] = [];
    const messages: { requestedAt?: number }[] = [];
    const content = await describeFromMenu(
      { srcUrl: 'https://a.example/dog.jpg', tabId: 4, frameId: 1 },
      {
        caption: async () => ({ output: { alt: 'A dog.', confident: true, text: ['WOOF'], objects: [], cached: false, ms: 1 } }),
        sendToTab: async (tabId, frameId, message) => {
          sent.push([tabId, frameId, (message as { content: unknown }).content]);
          messages.push(message as { requestedAt?: number });
        },
      },
    );
    expect(content).toEqual({ state: 'done', description: 'A dog.', text: ['WOOF'] });
    expect(sent).toEqual([[4, 1, { state: 'working' }], [4, 1, content]]);
    expect(messages.map((message) => message.requestedAt)).toEqual([expect.any(Number), messages[0]!.requestedAt]);
    expect(Math.abs(Date.now() - messages[0]!.requestedAt!)).toBeLessThan(5000);
  });

  it('fetches for a Firefox container\'s tab without the default container\'s cookies', async () => {
    const pages: PageContext[] = [];
    const caption = async (_source: unknown, _priority: 0, _owner: string, page: PageContext) => (pages.push(page), { cancel: true } as const);
    const target = { srcUrl: 'https://mail.example/avatar.png', tabId: 4, frameId: 0, frameUrl: 'https://mail.example/inbox', pageUrl: 'https://mail.example/inbox' };
    await describeFromMenu({ ...target, cookieStoreId: 'firefox-container-1' }, { caption, sendToTab: async () => undefined });
    await describeFromMenu({ ...target, cookieStoreId: 'firefox-default' }, { caption, sendToTab: async () => undefined });
    expect(pages.map((page) => credentialsFor(target.srcUrl, page))).toEqual(['omit', 'include']);
    expect(cachePartition(pages[0]!)).not.toBe(cachePartition(pages[1]!));
  });

  it('fetches for the menu as the frame\'s document origin, which its content script tells: a sandboxed one gets no cookies', async () => {
    const pages: PageContext[] = [];
    const caption = async (_source: unknown, _priority: 0, _owner: string, page: PageContext) => (pages.push(page), { cancel: true } as const);
    const target = { srcUrl: 'https://victim.example/account/qr.png', tabId: 4, frameId: 0, frameUrl: 'https://victim.example/uploads/x.html', pageUrl: 'https://victim.example/uploads/x.html' };
    const answering = (documentOrigin: string) => async () => ({ output: { documentOrigin } });
    await describeFromMenu(target, { caption, sendToTab: answering('null') });
    await describeFromMenu(target, { caption, sendToTab: answering('https://victim.example') });
    await describeFromMenu(target, { caption, sendToTab: answering('<script>') });
    expect(pages.map((page) => page.frameOrigin)).toEqual(['null', 'https://victim.example', undefined]);
    expect(pages.map((page) => credentialsFor(target.srcUrl, page))).toEqual(['omit', 'include', 'include']);
  });

  it('never takes a subframe\'s URL for the address bar\'s in the menu path either', async () => {
    const pages: PageContext[] = [];
    const caption = async (_source: unknown, _priority: 0, _owner: string, page: PageContext) => (pages.push(page), { cancel: true } as const);
    const frame = { srcUrl: 'https://tracker.example/id.png', tabId: 4, frameId: 3, frameUrl: 'https://tracker.example/f' };
    await describeFromMenu(frame, { caption, sendToTab: async () => undefined });
    await describeFromMenu({ ...frame, frameId: 0 }, { caption, sendToTab: async () => undefined });
    expect(pages.map((page) => page.topLevelUrl)).toEqual([undefined, 'https://tracker.example/f']);
    expect(pages.map((page) => credentialsFor(frame.srcUrl, page))).toEqual(['omit', 'include']);
  });

  it('runs the content script in a tab opened before the extension was installed, then shows the toast there', async () => {
    const sent: unknown[] = [];
    const injected: [number, number][] = [];
    let listening = false;
    let startsAfter = 3;
    const deps = {
      caption: async () => ({ output: { alt: 'A dog.', confident: true, text: [], objects: [], cached: false, ms: 1 } }),
      sendToTab: async (tabId: number, frameId: number, message: unknown) => {
        if (!listening) throw new Error('Could not establish connection. Receiving end does not exist.');
        sent.push([tabId, frameId, (message as { content: { state: string } }).content.state]);
      },
      injectContentScript: async (tabId: number, frameId: number) => void injected.push([tabId, frameId]),
      // The injected script starts listening after it has read the settings: a few tries later.
      sleep: async () => void (--startsAfter <= 0 && (listening = true)),
    };
    await describeFromMenu({ srcUrl: 'https://a.example/dog.jpg', tabId: 7, frameId: 2 }, deps);
    expect(injected).toEqual([[7, 2]]);
    expect(sent).toEqual([[7, 2, 'working'], [7, 2, 'done']]);
    // Where no script may run (the browser's own pages), it gives up at once and still answers.
    const refused = await describeFromMenu(
      { srcUrl: 'https://a.example/dog.jpg', tabId: 8, frameId: 0 },
      { ...deps, sendToTab: async () => Promise.reject(new Error('no receiver')), injectContentScript: async () => Promise.reject(new Error('Cannot access a chrome:// URL')) },
    );
    expect(refused).toMatchObject({ state: 'done', description: 'A dog.' });
  });

  it('explains images it cannot read, without asking the engine', async () => {
    let asked = 0;
    const content = await describeFromMenu(
      { srcUrl: 'blob:https://a.example/123', tabId: 1, frameId: 0 },
      { caption: async () => (asked++, { cancel: true }), sendToTab: async () => undefined },
    );
    expect(content).toEqual({ state: 'error', error: expect.stringMatching(/cannot read this image/) });
    expect(asked).toBe(0);
  });

  it('says "nothing confident" in the texts it is given (the user\'s language)', async () => {
    const texts = { nothingConfident: 'Nichts in diesem Bild wurde sicher erkannt.', unreadable: 'nicht lesbar', cancelled: 'abgebrochen', reason: (code: string) => `Grund ${code}` };
    const content = await describeFromMenu(
      { srcUrl: 'https://a.example/fog.jpg', tabId: 4, frameId: 0 },
      { caption: async () => ({ output: { alt: '', confident: false, text: [], objects: [], cached: false, ms: 1 } }), sendToTab: async () => undefined, texts },
    );
    expect(content).toEqual({ state: 'done', notice: texts.nothingConfident, text: [] });
    const unreadable = await describeFromMenu({ srcUrl: 'blob:https://a.example/1', tabId: 4, frameId: 0 }, { caption: async () => ({ cancel: true }), sendToTab: async () => undefined, texts });
    expect(unreadable).toEqual({ state: 'error', error: 'nicht lesbar' });
    // An engine error is said in the user's words for its code, never the engine's English message.
    const timedOut = await describeFromMenu(
      { srcUrl: 'https://a.example/fog.jpg', tabId: 4, frameId: 0 },
      { caption: async () => ({ error: { code: 'timeout', message: 'the engine took longer than 15000 ms' } }), sendToTab: async () => undefined, texts },
    );
    expect(timedOut).toEqual({ state: 'error', error: 'Grund timeout' });
    expect(menuTexts(germanLocaliser()).reason('image-too-large')).toBe('Das Bild ist zu groß, um es sicher zu beschreiben.');
    expect(menuTexts().reason('corrupt-image')).toBe('The image file is empty or damaged.');
  });

  it('answers status and cache requests only from extension pages', async () => {
    const { client, calls } = recordingHost();
    const router = createRouter(client, everywhere(wording), noRules);
    expect(await router.handlers['cache-clear']({}, { tabId: 5, url: 'https://evil.example/' })).toMatchObject({ error: { code: 'bad-request' } });
    expect(calls).toEqual([]);
    await router.handlers['cache-clear']({}, { tabId: 9, extensionPage: true });
    expect(calls.map((c) => c.type)).toEqual(['host-cache-clear']);
  });
});
