import { browser } from 'wxt/browser';
import type { Browser } from 'wxt/browser';
import { createRouter, isEngineHostUrl } from '@/src/background/router';
import type { SenderInfo } from '@/src/background/router';
import { createInProcessHostClient, createOffscreenHostClient } from '@/src/background/host-client';
import type { HostClient } from '@/src/background/host-client';
import { createNetworkRules } from '@/src/background/network-rules';
import type { SessionRulesApi } from '@/src/background/network-rules';
import { networkAccessThrough } from '@/src/host/network-access';
import type { RuleSetter } from '@/src/host/network-access';
import { describeFromMenu, describeMenuId, menuTexts } from '@/src/background/context-menu';
import type { MenuTarget } from '@/src/background/context-menu';
import type { BackgroundRequests } from '@/src/messaging/protocol';
import { messageType } from '@/src/messaging/validate';
import { pageMayNeedEngine } from '@/src/background/prepare';
import { loadSettings, watchSettings } from '@/src/settings/storage';
import { descriptionStyle, isEnabledForUrl } from '@/src/settings/schema';
import { extensionLocaliser } from '@/src/shared/extension-i18n';

export default defineBackground({
  // Firefox has no offscreen documents: its (persistent-capable) background page hosts the engine.
  type: import.meta.env.FIREFOX ? undefined : 'module',
  main() {
    const rules = createNetworkRules(browser.declarativeNetRequest as unknown as SessionRulesApi, new URL(browser.runtime.getURL('/')).host);
    const host: HostClient = import.meta.env.FIREFOX
      ? createLazyInProcessClient(rules)
      : createOffscreenHostClient({ allowGpu: async () => (await loadSettings()).useGpu, onDocumentClosed: () => rules.removeAll() });
    // A language setting of 'auto' follows the browser's UI language.
    const router = createRouter(
      host,
      async () => {
        const settings = await loadSettings();
        return { style: descriptionStyle(settings, browser.i18n.getUILanguage()), enabledFor: (topLevelUrl) => isEnabledForUrl(settings, topLevelUrl) };
      },
      rules,
    );
    if (!import.meta.env.FIREFOX) {
      // The engine's document (a process of its own, for isolation) is opened when the worker starts, so the first
      // page that needs it only waits for the models; they load when such a page starts loading (below).
      void loadSettings()
        .then((settings) => (settings.enabled ? host.open?.() : undefined))
        .catch(() => undefined);
      // The engine picks WASM or WebGPU when it loads: a changed GPU setting takes effect in a new engine document.
      watchSettings((next, previous) => {
        if (next.useGpu !== previous.useGpu) void host.restart?.();
      });
    }
    const { translate } = extensionLocaliser();
    const offscreenUrl = browser.runtime.getURL('/offscreen.html');

    // Registered synchronously, so a message that wakes the worker is not missed.
    browser.runtime.onMessage.addListener((message: unknown, sender: Browser.runtime.MessageSender) => {
      if (sender.id !== browser.runtime.id) return undefined;
      if ((message as { target?: unknown } | null)?.target === 'engine-host') return undefined;
      const typed = messageType<BackgroundRequests>(message, router.handlers);
      if (!typed) return undefined;
      // A document that is being replaced (prerendered, back/forward cache) speaks for no page the tab shows.
      const lifecycle = (sender as { documentLifecycle?: string }).documentLifecycle;
      if (lifecycle !== undefined && lifecycle !== 'active') return undefined;
      const extensionPage = sender.url?.startsWith(browser.runtime.getURL('/')) ?? false;
      const fromPage = sender.tab !== undefined && !extensionPage;
      const info: SenderInfo = {
        tabId: sender.tab?.id,
        frameId: sender.frameId,
        url: fromPage ? sender.url : undefined,
        // The top frame is its own top-level page; tab.url may already name the next navigation.
        tabUrl: fromPage ? (sender.frameId === 0 ? sender.url : sender.tab?.url) : undefined,
        incognito: sender.tab?.incognito,
        // Chrome reports the document's origin ("null" when sandboxed); Firefox reports the tab's cookie store.
        origin: fromPage ? (sender as { origin?: string }).origin : undefined,
        cookieStoreId: cookieStoreOf(sender.tab),
        extensionPage,
        engineHost: sender.tab === undefined && isEngineHostUrl(sender.url, offscreenUrl),
      };
      const handler = router.handlers[typed.type] as (request: unknown, sender: SenderInfo) => Promise<unknown>;
      return handler(typed, info);
    });

    browser.tabs.onRemoved.addListener((tabId) => void router.forgetTab(tabId));
    // A page starting to load may need the engine: it starts loading now rather than when the first image arrives.
    // (Not a sign that the old page's work is over: an iframe that navigates, or a pushState, sets the tab loading
    // too. The router drops an old page's requests when the new page's first request comes: createRouter.)
    browser.tabs.onUpdated.addListener((_tabId, change, tab) => {
      if (change.status !== 'loading') return;
      void loadSettings()
        .then((settings) => (pageMayNeedEngine(settings, tab.url) ? host.call('host-prepare', {}) : undefined))
        .catch(() => undefined);
    });

    // Created on every start: Firefox does not keep a persistent background
    // page's menu items across restarts, and Chrome would keep a duplicate.
    void browser.contextMenus
      .removeAll()
      .then(() => browser.contextMenus.create({ id: describeMenuId, title: translate('contextMenuDescribe'), contexts: ['image'] }));

    const onMenu = (target: MenuTarget) =>
      describeFromMenu(target, {
        caption: router.caption,
        sendToTab: (tabId, frameId, message) => browser.tabs.sendMessage(tabId, message, { frameId }),
        // Firefox adds the content script to tabs already open when the extension is installed; Chrome does not.
        ...(!import.meta.env.FIREFOX
          ? { injectContentScript: (tabId: number, frameId: number) => browser.scripting.executeScript({ target: { tabId, frameIds: [frameId] }, files: ['/content-scripts/content.js'] }) }
          : {}),
        texts: menuTexts({ translate }),
      });

    browser.contextMenus.onClicked.addListener((info, tab) => {
      if (info.menuItemId !== describeMenuId || !info.srcUrl || tab?.id === undefined) return;
      void onMenu({
        srcUrl: info.srcUrl,
        tabId: tab.id,
        frameId: info.frameId ?? 0,
        frameUrl: info.frameUrl ?? info.pageUrl,
        pageUrl: info.pageUrl ?? tab.url,
        incognito: tab.incognito,
        cookieStoreId: cookieStoreOf(tab),
      });
    });

    // Context menus cannot be clicked in a headless browser; the end-to-end
    // tests call the same handler through this hook. It is reachable only from
    // the extension's own worker, never from a page.
    Object.assign(globalThis, { lightcapTestHooks: { describeFromMenu: onMenu } });
  },
});

/** Firefox's tabs carry their cookie store (a container, a private window); Chrome's, and the polyfill's types, do not. */
function cookieStoreOf(tab: unknown): string | undefined {
  const store = (tab as { cookieStoreId?: unknown } | undefined)?.cookieStoreId;
  return typeof store === 'string' ? store : undefined;
}

/** The engine host module (and with it the engine) loads only in the Firefox build. */
function createLazyInProcessClient(rules: RuleSetter): HostClient {
  const client = import('@/src/host/browser-host').then(({ createBrowserEngineHost }) => createInProcessHostClient(createBrowserEngineHost(networkAccessThrough(rules))));
  return { call: async (type, request) => (await client).call(type, request) };
}
