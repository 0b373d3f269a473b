import { describe, expect, it } from 'vitest';
import { addressSpaceOf, cachePartition, credentialsFor, mayFetch, refererFor } from '../../src/shared/fetch-policy';
import { createNetworkRules, nonPublicHostPatterns } from '../../src/background/network-rules';
import type { NetworkRule } from '../../src/background/network-rules';
import type { PageContext, ReferrerPolicyName } from '../../src/messaging/protocol';
import { networkAccessThrough } from '../../src/host/network-access';
import { checkSvgComplexity } from '../../src/engine/image/svg';

describe('address spaces', () => {
  it.each([
    ['localhost', 'loopback'],
    ['app.localhost', 'loopback'],
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['0.0.0.0', 'loopback'],
    ['[::1]', 'loopback'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'private'],
    ['100.64.0.1', 'private'],
    ['[fd00::1]', 'private'],
    ['[fe80::1]', 'private'],
    ['printer.local', 'private'],
    ['nas.lan', 'private'],
    ['intranet', 'private'],
    ['router.home.arpa', 'private'],
    ['172.32.0.1', 'public'],
    ['8.8.8.8', 'public'],
    ['[2001:db8::1]', 'public'],
    ['example.com', 'public'],
    ['localhost.example.com', 'public'],
  ])('%s is %s', (host, space) => {
    expect(addressSpaceOf(host)).toBe(space);
  });

  it('reads the forms the URL parser normalises (decimal, hex, octal IPv4)', () => {
    for (const url of ['http://2130706433/', 'http://0x7f.1/', 'http://0177.0.0.1/']) {
      expect(addressSpaceOf(new URL(url).hostname)).toBe('loopback');
    }
  });

  it('lets a page reach only hosts as public as its own', () => {
    const publicPage = { topLevelUrl: 'https://news.example/' };
    expect(mayFetch('https://cdn.example/a.png', publicPage)).toBe(true);
    expect(mayFetch('http://192.168.0.1/a.png', publicPage)).toBe(false);
    expect(mayFetch('http://127.0.0.1/a.png', publicPage)).toBe(false);
    expect(mayFetch('http://192.168.0.1/a.png', { topLevelUrl: 'http://192.168.0.1/' })).toBe(true);
    expect(mayFetch('http://127.0.0.1/a.png', { topLevelUrl: 'http://192.168.0.1/' })).toBe(false);
    expect(mayFetch('http://192.168.0.1/a.png', { topLevelUrl: 'http://localhost:3000/' })).toBe(true);
    expect(mayFetch('http://127.0.0.1/a.png', {})).toBe(false);
    expect(mayFetch('file:///etc/passwd', { topLevelUrl: 'http://localhost/' })).toBe(false);
  });

  it('counts a public frame on a local page as public, and a page off http(s) as public', () => {
    expect(mayFetch('http://127.0.0.1:8080/a.png', { frameUrl: 'https://ads.example/frame', topLevelUrl: 'http://localhost:3000/' })).toBe(false);
    expect(mayFetch('http://127.0.0.1:8080/a.png', { frameUrl: 'http://localhost:3000/frame', topLevelUrl: 'http://localhost:3000/' })).toBe(true);
    for (const top of ['about:blank', 'file:///home/me/page.html', 'blob:null/1234']) {
      expect(mayFetch('http://127.0.0.1/a.png', { topLevelUrl: top }), top).toBe(false);
    }
  });

  it('classifies IPv4 inside IPv6, multicast and .localdomain', () => {
    for (const host of ['[::7f00:1]', '[::ffff:0:7f00:1]', '[64:ff9b::a9fe:a9fe]', 'localhost.localdomain']) expect(addressSpaceOf(host), host).not.toBe('public');
    expect(addressSpaceOf('239.255.255.250')).toBe('private');
    expect(addressSpaceOf('')).toBe('public');
  });
});

