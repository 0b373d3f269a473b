import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAnnouncer, createSerialQueue, debounce, poll } from '../../src/popup/timing';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('debounce', () => {
  it('runs once after the last schedule', () => {
    const run = vi.fn();
    const saver = debounce(run, 500);
    saver.schedule();
    vi.advanceTimersByTime(400);
    saver.schedule();
    vi.advanceTimersByTime(400);
    expect(run).not.toHaveBeenCalled();
    vi.advanceTimersByTime(100);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('flushes only a waiting run, and cancel drops it', () => {
    const run = vi.fn();
    const saver = debounce(run, 500);
    saver.flush();
    expect(run).not.toHaveBeenCalled();
    saver.schedule();
    saver.flush();
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000);
    expect(run).toHaveBeenCalledTimes(1);
    saver.schedule();
    saver.cancel();
    vi.advanceTimersByTime(1000);
    expect(run).toHaveBeenCalledTimes(1);
  });
});

describe('createSerialQueue', () => {
  it('starts each task after the previous one settles, even a failed one', async () => {
    vi.useRealTimers();
    const queue = createSerialQueue();
    const order: string[] = [];
    const slow = queue(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('first');
      throw new Error('first failed');
    });
    const fast = queue(async () => {
      order.push('second');
      return 2;
    });
    await expect(slow).rejects.toThrow('first failed');
    await expect(fast).resolves.toBe(2);
    expect(order).toEqual(['first', 'second']);
  });
});

describe('createAnnouncer', () => {
  it('empties the region before each message so a repeat is spoken again, then clears it', () => {
    const texts: string[] = [];
    const announcer = createAnnouncer((text) => texts.push(text), 100, 6000);
    announcer.announce('Saved');
    vi.advanceTimersByTime(100);
    announcer.announce('Saved');
    vi.advanceTimersByTime(100);
    expect(texts).toEqual(['', 'Saved', '', 'Saved']);
    vi.advanceTimersByTime(6000);
    expect(texts.at(-1)).toBe('');
  });

  it('a newer message replaces one still waiting', () => {
    const texts: string[] = [];
    const announcer = createAnnouncer((text) => texts.push(text), 100, 6000);
    announcer.announce('Saved');
    announcer.announce('Cleared 3 descriptions');
    vi.advanceTimersByTime(100);
    expect(texts).toEqual(['', '', 'Cleared 3 descriptions']);
    announcer.dispose();
    vi.advanceTimersByTime(10000);
    expect(texts.at(-1)).toBe('Cleared 3 descriptions');
  });
});

describe('poll', () => {
  it('runs now and every interval, never overlapping a slow run, until stopped', async () => {
    let calls = 0;
    let release: () => void = () => undefined;
    const stop = poll(() => {
      calls++;
      return new Promise<void>((resolve) => (release = resolve));
    }, 1000);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(3000);
    expect(calls).toBe(1);
    release();
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(2);
    release();
    stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toBe(2);
  });

  it('keeps polling after a failed run', async () => {
    let calls = 0;
    const stop = poll(async () => {
      calls++;
      throw new Error('no answer');
    }, 1000);
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls).toBe(3);
    stop();
  });
});
