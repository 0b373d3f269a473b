import type { BackgroundRequests, CaptionOutput, DescriptionStyle, HandlerMap, ImageSource, PageContext, Priority, Reply } from '../messaging/protocol';
import { errorReply, parseImageSource, parsePriority, parseRequestId } from '../messaging/validate';
import type { HostClient } from './host-client';
import { passThroughGuard } from './network-rules';
import type { NetworkGuard } from './network-rules';

/** Who sent a message: only our own content scripts and pages ever reach us. */
export interface SenderInfo {
  tabId?: number;
  frameId?: number;
  /** URL of the sending frame; undefined for extension pages. */
  url?: string;
  /** URL of the tab's top-level page. */
  tabUrl?: string;
  incognito?: boolean;
  /** True for our own pages (the popup), which may read status and clear the cache. */
  extensionPage?: boolean;
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

/** The page as the browser told us who sent the message, never as the page claims. */
export function pageOf(sender: SenderInfo): PageContext {
  return { frameUrl: sender.url, topLevelUrl: sender.tabUrl ?? sender.url, incognito: sender.incognito === true };
}

/**
 * `style` reads the user's wording settings for each request, so a change in
 * the popup applies to the next image without restarting anything.
 */
export function createRouter(host: HostClient, style: () => Promise<DescriptionStyle>, guard: NetworkGuard = passThroughGuard): Router {
  const requestsByTab = new Map<number, Set<string>>();
  let sequence = 0;

  const track = (tabId: number | undefined, hostRequestId: string) => {
    if (tabId === undefined) return () => undefined;
    const set = requestsByTab.get(tabId) ?? new Set<string>();
    set.add(hostRequestId);
    requestsByTab.set(tabId, set);
    return () => {
      set.delete(hostRequestId);
      if (set.size === 0) requestsByTab.delete(tabId);
    };
  };

  const namespaced = (sender: SenderInfo, requestId: string) => `t${sender.tabId ?? 'x'}-f${sender.frameId ?? 0}-${requestId}`;

  const caption: Router['caption'] = async (source, priority, owner, page) => {
    const wording = await style();
    return guard.around(urlOf(source), page, () => host.call('host-caption', { requestId: `${owner}-${sequence++}`, source, priority, page, style: wording }));
  };

  return {
    caption,
    handlers: {
      async caption(request, sender) {
        const requestId = parseRequestId(request.requestId);
        const source = parseImageSource(request.source);
        if (!requestId || !source) return errorReply('bad-request', 'a caption request needs a requestId and an image source');
        const hostRequestId = namespaced(sender, requestId);
        const untrack = track(sender.tabId, hostRequestId);
        try {
          const wording = await style();
          // The tab may have closed while the settings were read.
          if (sender.tabId !== undefined && !requestsByTab.get(sender.tabId)?.has(hostRequestId)) return { cancel: true };
          const page = pageOf(sender);
          return await guard.around(urlOf(source), page, () =>
            host.call('host-caption', { requestId: hostRequestId, source, priority: parsePriority(request.priority), page, style: wording }),
          );
        } finally {
          untrack();
        }
      },
      async 'caption-cancel'(request, sender) {
        const requestId = parseRequestId(request.requestId);
        if (!requestId) return errorReply('bad-request', 'caption-cancel needs a requestId');
        return host.call('host-cancel', { requestIds: [namespaced(sender, requestId)] });
      },
      // Status and cache are for our own pages (the popup), not content scripts.
      'engine-status': (_request, sender) => (sender.extensionPage ? host.call('host-status', {}) : Promise.resolve(notForPages)),
      'cache-clear': (_request, sender) => (sender.extensionPage ? host.call('host-cache-clear', {}) : Promise.resolve(notForPages)),
    },
    async forgetTab(tabId) {
      const ids = requestsByTab.get(tabId);
      requestsByTab.delete(tabId);
      if (ids && ids.size > 0) await host.call('host-cancel', { requestIds: [...ids] });
    },
  };
}

function urlOf(source: ImageSource): string | undefined {
  return source.kind === 'url' ? source.url : undefined;
}