describe('credentials, Referer and cache partition', () => {
  it('sends cookies only same-origin with the frame, while every hop was, and never in private browsing', () => {
    const page = { frameUrl: 'https://shop.example/cart', topLevelUrl: 'https://shop.example/cart', incognito: false };
    expect(credentialsFor('https://shop.example/img.png', page)).toBe('include');
    // No address-bar page known: a frame cannot be told from a tracker frame on another site's page.
    expect(credentialsFor('https://shop.example/img.png', { frameUrl: page.frameUrl, incognito: false })).toBe('omit');
    expect(credentialsFor('https://cdn.shop.example/img.png', page)).toBe('omit');
    expect(credentialsFor('https://shop.example/img.png', page, false)).toBe('omit');
    expect(credentialsFor('https://shop.example/img.png', { ...page, incognito: true })).toBe('omit');
    expect(credentialsFor('https://shop.example/img.png', { incognito: false })).toBe('omit');
  });

  it('sends no cookies for a frame that is cross-site to the top-level page (a tracker frame)', () => {
    const frame = { frameUrl: 'https://tracker.example/frame', incognito: false };
    expect(credentialsFor('https://tracker.example/id.png', { ...frame, topLevelUrl: 'https://news.example/' })).toBe('omit');
    expect(credentialsFor('https://tracker.example/id.png', { ...frame, topLevelUrl: 'https://tracker.example/' })).toBe('include');
    expect(credentialsFor('https://shop.example/img.png', { frameUrl: 'https://shop.example/', topLevelUrl: 'https://www.shop.example/', incognito: false })).toBe('include');
  });

  it('sends no cookies for a sandboxed document, whatever its URL, nor from a Firefox container', () => {
    const page = { frameUrl: 'https://victim.example/uploads/x.html', topLevelUrl: 'https://victim.example/uploads/x.html', incognito: false };
    expect(credentialsFor('https://victim.example/account/qr.png', { ...page, frameOrigin: 'https://victim.example' })).toBe('include');
    expect(credentialsFor('https://victim.example/account/qr.png', { ...page, frameOrigin: 'null' })).toBe('omit');
    expect(credentialsFor('https://victim.example/account/qr.png', { ...page, cookieStoreId: 'firefox-default' })).toBe('include');
    expect(credentialsFor('https://victim.example/account/qr.png', { ...page, cookieStoreId: 'firefox-container-1' })).toBe('omit');
    expect(credentialsFor('https://victim.example/account/qr.png', { ...page, cookieStoreId: 'firefox-private' })).toBe('omit');
  });

  it('gives the Referer the page itself sent under the default policy', () => {
    expect(refererFor('https://a.example/img.png', 'https://a.example/page?q=1#top')).toBe('https://a.example/page?q=1');
    expect(refererFor('https://cdn.example/img.png', 'https://a.example/page?q=1')).toBe('https://a.example/');
    expect(refererFor('http://cdn.example/img.png', 'https://a.example/page')).toBeUndefined();
    expect(refererFor('https://cdn.example/img.png', undefined)).toBeUndefined();
  });

  // The frame is https://a.example/page?q=1; F: that URL, O: its origin, -: no Referer.
  const frameUrl = 'https://user:secret@a.example/page?q=1#top';
  const F = 'https://a.example/page?q=1';
  const O = 'https://a.example/';
  const images = {
    sameOrigin: 'https://a.example/img.png',
    sameSite: 'https://cdn.a.example/img.png',
    crossSite: 'https://cdn.example/img.png',
    downgrade: 'http://a.example/img.png',
    crossSiteDowngrade: 'http://cdn.example/img.png',
  };
  // Cross-site, the three policies looser than the default fall back to it (Safari, Firefox), so we never send more than a browser did.
  it.each<[ReferrerPolicyName | undefined, (string | undefined)[]]>([
    ['no-referrer', [undefined, undefined, undefined, undefined, undefined]],
    ['no-referrer-when-downgrade', [F, F, O, undefined, undefined]],
    ['same-origin', [F, undefined, undefined, undefined, undefined]],
    ['origin', [O, O, O, O, O]],
    ['strict-origin', [O, O, O, undefined, undefined]],
    ['origin-when-cross-origin', [F, O, O, O, undefined]],
    ['strict-origin-when-cross-origin', [F, O, O, undefined, undefined]],
    ['unsafe-url', [F, F, O, F, undefined]],
    [undefined, [F, O, O, undefined, undefined]],
  ])('gives the Referer the page sent under %s: same origin, same site, cross-site, downgrade, cross-site downgrade', (policy, expected) => {
    expect(Object.values(images).map((image) => refererFor(image, frameUrl, policy))).toEqual(expected);
  });

  it('sends no fragment or credentials, and only the origin for a frame URL over 4096 characters', () => {
    expect(refererFor(images.crossSite, frameUrl, 'unsafe-url')).toBe(O);
    expect(refererFor(images.sameSite, frameUrl, 'unsafe-url')).toBe(F);
    const path = (length: number) => `https://a.example/${'p'.repeat(length - 'https://a.example/'.length)}`;
    expect(refererFor(images.sameOrigin, path(4096))).toBe(path(4096));
    expect(refererFor(images.sameOrigin, path(4097))).toBe(O);
    expect(refererFor(images.sameSite, path(4097), 'unsafe-url')).toBe(O);
    expect(refererFor('https://a.example/img.png', `https://${'a'.repeat(4100)}.example/`)).toBeUndefined();
  });

  it('counts http to https as no downgrade, and sends nothing from a frame off http(s)', () => {
    expect(refererFor('https://cdn.example/img.png', 'http://a.example/page', 'strict-origin')).toBe('http://a.example/');
    expect(refererFor('https://a.example/img.png', 'http://a.example/page', 'no-referrer-when-downgrade')).toBe('http://a.example/page');
    expect(refererFor('https://a.example/img.png', 'about:blank', 'unsafe-url')).toBeUndefined();
  });

  it('partitions by the top-level origin, the frame\'s origin and the cookie store', () => {
    expect(cachePartition({ topLevelUrl: 'https://a.example/x?y' })).toBe('https://a.example');
    expect(cachePartition({ topLevelUrl: 'https://a.example/x?y', frameUrl: 'https://a.example/frame' })).toBe('https://a.example');
    expect(cachePartition({ topLevelUrl: 'https://b.a.example/' })).toBe('https://b.a.example');
    expect(cachePartition({})).toBe('no-page');
    // An ad frame on a news page never shares the news page's entries.
    const news = cachePartition({ topLevelUrl: 'https://news.example/story', frameUrl: 'https://news.example/story' });
    const adFrame = cachePartition({ topLevelUrl: 'https://news.example/story', frameUrl: 'https://ads.example/slot' });
    expect(adFrame).not.toBe(news);
    expect(cachePartition({ topLevelUrl: 'https://news.example/', frameUrl: 'https://news.example/', frameOrigin: 'null' })).not.toBe(news);
    expect(cachePartition({ topLevelUrl: 'https://news.example/', cookieStoreId: 'firefox-container-1' })).not.toBe(news);
    expect(cachePartition({ topLevelUrl: 'https://news.example/', cookieStoreId: 'firefox-default' })).toBe(news);
  });
});

