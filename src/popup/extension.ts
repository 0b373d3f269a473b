import { browser } from 'wxt/browser';
import type { BackgroundRequests, ContentRequests, EngineStatus } from '../messaging/protocol';
import { readPageStats, pageKindOf, tabIdFromSearch } from './page';
import type { PageKind, PageStatsResult } from './page';
import { parseCleared, parseEngineStatus, unwrapReply } from './replies';

/** The popup's calls into the extension: the tab it describes, the background, the content script. */

export interface TargetTab {
  tabId: number | undefined;
  page: PageKind;
}

/** The tab named by `?tabId=`, else the active tab of the window the popup belongs to. */
export async function findTargetTab(search: string): Promise<TargetTab> {
  const requested = tabIdFromSearch(search);
  try {
    const tab = requested !== undefined ? await browser.tabs.get(requested) : (await browser.tabs.query({ active: true, currentWindow: true }))[0];
    // Without the "tabs" permission, `url` is only there for pages our host permissions cover.
    return { tabId: tab?.id, page: pageKindOf(tab?.url) };
  } catch {
    return { tabId: undefined, page: { kind: 'restricted' } };
  }
}

/**
 * Calls `onChange` whenever the tab goes to another address while the popup is open (a redirect,
 * a link followed in a popup opened with `?tabId=`), so that the site switch never names, or
 * turns off, the site the tab has left. Returns the unsubscribe.
 */
export function watchTargetTab(tabId: number, onChange: (target: TargetTab) => void, shown?: PageKind): () => void {
  let last = shown === undefined ? undefined : JSON.stringify(shown);
  const listener = (updatedId: number, change: { url?: string; status?: string }, tab: { url?: string }) => {
    if (updatedId !== tabId || (change.url === undefined && change.status !== 'loading')) return;
    // Without the "tabs" permission the address is only told for pages our host permissions cover:
    // a load with none is a page we cannot run on (a browser page), which pageKindOf calls restricted.
    const page = pageKindOf(change.url ?? tab.url);
    // A frame navigating sets the tab loading too: the counts restart only when the page really changed.
    const key = JSON.stringify(page);
    if (key === last) return;
    last = key;
    onChange({ tabId, page });
  };
  browser.tabs.onUpdated.addListener(listener);
  return () => browser.tabs.onUpdated.removeListener(listener);
}

type BackgroundRequest = { type: keyof BackgroundRequests };
type ContentRequest = { type: keyof ContentRequests };

export type Fetched<T> = { ok: true; value: T } | { ok: false; message: string };

export async function fetchEngineStatus(): Promise<Fetched<EngineStatus>> {
  try {
    const result = unwrapReply(await browser.runtime.sendMessage({ type: 'engine-status' } satisfies BackgroundRequest));
    if (!result.ok) return result;
    const status = parseEngineStatus(result.value);
    return status ? { ok: true, value: status } : { ok: false, message: 'the engine sent a status the popup could not read' };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

export async function clearCache(): Promise<Fetched<number>> {
  try {
    const result = unwrapReply(await browser.runtime.sendMessage({ type: 'cache-clear' } satisfies BackgroundRequest));
    if (!result.ok) return result;
    const cleared = parseCleared(result.value);
    return cleared === undefined ? { ok: false, message: 'the engine sent an answer the popup could not read' } : { ok: true, value: cleared };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** Asks the top frame only: with every frame answering, whichever replied first would win. */
export function fetchPageStats(tabId: number): Promise<PageStatsResult> {
  return readPageStats(() => browser.tabs.sendMessage(tabId, { type: 'page-stats' } satisfies ContentRequest, { frameId: 0 }));
}
