/**
 * What the engine host may fetch for a page, and how. Our alt text is
 * readable by the page, so a fetch of ours must not see more than the page's
 * own image request saw: no cookies it did not send, no host it could not
 * reach. Pure functions: the fetcher (image-fetch.ts) and the background's
 * network rules apply them.
 */

import type { PageContext, ReferrerPolicyName } from '../messaging/protocol';

/** Chromium's Private Network Access terms, most public first. */
export type AddressSpace = 'public' | 'private' | 'loopback';

const rank: Record<AddressSpace, number> = { public: 0, private: 1, loopback: 2 };

/**
 * Classifies a URL host by its name alone (we cannot see DNS): IP literals by
 * range, and the names that only mean something on a local network.
 */
export function addressSpaceOf(hostname: string): AddressSpace {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (host === '') return 'public';
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.localdomain')) return 'loopback';
  const v4 = parseIpv4(host);
  if (v4) return ipv4Space(v4);
  if (host.includes(':')) return ipv6Space(host);
  // Single-label names (intranet hosts), mDNS and the reserved home-network names.
  if (!host.includes('.') || /\.(local|lan|home\.arpa|internal|intranet)$/.test(host)) return 'private';
  return 'public';
}

function parseIpv4(host: string): number[] | undefined {
  // The URL parser already turned 0x7f.1, 2130706433 and friends into dotted decimal.
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!match) return undefined;
  const parts = match.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : undefined;
}

function ipv4Space([a, b]: number[]): AddressSpace {
  if (a === 127 || a === 0) return 'loopback';
  if (a === 10 || (a === 172 && b! >= 16 && b! <= 31) || (a === 192 && b === 168)) return 'private';
  // Link-local (cloud metadata lives here) and carrier-grade NAT.
  if ((a === 169 && b === 254) || (a === 100 && b! >= 64 && b! <= 127)) return 'private';
  // Multicast and broadcast only mean something on the local network.
  if (a! >= 224) return 'private';
  return 'public';
}