describe('network rules', () => {
  const blocked = (url: string) => nonPublicHostPatterns.some((pattern) => new RegExp(pattern, 'i').test(url));

  it('blocks every non-public host form on any hop, and nothing public', () => {
    for (const url of ['http://127.0.0.1:9/x', 'http://localhost/x', 'http://10.1.2.3/x', 'http://192.168.0.1', 'http://172.20.0.1/x', 'http://169.254.169.254/latest', 'http://[::1]:8080/x', 'http://printer.local/x', 'http://intranet/x', 'http://user@127.0.0.1/x']) {
      expect(blocked(url), url).toBe(true);
    }
    for (const url of ['https://example.com/x', 'https://localhost.example.com/x', 'http://172.32.0.1/x', 'https://cdn.example/127.0.0.1/x', 'https://a.example/?u=http://127.0.0.1']) {
      expect(blocked(url), url).toBe(false);
    }
  });

  it('blocks on redirect hops at least every host the policy calls non-public', () => {
    const hosts = [
      'localhost', 'a.localhost', 'printer.localdomain', 'nas.local', 'router.lan', 'box.home.arpa', 'wiki.internal', 'hr.intranet', 'intranet',
      '127.0.0.1', '0.0.0.0', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '100.127.255.255',
      '224.0.0.251', '239.1.1.1', '255.255.255.255', '[::1]', '[fe80::1]', '[fd00::1]', '[::ffff:7f00:1]',
      'example.com', 'localhost.example.com', '172.32.0.1', '100.128.0.1', '223.255.255.255', '8.8.8.8', '[2001:db8::1]',
    ];
    for (const host of hosts) {
      const url = `http://${host}/x.png`;
      if (addressSpaceOf(new URL(url).hostname) !== 'public') expect(blocked(url), url).toBe(true);
    }
    for (const host of ['example.com', 'localhost.example.com', '172.32.0.1', '100.128.0.1', '223.255.255.255', '8.8.8.8']) expect(blocked(`http://${host}/x.png`), host).toBe(false);
  });

  it('installs the block rules after clearing what an earlier worker left, and adds and removes rules for one fetch', async () => {
    const calls: { addRules?: NetworkRule[]; removeRuleIds?: number[] }[] = [];
    const api = { updateSessionRules: async (options: { addRules?: NetworkRule[]; removeRuleIds?: number[] }) => void calls.push(options), getSessionRules: async () => [{ id: 1 }, { id: 1234 }] };
    const rules = createNetworkRules(api, 'extension-id');
    const localPage = { frameUrl: 'http://192.168.1.1/', topLevelUrl: 'http://192.168.1.1/', incognito: false };
    const ids = await rules.add('http://192.168.1.1/cam.jpg', localPage);
    expect(calls[0]?.removeRuleIds).toEqual([1, 1234]);
    // Above the earlier worker's ids: its fetch, still running, removes its own ids when it ends.
    expect(Math.min(...ids)).toBeGreaterThan(1234);
    expect(calls[0]?.addRules?.length).toBe(nonPublicHostPatterns.length);
    expect(calls[0]?.addRules?.[0]).toMatchObject({ id: 1, action: { type: 'block' }, condition: { tabIds: [-1], initiatorDomains: ['extension-id'] } });
    const added = calls[1]?.addRules ?? [];
    expect(added.map((rule) => rule.action.type)).toEqual(['allow', 'modifyHeaders']);
    expect(added[0]?.condition.urlFilter).toBe('|http://192.168.1.1/cam.jpg|');
    expect(ids).toEqual(added.map((rule) => rule.id));
    await rules.remove([...ids, 1, 2]);
    // The block rules are never removed on request.
    expect(calls[2]?.removeRuleIds).toEqual(ids);
    // A public page, or a public frame on a local page, gets no rule for a local image (the host refuses it before fetching).
    calls.length = 0;
    expect(await rules.add('https://192.168.1.1/cam.jpg', { frameUrl: 'https://evil.example/', topLevelUrl: 'https://evil.example/', incognito: false })).toEqual([]);
    expect(await rules.add('http://192.168.1.1/cam.jpg', { frameUrl: 'https://ads.example/', topLevelUrl: 'http://192.168.1.1/', incognito: false })).toEqual([]);
    expect(calls).toEqual([]);
    // A public image gets only the page's Referer.
    await rules.add('https://cdn.example/a.png', { frameUrl: 'https://news.example/story', topLevelUrl: 'https://news.example/story', incognito: false });
    expect(calls[0]?.addRules?.map((rule) => rule.action)).toEqual([{ type: 'modifyHeaders', requestHeaders: [{ header: 'referer', operation: 'set', value: 'https://news.example/' }] }]);
    // The engine document closed mid-fetch: every per-fetch rule still in place goes, and only those.
    const left = calls[0]?.addRules?.map((rule) => rule.id) ?? [];
    const another = await rules.add('http://192.168.1.1/other.jpg', localPage);
    await rules.remove([another[0]!]);
    calls.length = 0;
    await rules.removeAll();
    expect(calls).toEqual([{ removeRuleIds: [...left, another[1]!] }]);
    await rules.removeAll();
    expect(calls).toHaveLength(1);
    // Rules still being added when the document closes are removed once they land.
    calls.length = 0;
    const adding = rules.add('http://192.168.1.1/late.jpg', localPage);
    await rules.removeAll();
    const late = await adding;
    expect(calls.at(-1)).toEqual({ removeRuleIds: late });
    calls.length = 0;
    await rules.removeAll();
    expect(calls).toEqual([]);
  });

  it('follows the page\'s referrer policy, and removes the Referer where the page sent none', async () => {
    const added: NetworkRule[] = [];
    const api = { updateSessionRules: async (options: { addRules?: NetworkRule[] }) => void added.push(...(options.addRules ?? [])), getSessionRules: async () => [] };
    const rules = createNetworkRules(api, 'extension-id');
    const page = { frameUrl: 'https://news.example/story?id=7', topLevelUrl: 'https://news.example/story?id=7', incognito: false };
    const headerFor = async (url: string, referrerPolicy?: ReferrerPolicyName) => {
      added.length = 0;
      await rules.add(url, { ...page, referrerPolicy });
      return added.flatMap((rule) => (rule.action.type === 'modifyHeaders' ? rule.action.requestHeaders : []));
    };
    expect(await headerFor('https://news.example/a.png', 'unsafe-url')).toEqual([{ header: 'referer', operation: 'set', value: 'https://news.example/story?id=7' }]);
    expect(await headerFor('https://cdn.example/a.png', 'same-origin')).toEqual([{ header: 'referer', operation: 'remove' }]);
    expect(await headerFor('https://news.example/a.png', 'no-referrer')).toEqual([{ header: 'referer', operation: 'remove' }]);
    expect(await headerFor('http://cdn.example/a.png')).toEqual([{ header: 'referer', operation: 'remove' }]);
  });
});

