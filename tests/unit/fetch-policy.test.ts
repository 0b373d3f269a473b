import { describe, expect, it } from 'vitest';
import { addressSpaceOf, cachePartition, credentialsFor, mayFetch, refererFor } from '../../src/shared/fetch-policy';
import { createNetworkGuard, nonPublicHostPatterns } from '../../src/background/network-rules';
import type { NetworkRule } from '../../src/background/network-rules';
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
});

describe('credentials, Referer and cache partition', () => {
  it('sends cookies only same-origin with the frame, while every hop was, and never in private browsing', () => {
    const page = { frameUrl: 'https://shop.example/cart', incognito: false };
    expect(credentialsFor('https://shop.example/img.png', page)).toBe('include');
    expect(credentialsFor('https://cdn.shop.example/img.png', page)).toBe('omit');
    expect(credentialsFor('https://shop.example/img.png', page, false)).toBe('omit');
    expect(credentialsFor('https://shop.example/img.png', { ...page, incognito: true })).toBe('omit');
    expect(credentialsFor('https://shop.example/img.png', { incognito: false })).toBe('omit');
  });

  it('gives the Referer the page itself sent under the default policy', () => {
    expect(refererFor('https://a.example/img.png', 'https://a.example/page?q=1#top')).toBe('https://a.example/page?q=1');
    expect(refererFor('https://cdn.example/img.png', 'https://a.example/page?q=1')).toBe('https://a.example/');
    expect(refererFor('http://cdn.example/img.png', 'https://a.example/page')).toBeUndefined();
    expect(refererFor('https://cdn.example/img.png', undefined)).toBeUndefined();
  });

  it('partitions by the top-level origin', () => {
    expect(cachePartition({ topLevelUrl: 'https://a.example/x?y' })).toBe('https://a.example');
    expect(cachePartition({ topLevelUrl: 'https://b.a.example/' })).toBe('https://b.a.example');
    expect(cachePartition({})).toBe('no-page');
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

  it('adds a Referer rule (and an allow rule for a local page) for exactly one request, then removes them', async () => {
    const calls: { addRules?: NetworkRule[]; removeRuleIds?: number[] }[] = [];
    const guard = createNetworkGuard({ updateSessionRules: async (options) => void calls.push(options) }, 'extension-id');
    const result = await guard.around('http://192.168.1.1/cam.jpg', { frameUrl: 'http://192.168.1.1/', topLevelUrl: 'http://192.168.1.1/', incognito: false }, async () => 'done');
    expect(result).toBe('done');
    expect(calls[0]?.addRules?.length).toBe(nonPublicHostPatterns.length);
    expect(calls[0]?.addRules?.[0]).toMatchObject({ id: 1, action: { type: 'block' }, condition: { tabIds: [-1], initiatorDomains: ['extension-id'] } });
    const added = calls[1]?.addRules ?? [];
    expect(added.map((rule) => rule.action.type)).toEqual(['allow', 'modifyHeaders']);
    expect(added[0]?.condition.urlFilter).toBe('|http://192.168.1.1/cam.jpg|');
    expect(calls[2]?.removeRuleIds).toEqual(added.map((rule) => rule.id));
    // A public page gets no allow rule for a local image (the host refuses it before fetching).
    calls.length = 0;
    await guard.around('https://192.168.1.1/cam.jpg', { frameUrl: 'https://evil.example/', topLevelUrl: 'https://evil.example/', incognito: false }, async () => 'x');
    expect(calls[0]?.addRules?.map((rule) => rule.action.type)).toEqual(['modifyHeaders']);
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
});
