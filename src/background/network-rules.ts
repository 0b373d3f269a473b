import type { PageContext } from '../messaging/protocol';
import { addressSpaceOfUrl, mayFetch, refererFor } from '../shared/fetch-policy';
import type { RuleSetter } from '../host/network-access';

/** The slice of `declarativeNetRequest` we use; Chrome (MV3) and Firefox (MV2, 113+) both have it. */
export interface SessionRulesApi {
  updateSessionRules(options: { addRules?: NetworkRule[]; removeRuleIds?: number[] }): Promise<void>;
  getSessionRules(): Promise<{ id: number }[]>;
}

export interface NetworkRule {
  id: number;
  priority: number;
  action: { type: 'block' | 'allow' } | { type: 'modifyHeaders'; requestHeaders: HeaderChange[] };
  condition: {
    regexFilter?: string;
    urlFilter?: string;
    tabIds: number[];
    initiatorDomains: string[];
    resourceTypes: ('xmlhttprequest' | 'other' | 'image')[];
  };
}

export type HeaderChange = { header: string; operation: 'set'; value: string } | { header: string; operation: 'remove' };

/** Rule ids 1… are the block rules, one per pattern; per-fetch rules start here. */
const firstBlockRuleId = 1;
const firstRequestRuleId = 1000;

/**
 * Hosts a public page cannot reach, as RE2 (what the rules engine speaks),
 * one rule each because a compiled rule may take at most 2 kB: loopback
 * names and any IPv6 literal; loopback, private, link-local, multicast and
 * broadcast IPv4; single-label and local-network names. fetch-policy.ts has
 * the precise rule for the URLs we see; these catch the redirect hops the
 * browser follows out of sight, so they block at least every host it calls
 * non-public (a unit test checks the two agree).
 */
const hostEnd = String.raw`\.?(?::[0-9]+)?(?:[/?#]|$)`;
export const nonPublicHostPatterns = [
  String.raw`^https?://(?:[^/?#]*@)?(?:localhost|[^/?#:]*\.localhost|[^/?#:]*\.localdomain|\[[^\]/]*\])` + hostEnd,
  String.raw`^https?://(?:[^/?#]*@)?(?:127|10|0|22[4-9]|2[3-5][0-9])\.[0-9.]+` + hostEnd,
  String.raw`^https?://(?:[^/?#]*@)?(?:192\.168|169\.254|172\.(?:1[6-9]|2[0-9]|3[01])|100\.(?:6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7]))\.[0-9.]+` + hostEnd,
  String.raw`^https?://(?:[^/?#]*@)?[^/?#.:@\[]+` + hostEnd,
  String.raw`^https?://(?:[^/?#]*@)?[^/?#:@]*\.(?:local|lan|internal|intranet|home\.arpa)` + hostEnd,
];

const ourRequests = (initiator: string) => ({ tabIds: [-1], initiatorDomains: [initiator], resourceTypes: ['xmlhttprequest', 'other', 'image'] as ('xmlhttprequest' | 'other' | 'image')[] });

/** A urlFilter that matches exactly this URL, or undefined where its characters mean something to the filter syntax. */
function exactUrlFilter(url: string): string | undefined {
  return /[*^|]/.test(url) ? undefined : `|${url}|`;
}

/**
 * Session rules that shape the engine host's fetches (tab -1, initiated by
 * this extension) so they are what the page's own request was:
 * - always: block rules for non-public hosts, on every hop;
 * - while a fetch for a non-public page runs: an allow rule for exactly its
 *   URL (the host then refuses to follow its redirects);
 * - while a fetch runs: the Referer the page's own request sent under its
 *   referrer policy, for exactly its URL, so hotlink-protected images still
 *   work; where it sent none, none (not the extension's own).
 * Session rules outlive a service worker that was stopped mid-fetch, so any
 * per-fetch rule left from an earlier worker is removed first (the fail-safe
 * side: a fetch still running in the engine document loses its Referer or
 * allow rule). New ids start above the removed ones, so that fetch's own
 * removal, when it ends, cannot take away a rule made for another.
 */
/** The rule setter, and a way to drop every per-fetch rule at once when the document that asked for them is gone. */
export interface NetworkRules extends RuleSetter {
  removeAll(): Promise<void>;
}

export function createNetworkRules(api: SessionRulesApi, extensionHost: string): NetworkRules {
  let nextId = firstRequestRuleId;
  /** Per-fetch rules added and not yet removed. */
  const live = new Set<number>();
  /** Bumped by removeAll: rules still being added for a document closed meanwhile are removed once they land. */
  let closedDocuments = 0;
  const allocate = () => {
    nextId = nextId >= 2_000_000_000 ? firstRequestRuleId : nextId + 1;
    return nextId;
  };
  const blockRules: NetworkRule[] = nonPublicHostPatterns.map((regexFilter, i) => ({
    id: firstBlockRuleId + i,
    priority: 1,
    action: { type: 'block' },
    condition: { regexFilter, ...ourRequests(extensionHost) },
  }));
  const baseline = (async () => {
    const stale = (await api.getSessionRules()).map((rule) => rule.id);
    nextId = Math.max(nextId, ...stale.filter((id) => id < 2_000_000_000));
    await api.updateSessionRules({ removeRuleIds: stale, addRules: blockRules });
  })().catch(() => undefined);

  const rulesFor = (url: string, page: PageContext): NetworkRule[] => {
    const filter = exactUrlFilter(url);
    if (!filter || !mayFetch(url, page)) return [];
    const rules: NetworkRule[] = [];
    if (addressSpaceOfUrl(url) !== 'public') {
      rules.push({ id: allocate(), priority: 2, action: { type: 'allow' }, condition: { urlFilter: filter, ...ourRequests(extensionHost) } });
    }
    const referer = refererFor(url, page.frameUrl, page.referrerPolicy);
    const change: HeaderChange = referer ? { header: 'referer', operation: 'set', value: referer } : { header: 'referer', operation: 'remove' };
    rules.push({
      id: allocate(),
      priority: 3,
      action: { type: 'modifyHeaders', requestHeaders: [change] },
      condition: { urlFilter: filter, ...ourRequests(extensionHost) },
    });
    return rules;
  };

  return {
    async add(url, page) {
      const closedBefore = closedDocuments;
      await baseline;
      const rules = rulesFor(url, page);
      const ids = rules.map((rule) => rule.id);
      if (rules.length > 0) await api.updateSessionRules({ addRules: rules });
      if (closedDocuments !== closedBefore) {
        // The document that asked was closed while they were added: its fetch will not run.
        if (ids.length > 0) await api.updateSessionRules({ removeRuleIds: ids });
        return ids;
      }
      for (const id of ids) live.add(id);
      return ids;
    },
    async remove(ruleIds) {
      // Only per-fetch rules: the block rules stay whatever a caller asks.
      const ids = ruleIds.filter((id) => Number.isInteger(id) && id >= firstRequestRuleId);
      for (const id of ids) live.delete(id);
      if (ids.length > 0) await api.updateSessionRules({ removeRuleIds: ids });
    },
    async removeAll() {
      // A rule left behind would give a later fetch of that URL another page's Referer, or a redirect a local host.
      closedDocuments++;
      const ids = [...live];
      live.clear();
      if (ids.length > 0) await api.updateSessionRules({ removeRuleIds: ids });
    },
  };
}
