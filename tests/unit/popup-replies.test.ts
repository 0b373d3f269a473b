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
    expect(parseEngineStatus({ state: 'ready', loadMs: 812, queued: 0, cacheEntries: 4, threads: 2 })).toEqual({
      state: 'ready',
      loadMs: 812,
      queued: 0,
      cacheEntries: 4,
      threads: 2,
    });
    expect(parseEngineStatus({ state: 'failed', error: 'no wasm', queued: 0, cacheEntries: 0, loadMs: 'x' })).toEqual({
      state: 'failed',
      error: 'no wasm',
      queued: 0,
      cacheEntries: 0,
      threads: 0,
    });
  });

  it('rejects unknown states and missing counts', () => {
    expect(parseEngineStatus({ state: 'asleep', queued: 0, cacheEntries: 0 })).toBeUndefined();
    expect(parseEngineStatus({ state: 'idle', cacheEntries: 0 })).toBeUndefined();
  });
});

describe('parseCleared', () => {
  it('reads the count', () => {
    expect(parseCleared({ cleared: 7 })).toBe(7);
    expect(parseCleared({ cleared: -1 })).toBeUndefined();
    expect(parseCleared(null)).toBeUndefined();
  });
});