function ipv6Space(host: string): AddressSpace {
  if (host === '::1' || host === '::') return 'loopback';
  // An IPv4 address inside IPv6: mapped (::ffff:7f00:1 once the URL parser has
  // normalised it), compatible (::7f00:1), translated (::ffff:0:…) and NAT64 (64:ff9b::…).
  const mapped = /^(?:::(?:ffff:(?:0:)?)?|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (mapped) {
    const high = parseInt(mapped[1]!, 16);
    const low = parseInt(mapped[2]!, 16);
    return ipv4Space([high >> 8, high & 255, low >> 8, low & 255]);
  }
  const first = parseInt(host.split(':')[0] || '0', 16);
  // fc00::/7 unique local, fe80::/10 link-local.
  if ((first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80) return 'private';
  return 'public';
}

/** A page that is not on http(s) (about:blank, file:, an unknown one) is treated as public: the strictest reading. */
export function addressSpaceOfUrl(url: string | undefined): AddressSpace {
  const parsed = parseUrl(url);
  return parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:') ? addressSpaceOf(parsed.hostname) : 'public';
}

/**
 * A page may reach hosts as public as its own or more so, never less: a
 * public page gets nothing from a private or loopback host. "Its own" is the
 * more public of the frame and the top-level page, as for the browser's own
 * checks: a public ad frame on a local page is a public requester.
 */
export function mayFetch(targetUrl: string, page: Pick<PageContext, 'frameUrl' | 'topLevelUrl'>): boolean {
  const target = parseUrl(targetUrl);
  if (!target || (target.protocol !== 'http:' && target.protocol !== 'https:')) return false;
  return rank[addressSpaceOf(target.hostname)] <= rank[requesterSpace(page)];
}

/** The address space a request for this page counts as coming from. */
function requesterSpace(page: Pick<PageContext, 'frameUrl' | 'topLevelUrl'>): AddressSpace {
  const top = addressSpaceOfUrl(page.topLevelUrl);
  const frame = page.frameUrl ? addressSpaceOfUrl(page.frameUrl) : top;
  return rank[frame] < rank[top] ? frame : top;
}

/**
 * Cookies go with a hop only when it is same-origin with the frame that shows
 * the image, every earlier hop was too, and the frame is same-site with the
 * top-level page (a cross-site frame's own request gets no first-party
 * cookies, and a tracker frame must not read one back through our alt).
 * Never in private browsing or in a Firefox container: the background page's
 * cookie jar is the regular profile's default one. Never for a sandboxed
 * document either (its origin is opaque whatever its URL says): it cannot
 * read its own images, so it must not read them through our alt.
 */
export function credentialsFor(
  hopUrl: string,
  page: Pick<PageContext, 'frameUrl' | 'topLevelUrl' | 'incognito' | 'frameOrigin' | 'cookieStoreId'>,
  earlierHopsSameOrigin = true,
): RequestCredentials {
  if (page.incognito || !earlierHopsSameOrigin || !isDefaultCookieStore(page.cookieStoreId)) return 'omit';
  const frame = parseUrl(page.frameUrl);
  const hop = parseUrl(hopUrl);
  if (!frame || !hop || frame.origin === 'null' || frame.origin !== hop.origin) return 'omit';
  if (page.frameOrigin !== undefined && page.frameOrigin !== frame.origin) return 'omit';
  // Without the address bar's page (Firefox withholds a tab's URL where the extension has no access to it)
  // a frame cannot be told from a tracker frame on someone else's page: no cookies.
  const top = parseUrl(page.topLevelUrl);
  return top && isSameSite(frame, top) ? 'include' : 'omit';
}

/** Chrome reports no store; Firefox names its default one so (private windows and containers have others). */
function isDefaultCookieStore(cookieStoreId: string | undefined): boolean {
  return cookieStoreId === undefined || cookieStoreId === 'firefox-default';
}

/**
 * Same scheme, and one host equal to or a subdomain of the other. Stricter
 * than the registrable-domain rule (siblings such as a.example.com and
 * b.example.com do not count): without a public-suffix list, the safe side.
 */
function isSameSite(a: URL, b: URL): boolean {
  return a.protocol === b.protocol && isSameHostFamily(a.hostname, b.hostname);
}

function isSameHostFamily(x: string, y: string): boolean {
  return x === y || x.endsWith(`.${y}`) || y.endsWith(`.${x}`);
}

/** Longer referrer URLs are cut to their origin (Fetch spec; Chrome and Firefox do so). */
const maxRefererLength = 4096;

/**
 * The Referer the page's own request sent under `policy` (Referrer Policy
 * spec; absent: the default, strict-origin-when-cross-origin). The frame URL
 * goes without fragment and user:password, as browsers send it. Sites that
 * refuse hotlinks check it. "Downgrade" is https to http, as Chrome reads it.
 */
export function refererFor(imageUrl: string, frameUrl: string | undefined, policy?: ReferrerPolicyName): string | undefined {
  const frame = parseUrl(frameUrl);
  const image = parseUrl(imageUrl);
  if (!frame || !image || (frame.protocol !== 'http:' && frame.protocol !== 'https:')) return undefined;
  frame.hash = '';
  frame.username = '';
  frame.password = '';
  const origin = `${frame.origin}/`;
  if (origin.length > maxRefererLength) return undefined;
  const full = frame.href.length > maxRefererLength ? origin : frame.href;
  const sameOrigin = frame.origin === image.origin;
  const downgrade = frame.protocol === 'https:' && image.protocol === 'http:';
  switch (capCrossSite(policy ?? 'strict-origin-when-cross-origin', frame, image)) {
    case 'no-referrer':
      return undefined;
    case 'no-referrer-when-downgrade':
      return downgrade ? undefined : full;
    case 'same-origin':
      return sameOrigin ? full : undefined;
    case 'origin':
      return origin;
    case 'strict-origin':
      return downgrade ? undefined : origin;
    case 'origin-when-cross-origin':
      return sameOrigin ? full : origin;
    case 'strict-origin-when-cross-origin':
      return sameOrigin ? full : downgrade ? undefined : origin;
    case 'unsafe-url':
      return full;
  }
}

/**
 * Safari, and Firefox by its disallowCrossSiteRelaxingDefault setting, ignore
 * the three policies looser than the default on cross-site requests; Chrome
 * does not. We take the stricter reading, so never send more than either.
 */
function capCrossSite(policy: ReferrerPolicyName, frame: URL, image: URL): ReferrerPolicyName {
  const looser = policy === 'unsafe-url' || policy === 'no-referrer-when-downgrade' || policy === 'origin-when-cross-origin';
  return looser && !isSameHostFamily(frame.hostname, image.hostname) ? 'strict-origin-when-cross-origin' : policy;
}

/**
 * The cache partition: the top-level origin, the frame's origin and the
 * cookie store, as the browser's own HTTP cache keys by top-level site and
 * frame site: a page can never time whether the user saw an image on another
 * site, and a frame (an ad on a news site) never whether the user saw it on
 * the page that embeds it. (An origin is stricter than a site; without a
 * public-suffix list it is the safe choice.)
 */
export function cachePartition(page: Pick<PageContext, 'topLevelUrl' | 'frameUrl' | 'frameOrigin' | 'cookieStoreId'>): string {
  const top = originOf(page.topLevelUrl) ?? 'no-page';
  const frame = page.frameOrigin ?? originOf(page.frameUrl) ?? top;
  const store = isDefaultCookieStore(page.cookieStoreId) ? '' : ` ${page.cookieStoreId}`;
  return frame === top ? `${top}${store}` : `${top} ${frame}${store}`;
}

function originOf(url: string | undefined): string | undefined {
  const parsed = parseUrl(url);
  return parsed && parsed.origin !== 'null' ? parsed.origin : undefined;
}

function parseUrl(url: string | undefined): URL | undefined {
  if (!url) return undefined;
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
