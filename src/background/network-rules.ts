import type { PageContext } from '../messaging/protocol';
import { addressSpaceOfUrl, refererFor } from '../shared/fetch-policy';

/** The slice of `declarativeNetRequest` we use; Chrome (MV3) and Firefox (MV2, 113+) both have it. */
export interface SessionRulesApi {
  updateSessionRules(options: { addRules?: NetworkRule[]; removeRuleIds?: number[] }): Promise<void>;
}

export interface NetworkRule {
  id: number;
  priority: number;
  action: { type: 'block' | 'allow' } | { type: 'modifyHeaders'; requestHeaders: { header: string; operation: 'set'; value: string }[] };
  condition: {
    regexFilter?: string;
    urlFilter?: string;
    tabIds: number[];
    initiatorDomains: string[];
    resourceTypes: ('xmlhttprequest' | 'other' | 'image')[];
  };
}

/** Runs an engine-host request with the network rules for its page in place. */
export interface NetworkGuard {
  around<T>(url: string | undefined, page: PageContext, run: () => Promise<T>): Promise<T>;
}

export const passThroughGuard: NetworkGuard = { around: (_url, _page, run) => run() };

/** Rule ids 1… are the block rules, one per pattern. */
const firstBlockRuleId = 1;
const firstRequestRuleId = 1000;

/**
 * Hosts a public page cannot reach, as RE2 (what the rules engine speaks),
 * one rule each because a compiled rule may take at most 2 kB: loopback
 * names and any IPv6 literal; loopback, private and link-local IPv4;
 * single-label and local-network names. fetch-policy.ts has the precise rule
 * for the URLs we see; these catch the redirect hops the browser follows out
 * of sight.
 */
const hostEnd = String.raw`\.?(?::[0-9]+)?(?:[/?#]|$)`;
export const nonPublicHostPatterns = [
  String.raw`^https?://(?:[^/?#]*@)?(?:localhost|[^/?#:]*\.localhost|\[[^\]/]*\])` + hostEnd,
  String.raw`^https?://(?:[^/?#]*@)?(?:127|10|0)\.[0-9.]+` + hostEnd,
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
 * - for a request from a non-public page: an allow rule for exactly that URL
 *   (the host then refuses to follow its redirects);
 * - the Referer the page's own request sent, for exactly that URL, so
 *   hotlink-protected images still work.
 */
export function createNetworkGuard(api: SessionRulesApi, extensionHost: string): NetworkGuard {
  let nextId = firstRequestRuleId;
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
  const baseline = api.updateSessionRules({ removeRuleIds: blockRules.map((rule) => rule.id), addRules: blockRules }).catch(() => undefined);

  const rulesFor = (url: string, page: PageContext): NetworkRule[] => {
    const filter = exactUrlFilter(url);
    if (!filter) return [];
    const rules: NetworkRule[] = [];
    if (addressSpaceOfUrl(url) !== 'public' && addressSpaceOfUrl(page.topLevelUrl) !== 'public') {
      rules.push({ id: allocate(), priority: 2, action: { type: 'allow' }, condition: { urlFilter: filter, ...ourRequests(extensionHost) } });
    }
    const referer = refererFor(url, page.frameUrl);
    if (referer) {
      rules.push({
        id: allocate(),
        priority: 3,
        action: { type: 'modifyHeaders', requestHeaders: [{ header: 'referer', operation: 'set', value: referer }] },
        condition: { urlFilter: filter, ...ourRequests(extensionHost) },
      });
    }
    return rules;
  };

  return {
    async around(url, page, run) {
      await baseline;
      const rules = url ? rulesFor(url, page) : [];
      if (rules.length === 0) return run();
      await api.updateSessionRules({ addRules: rules }).catch(() => undefined);
      try {
        return await run();
      } finally {
        await api.updateSessionRules({ removeRuleIds: rules.map((rule) => rule.id) }).catch(() => undefined);
      }
    },
  };
}
