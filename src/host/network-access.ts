import type { PageContext } from '../messaging/protocol';

/**
 * Puts the network rules for one fetch of a page's image in place for as
 * long as the fetch runs, and only then: rules added while a job waited in
 * the queue would apply to any of our requests for that URL meanwhile.
 * The rules themselves live in the background (background/network-rules.ts),
 * the only context with declarativeNetRequest.
 */
export type NetworkAccess = <T>(url: string, page: PageContext, run: () => Promise<T>) => Promise<T>;

/** Node (CLI, tests): no browser rules; image-fetch.ts checks every hop itself there. */
export const directAccess: NetworkAccess = (_url, _page, run) => run();

export interface RuleSetter {
  add(url: string, page: PageContext): Promise<number[]>;
  remove(ruleIds: number[]): Promise<void>;
}

export function networkAccessThrough(rules: RuleSetter): NetworkAccess {
  return async (url, page, run) => {
    // A failure to set rules must not stop the fetch: the block rules and the host's own checks still hold.
    const ids = await rules.add(url, page).catch(() => [] as number[]);
    try {
      return await run();
    } finally {
      if (ids.length > 0) await rules.remove(ids).catch(() => undefined);
    }
  };
}
