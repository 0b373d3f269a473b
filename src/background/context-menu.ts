import type { ContentRequests, ImageSource, Message, PageContext, Reply, CaptionOutput, ToastContent } from '../messaging/protocol';
import { priorities } from '../messaging/protocol';
import { parseImageSource } from '../messaging/validate';
import { englishLocaliser } from '../shared/i18n';
import type { Localiser } from '../shared/i18n';

export const describeMenuId = 'lightcap-describe-image';

/** What the toast says when there is no description, in the user's language (the background's messages). */
export interface MenuTexts {
  nothingConfident: string;
  unreadable: string;
  cancelled: string;
}

/** The texts in the given language's messages (English where a message is missing). */
export function menuTexts({ translate }: Pick<Localiser, 'translate'> = englishLocaliser): MenuTexts {
  return { nothingConfident: translate('menuNothingConfident'), unreadable: translate('menuUnreadable'), cancelled: translate('menuCancelled') };
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
  texts?: MenuTexts;
}

/**
 * "Describe image with LightCap": works on any image, even one with alt, for
 * authors who want a draft. The page shows progress and then the result in an
 * accessible toast. Returns what the toast shows, so tests can check it.
 */
export async function describeFromMenu(target: MenuTarget, deps: MenuDeps): Promise<ToastContent> {
  const toastId = `menu-${Date.now().toString(36)}`;
  const texts = deps.texts ?? menuTexts();
  const show = (content: ToastContent) => deps.sendToTab(target.tabId, target.frameId, { type: 'toast', toastId, content }).catch(() => undefined);
  await show({ state: 'working' });
  let content: ToastContent;
  const source = parseImageSource({ kind: 'url', url: target.srcUrl });
  if (!source) {
    content = { state: 'error', error: texts.unreadable };
  } else {
    const page: PageContext = {
      frameUrl: target.frameUrl,
      topLevelUrl: target.pageUrl ?? target.frameUrl,
      incognito: target.incognito === true,
      // A container's tab must not be sent the default container's cookies (fetch-policy.ts credentialsFor).
      ...(target.cookieStoreId === undefined ? {} : { cookieStoreId: target.cookieStoreId }),
    };
    const reply = await deps.caption(source, priorities.visible, `menu${target.tabId}`, page);
    if ('output' in reply) {
      content = reply.output.confident
        ? { state: 'done', description: reply.output.alt, text: reply.output.text }
        : { state: 'done', notice: texts.nothingConfident, text: reply.output.text };
    } else if ('error' in reply) {
      content = { state: 'error', error: reply.error.message };
    } else {
      content = { state: 'error', error: texts.cancelled };
    }
  }
  await show(content);
  return content;
}
