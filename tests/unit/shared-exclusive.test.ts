import { describe, expect, it } from 'vitest';
import { createExclusive } from '../../src/shared/exclusive';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('one inference at a time', () => {
  it('runs tasks one after another, in arrival order', async () => {
    const exclusive = createExclusive();
    const events: string[] = [];
    const task = (name: string) => async () => {
      events.push(`start ${name}`);
      await tick();
      events.push(`end ${name}`);
      return name;
    };
    const signal = new AbortController().signal;
    const results = await Promise.all([exclusive.run(signal, task('a')), exclusive.run(signal, task('b')), exclusive.run(signal, task('c'))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('a waiter that is cancelled leaves the line at once, and the next one still runs', async () => {
    const exclusive = createExclusive();
    let release!: () => void;
    const first = exclusive.run(new AbortController().signal, () => new Promise<string>((resolve) => (release = () => resolve('first'))));
    const cancel = new AbortController();
    const second = exclusive.run(cancel.signal, async () => 'second');
    const third = exclusive.run(new AbortController().signal, async () => 'third');
    await tick();
    expect(exclusive.waiting()).toBe(2);
    cancel.abort(new Error('tab closed'));
    await expect(second).rejects.toThrow('tab closed');
    expect(exclusive.waiting()).toBe(1);
    release();
    expect(await first).toBe('first');
    expect(await third).toBe('third');
    expect(exclusive.waiting()).toBe(0);
  });

  it('a failing task frees the engine for the next', async () => {
    const exclusive = createExclusive();
    const signal = new AbortController().signal;
    const failing = exclusive.run(signal, async () => {
      throw new Error('bad image');
    });
    const next = exclusive.run(signal, async () => 'next');
    await expect(failing).rejects.toThrow('bad image');
    expect(await next).toBe('next');
  });

  it('refuses at once when the signal has already fired', async () => {
    const exclusive = createExclusive();
    const cancel = new AbortController();
    cancel.abort();
    let ran = false;
    await expect(exclusive.run(cancel.signal, async () => (ran = true))).rejects.toBeDefined();
    expect(ran).toBe(false);
  });
});
