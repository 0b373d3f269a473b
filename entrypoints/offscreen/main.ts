import { browser } from 'wxt/browser';
import type { Browser } from 'wxt/browser';
import { createBrowserEngineHost } from '@/src/host/browser-host';
import type { EngineHost } from '@/src/host/engine-host';
import type { BackgroundRequests, EngineHostRequests, Message } from '@/src/messaging/protocol';
import { networkAccessThrough } from '@/src/host/network-access';
import type { NetworkAccess } from '@/src/host/network-access';
import { messageType } from '@/src/messaging/validate';
import { createIdleWatch, idleCloseMsFrom } from '@/src/host/idle-close';

// Created on the first message, so nothing can throw before the listener exists.
let host: EngineHost | undefined;

// Unused for a while, the document closes itself and frees the engine's memory; the background opens a new one on
// the next request. Requests sent while it closes find no listener, and the background retries them in the new one.
const idle = createIdleWatch({
  idleMs: idleCloseMsFrom(location.search),
  onIdle() {
    browser.runtime.onMessage.removeListener(onMessage);
    window.close();
  },
});

// Registered before any await: the message that created this document must not be missed.
const onMessage = (message: unknown, sender: Browser.runtime.MessageSender) => {
  if ((message as { target?: unknown } | null)?.target !== 'engine-host') return undefined;
  // Only the background may drive the engine; content scripts go through it.
  if (sender.id !== browser.runtime.id || sender.tab !== undefined) return undefined;
  // The background opens this document with ?gpu=off when the user turned the GPU off, and reopens it when that changes.
  host ??= createBrowserEngineHost(backgroundNetworkAccess(), { allowGpu: new URLSearchParams(location.search).get('gpu') !== 'off' });
  const typed = messageType<EngineHostRequests>(message, host.handlers);
  if (!typed) return undefined;
  const handler = host.handlers[typed.type] as (request: unknown, context: unknown) => Promise<unknown>;
  return idle.track(handler(typed, undefined));
};
browser.runtime.onMessage.addListener(onMessage);

/** Only the background has declarativeNetRequest: it sets the rules for each fetch this document makes. */
function backgroundNetworkAccess(): NetworkAccess {
  const ask = (message: Message<BackgroundRequests>) => browser.runtime.sendMessage(message) as Promise<unknown>;
  return networkAccessThrough({
    async add(url, page) {
      const reply = (await ask({ type: 'network-rules-add', url, page })) as { output?: { ruleIds?: unknown } } | undefined;
      const ids = reply?.output?.ruleIds;
      return Array.isArray(ids) ? ids.filter((id): id is number => typeof id === 'number') : [];
    },
    async remove(ruleIds) {
      await ask({ type: 'network-rules-remove', ruleIds });
    },
  });
}
