import { browser } from 'wxt/browser';
import { createPageCaptioner, createToastController, shadowRootReader } from '@/src/page';
import type { CaptionClient } from '@/src/page';
import { localisedToastLabels } from '@/src/page/toast';
import { loadSettings, watchSettings } from '@/src/settings/storage';
import type { Settings } from '@/src/settings/schema';
import { resolveDescriptionLanguage } from '@/src/settings/language';
import { settingsForPage } from '@/src/settings/prefix';
import { extensionLocaliser } from '@/src/shared/extension-i18n';
import type { CaptionOutput, ContentRequests, HandlerMap, Reply } from '@/src/messaging/protocol';
import { isReply, messageType } from '@/src/messaging/validate';

export default defineContentScript({
  matches: ['<all_urls>'],
  allFrames: true,
  // about:srcdoc and about:blank frames too (a web mail's message, an ad a script wrote): they take the
  // origin of the page that made them, and the background fetches as that origin (src/background/router.ts).
  matchAboutBlank: true,
  runAt: 'document_idle',
  async main(ctx) {
    // One per document: the background drops an old page's requests when a frame's token changes.
    // (Not crypto.randomUUID: it exists only in secure contexts, and plain-http pages have images too.)
    const pageToken = Array.from(crypto.getRandomValues(new Uint8Array(12)), (byte) => byte.toString(16).padStart(2, '0')).join('');
    // Said at once, so the old page's work stops even if this page never asks for a description.
    const opened: Promise<unknown> = browser.runtime.sendMessage({ type: 'page-open', pageToken }).catch(() => undefined);
    const client: CaptionClient = async (request, signal) => {
      const onAbort = () => void browser.runtime.sendMessage({ type: 'caption-cancel', requestId: request.requestId }).catch(() => undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        // self.origin: "null" in a sandboxed document, for browsers that do not tell the background (src/background/router.ts pageOf).
        const reply: unknown = await browser.runtime.sendMessage({ type: 'caption', ...request, documentOrigin: self.origin, pageToken });
        if (isReply(reply)) return reply as Reply<CaptionOutput>;
        return { error: { code: 'host-unavailable', message: 'no answer from the extension' } };
      } catch {
        // Updated, reloaded or removed: this script is cut off for good (reading isInvalid runs
        // onInvalidated, which stops the captioner), so it stops instead of retrying every image.
        if (ctx.isInvalid) return { cancel: true };
        // The service worker restarted; the page logic retries.
        return { error: { code: 'host-unavailable', message: 'the extension was restarting' } };
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    };

    // The page glues settings.prefix onto each description: give it the prefix in the language descriptions are written in.
    const uiLanguage = browser.i18n.getUILanguage();
    let settings: Settings = await loadSettings();
    const captioner = createPageCaptioner({
      document,
      settings: settingsForPage(settings, uiLanguage),
      client,
      hostname: readableTopLevelHostname() ?? topLevelHostnameFrom(await opened) ?? location.hostname,
      // Images inside web components' closed shadow roots, where the browser lets extensions reach them.
      shadowRootOf: shadowRootReader('dom' in browser ? browser.dom : undefined, document.documentElement),
    });
    const localiser = extensionLocaliser();
    const toasts = createToastController(document, {
      labels: localisedToastLabels(localiser.translate),
      lang: localiser.language,
      descriptionLang: () => resolveDescriptionLanguage(settings.descriptionLanguage, uiLanguage),
    });

    const handlers: HandlerMap<ContentRequests, undefined> = {
      'page-stats': async () => ({ output: captioner.stats() }),
      toast: async (request) => {
        toasts.show(request.toastId, request.content, typeof request.requestedAt === 'number' ? request.requestedAt : undefined);
        return { output: { documentOrigin: self.origin } };
      },
    };
    const onMessage = (message: unknown, sender: { id?: string }) => {
      if (sender.id !== browser.runtime.id) return undefined;
      const typed = messageType<ContentRequests>(message, handlers);
      if (!typed) return undefined;
      // Only the top frame answers stats; the toast goes to the frame the menu was opened in.
      if (typed.type === 'page-stats' && window !== window.top) return undefined;
      return (handlers[typed.type] as (request: unknown, context: undefined) => Promise<unknown>)(typed, undefined);
    };
    browser.runtime.onMessage.addListener(onMessage);

    const unwatch = watchSettings((next) => {
      settings = next;
      captioner.updateSettings(settingsForPage(next, uiLanguage));
    });
    captioner.start();
    ctx.addEventListener(window, 'popstate', () => captioner.rescan());

    ctx.onInvalidated(() => {
      unwatch();
      browser.runtime.onMessage.removeListener(onMessage);
      toasts.close();
      captioner.stop();
    });
  },
});

/**
 * The per-site switch is about the site in the address bar, so an iframe
 * follows the page that embeds it. Undefined where this document cannot tell:
 * a cross-origin frame in Firefox, which has no `ancestorOrigins` (the
 * background's answer to page-open says it then).
 */
function readableTopLevelHostname(): string | undefined {
  const ancestors = location.ancestorOrigins;
  const top = ancestors && ancestors.length > 0 ? ancestors[ancestors.length - 1] : undefined;
  if (top) {
    try {
      return new URL(top).hostname;
    } catch {
      // fall through
    }
  }
  let hostname: string;
  try {
    hostname = window.top?.location.hostname ?? location.hostname;
  } catch {
    return undefined;
  }
  // A popup the page opened and wrote into is about:blank, with the page's origin.
  if (hostname === '' && self.origin !== 'null') {
    try {
      return new URL(self.origin).hostname;
    } catch {
      // fall through
    }
  }
  return hostname;
}

/** The address bar's host name from the background's answer to page-open, if it gave one. */
function topLevelHostnameFrom(reply: unknown): string | undefined {
  if (!isReply(reply) || !('output' in reply)) return undefined;
  const output = reply.output as { topLevelHostname?: unknown } | null;
  return typeof output?.topLevelHostname === 'string' && output.topLevelHostname !== '' ? output.topLevelHostname : undefined;
}
