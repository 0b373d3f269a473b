import { fetchDeadline, readImageResponse } from '../engine/image/fetch';
import type { FetchLimits } from '../engine/image/fetch';
import { EngineError } from '../engine/errors';
import { addressSpaceOfUrl, credentialsFor, mayFetch } from '../shared/fetch-policy';
import type { PageContext } from '../messaging/protocol';
import { HostRefusal } from './host-errors';
import { directAccess } from './network-access';
import type { NetworkAccess } from './network-access';

export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

export interface PageImageFetchOptions {
  page: PageContext;
  limits: FetchLimits;
  signal: AbortSignal;
  /** The global fetch by default; tests inject a server. */
  fetch?: FetchFunction;
  /** The background's network rules around the fetch (browsers); none in Node. */
  access?: NetworkAccess;
}

const maxRedirects = 10;

/**
 * Fetches a page's image the way the page itself could: redirects are
 * followed by hand, each hop is checked against the page's address space,
 * and cookies go only while every hop stays same-origin with the frame.
 *
 * Browsers hide a manual redirect's Location (an "opaqueredirect" response).
 * Then we know only that one happened, so the request is made again without
 * credentials and the browser follows it; every hop of that is guarded by the
 * background's network rule (network-rules.ts) that blocks our requests to
 * non-public hosts, and the final URL is checked here as well. In Node the
 * Location is visible and every hop is checked here.
 *
 * `cache: 'no-store'`: the HTTP cache of the extension is shared by every
 * site, so a cached response would tell one site, by its speed, what another showed.
 */
export async function fetchPageImage(url: string, options: PageImageFetchOptions): Promise<Uint8Array> {
  const { page, limits } = options;
  const fetcher = options.fetch ?? ((input, init) => fetch(input, init));
  const deadline = fetchDeadline(limits, options.signal);
  // A data: URL is the image itself: nothing goes over the network, so no page rule applies.
  if (/^data:/i.test(url)) {
    try {
      return await readImageResponse(await fetcher(url, { signal: deadline.signal }), 'the data: URL', limits);
    } catch (cause) {
      throw deadline.explain(cause, 'the data: URL');
    }
  }
  return (options.access ?? directAccess)(url, page, () => fetchHops(url, options, fetcher, deadline), deadline.signal);
}

async function fetchHops(url: string, options: PageImageFetchOptions, fetcher: FetchFunction, deadline: ReturnType<typeof fetchDeadline>): Promise<Uint8Array> {
  const { page, limits } = options;
  const refuseUnreachable = (hop: string) => {
    if (!mayFetch(hop, page)) {
      throw new HostRefusal('blocked-address', `${hop} is on a ${addressSpaceOfUrl(hop)} address the page cannot reach`);
    }
  };
  try {
    let current = url;
    let sameOriginSoFar = true;
    for (let hop = 0; hop <= maxRedirects; hop++) {
      refuseUnreachable(current);
      const credentials = credentialsFor(current, page, sameOriginSoFar);
      // The network rule lets us reach a local-network host only at exactly this URL.
      const local = addressSpaceOfUrl(current) !== 'public';
      // Without credentials, and on a public host, the browser may follow redirects (under the network rule).
      const redirect: RequestRedirect = credentials === 'include' || local ? 'manual' : 'follow';
      // No Referer of our own (the extension page's) on any hop, those the browser follows included:
      // the network rule gives the first URL of each fetch the Referer the page's request sent.
      let response = await fetcher(current, { credentials, redirect, cache: 'no-store', referrerPolicy: 'no-referrer', signal: deadline.signal });
      if (response.type === 'opaqueredirect') {
        if (local) throw new EngineError('fetch-failed', `${current} redirects; redirects of local-network images are not followed`);
        response = await fetcher(current, { credentials: 'omit', redirect: 'follow', cache: 'no-store', referrerPolicy: 'no-referrer', signal: deadline.signal });
      }
      if (response.url) refuseUnreachable(response.url);
      const location = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
      if (location === null) return await readImageResponse(response, url, limits);
      await response.body?.cancel();
      // Once a hop has gone without credentials (another origin), no later hop gets them back.
      sameOriginSoFar = credentials === 'include';
      current = new URL(location, current).href;
    }
    throw new EngineError('fetch-failed', `fetching ${url} failed: more than ${maxRedirects} redirects`);
  } catch (cause) {
    if (cause instanceof HostRefusal) throw cause;
    throw deadline.explain(cause, url);
  }
}