describe('SVG complexity cap', () => {
  const svg = (body: string) => new TextEncoder().encode(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">${body}</svg>`);

  it('accepts plain vector art and refuses filters, element floods and <use> fan-out', () => {
    expect(() => checkSvgComplexity(svg('<rect width="10" height="10" fill="red"/>'))).not.toThrow();
    expect(() => checkSvgComplexity(svg('<filter id="f"><feTurbulence baseFrequency="0.9"/></filter><rect filter="url(#f)"/>'))).toThrow(/filters/);
    expect(() => checkSvgComplexity(svg('<rect style="filter: blur(40px)"/>'))).toThrow(/filters/);
    expect(() => checkSvgComplexity(svg('<rect/>'.repeat(6000)))).toThrow(/elements/);
    expect(() => checkSvgComplexity(svg('<use href="#a"/>'.repeat(300)))).toThrow(/use/);
  });

  it('is not fooled by namespace prefixes, case, CSS comments or escapes, or non-ASCII element names', () => {
    for (const body of ['<s.x:filter id="f"><s.x:feTurbulence/></s.x:filter>', '<rect style="FILTER:url(#f)"/>', '<rect style="{/**/filter:blur(9px)}"/>', '<rect style="f\\69lter:blur(9px)"/>', '<rect style="&#102;ilter:blur(9px)"/>', '<rect style="&#x66;ilter:blur(9px)"/>', '<!DOCTYPE svg [<!ENTITY f "fil">]><rect/>']) {
      expect(() => checkSvgComplexity(svg(body)), body).toThrow(/filters/);
    }
    expect(() => checkSvgComplexity(svg('<ф:rect/>'.repeat(6000)))).toThrow(/elements/);
    expect(() => checkSvgComplexity(svg('<x.y:use href="#a"/>'.repeat(300)))).toThrow(/use/);
  });

  it('refuses an embedded SVG (which could carry filters), and embedded rasters larger than the pixel cap or of unknown size', () => {
    const pngHeader = (width: number, height: number) => {
      const bytes = new Uint8Array(33);
      bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
      new DataView(bytes.buffer).setUint32(16, width);
      new DataView(bytes.buffer).setUint32(20, height);
      return Buffer.from(bytes).toString('base64');
    };
    const image = (href: string) => svg(`<image width="10" height="10" href="${href}"/>`);
    const nested = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><filter id="f"><feTurbulence/></filter></svg>').toString('base64');
    expect(() => checkSvgComplexity(image(`data:image/svg+xml;base64,${nested}`))).toThrow(/embeds image\/svg\+xml/);
    expect(() => checkSvgComplexity(image('data:image/svg+xml,%3Csvg%3E%3C%66ilter/%3E%3C/svg%3E'))).toThrow(/embeds/);
    expect(() => checkSvgComplexity(image('DATA:Image/SVG+XML;base64,PHN2Zz4='))).toThrow(/embeds/);
    expect(() => checkSvgComplexity(image(`data:image/png;base64,${pngHeader(30000, 30000)}`))).toThrow(/30000x30000/);
    expect(() => checkSvgComplexity(image('data:image/png;base64,bm90IGFuIGltYWdl'))).toThrow(/could not be read/);
    expect(() => checkSvgComplexity(image(`data:image/png;base64,${pngHeader(64, 48)}`))).not.toThrow();
    // Base64 wrapped over lines, as editors write it.
    expect(() => checkSvgComplexity(image(`data:image/png;base64,${pngHeader(64, 48).replace(/(.{8})/g, '$1\n  ')}`))).not.toThrow();
    // A camera JPEG whose size sits behind 10 kB of EXIF.
    const jpeg = new Uint8Array(2 + 4 + 10_000 + 11);
    const jpegView = new DataView(jpeg.buffer);
    jpeg.set([0xff, 0xd8, 0xff, 0xe1]);
    jpegView.setUint16(4, 10_002);
    jpeg.set([0xff, 0xc0, 0, 17, 8], 6 + 10_000);
    jpegView.setUint16(6 + 10_000 + 5, 30_000);
    jpegView.setUint16(6 + 10_000 + 7, 30_000);
    expect(() => checkSvgComplexity(image(`data:image/jpeg;base64,${Buffer.from(jpeg).toString('base64')}`))).toThrow(/30000x30000/);
    jpegView.setUint16(6 + 10_000 + 5, 480);
    jpegView.setUint16(6 + 10_000 + 7, 640);
    expect(() => checkSvgComplexity(image(`data:image/jpeg;base64,${Buffer.from(jpeg).toString('base64')}`))).not.toThrow();
  });

  it('reads character references with leading zeros as the parser does, and refuses encodings that could hide a word', () => {
    expect(() => checkSvgComplexity(svg('<rect style="&#x0000066;ilter:blur(30px)"/>'))).toThrow(/filters/);
    expect(() => checkSvgComplexity(svg('<rect style="&#00000102;ilter:blur(30px)"/>'))).toThrow(/filters/);
    expect(() => checkSvgComplexity(svg('<image href="&#00000100;ata:image/svg+xml,%3Csvg%3E%3C/svg%3E"/>'))).toThrow(/embeds/);
    expect(() => checkSvgComplexity(svg('<text>&#99999999999999999999;</text>'))).not.toThrow();
    const declared = (encoding: string, body: string) => new TextEncoder().encode(`<?xml version="1.0" encoding="${encoding}"?><svg xmlns="http://www.w3.org/2000/svg">${body}</svg>`);
    // In ISO-2022-JP, ESC ( B switches to ASCII and vanishes: the parser reads "filter".
    expect(() => checkSvgComplexity(declared('ISO-2022-JP', '<rect style="fil\u001b(Bter:blur(9px)"/>'))).toThrow(/ISO-2022-JP encoding/);
    expect(() => checkSvgComplexity(declared('UTF-7', '<rect/>'))).toThrow(/encoding/);
    for (const encoding of ['UTF-8', 'utf8', 'us-ascii', 'ISO-8859-1', 'windows-1252']) expect(() => checkSvgComplexity(declared(encoding, '<rect/>')), encoding).not.toThrow();
  });

  it('refuses a data: URL wherever it is written (an XHTML <img src> or srcset, @import "…", image-set()), and checks long runs of spaces in linear time', () => {
    expect(() => checkSvgComplexity(svg('<foreignObject width="9" height="9"><img xmlns="http://www.w3.org/1999/xhtml" src="data:image/svg+xml,%3Csvg/%3E"/></foreignObject>'))).toThrow(/embeds/);
    expect(() => checkSvgComplexity(svg('<foreignObject width="9" height="9"><img xmlns="http://www.w3.org/1999/xhtml" srcset="a.png 1x, data:image/svg+xml;base64,PHN2Zz4= 2x"/></foreignObject>'))).toThrow(/embeds/);
    expect(() => checkSvgComplexity(svg('<style>@import "data:text/css;base64,cmVjdHtmaWx0ZXI6Ymx1cig5cHgpfQ==";</style>'))).toThrow(/embeds text\/css/);
    expect(() => checkSvgComplexity(svg('<rect style="mask-image:image-set(&quot;data:image/svg+xml;base64,PHN2Zz4=&quot; 1x)"/>'))).toThrow(/embeds/);
    expect(() => checkSvgComplexity(svg('<text>data: 2019, 2020; data:2021</text>'))).not.toThrow();
    expect(() => checkSvgComplexity(svg(`<style>a{b:url(${' '.repeat(300_000)}x)}</style>`))).not.toThrow();
    expect(() => checkSvgComplexity(svg(`<image href="${' '.repeat(300_000)}x"/>`))).not.toThrow();
    expect(() => checkSvgComplexity(svg(`<${'<'.repeat(200_000)}`))).toThrow(/elements|could not/);
  });

  it('lets embedded fonts and the words "data:" in text through, and refuses style sheets and escaped URLs', () => {
    expect(() => checkSvgComplexity(svg('<style>@font-face{font-family:x;src:url(data:font/woff2;base64,d09GMgABAAAA)}</style><text>Hi</text>'))).not.toThrow();
    expect(() => checkSvgComplexity(svg('<desc>data:2019,2020</desc><rect width="10" height="10"/>'))).not.toThrow();
    expect(() => checkSvgComplexity(svg('<style>@import url(data:text/css;base64,cmVjdHtmaWx0ZXI6Ymx1cig5cHgpfQ==);</style>'))).toThrow(/embeds text\/css/);
    expect(() => checkSvgComplexity(svg(`<rect style="mask-image:url('data\\:image/svg+xml;base64,PHN2Zz4=')"/>`))).toThrow(/filters/);
    expect(() => checkSvgComplexity(svg(`<rect style="mask-image:url('da\\ta:image/svg+xml;base64,PHN2Zz4=')"/>`))).toThrow(/filters/);
  });
});

describe('network access around a fetch', () => {
  it('runs fetches of one URL one at a time, each under its own rules, and others side by side', async () => {
    const events: string[] = [];
    let next = 1;
    const rules = {
      add: async (url: string, page: PageContext) => (events.push(`add ${url} ${page.frameUrl}`), [next++]),
      remove: async (ids: number[]) => void events.push(`remove ${ids.join()}`),
    };
    const access = networkAccessThrough(rules);
    const gates: (() => void)[] = [];
    const fetchFor = (label: string) => () => new Promise<string>((resolve) => gates.push(() => (events.push(`done ${label}`), resolve(label))));
    const pageA = { frameUrl: 'https://a.example/', topLevelUrl: 'https://a.example/', incognito: false };
    const pageB = { frameUrl: 'https://b.example/', topLevelUrl: 'https://b.example/', incognito: false };
    const first = access('https://cdn.example/x.png', pageA, fetchFor('a'));
    const second = access('https://cdn.example/x.png', pageB, fetchFor('b'));
    const other = access('https://cdn.example/y.png', pageB, fetchFor('y'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    // x.png for page A and y.png run at once; x.png for page B waits until A's rules are gone.
    expect(gates).toHaveLength(2);
    gates[0]!();
    expect(await first).toBe('a');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(gates).toHaveLength(3);
    gates[1]!();
    gates[2]!();
    expect(await Promise.all([second, other])).toEqual(['b', 'y']);
    // y.png's rules got id 2: what remains is x.png's story.
    const xEvents = events.filter((event) => /x\.png|^done [ab]$|^remove [13]$/.test(event));
    expect(xEvents).toEqual(['add https://cdn.example/x.png https://a.example/', 'done a', 'remove 1', 'add https://cdn.example/x.png https://b.example/', 'done b', 'remove 3']);
  });

  it('lets a fetch given up while it waits for another of the same URL leave at once, without running', async () => {
    const access = networkAccessThrough({ add: async () => [], remove: async () => undefined });
    const page = { frameUrl: 'https://a.example/', topLevelUrl: 'https://a.example/', incognito: false };
    let release: () => void = () => undefined;
    const ran: string[] = [];
    const first = access('https://cdn.example/x.png', page, () => new Promise<string>((resolve) => (release = () => resolve('first'))));
    const controller = new AbortController();
    const waiting = access('https://cdn.example/x.png', page, async () => (ran.push('second'), 'second'), controller.signal);
    const third = access('https://cdn.example/x.png', page, async () => (ran.push('third'), 'third'));
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    release();
    expect(await first).toBe('first');
    expect(await third).toBe('third');
    expect(ran).toEqual(['third']);
  });
});
