import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIdleWatch, defaultIdleCloseMs, idleCloseBoundsMs, idleCloseMsFrom } from '../../src/host/idle-close';

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('engine document idle close', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('closes a document that never gets a request, once, after the idle time', () => {
    const onIdle = vi.fn();
    createIdleWatch({ idleMs: 1000, onIdle });
    vi.advanceTimersByTime(999);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('never closes while a request is in flight, however long it takes, and counts the idle time from its end', async () => {
    const onIdle = vi.fn();
    const watch = createIdleWatch({ idleMs: 1000, onIdle });
    vi.advanceTimersByTime(900);
    const slow = deferred();
    const tracked = watch.track(slow.promise);
    vi.advanceTimersByTime(60_000);
    expect(onIdle).not.toHaveBeenCalled();
    slow.resolve();
    await tracked;
    vi.advanceTimersByTime(999);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('waits for every overlapping request, failed ones included, and hands each result back unchanged', async () => {
    const onIdle = vi.fn();
    const watch = createIdleWatch({ idleMs: 1000, onIdle });
    const first = deferred();
    const second = deferred();
    const a = watch.track(first.promise.then(() => 'caption'));
    const b = watch.track(second.promise);
    first.resolve();
    await expect(a).resolves.toBe('caption');
    vi.advanceTimersByTime(5000);
    expect(onIdle).not.toHaveBeenCalled();
    second.reject(new Error('decode failed'));
    await expect(b).rejects.toThrow('decode failed');
    vi.advanceTimersByTime(1000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('reads the idle time from the document URL within bounds, else five minutes', () => {
    expect(defaultIdleCloseMs).toBe(300_000);
    expect(idleCloseMsFrom('')).toBe(defaultIdleCloseMs);
    expect(idleCloseMsFrom('?gpu=off')).toBe(defaultIdleCloseMs);
    expect(idleCloseMsFrom('?idle=3000')).toBe(3000);
    expect(idleCloseMsFrom('?gpu=off&idle=3000')).toBe(3000);
    expect(idleCloseMsFrom('?idle=5')).toBe(idleCloseBoundsMs.min);
    expect(idleCloseMsFrom(`?idle=${10 ** 12}`)).toBe(idleCloseBoundsMs.max);
    for (const junk of ['?idle=', '?idle=-1', '?idle=1e3', '?idle=abc', '?idle=3000.5']) expect(idleCloseMsFrom(junk)).toBe(defaultIdleCloseMs);
  });
});
