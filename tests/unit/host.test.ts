import { describe, expect, it, vi } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { createJobQueue, JobCancelledError, QueueOverloadedError } from '../../src/host/job-queue';
import { cacheKey, createIndexedDbCache } from '../../src/host/cache';
import { createEngineHost } from '../../src/host/engine-host';
import type { EngineHostOptions } from '../../src/host/engine-host';
import type { PageContext } from '../../src/messaging/protocol';
import { createFakeCaptioner } from '../helpers/fake-captioner';
import type { Captioner } from '../../src/host/captioner';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('job queue', () => {
  it('runs the most urgent job first and shares one run between requesters of the same key', async () => {
    const order: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const queue = createJobQueue<string>(async (key) => {
      order.push(key);
      if (key === 'first') await gate;
      return key.toUpperCase();
    }, { concurrency: 1, maxWaiting: 10 });
    const first = queue.enqueue('first', 2, 'r1', undefined);
    const background = queue.enqueue('far', 2, 'r2', undefined);
    const visible = queue.enqueue('near', 0, 'r3', undefined);
    const sameAsVisible = queue.enqueue('near', 2, 'r4', undefined);
    release();
    expect(await Promise.all([first, background, visible, sameAsVisible])).toEqual(['FIRST', 'FAR', 'NEAR', 'NEAR']);
    expect(order).toEqual(['first', 'near', 'far']);
  });

  it('drops a waiting job nobody wants and aborts a running one', async () => {
    const aborted: string[] = [];
    const queue = createJobQueue<string>((key, _payload, signal) => new Promise((resolve) => signal.addEventListener('abort', () => { aborted.push(key); resolve('late'); })), { concurrency: 1, maxWaiting: 10 });
    const running = queue.enqueue('a', 0, 'r1', undefined);
    const waiting = queue.enqueue('b', 0, 'r2', undefined);
    queue.cancel('r2');
    await expect(waiting).rejects.toBeInstanceOf(JobCancelledError);
    expect(queue.waiting()).toBe(0);
    queue.cancel('r1');
    await expect(running).rejects.toBeInstanceOf(JobCancelledError);
    expect(aborted).toEqual(['a']);
  });

  it('answers an earlier request whose requester id is used again (a restarted sender) instead of leaving it open', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const queue = createJobQueue<string>(async (key) => (await gate, key), { concurrency: 1, maxWaiting: 10 });
    const busy = queue.enqueue('busy', 0, 'other', undefined);
    const earlier = queue.enqueue('img', 1, 'menu-0', undefined);
    const again = queue.enqueue('img', 1, 'menu-0', undefined);
    await expect(earlier).rejects.toBeInstanceOf(JobCancelledError);
    release();
    expect(await Promise.all([busy, again])).toEqual(['busy', 'img']);
    expect(queue.waiting()).toBe(0);
  });

  it('starts a fresh job when the same image is asked for again while its cancelled run winds down', async () => {
    const runs: string[] = [];
    const queue = createJobQueue<string, string>(
      (key, payload, signal) =>
        new Promise((resolve, reject) => {
          runs.push(payload);
          const timer = setTimeout(() => resolve(`${key} by ${payload}`), 30);
          signal.addEventListener('abort', () => {
            clearTimeout(timer);
            setTimeout(() => reject(new Error('aborted')), 10);
          });
        }),
      { concurrency: 2, maxWaiting: 10 },
    );
    const first = queue.enqueue('img', 0, 'r1', 'first');
    queue.cancel('r1');
    const second = queue.enqueue('img', 0, 'r2', 'second');
    await expect(first).rejects.toBeInstanceOf(JobCancelledError);
    expect(await second).toBe('img by second');
    expect(runs).toEqual(['first', 'second']);
  });

  it('takes turns between owners at the same priority, so one tab\'s many images never starve another tab\'s first', async () => {
    const order: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const queue = createJobQueue<string>(async (key) => {
      order.push(key);
      if (key === 'a0') await gate;
      return key;
    }, { concurrency: 1, maxWaiting: 100 });
    const all = ['a0', 'a1', 'a2', 'a3'].map((key, i) => queue.enqueue(key, 0, `ra${i}`, undefined, 't1'));
    all.push(queue.enqueue('b0', 0, 'rb0', undefined, 't2'), queue.enqueue('b1', 0, 'rb1', undefined, 't2'));
    // A less urgent job waits for every more urgent one, whoever's turn it is.
    all.push(queue.enqueue('b-later', 2, 'rb2', undefined, 't2'));
    release();
    await Promise.all(all);
    expect(order).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'a3', 'b-later']);
  });

  it('when full, refuses a job of the owner with the most waiting, not another tab\'s first image', async () => {
    const queue = createJobQueue<string>(() => new Promise(() => undefined), { concurrency: 1, maxWaiting: 3 });
    void queue.enqueue('running', 0, 'r0', undefined, 't1');
    const spam = ['s1', 's2', 's3'].map((key) => queue.enqueue(key, 0, key, undefined, 't1'));
    for (const job of spam) job.catch(() => undefined);
    const first = queue.enqueue('first', 0, 'other', undefined, 't2');
    let refusedFirst = false;
    first.catch(() => (refusedFirst = true));
    await expect(spam[2]).rejects.toBeInstanceOf(QueueOverloadedError);
    expect(refusedFirst).toBe(false);
    expect(queue.waiting()).toBe(3);
  });

  it('refuses the least urgent waiting job when full', async () => {
    const queue = createJobQueue<string>(() => new Promise(() => undefined), { concurrency: 1, maxWaiting: 2 });
    void queue.enqueue('running', 0, 'r0', undefined);
    const low = queue.enqueue('low', 2, 'r1', undefined);
    void queue.enqueue('high', 0, 'r2', undefined);
    void queue.enqueue('high2', 0, 'r3', undefined);
    await expect(low).rejects.toBeInstanceOf(QueueOverloadedError);
    expect(queue.waiting()).toBe(2);
  });
});

