import { browser } from 'wxt/browser';
import type { Browser } from 'wxt/browser';
import { createBrowserEngineHost } from '@/src/host/browser-host';
import type { EngineHost } from '@/src/host/engine-host';
import type { BackgroundRequests, EngineHostRequests, Message } from '@/src/messaging/protocol';
import { networkAccessThrough } from '@/src/host/network-access';
import type { NetworkAccess } from '@/src/host/network-access';
import { messageType } from '@/src/messaging/validate';

// Created on the first message, so nothing can throw before the listener exists.
let host: EngineHost | undefined;

// Registered before any await: the message that created this document must not be missed.
browser.runtime.onMessage.addListener((message: unknown, sender: Browser.runtime.MessageSender) => {
  if ((message as { target?: unknown } | null)?.target !== 'engine-host') return undefined;
  // Only the background may drive the engine; content scripts go through it.
  if (sender.id !== browser.runtime.id || sender.tab !== undefined) return undefined;
  // The background opens this document with ?gpu=off when the user turned the GPU off, and reopens it when that changes.
  host ??= createBrowserEngineHost(backgroundNetworkAccess(), { allowGpu: new URLSearchParams(location.search).get('gpu') !== 'off' });
  const typed = messageType<EngineHostRequests>(message, host.handlers);
  if (!typed) return undefined;
  const handler = host.handlers[typed.type] as (request: unknown, context: unknown) => Promise<unknown>;
  return handler(typed, undefined);
});

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
