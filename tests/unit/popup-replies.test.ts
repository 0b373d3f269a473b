import { describe, expect, it } from 'vitest';
import { parseCleared, parseEngineStatus, unwrapReply } from '../../src/popup/replies';

describe('unwrapReply', () => {
  it('reads each kind of reply', () => {
    expect(unwrapReply({ output: 3 })).toEqual({ ok: true, value: 3 });
    expect(unwrapReply({ error: { code: 'timeout', message: 'too slow' } })).toEqual({ ok: false, message: 'too slow' });
    expect(unwrapReply({ error: { code: 'timeout', message: '' } })).toEqual({ ok: false, message: 'timeout' });
    expect(unwrapReply({ cancel: true })).toEqual({ ok: false, message: 'cancelled' });
    expect(unwrapReply('nonsense')).toEqual({ ok: false, message: 'no answer' });
  });
});

describe('parseEngineStatus', () => {
  it('keeps known fields and drops bad optional ones', () => {
    expect(parseEngineStatus({ state: 'ready', loadMs: 812, queued: 0, cacheEntries: 4, cacheBytes: 2048, threads: 2, speed: 'ok', speedCheckMs: 640 })).toEqual({
      state: 'ready',
      loadMs: 812,
      queued: 0,
      cacheEntries: 4,
      cacheBytes: 2048,
      threads: 2,
      speed: 'ok',
      speedCheckMs: 640,
    });
    expect(parseEngineStatus({ state: 'failed', error: 'no wasm', queued: 0, cacheEntries: 0, cacheBytes: 0, speed: 'unknown', loadMs: 'x' })).toEqual({
      state: 'failed',
      error: 'no wasm',
      queued: 0,
      cacheEntries: 0,
      cacheBytes: 0,
      threads: 0,
      speed: 'unknown',
    });
  });

  it('reads where each model runs, dropping unknown providers', () => {
    const status = parseEngineStatus({ state: 'ready', queued: 0, cacheEntries: 0, threads: 2, executionProviders: { detector: 'webgpu', decoder: 'wasm', odd: 'quantum', bad: 3 } });
    expect(status?.executionProviders).toEqual({ detector: 'webgpu', decoder: 'wasm' });
  });

  it('reads a too-slow engine and the time of its speed check', () => {
    expect(parseEngineStatus({ state: 'ready', queued: 0, cacheEntries: 0, cacheBytes: 0, threads: 4, speed: 'too-slow', speedCheckMs: 31_000 })).toMatchObject({
      speed: 'too-slow',
      speedCheckMs: 31_000,
    });
  });

  it('gives an older background that sends no size or speed a usable status', () => {
    expect(parseEngineStatus({ state: 'ready', loadMs: 812, queued: 1, cacheEntries: 4, threads: 2 })).toEqual({
      state: 'ready',
      loadMs: 812,
      queued: 1,
      cacheEntries: 4,
      cacheBytes: 0,
      threads: 2,
      speed: 'unknown',
    });
  });

  it('falls back to the safe reading for malformed size, speed and warm-up', () => {
    const status = parseEngineStatus({ state: 'ready', queued: 0, cacheEntries: 3, cacheBytes: -5, speed: 'fast', speedCheckMs: Number.NaN });
    expect(status).toEqual({ state: 'ready', queued: 0, cacheEntries: 3, cacheBytes: 0, threads: 0, speed: 'unknown' });
    expect(parseEngineStatus({ state: 'ready', queued: 0, cacheEntries: 3, cacheBytes: '12 MB', speed: 3, speedCheckMs: -1 })).toEqual(status);
    expect(parseEngineStatus({ state: 'ready', queued: 0, cacheEntries: 3, cacheBytes: Number.POSITIVE_INFINITY })?.cacheBytes).toBe(0);
  });

  it('rejects unknown states and missing counts', () => {
    expect(parseEngineStatus({ state: 'asleep', queued: 0, cacheEntries: 0 })).toBeUndefined();
    expect(parseEngineStatus({ state: 'idle', cacheEntries: 0 })).toBeUndefined();
    expect(parseEngineStatus({ state: 'idle', queued: 0, cacheBytes: 10 })).toBeUndefined();
    expect(parseEngineStatus(null)).toBeUndefined();
  });
});

describe('parseCleared', () => {
  it('reads the count', () => {
    expect(parseCleared({ cleared: 7 })).toBe(7);
    expect(parseCleared({ cleared: -1 })).toBeUndefined();
    expect(parseCleared(null)).toBeUndefined();
  });
});
