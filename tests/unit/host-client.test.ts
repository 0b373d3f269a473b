import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * The offscreen host client against a stand-in for the browser: an engine
 * document that never answers (a stage blocking its only thread) is closed
 * by the heartbeat, and after two such stalls captions are refused as
 * 'too-slow' instead of opening a document and stalling again.
 */
const fake = vi.hoisted(() => {
  const state = { open: false, created: 0, closed: 0 };
  const browser = {
    runtime: {
      getContexts: async () => (state.open ? [{ contextType: 'OFFSCREEN_DOCUMENT' }] : []),
      // The document never answers anything, status pings included, until it is closed.
      sendMessage: () =>
        new Promise((_resolve, reject) => {
          const check = setInterval(() => {
            if (!state.open) {
              clearInterval(check);
              reject(new Error('document closed'));
            }
          }, 1);
        }),
    },
    offscreen: {
      createDocument: async () => {
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
  Object.assign(fake.state, { open: false, created: 0, closed: 0 });
});

describe('offscreen host client', () => {
  it('fails a stalled document\'s request with a timeout, and refuses captions as too slow after two stalls until restarted', async () => {
    const client = createOffscreenHostClient({ heartbeatMs: 5, unresponsiveMs: 10, retryPauseMs: 1 });
    const request = { requestId: 'r', source: { kind: 'url', url: 'https://a.example/x.png' }, priority: 0 } as const;
    expect(await client.call('host-caption', request)).toMatchObject({ error: { code: 'timeout' } });
    expect(await client.call('host-caption', request)).toMatchObject({ error: { code: 'timeout' } });
    expect([fake.state.created, fake.state.closed]).toEqual([2, 2]);
    expect(await client.call('host-caption', request)).toMatchObject({ error: { code: 'too-slow' } });
    // No third document, no third stall.
    expect(fake.state.created).toBe(2);
    await client.restart?.();
    expect(await client.call('host-caption', request)).toMatchObject({ error: { code: 'timeout' } });
    expect(fake.state.created).toBe(3);
  });
});
