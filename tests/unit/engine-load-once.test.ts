import { describe, expect, it } from 'vitest';
import { loadOnce } from '../../src/engine/load-once';

describe('loadOnce', () => {
  it('makes the thing once for every caller, on first use', async () => {
    let made = 0;
    const once = loadOnce(async () => ++made);
    expect(once.current()).toBeUndefined();
    expect(made).toBe(0);
    expect(await Promise.all([once.get(), once.get()])).toEqual([1, 1]);
    expect(await once.get()).toBe(1);
    expect(made).toBe(1);
  });

  it('one caller giving up does not cancel the making for the others', async () => {
    let finish!: (value: string) => void;
    const once = loadOnce(() => new Promise<string>((resolve) => (finish = resolve)));
    const impatient = new AbortController();
    const first = once.get(impatient.signal);
    const second = once.get();
    impatient.abort();
    await expect(first).rejects.toMatchObject({ code: 'aborted' });
    finish('session');
    expect(await second).toBe('session');
  });

  it('forgets a failure, so the next caller tries again; take() hands back what was made', async () => {
    let attempts = 0;
    const once = loadOnce(async () => {
      attempts++;
      if (attempts === 1) throw new Error('model file missing');
      return 'session';
    });
    await expect(once.get()).rejects.toThrow('model file missing');
    expect(once.current()).toBeUndefined();
    expect(await once.get()).toBe('session');
    expect(await once.take()).toBe('session');
    expect(once.current()).toBeUndefined();
    expect(await once.take()).toBeUndefined();
  });
});

describe('loadOnce after take()', () => {
  it('a failure of the taken attempt does not forget the newer one', async () => {
    let fail!: (error: Error) => void;
    let made = 0;
    const once = loadOnce(() => {
      made++;
      return made === 1 ? new Promise<string>((_, reject) => (fail = reject)) : Promise.resolve('second');
    });
    const first = once.get();
    void once.take();
    const second = once.get();
    fail(new Error('first failed'));
    await expect(first).rejects.toThrow('first failed');
    expect(await second).toBe('second');
    expect(once.current()).toBeDefined();
    expect(made).toBe(2);
  });
});
