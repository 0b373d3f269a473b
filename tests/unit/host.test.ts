import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { createJobQueue, JobCancelledError, QueueOverloadedError } from '../../src/host/job-queue';
import { cacheKey, createIndexedDbCache } from '../../src/host/cache';
import { createEngineHost } from '../../src/host/engine-host';
import type { EngineHostOptions } from '../../src/host/engine-host';
import { EngineError } from '../../src/engine/errors';
import { createFakeCaptioner } from '../helpers/fake-captioner';

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

  it('stores, evicts the least recently used beyond the cap, and clears', async () => {
    let clock = 0;
    const cache = createIndexedDbCache({ name: 'test-lru', maxEntries: 2, indexedDB: new IDBFactory(), now: () => ++clock });
    await cache.put('a', value('A'));
    await cache.put('b', value('B'));
    expect(await cache.get('a')).toEqual(value('A'));
    await tick();
    await cache.put('c', value('C'));
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toEqual(value('A'));
    expect(await cache.count()).toBe(2);
    expect(await cache.clear()).toBe(2);
    expect(await cache.count()).toBe(0);
  });

  it('keys by model version and content hash, never by URL', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const key = await cacheKey(bytes, 'v1');
    expect(key).toBe('v1|039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81');
    expect(await cacheKey(new Uint8Array([1, 2, 4]), 'v1')).not.toBe(key);
    expect(await cacheKey(bytes, 'v2')).not.toBe(key);
  });
});

describe('engine host', () => {
  function host(overrides: Partial<EngineHostOptions> = {}) {
    const captioner = createFakeCaptioner({ delayMs: 20 });
    const fetched: string[] = [];
    const credentials: RequestCredentials[] = [];
    const engineHost = createEngineHost({
      captioner,
      cache: createIndexedDbCache({ name: `host-${Math.random()}`, maxEntries: 100, indexedDB: new IDBFactory() }),
      modelVersion: async () => 'test',
      threads: 1,
      queue: { concurrency: 1, maxWaiting: 100 },
      fetchLimits: { timeoutMs: 1000, maxBytes: 1000 },
      fetchBytes: async (url, init) => {
        fetched.push(url);
        credentials.push(init.credentials);
        if (url.endsWith('404.png')) throw new EngineError('fetch-failed', 'HTTP 404');
        return new Uint8Array(url.length);
      },
      ...overrides,
    });
    return { engineHost, captioner, fetched, credentials };
  }
  const caption = (h: ReturnType<typeof host>['engineHost'], requestId: string, url: string) =>
    h.handlers['host-caption']({ requestId, source: { kind: 'url', url }, priority: 0 }, undefined);

  it('captions, then serves the same image from the cache', async () => {
    const { engineHost, captioner } = host();
    const first = await caption(engineHost, 'a', 'https://example.com/cat.png');
    expect(first).toMatchObject({ output: { alt: '27 bytes', confident: true, cached: false } });
    const second = await caption(engineHost, 'b', 'https://example.com/cat.png');
    expect(second).toMatchObject({ output: { alt: '27 bytes', cached: true } });
    expect(captioner.calls).toBe(1);
    expect((await engineHost.status()).state).toBe('ready');
  });

  it('words the description as the request asks, and caches each wording apart', async () => {
    const { engineHost, captioner } = host();
    const ask = (requestId: string, style?: { caption: boolean; neutral: boolean }) =>
      engineHost.handlers['host-caption']({ requestId, source: { kind: 'url', url: 'https://example.com/dog.png' }, priority: 0, style }, undefined);
    expect(await ask('a')).toMatchObject({ output: { alt: '27 bytes', cached: false } });
    expect(await ask('b', { caption: true, neutral: false })).toMatchObject({ output: { alt: '27 bytes (caption, gendered)', cached: false } });
    expect(await ask('c', { caption: false, neutral: true })).toMatchObject({ output: { alt: '27 bytes (objects, neutral)', cached: false } });
    expect(await ask('d', { caption: true, neutral: false })).toMatchObject({ output: { alt: '27 bytes (caption, gendered)', cached: true } });
    // Anything but an explicit false keeps the defaults: a hostile page cannot turn the wording into something else.
    const junk = { caption: 'no', neutral: 0 } as unknown as { caption: boolean; neutral: boolean };
    expect(await ask('e', junk)).toMatchObject({ output: { alt: '27 bytes', cached: true } });
    expect(captioner.calls).toBe(3);
  });

  it('fetches a URL once for simultaneous requests', async () => {
    const { engineHost, fetched } = host();
    const replies = await Promise.all([caption(engineHost, 'a', 'https://example.com/x.png'), caption(engineHost, 'b', 'https://example.com/x.png')]);
    expect(replies.map((r) => 'output' in r && r.output.alt)).toEqual(['25 bytes', '25 bytes']);
    expect(fetched).toEqual(['https://example.com/x.png']);
  });

  it('answers cancel for a cancelled request and an error for a failed fetch', async () => {
    const { engineHost } = host();
    const pending = caption(engineHost, 'c1', 'https://example.com/slow.png');
    await engineHost.handlers['host-cancel']({ requestIds: ['c1'] }, undefined);
    expect(await pending).toEqual({ cancel: true });
    expect(await caption(engineHost, 'c2', 'https://example.com/404.png')).toEqual({ error: { code: 'fetch-failed', message: 'HTTP 404' } });
  });

  it('sends cookies only to the origin of the page showing the image', async () => {
    const { engineHost, credentials } = host();
    await engineHost.handlers['host-caption']({ requestId: 'a', source: { kind: 'url', url: 'https://bank.example/statement.png' }, priority: 0, requesterOrigin: 'https://evil.example' }, undefined);
    await engineHost.handlers['host-caption']({ requestId: 'b', source: { kind: 'url', url: 'https://shop.example/photo.png' }, priority: 0, requesterOrigin: 'https://shop.example' }, undefined);
    await engineHost.handlers['host-caption']({ requestId: 'c', source: { kind: 'url', url: 'https://cdn.example/x.png' }, priority: 0 }, undefined);
    expect(credentials).toEqual(['omit', 'include', 'omit']);
  });

  it('keeps private-browsing results out of the disk cache', async () => {
    const { engineHost, captioner } = host();
    const request = { source: { kind: 'url', url: 'https://example.com/private.png' }, priority: 0, persist: false } as const;
    await engineHost.handlers['host-caption']({ ...request, requestId: 'p1' }, undefined);
    expect(await engineHost.handlers['host-caption']({ ...request, requestId: 'p2' }, undefined)).toMatchObject({ output: { cached: false } });
    expect(captioner.calls).toBe(2);
    expect((await engineHost.status()).cacheEntries).toBe(0);
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
    expect(fetched).toEqual([]);
  });

  it('reports a model that fails to load, and keeps answering', async () => {
    const { engineHost } = host({ captioner: createFakeCaptioner({ failLoad: true }) });
    expect(await caption(engineHost, 'a', 'https://example.com/a.png')).toEqual({ error: { code: 'model-load', message: 'fake model missing' } });
    expect(await engineHost.status()).toMatchObject({ state: 'failed', error: 'fake model missing' });
  });
});
