import type { ErrorCode, PageStats } from '../messaging/protocol';
import type { Proximity } from './geometry';
import type { CaptionReason, SkipReason } from './qualify';
import type { CaptionTarget } from './targets';

/** What the scanner knows of one element, and how it counts in the page's stats. */

export type EntryStatus =
  | 'skipped'
  | 'decorative'
  | 'pending'
  | 'captioned'
  | 'failed'
  /** Described, but the engine was not confident of anything. */
  | 'unsure';

export type FailureReason = ErrorCode | 'not-confident';

export interface Entry {
  element: CaptionTarget;
  status: EntryStatus;
  reason?: SkipReason | CaptionReason | FailureReason;
  /** Key (URL, or svg digest) of the request or result this entry belongs to. */
  key?: string;
  proximity: Proximity;
  /** False while `proximity` is our own estimate, before the viewport watcher reported. */
  watched: boolean;
}

/** Counts the connected entries; `found` is every image that needs (or got) a description. */
export function tallyStats(entries: Iterable<Entry>, enabled: boolean): PageStats {
  const stats: PageStats = { found: 0, captioned: 0, pending: 0, failed: 0, unsure: 0, decorative: 0, enabled };
  for (const entry of entries) {
    if (!entry.element.isConnected) continue;
    if (entry.status === 'captioned') stats.captioned += 1;
    else if (entry.status === 'pending') stats.pending += 1;
    else if (entry.status === 'failed') stats.failed += 1;
    else if (entry.status === 'unsure') stats.unsure += 1;
    else if (entry.status === 'decorative') stats.decorative += 1;
  }
  stats.found = stats.captioned + stats.pending + stats.failed + stats.unsure;
  return stats;
}