describe('IndexedDB caption cache', () => {
  const value = (alt: string) => ({ alt, confident: true, text: [], objects: [] });
  const roomy = { maxEntries: 100, maxBytes: 1_000_000 };

  it('a cache hit\'s touch never writes back a record that a clear removed meanwhile', async () => {
    const cache = createIndexedDbCache({ name: `test-clear-race-${Math.random()}`, bounds: roomy, indexedDB: new IDBFactory() });
    await cache.put('k', value('K'));
    const cleared = cache.clear();
    const hit = cache.get('k');
    expect(await cleared).toBe(1);
    expect(await hit).toEqual(value('K'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await cache.size()).toEqual({ entries: 0, bytes: 0 });
    expect(await cache.get('k')).toBeUndefined();
  });

  it('stores, evicts the least recently used beyond the entry bound, and clears', async () => {
    let clock = 0;
    const cache = createIndexedDbCache({ name: 'test-lru', bounds: { ...roomy, maxEntries: 2 }, indexedDB: new IDBFactory(), now: () => ++clock });
    await cache.put('a', value('A'));
    await cache.put('b', value('B'));
    expect(await cache.get('a')).toEqual(value('A'));
    await tick();
    await cache.put('c', value('C'));
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toEqual(value('A'));
    expect((await cache.size()).entries).toBe(2);
    expect(await cache.clear()).toBe(2);
    expect(await cache.size()).toEqual({ entries: 0, bytes: 0 });
  });

  it('stays within its byte bound, oldest out first, and reports its size', async () => {
    let clock = 0;
    const cache = createIndexedDbCache({ name: 'test-bytes', bounds: { maxEntries: 100, maxBytes: 300 }, indexedDB: new IDBFactory(), now: () => ++clock });
    const long = (alt: string) => value(alt.padEnd(40, '.'));
    for (const key of ['k1', 'k2', 'k3', 'k4']) await cache.put(key, long(key));
    const size = await cache.size();
    expect(size.bytes).toBeLessThanOrEqual(300);
    expect(size.bytes).toBeGreaterThan(0);
    expect(await cache.get('k4')).toEqual(long('k4'));
    expect(await cache.get('k1')).toBeUndefined();
    // One record larger than the whole bound is never stored.
    await cache.put('huge', value('x'.repeat(400)));
    expect(await cache.get('huge')).toBeUndefined();
  });

  it('keeps its size right across many writes without walking the store each time, and evicts when a bound is passed', async () => {
    let clock = 0;
    const factory = new IDBFactory();
    const bounds = { maxEntries: 5, maxBytes: 1_000_000 };
    const cache = createIndexedDbCache({ name: 'test-count', bounds, indexedDB: factory, now: () => ++clock });
    for (let i = 0; i < 12; i++) await cache.put(`k${i}`, value(`v${i}`));
    const counted = await cache.size();
    expect(counted.entries).toBe(5);
    expect(await cache.get('k6')).toBeUndefined();
    expect(await cache.get('k7')).toEqual(value('v7'));
    // Another cache over the same store measures it by walking every record: the same figure.
    const walked = await createIndexedDbCache({ name: 'test-count', bounds, indexedDB: factory }).size();
    expect(walked).toEqual(counted);
  });

  it('keys by site partition, model version and content hash, never by URL', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const key = await cacheKey(bytes, 'https://a.example', 'v1');
    expect(key).toBe('https://a.example|v1|039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81');
    expect(await cacheKey(new Uint8Array([1, 2, 4]), 'https://a.example', 'v1')).not.toBe(key);
    expect(await cacheKey(bytes, 'https://a.example', 'v2')).not.toBe(key);
    expect(await cacheKey(bytes, 'https://b.example', 'v1')).not.toBe(key);
  });
});

