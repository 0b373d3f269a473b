import type { BackgroundRequests, CaptionOutput, DescriptionStyle, HandlerMap, ImageSource, PageContext, Priority, Reply } from '../messaging/protocol';
import { errorReply, parseImageSource, parseOrigin, parsePageContext, parsePriority, parseReferrerPolicy, parseRequestId } from '../messaging/validate';
import type { HostClient } from './host-client';
import { hostnameOfUrl } from '../settings/schema';
import type { RuleSetter } from '../host/network-access';

/** Who sent a message: only our own content scripts and pages ever reach us. */
export interface SenderInfo {
  tabId?: number;
  frameId?: number;
  /** URL of the sending frame; undefined for extension pages. */
  url?: string;
  /** URL of the tab's top-level page. */
  tabUrl?: string;
  incognito?: boolean;
  /** The sending document's origin, where the browser reports it (Chrome): "null" for a sandboxed one. */
  origin?: string;
  /** Firefox: the tab's cookie store (a container, or a private window's). */
  cookieStoreId?: string;
  /** True for our own pages (the popup), which may read status and clear the cache. */
  extensionPage?: boolean;
  /** True for the offscreen document that hosts the engine: only it may set network rules. */
  engineHost?: boolean;
}

export interface Router {
  handlers: HandlerMap<BackgroundRequests, SenderInfo>;
  /** Cancels everything a tab asked for; called when it closes or navigates away. */
  forgetTab(tabId: number): Promise<void>;
  /** The context-menu flow and the popup use the same path as content scripts. */
  caption(source: ImageSource, priority: Priority, owner: string, page: PageContext): Promise<Reply<CaptionOutput>>;
}

/**
 * Routes requests to the engine host. Request ids from pages are only unique
 * within a page, so they are namespaced by tab and frame here; that is also
 * what lets a closed tab's work be cancelled.
 */
const notForPages = errorReply('bad-request', 'only the extension\'s own pages may ask this');
const notForEngineHost = errorReply('bad-request', 'only the engine host may ask this');

/**
 * Whether a message without a tab came from the engine's offscreen document.
 * The document is opened with a query when the user turned the GPU off
 * (`offscreen.html?gpu=off`), so only the URL before it counts.
 */
