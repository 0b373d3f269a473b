import type { PageContext } from '../messaging/protocol';
import { raceAbort } from '../shared/abort';

/**
 * Puts the network rules for one fetch of a page's image in place for as
 * long as the fetch runs, and only then: rules added while a job waited in
 * the queue would apply to any of our requests for that URL meanwhile.
 * The rules themselves live in the background (background/network-rules.ts),
 * the only context with declarativeNetRequest.
 */
export type NetworkAccess = <T>(url: string, page: PageContext, run: () => Promise<T>, signal?: AbortSignal) => Promise<T>;

/** Node (CLI, tests): no browser rules; image-fetch.ts checks every hop itself there. */
export const directAccess: NetworkAccess = (_url, _page, run) => run();

export interface RuleSetter {
  add(url: string, page: PageContext): Promise<number[]>;
  remove(ruleIds: number[]): Promise<void>;
}

/**
 * Fetches of one URL run one at a time: the rules match the URL, not the
 * fetch, so two pages' fetches of it at once (different Referers, one page
 * private) would each go out under the other's rules too.
 */
export function networkAccessThrough(rules: RuleSetter): NetworkAccess {
  const lastForUrl = new Map<string, Promise<unknown>>();
  return async (url, page, run, signal) => {
    const before = lastForUrl.get(url) ?? Promise.resolve();
    const turn = before.catch(() => undefined);
    // A fetch given up while it waits (cancelled, or out of time) leaves the line at once, and runs nothing.
    const waited = raceAbort(turn, signal, () => {
      throw signal?.reason;
    });
    const mine = waited.then(async () => {
      // A failure to set rules must not stop the fetch: the block rules and the host's own checks still hold.
      const ids = await rules.add(url, page).catch(() => [] as number[]);
      try {
        return await run();
      } finally {
        if (ids.length > 0) await rules.remove(ids).catch(() => undefined);
      }
    });
    // The next fetch of this URL waits for this one's rules to go, not for this caller, who may have given up.
    const done = turn.then(() => mine).catch(() => undefined);
    lastForUrl.set(url, done);
    try {
      return await mine;
    } finally {
      void done.then(() => {
        if (lastForUrl.get(url) === done) lastForUrl.delete(url);
      });
    }
  };
}

