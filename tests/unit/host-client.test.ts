import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * The offscreen host client against a stand-in for the browser: an engine
 * document that never answers (a stage blocking its only thread) is closed
 * by the heartbeat, and after two such stalls captions are refused as
 * 'too-slow' instead of opening a document and stalling again; a restart
 * (the GPU setting changed) never leaves a document made with the old setting.
 */
const fake = vi.hoisted(() => {
  const state = { open: false, created: 0, closed: 0, urls: [] as string[], answer: false, status: null as unknown, sent: [] as unknown[] };
  const browser = {
    runtime: {
      getContexts: async () => (state.open ? [{ contextType: 'OFFSCREEN_DOCUMENT' }] : []),
      // The document never answers anything, status pings included, until it is closed (unless told to answer).
      sendMessage: (message: unknown) =>
        new Promise((resolve, reject) => {
          state.sent.push(message);
          if (state.answer) {
            resolve({ output: state.status });
            return;
          }
          const check = setInterval(() => {
            if (!state.open) {
              clearInterval(check);
              reject(new Error('document closed'));
            }
          }, 1);
        }),
    },
    offscreen: {
      createDocument: async ({ url }: { url: string }) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        state.urls.push(url);
        state.open = true;
        state.created++;
      },
      closeDocument: async () => {
        state.open = false;
        state.closed++;
      },
    },
  };
  return { state, browser };
});

vi.mock('wxt/browser', () => ({ browser: fake.browser }));

const { createOffscreenHostClient } = await import('../../src/background/host-client');

afterEach(() => {
  Object.assign(fake.state, { open: false, created: 0, closed: 0, urls: [], answer: false, status: null, sent: [] });
});

describe('offscreen host client', () => {
  it('fails a stalled document\'s request with a timeout, and refuses captions as too slow after two stalls until restarted', async () => {
    const client = createOffscreenHostClient({ heartbeatMs: 5, unresponsiveMs: 10, retryPauseMs: 1 });
    const request = { requestId: 'r', source: { kind: 'url', url: 'https://a.example/x.png' }, priority: 0 } as const;
    expect(await client.call('host-caption', request)).toMatchObject({ error: { code: 'timeout' } });
    expect(await client.call('host-caption', request)).toMatchObject({ error: { code: 'timeout' } });
    expect([fake.state.created, fake.state.closed]).toEqual([2, 2]);
    expect(await client.call('host-caption', request)).toMatchObject({ error: { code: 'too-slow' } });
    // Nor are the models loaded ahead for a page, nor a document opened for them.
    expect(await client.call('host-prepare', {})).toEqual({ output: null });
    await client.open?.();
    // No third document, no third stall.
    expect(fake.state.created).toBe(2);
    // The popup's status says why nothing is described (a new document answers it, knowing nothing of the stalls).
    fake.state.answer = true;
    fake.state.status = { state: 'idle', speed: 'unknown' };
    expect(await client.call('host-status', {})).toMatchObject({ output: { state: 'idle', speed: 'too-slow' } });
    fake.state.answer = false;
    await client.restart?.();
    const createdBefore = fake.state.created;
    expect(await client.call('host-caption', request)).toMatchObject({ error: { code: 'timeout' } });
    expect(fake.state.created).toBe(createdBefore + 1);
  });

  it('does not retry a caption in a new document once it was cancelled while waiting for the retry', async () => {
    const client = createOffscreenHostClient({ heartbeatMs: 60_000, retryPauseMs: 50 });
    const request = { requestId: 't7-f0-r1', source: { kind: 'url', url: 'https://a.example/x.png' }, priority: 0 } as const;
    const answer = client.call('host-caption', request);
    await vi.waitFor(() => expect(fake.state.sent).toHaveLength(1));
    // The document closes (idle, or restarted for the GPU setting): the caption waits to be retried,
    // and the tab closes meanwhile, so its cancel goes to the new document first.
    await client.restart?.();
    await new Promise((resolve) => setTimeout(resolve, 10));
    void client.call('host-cancel', { requestIds: ['t7-f0-r1'] });
    expect(await answer).toEqual({ cancel: true });
    const captions = fake.state.sent.filter((message) => (message as { type?: string }).type === 'host-caption');
    expect(captions).toHaveLength(1);
    await client.restart?.();
  });

  it('drops the per-fetch network rules of a document it closes (stalled, or restarted), whose fetches cannot remove them any more', async () => {
    let dropped = 0;
    const client = createOffscreenHostClient({ heartbeatMs: 5, unresponsiveMs: 10, retryPauseMs: 1, onDocumentClosed: async () => void dropped++ });
    const request = { requestId: 'r', source: { kind: 'url', url: 'https://a.example/x.png' }, priority: 0 } as const;
    expect(await client.call('host-caption', request)).toMatchObject({ error: { code: 'timeout' } });
    expect(dropped).toBe(1);
    await client.restart?.();
    expect(dropped).toBe(2);
  });

  it('drops the network rules of a document that crashed mid-request, which could not remove them itself', async () => {
    let dropped = 0;
    const client = createOffscreenHostClient({ heartbeatMs: 60_000, retryPauseMs: 1, onDocumentClosed: async () => void dropped++ });
    const request = { requestId: 'r', source: { kind: 'url', url: 'https://a.example/x.png' }, priority: 0 } as const;
    const answer = client.call('host-caption', { ...request, requestId: 'crash' });
    await vi.waitFor(() => expect(fake.state.sent).toContainEqual(expect.objectContaining({ requestId: 'crash' })));
    // The document's process dies: nobody closed it, so nobody dropped its rules. The next document answers.
    fake.state.open = false;
    fake.state.answer = true;
    fake.state.status = { alt: 'x', confident: true, text: [], objects: [], cached: false, ms: 1 };
    expect(await answer).toMatchObject({ output: { alt: 'x' } });
    expect(dropped).toBe(1);
  });

  it('never keeps a document made from the GPU setting as it was before a restart', async () => {
    fake.state.answer = true;
    let useGpu = true;
    const reads: (() => void)[] = [];
    // Each read sees the setting as it is when the read starts.
    const allowGpu = () => {
      const seen = useGpu;
      return new Promise<boolean>((resolve) => reads.push(() => resolve(seen)));
    };
    const client = createOffscreenHostClient({ allowGpu });
    // The setting is being read when the user turns the GPU off (and the engine is restarted).
    const opening = client.open?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
    useGpu = false;
    const restarting = client.restart?.();
    reads.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
    reads.shift()?.();
    await Promise.all([opening, restarting]);
    expect(fake.state.urls).toEqual(['/offscreen.html?gpu=off']);
  });

  it('closes a document that was being made when the engine is restarted, once it is made', async () => {
    let useGpu = true;
    const client = createOffscreenHostClient({ allowGpu: async () => useGpu });
    const opening = client.open?.();
    await new Promise((resolve) => setTimeout(resolve, 1));
    useGpu = false;
    await Promise.all([opening, client.restart?.()]);
    expect([fake.state.created, fake.state.open]).toEqual([1, false]);
    await client.open?.();
    expect(fake.state.urls).toEqual(['/offscreen.html', '/offscreen.html?gpu=off']);
  });
});