export function isEngineHostUrl(senderUrl: string | undefined, offscreenUrl: string): boolean {
  return senderUrl !== undefined && senderUrl.split(/[?#]/, 1)[0] === offscreenUrl;
}

/**
 * The page as the browser told us who sent the message, never as the page
 * claims. Only where the browser does not report the document's origin does
 * our content script's reading of it (`self.origin`, which the page's own
 * scripts cannot change for it) stand in.
 */
export function pageOf(sender: SenderInfo, contentScriptOrigin?: unknown): PageContext {
  const frameOrigin = parseOrigin(sender.origin) ?? parseOrigin(contentScriptOrigin);
  // A subframe's own URL is never the address bar's: where the browser withholds the tab's URL (Firefox,
  // for a page the extension has no access to), the top-level page stays unknown, which every policy reads strictly.
  const tabUrl = sender.tabUrl ?? ((sender.frameId ?? 0) === 0 ? sender.url : undefined);
  // A popup a page opened and wrote into (about:blank in the address bar) is that page's, for its switch too.
  const topLevelUrl = (sender.frameId ?? 0) === 0 ? requestingUrl(tabUrl, frameOrigin) : tabUrl;
  const page: PageContext = { frameUrl: requestingUrl(sender.url, frameOrigin), topLevelUrl, incognito: sender.incognito === true };
  return {
    ...page,
    ...(frameOrigin === undefined ? {} : { frameOrigin }),
    ...(sender.cookieStoreId === undefined ? {} : { cookieStoreId: sender.cookieStoreId }),
  };
}

/**
 * An about:blank or about:srcdoc document has the origin of the document
 * that made it, and its image requests go out as that origin's: with its
 * cookies, from its address space, with its origin as the Referer (the
 * browser would send the maker's full URL; the origin is all we know).
 * Without a real origin (a sandboxed frame: "null") it stays an about: URL,
 * which every policy reads as strictly as it can.
 */
function requestingUrl(frameUrl: string | undefined, frameOrigin: string | undefined): string | undefined {
  const opaqueUrl = frameUrl !== undefined && /^about:/i.test(frameUrl);
  return opaqueUrl && frameOrigin !== undefined && frameOrigin !== 'null' ? `${frameOrigin}/` : frameUrl;
}

/** What the router reads of the user's settings, once for each request. */
export interface RouterSettings {
  /** How descriptions are worded, their language included. */
  style: DescriptionStyle;
  /**
   * Whether the switches (global and per site) allow automatic descriptions
   * on the page at this address in the address bar: the content script checks
   * them too, but a frame cannot always tell which page embeds it (Firefox
   * gives a cross-origin frame no `ancestorOrigins`), and the browser can.
   */
  enabledFor(topLevelUrl: string | undefined): boolean;
}

/**
 * `settings` reads the user's settings for each request, so a change in the
 * popup applies to the next image without restarting anything.
 */
export function createRouter(host: HostClient, settings: () => Promise<RouterSettings>, rules: RuleSetter): Router {
  /** The open requests of each tab, with the frame that asked. */
  const requestsByTab = new Map<number, Map<string, number>>();
  /** The document each frame of each tab last spoke from (its content script's page token), by tab, then frame. */
  const pageTokens = new Map<number, Map<number, string>>();
  // Menu request ids must not repeat those of the worker before a restart, whose requests the engine may still hold.
  const run = Math.random().toString(36).slice(2, 10);
  let sequence = 0;

  const track = (tabId: number | undefined, frameId: number, hostRequestId: string) => {
    if (tabId === undefined) return () => undefined;
    const open = requestsByTab.get(tabId) ?? new Map<string, number>();
    open.set(hostRequestId, frameId);
    requestsByTab.set(tabId, open);
    return () => {
      open.delete(hostRequestId);
      if (open.size === 0 && requestsByTab.get(tabId) === open) requestsByTab.delete(tabId);
    };
  };

  /** Cancels the open requests of one frame of a tab, or of all its frames (untracked at once, before the engine hears). */
  const forget = (tabId: number, frameId?: number): Promise<unknown> => {
    const open = requestsByTab.get(tabId);
    if (!open) return Promise.resolve();
    const ids = [...open].filter(([, frame]) => frameId === undefined || frame === frameId).map(([id]) => id);
    for (const id of ids) open.delete(id);
    if (open.size === 0) requestsByTab.delete(tabId);
    return ids.length > 0 ? host.call('host-cancel', { requestIds: ids }) : Promise.resolve();
  };

  /**
   * A frame that speaks from a new document (another page token: its content
   * script says so as it starts, and with each request) has left the old one:
   * its requests are dropped, and when it is the top frame, those of every
   * frame, which went with the old page. The browser's own loading events
   * cannot tell this: an iframe that navigates or a pushState sets a tab
   * "loading" too, and must not cancel the page's work. (A frame of the new
   * page that asks before the new top frame has said it started loses its
   * requests to that once; the page asks again.)
   */
  const noteDocument = (tabId: number | undefined, frameId: number, token: string | undefined) => {
    if (tabId === undefined || token === undefined) return;
    const frames = pageTokens.get(tabId) ?? new Map<number, string>();
    pageTokens.set(tabId, frames);
    const previous = frames.get(frameId);
    if (previous === token) return;
    // The old page's frames are gone with it; so are their tokens.
    if (frameId === 0 && previous !== undefined) frames.clear();
    frames.set(frameId, token);
    if (previous !== undefined) void forget(tabId, frameId === 0 ? undefined : frameId).catch(() => undefined);
  };

  /**
   * Cancels in the engine what the service worker before this one asked for: when it stopped, its
   * pages' messages failed and they asked again under new ids, so no cancel would ever reach the old
   * ones. Said with this worker's first caption, not when it starts: at start it made the engine
   * document build its host while the browser was still launching (first caption 0.5 s later, bench:page).
   */
  let earlierRunsForgotten = false;
  const forgetEarlierRuns = () => {
    if (earlierRunsForgotten) return;
    earlierRunsForgotten = true;
    void host.call('host-forget-runs', { run }).catch(() => undefined);
  };

  const namespaced = (sender: SenderInfo, requestId: string) => `t${sender.tabId ?? 'x'}-f${sender.frameId ?? 0}-${requestId}`;

  const caption: Router['caption'] = async (source, priority, owner, page) =>
    host.call('host-caption', { requestId: `${owner}-${run}-${sequence++}`, source, priority, page, style: (await settings()).style, owner, run });

  return {
    caption,
    handlers: {
      async caption(request, sender) {
        const requestId = parseRequestId(request.requestId);
        const source = parseImageSource(request.source);
        if (!requestId || !source) return errorReply('bad-request', 'a caption request needs a requestId and an image source');
        const hostRequestId = namespaced(sender, requestId);
        noteDocument(sender.tabId, sender.frameId ?? 0, parseRequestId(request.pageToken));
        const untrack = track(sender.tabId, sender.frameId ?? 0, hostRequestId);
        try {
          const referrerPolicy = parseReferrerPolicy(request.referrerPolicy);
          // The one field of the page the page itself tells: it can only make our Referer one its own request could carry.
          const page = referrerPolicy ? { ...pageOf(sender, request.documentOrigin), referrerPolicy } : pageOf(sender, request.documentOrigin);
          const { style, enabledFor } = await settings();
          if (!enabledFor(page.topLevelUrl)) return errorReply('disabled', 'LightCap Alt is turned off for this site');
          // The tab may have closed, or the page cancelled this request, while the settings were read.
          if (sender.tabId !== undefined && !requestsByTab.get(sender.tabId)?.has(hostRequestId)) return { cancel: true };
          const answer = host.call('host-caption', { requestId: hostRequestId, source, priority: parsePriority(request.priority), page, style, owner: `t${sender.tabId ?? 'x'}`, run });
          forgetEarlierRuns();
          return await answer;
        } finally {
          untrack();
        }
      },
      async 'page-open'(request, sender) {
        const token = parseRequestId(request.pageToken);
        if (!token || sender.tabId === undefined) return errorReply('bad-request', 'page-open needs a page token, from a tab');
        noteDocument(sender.tabId, sender.frameId ?? 0, token);
        // A cross-origin frame in Firefox (no ancestorOrigins) cannot read which page embeds it; the browser told us.
        return { output: { topLevelHostname: hostnameOfUrl(pageOf(sender).topLevelUrl) || null } };
      },
      async 'caption-cancel'(request, sender) {
        const requestId = parseRequestId(request.requestId);
        if (!requestId) return errorReply('bad-request', 'caption-cancel needs a requestId');
        const hostRequestId = namespaced(sender, requestId);
        // A request still reading the settings sees this and never reaches the engine.
        if (sender.tabId !== undefined) requestsByTab.get(sender.tabId)?.delete(hostRequestId);
        return host.call('host-cancel', { requestIds: [hostRequestId] });
      },
      // Status and cache are for our own pages (the popup), not content scripts.
      'engine-status': (_request, sender) => (sender.extensionPage ? host.call('host-status', {}) : Promise.resolve(notForPages)),
      'cache-clear': (_request, sender) => (sender.extensionPage ? host.call('host-cache-clear', {}) : Promise.resolve(notForPages)),
      // Network rules open a door for our own fetches: only the engine host may ask, never a page or the popup.
      async 'network-rules-add'(request, sender) {
        if (!sender.engineHost) return notForEngineHost;
        const url = typeof request.url === 'string' ? request.url : '';
        return { output: { ruleIds: await rules.add(url, parsePageContext(request.page)) } };
      },
      async 'network-rules-remove'(request, sender) {
        if (!sender.engineHost) return notForEngineHost;
        const ids = Array.isArray(request.ruleIds) ? request.ruleIds.filter((id): id is number => typeof id === 'number') : [];
        await rules.remove(ids);
        return { output: null };
      },
    },
    async forgetTab(tabId) {
      pageTokens.delete(tabId);
      await forget(tabId);
    },
  };
}
