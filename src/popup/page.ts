import { normaliseSite } from '../settings/schema';
import type { PageStats } from '../messaging/protocol';
import { isRecord } from '../messaging/validate';
import { unwrapReply } from './replies';

/** What the popup knows about the tab it was opened over. */

export type PageKind =
  /** An ordinary web page: LightCap's content script can run here. */
  | { kind: 'web'; site: string }
  /**
   * A file: page. Firefox runs content scripts there, Chrome once the user allows file access; it has
   * no site, so only the global switch applies (the content script reads it so too).
   */
  | { kind: 'local' }
  /** Browser pages, extension pages and stores that forbid extensions. */
  | { kind: 'restricted' };

/**
 * Hosts where browsers refuse to run extension content scripts even though
 * they are https: (the extension galleries), so the popup says so instead of
 * suggesting a reload that would not help.
 */
const restrictedHosts = ['chromewebstore.google.com', 'chrome.google.com', 'microsoftedge.microsoft.com', 'addons.mozilla.org', 'addons.opera.com'];

export function pageKindOf(url: string | undefined): PageKind {
  if (!url) return { kind: 'restricted' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'restricted' };
  }
  if (parsed.protocol === 'file:') return { kind: 'local' };
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { kind: 'restricted' };
  const site = normaliseSite(parsed.hostname);
  if (!site || restrictedHosts.includes(site)) return { kind: 'restricted' };
  return { kind: 'web', site };
}

/**
 * `popup.html?tabId=N` points the popup at a given tab. The toolbar never
 * passes it; it lets a test (or a keyboard user who opened the popup in a
 * tab of its own) look at another tab than the popup itself.
 */
export function tabIdFromSearch(search: string): number | undefined {
  const raw = new URLSearchParams(search).get('tabId');
  if (raw === null || !/^\d{1,10}$/.test(raw)) return undefined;
  return Number(raw);
}

const statKeys = ['found', 'captioned', 'pending', 'failed', 'decorative'] as const;

const readCount = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined);

/**
 * The content script is separate code in a hostile page's process: its numbers are checked, not trusted.
 * `unsure` came later: a content script that does not send it reads as 0, but a bad value is refused like any other.
 */
export function parsePageStats(value: unknown): PageStats | undefined {
  if (!isRecord(value) || typeof value.enabled !== 'boolean') return undefined;
  const stats: Partial<PageStats> = { enabled: value.enabled };
  for (const key of statKeys) {
    const count = readCount(value[key]);
    if (count === undefined) return undefined;
    stats[key] = count;
  }
  const unsure = value.unsure === undefined ? 0 : readCount(value.unsure);
  if (unsure === undefined) return undefined;
  stats.unsure = unsure;
  return stats as PageStats;
}

export type PageStatsResult =
  | { kind: 'stats'; stats: PageStats }
  /** No content script answered: the page predates the install, or scripts are blocked there. */
  | { kind: 'absent' }
  | { kind: 'error'; message: string };

/**
 * Turns the outcome of `tabs.sendMessage` into something to show. A missing
 * receiver rejects ("Receiving end does not exist") or resolves undefined,
 * depending on browser; both mean the content script is not there.
 */
export async function readPageStats(send: () => Promise<unknown>): Promise<PageStatsResult> {
  let reply: unknown;
  try {
    reply = await send();
  } catch {
    return { kind: 'absent' };
  }
  if (reply === undefined || reply === null) return { kind: 'absent' };
  const result = unwrapReply(reply);
  if (!result.ok) return { kind: 'error', message: result.message };
  const stats = parsePageStats(result.value);
  return stats ? { kind: 'stats', stats } : { kind: 'error', message: 'the page sent counts the popup could not read' };
}