/** A tiny fake network: a URL answers with a body, an error status or a redirect; every request is logged. */
function fakeNetwork(routes: Record<string, { status?: number; location?: string; body?: string }>) {
  const log: { url: string; credentials: RequestCredentials | undefined; redirect: RequestRedirect | undefined; cache: RequestCache | undefined; referrerPolicy: ReferrerPolicy | undefined }[] = [];
  const fetch = async (url: string, init: RequestInit): Promise<Response> => {
    log.push({ url, credentials: init.credentials, redirect: init.redirect, cache: init.cache, referrerPolicy: init.referrerPolicy });
    if (url.startsWith('data:')) return globalThis.fetch(url);
    // Unlisted URLs answer with their own text, so the fake captioner's "N bytes" tells which one was read.
    const route = routes[url] ?? { body: url };
    if (route.location) return new Response(null, { status: route.status ?? 302, headers: { location: route.location } });
    return new Response(route.body ?? url, { status: route.status ?? 200 });
  };
  return { fetch, log };
}

describe('engine host', () => {
  const page = (frameUrl: string, extra: Partial<PageContext> = {}): PageContext => ({ frameUrl, topLevelUrl: frameUrl, incognito: false, ...extra });
  const publicPage = page('https://example.com/page');

  function host(overrides: Partial<EngineHostOptions> = {}, routes: Record<string, { status?: number; location?: string; body?: string }> = {}) {
    const captioner = createFakeCaptioner({ delayMs: 20 });
    const network = fakeNetwork(routes);
    const engineHost = createEngineHost({
      captioner,
      cache: createIndexedDbCache({ name: `host-${Math.random()}`, bounds: { maxEntries: 100, maxBytes: 1_000_000 }, indexedDB: new IDBFactory() }),
      modelVersion: async () => 'test',
      threads: () => 1,
      queue: { concurrency: 1, maxWaiting: 100 },
      fetchLimits: { timeoutMs: 1000, maxBytes: 1000 },
      fetch: network.fetch,
      ...overrides,
    });
    const fetched = () => network.log.map((entry) => entry.url);
    return { engineHost, captioner, fetched, log: network.log };
  }
  const caption = (h: ReturnType<typeof host>['engineHost'], requestId: string, url: string, on: PageContext = publicPage) =>
    h.handlers['host-caption']({ requestId, source: { kind: 'url', url }, priority: 0, page: on }, undefined);

  it('captions, then serves the same image on the same site from the cache', async () => {
    const { engineHost, captioner } = host();
    const first = await caption(engineHost, 'a', 'https://example.com/cat.png');
    expect(first).toMatchObject({ output: { alt: '27 bytes', confident: true, cached: false } });
    const second = await caption(engineHost, 'b', 'https://example.com/cat.png');
    expect(second).toMatchObject({ output: { alt: '27 bytes', cached: true } });
    expect(captioner.calls).toBe(1);
    expect(await engineHost.status()).toMatchObject({ state: 'ready', speed: 'ok', cacheEntries: 1 });
    expect((await engineHost.status()).cacheBytes).toBeGreaterThan(0);
  });

  it('gives a job\'s slot back as soon as it is cancelled while the models load', async () => {
    let finishLoad: () => void = () => undefined;
    const loaded = new Promise<void>((resolve) => (finishLoad = resolve));
    const slowLoad = { ...createFakeCaptioner(), load: async () => (await loaded, { loadMs: 5 }) };
    const { engineHost } = host({ captioner: slowLoad });
    const first = caption(engineHost, 'a', 'https://example.com/cat.png');
    await vi.waitFor(async () => expect((await engineHost.status()).state).toBe('loading'));
    await engineHost.handlers['host-cancel']({ requestIds: ['a'] }, undefined);
    expect(await first).toEqual({ cancel: true });
    // The queue has one slot: the next job may start now, and waits for the same load.
    await vi.waitFor(async () => expect((await engineHost.status()).queued).toBe(0));
    finishLoad();
  });

  it('cancels what an earlier service worker asked for once the new one says its run, and nothing of its own', async () => {
    const { engineHost, captioner } = host();
    const ask = (requestId: string, url: string, run: string) =>
      engineHost.handlers['host-caption']({ requestId, source: { kind: 'url', url }, priority: 0, page: publicPage, run }, undefined);
    // The old worker's requests (their pages have asked again under new ids, which joined the same job).
    const orphan = ask('t1-f0-old-1', 'https://example.com/cat.png', 'old');
    const orphanWaiting = ask('t1-f0-old-2', 'https://example.com/dog.png', 'old');
    const retried = ask('t1-f0-new-1', 'https://example.com/cat.png', 'new');
    expect(await engineHost.handlers['host-forget-runs']({ run: 'new' }, undefined)).toEqual({ output: { cancelled: 2 } });
    expect(await orphan).toEqual({ cancel: true });
    expect(await orphanWaiting).toEqual({ cancel: true });
    expect(await retried).toMatchObject({ output: { alt: '27 bytes' } });
    // dog.png was wanted by nobody any more: never described.
    expect(captioner.calls).toBe(1);
  });

  it('reads the model version again after a failed read, instead of failing every request until the document closes', async () => {
    let reads = 0;
    const { engineHost } = host({
      modelVersion: async () => {
        reads += 1;
        if (reads === 1) throw new TypeError('Failed to fetch');
        return 'test';
      },
    });
    expect(await caption(engineHost, 'a', 'https://example.com/cat.png')).toHaveProperty('error');
    expect(await caption(engineHost, 'b', 'https://example.com/cat.png')).toMatchObject({ output: { alt: '27 bytes' } });
    expect(reads).toBe(2);
  });

  it('reports the engine\'s time per image, stage by stage, for the images it described (not those served from the cache)', async () => {
    const { engineHost } = host();
    expect((await engineHost.status()).imageTimings).toBeUndefined();
    const cat = await caption(engineHost, 'a', 'https://example.com/cat.png');
    await caption(engineHost, 'b', 'https://example.com/cat.png');
    const dog = await caption(engineHost, 'c', 'https://example.com/a-dog.png');
    const size = (reply: Awaited<ReturnType<typeof caption>>) => Number(/^(\d+) bytes/.exec('output' in reply ? reply.output.alt : '')?.[1]);
    const [catMs, dogMs] = [size(cat), size(dog)];
    expect(catMs).not.toBe(dogMs);
    expect((await engineHost.status()).imageTimings).toEqual({
      images: 2,
      median: { decode: 1, detector: (catMs + dogMs) / 2 - 4, text: 0, captionEncoder: 1, captionDecoder: 2, engine: (catMs + dogMs) / 2 },
      engineTotalMs: catMs + dogMs,
      firstEngineMs: catMs,
    });
  });

  it('answers without waiting for the cache write, and a later request still finds the caption', async () => {
    const stored = createIndexedDbCache({ name: `slow-${Math.random()}`, bounds: { maxEntries: 100, maxBytes: 1_000_000 }, indexedDB: new IDBFactory() });
    let finishWrite: () => void = () => undefined;
    const writeHeld = new Promise<void>((resolve) => (finishWrite = resolve));
    const slowWrites = { ...stored, put: async (key: string, value: Parameters<typeof stored.put>[1]) => { await writeHeld; await stored.put(key, value); } };
    const { engineHost, captioner } = host({ cache: slowWrites });
    expect(await caption(engineHost, 'a', 'https://example.com/cat.png')).toMatchObject({ output: { alt: '27 bytes', cached: false } });
    const second = caption(engineHost, 'b', 'https://example.com/cat.png');
    await tick();
    finishWrite();
    expect(await second).toMatchObject({ output: { alt: '27 bytes', cached: true } });
    expect(captioner.calls).toBe(1);
  });

  it('fetches the next images while the engine describes one, and never runs two descriptions at once', async () => {
    const events: string[] = [];
    let describing = 0;
    let mostAtOnce = 0;
    const slowCaptioner: Captioner = {
      kind: 'engine',
      load: async () => ({ loadMs: 1 }),
      warmUp: async () => 1,
      async caption(bytes) {
        describing++;
        mostAtOnce = Math.max(mostAtOnce, describing);
        events.push(`describe ${bytes.length}`);
        await new Promise((resolve) => setTimeout(resolve, 30));
        describing--;
        return { caption: { alt: `${bytes.length} bytes`, confident: true, objects: [], text: [] }, modelMs: 1 };
      },
    };
    const network = fakeNetwork({});
    const fetchLogged = async (url: string, init: RequestInit) => {
      events.push(`fetch ${url.length}`);
      return network.fetch(url, init);
    };
    const { engineHost } = host({ captioner: slowCaptioner, queue: { concurrency: 3, maxWaiting: 100 }, fetch: fetchLogged });
    const urls = ['https://example.com/a.png', 'https://example.com/bb.png', 'https://example.com/ccc.png'];
    const replies = await Promise.all(urls.map((url, i) => caption(engineHost, `r${i}`, url)));
    expect(replies.map((r) => (r as { output?: { alt: string } }).output?.alt)).toEqual(urls.map((u) => `${u.length} bytes`));
    expect(mostAtOnce).toBe(1);
    // All three fetches happen before the second description starts.
    expect(events.indexOf(`fetch ${urls[2]!.length}`)).toBeLessThan(events.indexOf(`describe ${urls[1]!.length}`));
  });

  it('never answers one site from what another site showed (no cross-site cache timing)', async () => {
    const { engineHost, captioner } = host();
    const url = 'https://cdn.example/logo.png';
    expect(await caption(engineHost, 'a', url, page('https://site-a.example/'))).toMatchObject({ output: { cached: false } });
    expect(await caption(engineHost, 'b', url, page('https://site-b.example/'))).toMatchObject({ output: { cached: false } });
    expect(await caption(engineHost, 'c', url, page('https://site-a.example/other'))).toMatchObject({ output: { cached: true } });
    expect(captioner.calls).toBe(2);
  });

  it('words the description as the request asks, and caches each wording apart', async () => {
    const { engineHost, captioner } = host();
    const ask = (requestId: string, style?: { caption: boolean; neutral: boolean }) =>
      engineHost.handlers['host-caption']({ requestId, source: { kind: 'url', url: 'https://example.com/dog.png' }, priority: 0, page: publicPage, style: style && { ...style, language: 'en' } }, undefined);
    expect(await ask('a')).toMatchObject({ output: { alt: '27 bytes', cached: false } });
    expect(await ask('b', { caption: true, neutral: false })).toMatchObject({ output: { alt: '27 bytes (caption, gendered)', cached: false } });
    expect(await ask('c', { caption: false, neutral: true })).toMatchObject({ output: { alt: '27 bytes (objects, neutral)', cached: false } });
    expect(await ask('d', { caption: true, neutral: false })).toMatchObject({ output: { alt: '27 bytes (caption, gendered)', cached: true } });
    // Anything but an explicit false keeps the defaults: a hostile page cannot turn the wording into something else.
    const junk = { caption: 'no', neutral: 0 } as unknown as { caption: boolean; neutral: boolean };
    expect(await ask('e', junk)).toMatchObject({ output: { alt: '27 bytes', cached: true } });
    expect(captioner.calls).toBe(3);
  });

  it('fetches a URL once for simultaneous requests, bypassing the shared HTTP cache', async () => {
    const { engineHost, fetched, log } = host();
    const replies = await Promise.all([caption(engineHost, 'a', 'https://example.com/x.png'), caption(engineHost, 'b', 'https://example.com/x.png')]);
    expect(replies.map((r) => 'output' in r && r.output.alt)).toEqual(['25 bytes', '25 bytes']);
    expect(fetched()).toEqual(['https://example.com/x.png']);
    expect(log[0]?.cache).toBe('no-store');
  });

  it('gives the fetch the page\'s referrer policy, never shares a fetch across Referers, and ignores a policy that is not one', async () => {
    const seen: PageContext[] = [];
    const { engineHost, fetched } = host({ networkAccess: (_url, on, run) => (seen.push(on), run()) });
    const url = 'https://cdn.example/x.png';
    const frame = page('https://a.example/story');
    await Promise.all([
      caption(engineHost, 'a', url, frame),
      caption(engineHost, 'b', url, { ...frame, referrerPolicy: 'no-referrer' }),
      // Same Referer as the first (the origin): one fetch for both.
      caption(engineHost, 'c', url, { ...frame, referrerPolicy: 'origin' }),
      caption(engineHost, 'd', url, { ...frame, referrerPolicy: 'never' } as unknown as PageContext),
    ]);
    expect(fetched()).toEqual([url, url]);
    expect(seen.map((on) => on.referrerPolicy)).toEqual([undefined, 'no-referrer']);
  });

  it('answers cancel for a cancelled request and an error for a failed fetch', async () => {
    const { engineHost } = host({}, { 'https://example.com/404.png': { status: 404 } });
    const pending = caption(engineHost, 'c1', 'https://example.com/slow.png');
    await engineHost.handlers['host-cancel']({ requestIds: ['c1'] }, undefined);
    expect(await pending).toEqual({ cancel: true });
    expect(await caption(engineHost, 'c2', 'https://example.com/404.png')).toMatchObject({ error: { code: 'fetch-failed' } });
  });

  it('answers cancel, and never runs the job, for a byte source cancelled while its hash was computed', async () => {
    const { engineHost, captioner } = host();
    const png = Buffer.from('the bytes of an inline image').toString('base64');
    const pending = engineHost.handlers['host-caption']({ requestId: 'h1', source: { kind: 'bytes', base64: png, mime: 'image/png' }, priority: 0, page: publicPage }, undefined);
    // The cancel arrives before the hash is done (the page scrolled the image away, the tab closed).
    await engineHost.handlers['host-cancel']({ requestIds: ['h1'] }, undefined);
    expect(await pending).toEqual({ cancel: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(captioner.calls).toBe(0);
    expect(await engineHost.status()).toMatchObject({ queued: 0 });
  });

  it('sends cookies only to the origin of the frame showing the image, and never in private browsing', async () => {
    const { engineHost, log } = host();
    await caption(engineHost, 'a', 'https://bank.example/statement.png', page('https://evil.example/'));
    await caption(engineHost, 'b', 'https://shop.example/photo.png', page('https://shop.example/'));
    await caption(engineHost, 'c', 'https://shop.example/other.png', page('https://shop.example/', { incognito: true }));
    await engineHost.handlers['host-caption']({ requestId: 'd', source: { kind: 'url', url: 'https://cdn.example/x.png' }, priority: 0 }, undefined);
    expect(log.map((entry) => entry.credentials)).toEqual(['omit', 'include', 'omit', 'omit']);
  });

  it('sends no cookies for a sandboxed document or a Firefox container, and no Referer of its own on any hop', async () => {
    const { engineHost, log } = host({}, { 'https://shop.example/a.png': { location: 'https://shop.example/b.png' } });
    await caption(engineHost, 'a', 'https://shop.example/x.png', page('https://shop.example/', { frameOrigin: 'null' }));
    await caption(engineHost, 'b', 'https://shop.example/y.png', page('https://shop.example/', { cookieStoreId: 'firefox-container-3' }));
    await caption(engineHost, 'c', 'https://shop.example/a.png', page('https://shop.example/', { frameOrigin: 'https://shop.example' }));
    expect(log.map((entry) => [entry.url, entry.credentials])).toEqual([
      ['https://shop.example/x.png', 'omit'],
      ['https://shop.example/y.png', 'omit'],
      ['https://shop.example/a.png', 'include'],
      ['https://shop.example/b.png', 'include'],
    ]);
    expect(new Set(log.map((entry) => entry.referrerPolicy))).toEqual(new Set(['no-referrer']));
  });

  it('drops the cookies at the first hop that leaves the frame origin, even if a later hop comes back', async () => {
    const { engineHost, log } = host({}, {
      'https://a.example/img.png': { location: 'https://b.example/private.png' },
      'https://b.example/private.png': { location: 'https://a.example/final.png' },
      'https://a.example/final.png': { body: 'pixels' },
    });
    expect(await caption(engineHost, 'r', 'https://a.example/img.png', page('https://a.example/'))).toMatchObject({ output: { alt: '6 bytes' } });
    expect(log.map((entry) => [entry.url, entry.credentials])).toEqual([
      ['https://a.example/img.png', 'include'],
      ['https://b.example/private.png', 'omit'],
      ['https://a.example/final.png', 'omit'],
    ]);
  });

  it('refuses private, loopback and local hosts for a public page, directly and through a redirect', async () => {
    const { engineHost, fetched } = host({}, { 'https://public.example/r.png': { location: 'http://192.168.1.1/admin.png' } });
    for (const url of ['http://127.0.0.1:8080/a.png', 'http://localhost/a.png', 'http://router.local/a.png', 'http://intranet/a.png', 'http://[::1]/a.png', 'http://169.254.169.254/latest']) {
      expect(await caption(engineHost, 'direct', url)).toMatchObject({ error: { code: 'blocked-address' } });
    }
    expect(await caption(engineHost, 'redirect', 'https://public.example/r.png', page('https://public.example/'))).toMatchObject({ error: { code: 'blocked-address' } });
    expect(fetched()).toEqual(['https://public.example/r.png']);
  });

  it('reads a data: URL image without any network or address rule', async () => {
    const { engineHost, log } = host();
    const reply = await caption(engineHost, 'd', 'data:image/svg+xml,%3Csvg%2F%3E', page('https://example.com/'));
    expect(reply).toMatchObject({ output: { alt: '6 bytes' } });
    expect(log.map((entry) => entry.url)).toEqual(['data:image/svg+xml,%3Csvg%2F%3E']);
  });

  it('lets a page on the local network show its own local images', async () => {
    const { engineHost } = host({}, { 'http://192.168.1.1/status.png': { body: 'ok' } });
    expect(await caption(engineHost, 'r', 'http://192.168.1.1/status.png', page('http://192.168.1.1/'))).toMatchObject({ output: { alt: '2 bytes' } });
  });

  it('refuses redirects it cannot see into when the image is on a local host', async () => {
    const opaque = async () => Object.defineProperty(new Response(null, { status: 200 }), 'type', { value: 'opaqueredirect' }) as Response;
    const { engineHost } = host({ fetch: opaque });
    expect(await caption(engineHost, 'r', 'http://192.168.1.1/x.png', page('http://192.168.1.1/'))).toMatchObject({ error: { code: 'fetch-failed' } });
  });

  it('re-asks without cookies when the browser hides where a credentialed redirect goes', async () => {
    const log: { credentials?: RequestCredentials; redirect?: RequestRedirect }[] = [];
    const browserLike = async (_url: string, init: RequestInit) => {
      log.push({ credentials: init.credentials, redirect: init.redirect });
      if (init.redirect === 'manual') return Object.defineProperty(new Response(null, { status: 200 }), 'type', { value: 'opaqueredirect' }) as Response;
      return new Response('elsewhere');
    };
    const { engineHost } = host({ fetch: browserLike });
    expect(await caption(engineHost, 'r', 'https://a.example/img.png', page('https://a.example/'))).toMatchObject({ output: { alt: '9 bytes' } });
    expect(log).toEqual([{ credentials: 'include', redirect: 'manual' }, { credentials: 'omit', redirect: 'follow' }]);
  });

  it('keeps private browsing out of the disk cache, reads included', async () => {
    const { engineHost, captioner } = host();
    const url = 'https://example.com/private.png';
    await caption(engineHost, 'regular', url);
    const secret = page('https://example.com/page', { incognito: true });
    expect(await caption(engineHost, 'p1', url, secret)).toMatchObject({ output: { cached: false } });
    expect(await caption(engineHost, 'p2', url, secret)).toMatchObject({ output: { cached: false } });
    expect(captioner.calls).toBe(3);
    expect((await engineHost.status()).cacheEntries).toBe(1);
  });

  it('rejects malformed and hostile requests without touching the network', async () => {
    const { engineHost, fetched } = host();
    const bad = [
      { requestId: 'x', source: { kind: 'url', url: 'file:///etc/passwd' }, priority: 0 },
      { requestId: 'x', source: { kind: 'url', url: 'chrome://settings' }, priority: 0 },
      { requestId: '../../', source: { kind: 'url', url: 'https://example.com/a.png' }, priority: 0 },
      { requestId: 'x', source: { kind: 'bytes', base64: '<script>', mime: 'image/png' }, priority: 0 },
      { requestId: 'x', source: null, priority: 0 },
    ];
    for (const request of bad) {
      const reply = await engineHost.handlers['host-caption'](request as never, undefined);
      expect(reply).toMatchObject({ error: { code: 'bad-request' } });
    }
    expect(fetched()).toEqual([]);
  });

  it('starts loading the models when told a page is coming, once, and stamps the way to the first caption', async () => {
    let now = 1000;
    const { engineHost, captioner } = host({ clock: () => (now += 10) });
    expect(await engineHost.handlers['host-prepare']({}, undefined)).toEqual({ output: null });
    // Loading began before any image was asked for.
    expect(captioner.loads).toBe(1);
    await engineHost.handlers['host-prepare']({}, undefined);
    expect(await caption(engineHost, 'a', 'https://example.com/a.png')).toMatchObject({ output: { cached: false } });
    await engineHost.handlers['host-prepare']({}, undefined);
    expect(captioner.loads).toBe(1);
    const { coldStart } = await engineHost.status();
    expect(coldStart).toEqual({ hostStartedAt: 1010, loadStartedAt: 1020, firstRequestAt: expect.any(Number), loadedAt: expect.any(Number), firstCaptionAt: expect.any(Number) });
    expect(coldStart!.firstRequestAt!).toBeGreaterThan(coldStart!.loadStartedAt!);
    expect(coldStart!.firstCaptionAt!).toBeGreaterThan(coldStart!.loadedAt!);
    // Set once: a later caption does not move the first one's time.
    const first = coldStart!.firstCaptionAt;
    await caption(engineHost, 'b', 'https://example.com/b.png');
    expect((await engineHost.status()).coldStart?.firstCaptionAt).toBe(first);
  });

  it('does not retry a failed load when a page is coming (a caption request does)', async () => {
    const captioner = createFakeCaptioner({ failLoad: true });
    const { engineHost } = host({ captioner });
    await engineHost.handlers['host-prepare']({}, undefined);
    await tick();
    expect(await engineHost.status()).toMatchObject({ state: 'failed' });
    await engineHost.handlers['host-prepare']({}, undefined);
    expect(captioner.loads).toBe(1);
    expect(await caption(engineHost, 'a', 'https://example.com/a.png')).toMatchObject({ error: { code: 'model-load' } });
    expect(captioner.loads).toBe(2);
  });

  it('reports a model that fails to load, and keeps answering', async () => {
    const { engineHost } = host({ captioner: createFakeCaptioner({ failLoad: true }) });
    expect(await caption(engineHost, 'a', 'https://example.com/a.png')).toEqual({ error: { code: 'model-load', message: 'fake model missing' } });
    expect(await engineHost.status()).toMatchObject({ state: 'failed', error: 'fake model missing' });
  });

  it('times out a stage that never settles, frees its slot, and serves the next image', async () => {
    const stuck = createFakeCaptioner({ hang: true });
    const { engineHost } = host({ captioner: stuck, deadlines: { captionMs: 50 } });
    const first = caption(engineHost, 'a', 'https://example.com/a.png');
    const second = caption(engineHost, 'b', 'https://example.com/b.png');
    expect(await first).toMatchObject({ error: { code: 'timeout' } });
    expect(await second).toMatchObject({ error: { code: 'timeout' } });
    expect((await engineHost.status()).queued).toBe(0);
    // A page's stuck image says nothing about the engine: the blank check found it fast.
    expect(stuck.warmUps).toBe(1);
    expect(await engineHost.status()).toMatchObject({ speed: 'ok', speedCheckMs: 1 });
  });

  it('judges its speed on the first image, with no warm-up before it', async () => {
    const fast = createFakeCaptioner({ modelMs: 180 });
    const { engineHost } = host({ captioner: fast });
    expect(await engineHost.status()).toMatchObject({ speed: 'unknown' });
    expect(await caption(engineHost, 'a', 'https://example.com/a.png')).toMatchObject({ output: { cached: false } });
    expect(await engineHost.status()).toMatchObject({ speed: 'ok', speedCheckMs: 180 });
    expect(fast.warmUps).toBe(0);
  });

  it('does not judge its speed on an image described without a caption (only part of the models ran)', async () => {
    const { engineHost } = host({ captioner: createFakeCaptioner({ modelMs: null }) });
    await caption(engineHost, 'a', 'https://example.com/a.png');
    expect(await engineHost.status()).toMatchObject({ speed: 'unknown' });
  });

  it('answers the first image of a too-slow engine, then refuses the rest at once, without fetching', async () => {
    const { engineHost, fetched } = host({ captioner: createFakeCaptioner({ modelMs: 9000 }), deadlines: { tooSlowMs: 5000 } });
    expect(await caption(engineHost, 'a', 'https://example.com/a.png')).toMatchObject({ output: { alt: expect.any(String) } });
    expect(await engineHost.status()).toMatchObject({ speed: 'too-slow', speedCheckMs: 9000 });
    expect(await caption(engineHost, 'b', 'https://example.com/b.png')).toMatchObject({ error: { code: 'too-slow' } });
    expect(fetched()).toEqual(['https://example.com/a.png']);
  });

  it('calls the engine too slow when its first image times out and the blank check does too, and refuses the images waiting', async () => {
    const slow = createFakeCaptioner({ hang: true, warmUpMs: 'hang' });
    const { engineHost, fetched } = host({ captioner: slow, deadlines: { captionMs: 50, tooSlowMs: 50 }, queue: { concurrency: 2, maxWaiting: 10 } });
    const first = caption(engineHost, 'a', 'https://example.com/a.png');
    // Asked once the first image has the engine, so it is the one waiting (both run at once: concurrency 2).
    await vi.waitFor(() => expect(slow.calls).toBe(1));
    const waiting = caption(engineHost, 'b', 'https://example.com/b.png');
    expect(await first).toMatchObject({ error: { code: 'timeout' } });
    expect(await waiting).toMatchObject({ error: { code: 'too-slow', message: expect.stringContaining('did not finish in 50 ms') } });
    // No duration is made up: the popup then says "too slow" without one.
    const status = await engineHost.status();
    expect(status).toMatchObject({ speed: 'too-slow' });
    expect(status.speedCheckMs).toBeUndefined();
    expect(slow.calls).toBe(1);
    expect(await caption(engineHost, 'c', 'https://example.com/c.png')).toMatchObject({ error: { code: 'too-slow' } });
    expect(fetched()).toEqual(['https://example.com/a.png', 'https://example.com/b.png']);
  });
});
