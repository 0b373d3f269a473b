import type { ContentRequests, ErrorCode, ImageSource, Message, PageContext, Reply, CaptionOutput, ToastContent } from '../messaging/protocol';
import { priorities } from '../messaging/protocol';
import { isRecord, parseImageSource, parseOrigin } from '../messaging/validate';
import { englishLocaliser } from '../shared/i18n';
import type { Localiser, MessageKey } from '../shared/i18n';

export const describeMenuId = 'lightcap-describe-image';

/** What the toast says when there is no description, in the user's language (the background's messages). */
export interface MenuTexts {
  nothingConfident: string;
  unreadable: string;
  cancelled: string;
  /** Why a description failed, from the reply's code: the engine's own messages are English and technical. */
  reason(code: ErrorCode): string;
}

/** Every error code has words; a new code is a type error here until it has. */
const reasonMessages: Record<ErrorCode, MessageKey> = {
  'fetch-failed': 'menuReasonFetch',
  'blocked-address': 'menuReasonBlocked',
  timeout: 'menuReasonTimeout',
  'empty-input': 'menuReasonDamaged',
  'corrupt-image': 'menuReasonDamaged',
  'unsupported-format': 'menuReasonFormat',
  'image-too-small': 'menuReasonTooSmall',
  'image-too-large': 'menuReasonTooLarge',
  overloaded: 'menuReasonBusy',
  'host-unavailable': 'menuReasonRestarting',
  'too-slow': 'menuReasonTooSlow',
  'model-load': 'menuReasonEngine',
  inference: 'menuReasonEngine',
  internal: 'menuReasonEngine',
  'bad-request': 'menuReasonEngine',
  disabled: 'menuReasonEngine',
};

/** The texts in the given language's messages (English where a message is missing). */
export function menuTexts({ translate }: Pick<Localiser, 'translate'> = englishLocaliser): MenuTexts {
  return {
    nothingConfident: translate('menuNothingConfident'),
    unreadable: translate('menuUnreadable'),
    cancelled: translate('menuCancelled'),
    reason: (code) => translate(reasonMessages[code] as 'menuReasonEngine'),
  };
}

export interface MenuTarget {
  srcUrl: string;
  tabId: number;
  frameId: number;
  /** URL of the frame the image is in. */
  frameUrl?: string;
  /** URL of the tab's top-level page. */
  pageUrl?: string;
  incognito?: boolean;
  /** Firefox's cookie store of the tab (a container or private window has its own); Chrome reports none. */
  cookieStoreId?: string | undefined;
}

export interface MenuDeps {
  caption(source: ImageSource, priority: 0, owner: string, page: PageContext): Promise<Reply<CaptionOutput>>;
  sendToTab(tabId: number, frameId: number, message: Message<ContentRequests>): Promise<unknown>;
  /**
   * Runs the content script in a frame that has none: Chrome adds it only to
   * pages loaded after the extension was installed or updated, so a tab open
   * since then would get no toast at all. Absent where the browser adds it itself (Firefox).
   */
  injectContentScript?(tabId: number, frameId: number): Promise<unknown>;
  texts?: MenuTexts;
  /** Waits between tries to reach a content script that has just been injected and is starting. */
  sleep?(ms: number): Promise<void>;
}

/** How long a freshly injected content script gets to start listening (it reads the settings first). */
const injectedStartTries = 10;
const injectedStartDelayMs = 100;

/**
 * "Describe image with LightCap": works on any image, even one with alt, for
 * authors who want a draft. The page shows progress and then the result in an
 * accessible toast. Returns what the toast shows, so tests can check it.
 */
export async function describeFromMenu(target: MenuTarget, deps: MenuDeps): Promise<ToastContent> {
  const requestedAt = Date.now();
  const toastId = `menu-${requestedAt.toString(36)}`;
  const texts = deps.texts ?? menuTexts();
  const send = (content: ToastContent) => deps.sendToTab(target.tabId, target.frameId, { type: 'toast', toastId, content, requestedAt });
  const show = (content: ToastContent) => send(content).catch(() => undefined);
  // The frame's content script says which origin its document has: a sandboxed one ("null") gets no cookies.
  const frameOrigin = documentOriginFrom(await showWorking(target, deps, () => send({ state: 'working' })));
  let content: ToastContent;
  const source = parseImageSource({ kind: 'url', url: target.srcUrl });
  if (!source) {
    content = { state: 'error', error: texts.unreadable };
  } else {
    const page: PageContext = {
      frameUrl: target.frameUrl,
      // A subframe's own URL is never the address bar's (router.ts pageOf): unknown, read strictly.
      topLevelUrl: target.pageUrl ?? (target.frameId === 0 ? target.frameUrl : undefined),
      incognito: target.incognito === true,
      ...(frameOrigin === undefined ? {} : { frameOrigin }),
      // A container's tab must not be sent the default container's cookies (fetch-policy.ts credentialsFor).
      ...(target.cookieStoreId === undefined ? {} : { cookieStoreId: target.cookieStoreId }),
    };
    const reply = await deps.caption(source, priorities.visible, `menu${target.tabId}`, page);
    if ('output' in reply) {
      content = reply.output.confident
        ? { state: 'done', description: reply.output.alt, text: reply.output.text }
        : { state: 'done', notice: texts.nothingConfident, text: reply.output.text };
    } else if ('error' in reply) {
      content = { state: 'error', error: texts.reason(reply.error.code) };
    } else {
      content = { state: 'error', error: texts.cancelled };
    }
  }
  await show(content);
  return content;
}

/** The document origin in a content script's answer to the toast, if it gave one. */
function documentOriginFrom(reply: unknown): string | undefined {
  if (!isRecord(reply) || !isRecord(reply.output)) return undefined;
  return parseOrigin(reply.output.documentOrigin);
}

/** Shows that the request started, and returns the content script's answer; where the frame has none, runs one there first. */
async function showWorking(target: MenuTarget, deps: MenuDeps, send: () => Promise<unknown>): Promise<unknown> {
  try {
    return await send();
  } catch {
    if (!deps.injectContentScript) return undefined;
  }
  try {
    await deps.injectContentScript(target.tabId, target.frameId);
  } catch {
    // A page no extension may script (the browser's own pages, the web store): nothing to show the toast in.
    return undefined;
  }
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; attempt < injectedStartTries; attempt++) {
    await sleep(injectedStartDelayMs);
    try {
      return await send();
    } catch {
      // Not listening yet.
    }
  }
  return undefined;
}
