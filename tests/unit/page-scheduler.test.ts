import { describe, expect, it } from 'vitest';
import type { CaptionOutput, ErrorCode, Priority, Reply } from '../../src/messaging/protocol';
import { errorHandling } from '../../src/page/errors';
import type { Cancel, Schedule } from '../../src/page/guard';
import { createScheduler } from '../../src/page/scheduler';
import type { CaptionResult, SchedulerLimits } from '../../src/page/scheduler';

// ---------------------------------------------------------------------------
// Fakes: a clock the test moves by hand, and a transport that records calls.

function manualClock() {
  let now = 0;
  const timers = new Set<{ at: number; callback: () => void }>();
  const schedule: Schedule = (callback, delayMs): Cancel => {
    const timer = { at: now + delayMs, callback };
    timers.add(timer);
    return () => timers.delete(timer);
  };
  return {
    schedule,
    pending: () => [...timers].map((timer) => timer.at - now).sort((a, b) => a - b),
    /** Runs every timer due within `ms`, in order, letting promises settle after each. */
    async advance(ms: number) {
      await flush();
      const target = now + ms;
      for (;;) {
        const due = [...timers].filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers.delete(due);
        now = due.at;
        due.callback();
        await flush();
      }
      now = target;
    },
  };
}

/** Lets chained promises settle (no timers involved: the clock is manual). */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

interface Call {
  source: string;
  priority: Priority;
  signal: AbortSignal;
  resolve(reply: Reply<CaptionOutput>): void;
}

const output = (alt: string, confident = true): Reply<CaptionOutput> => ({ output: { alt, confident, text: [], objects: [], cached: false, ms: 5 } });
const failure = (code: ErrorCode): Reply<CaptionOutput> => ({ error: { code, message: code } });

function fakeTransport(options: { honoursAbort?: boolean } = {}) {
  const calls: Call[] = [];
  const transport = (source: string, priority: Priority, signal: AbortSignal) =>
    new Promise<Reply<CaptionOutput>>((resolve) => {
      calls.push({ source, priority, signal, resolve });
      if (options.honoursAbort !== false) signal.addEventListener('abort', () => resolve({ cancel: true }));
    });
  return {
    transport,
    calls,
    sources: () => calls.map((call) => call.source),
    last: (source: string) => {
      const call = calls.filter((candidate) => candidate.source === source).at(-1);
      if (!call) throw new Error(`no call for ${source}`);
      return call;
    },
  };
}

interface Member {
  name: string;
  priority: Priority;
}

const limits: SchedulerLimits = { concurrency: 2, queueCapacity: 10, maxRetries: 3, retryBaseMs: 100, requestTimeoutMs: 60_000, resultCacheSize: 100 };

function setup(overrides: Partial<SchedulerLimits> = {}, transportOptions: { honoursAbort?: boolean } = {}) {
  const clock = manualClock();
  const fake = fakeTransport(transportOptions);
  const results = new Map<string, CaptionResult>();
  const waiting = new Set<string>();
  const errors: unknown[] = [];
  const scheduler = createScheduler<Member, string>({
    limits: { ...limits, ...overrides },
    transport: fake.transport,
    priorityOf: (member) => member.priority,
    onWaiting: (member) => waiting.add(member.name),
    onResult: (member, result) => {
      waiting.delete(member.name);
      results.set(member.name, result);
    },
    onError: (error) => errors.push(error),
    schedule: clock.schedule,
  });
  const member = (name: string, priority: Priority = 0): Member => ({ name, priority });
  /** Requests and applies an immediate answer like the scanner does. */
  const ask = (who: Member, key = who.name) => {
    const known = scheduler.request(who, key, key);
    if (known) results.set(who.name, known);
    return known;
  };
  return { scheduler, clock, fake, results, waiting, errors, member, ask };
}

// ---------------------------------------------------------------------------

describe('jobs and the page cache', () => {
  it('sends one request per key and gives its result to every member', async () => {
    const { scheduler, fake, results, member, ask } = setup();
    const [a, b] = [member('a'), member('b')];
    ask(a, 'same.jpg');
    ask(b, 'same.jpg');
    scheduler.pump();
    expect(fake.sources()).toEqual(['same.jpg']);
    fake.last('same.jpg').resolve(output('  A lighthouse  '));
    await flush();
    expect(results.get('a')).toEqual({ kind: 'alt', alt: 'A lighthouse' });
    expect(results.get('b')).toEqual({ kind: 'alt', alt: 'A lighthouse' });
    // A later member is answered from the cache at once, without a request.
    expect(ask(member('c'), 'same.jpg')).toEqual({ kind: 'alt', alt: 'A lighthouse' });
    expect(fake.calls).toHaveLength(1);
  });

  it('answers "unsure" for a reply that is not confident or says nothing, and remembers it', async () => {
    const { scheduler, fake, results, member, ask } = setup();
    ask(member('a'));
    ask(member('b'));
    scheduler.pump();
    fake.last('a').resolve(output('maybe a cat', false));
    fake.last('b').resolve(output('   '));
    await flush();
    expect(results.get('a')).toEqual({ kind: 'unsure' });
    expect(results.get('b')).toEqual({ kind: 'unsure' });
    expect(ask(member('a2'), 'a')).toEqual({ kind: 'unsure' });
  });

  it('keeps at most resultCacheSize results, forgetting the oldest', async () => {
    const { scheduler, fake, member, ask } = setup({ resultCacheSize: 2, concurrency: 3 });
    for (const name of ['x', 'y', 'z']) ask(member(name));
    scheduler.pump();
    for (const name of ['x', 'y', 'z']) fake.last(name).resolve(output(name));
    await flush();
    expect(scheduler.snapshot().cachedResults).toBe(2);
    expect(ask(member('x2'), 'x')).toBeUndefined();
    expect(ask(member('z2'), 'z')).toEqual({ kind: 'alt', alt: 'z' });
  });
});

describe('slots and priorities', () => {
  it('keeps at most `concurrency` requests in flight and fills a freed slot', async () => {
    const { scheduler, fake, member, ask } = setup({ concurrency: 2 });
    for (const name of ['1', '2', '3', '4']) ask(member(name));
    scheduler.pump();
    expect(fake.sources()).toEqual(['1', '2']);
    expect(scheduler.snapshot()).toMatchObject({ inFlight: 2, queued: 2 });
    fake.last('1').resolve(output('one'));
    await flush();
    expect(fake.sources()).toEqual(['1', '2', '3']);
  });

  it('sends the best priority first, oldest first within a priority', () => {
    const { scheduler, fake, member, ask } = setup({ concurrency: 4 });
    ask(member('far-1', 2));
    ask(member('near', 1));
    ask(member('far-2', 2));
    ask(member('visible', 0));
    scheduler.pump();
    expect(fake.sources()).toEqual(['visible', 'near', 'far-1', 'far-2']);
    expect(fake.calls.map((call) => call.priority)).toEqual([0, 1, 2, 2]);
  });

  it('takes a job’s priority from its best member, and moves it when a member moves', async () => {
    const { scheduler, fake, member, ask } = setup({ concurrency: 1 });
    ask(member('first', 0));
    const far = member('far', 2);
    ask(far);
    ask(member('near', 1));
    scheduler.pump();
    far.priority = 0;
    scheduler.reprioritise(far);
    fake.last('first').resolve(output('x'));
    await flush();
    expect(fake.sources()).toEqual(['first', 'far']);
    expect(fake.last('far').priority).toBe(0);
    // A visible member joining a far job lifts it too.
    ask(member('late-far', 2), 'shared');
    ask(member('late-visible', 0), 'shared');
    fake.last('far').resolve(output('y'));
    await flush();
    expect(fake.sources()).toEqual(['first', 'far', 'shared']);
  });

  it('bounds the local queue: beyond capacity, members are deferred without being told they wait', async () => {
    const { scheduler, fake, waiting, member, ask } = setup({ concurrency: 1, queueCapacity: 2 });
    for (const name of ['0', '1', '2', '3', '4']) ask(member(name));
    expect([...waiting].sort()).toEqual(['0', '1']);
    scheduler.pump();
    // Sending one made room: the oldest deferred moves into the queue.
    expect([...waiting].sort()).toEqual(['0', '1', '2']);
    expect(scheduler.snapshot()).toMatchObject({ inFlight: 1, queued: 2, deferred: 2 });
    fake.last('0').resolve(output('zero'));
    await flush();
    expect(fake.sources()).toEqual(['0', '1']);
    expect([...waiting].sort()).toEqual(['1', '2', '3']);
  });
});

describe('withdrawing and cancelling', () => {
  it('cancels a job nobody waits for any more, and gives its slot to the next', async () => {
    const { scheduler, fake, results, member, ask } = setup({ concurrency: 1 });
    const a = member('a');
    ask(a);
    ask(member('b'));
    scheduler.pump();
    expect(scheduler.withdraw(a)).toBe(true);
    expect(scheduler.withdraw(a)).toBe(false);
    expect(fake.last('a').signal.aborted).toBe(true);
    scheduler.pump();
    expect(fake.sources()).toEqual(['a', 'b']);
    await flush();
    expect(results.has('a')).toBe(false);
  });

  it('keeps a shared job alive while another member waits', async () => {
    const { scheduler, fake, results, member, ask } = setup();
    const a = member('a');
    ask(a, 'shared');
    ask(member('b'), 'shared');
    scheduler.pump();
    scheduler.withdraw(a);
    expect(fake.last('shared').signal.aborted).toBe(false);
    fake.last('shared').resolve(output('A boat'));
    await flush();
    expect(results.get('b')).toEqual({ kind: 'alt', alt: 'A boat' });
    expect(results.has('a')).toBe(false);
  });

  it('frees the slot even when the transport ignores the abort', async () => {
    const { scheduler, fake, member, ask } = setup({ concurrency: 1 }, { honoursAbort: false });
    const a = member('a');
    ask(a);
    ask(member('b'));
    scheduler.pump();
    scheduler.withdraw(a);
    scheduler.pump();
    expect(fake.sources()).toEqual(['a', 'b']);
  });

  it('cancelAll aborts everything, tells no member, and keeps what the cache learnt', async () => {
    const { scheduler, clock, fake, results, member, ask } = setup();
    ask(member('done'));
    scheduler.pump();
    fake.last('done').resolve(output('Done'));
    await flush();
    ask(member('open'));
    ask(member('retrying'));
    scheduler.pump();
    fake.last('retrying').resolve(failure('overloaded'));
    await flush();
    scheduler.cancelAll();
    expect(fake.last('open').signal.aborted).toBe(true);
    await clock.advance(10_000);
    expect(fake.sources()).toEqual(['done', 'open', 'retrying']);
    expect([...results.keys()]).toEqual(['done']);
    expect(scheduler.snapshot()).toMatchObject({ inFlight: 0, queued: 0, deferred: 0, retrying: 0, cachedResults: 1 });
    expect(ask(member('again'), 'done')).toEqual({ kind: 'alt', alt: 'Done' });
  });
});

describe('errors, retries and deadlines', () => {
  it('retries host-unavailable with doubling backoff, then succeeds', async () => {
    const { scheduler, clock, fake, results, member, ask } = setup();
    ask(member('a'));
    scheduler.pump();
    fake.last('a').resolve(failure('host-unavailable'));
    await flush();
    expect(clock.pending()).toEqual([100]);
    await clock.advance(99);
    expect(fake.calls).toHaveLength(1);
    await clock.advance(1);
    expect(fake.calls).toHaveLength(2);
    fake.last('a').resolve(failure('overloaded'));
    await flush();
    expect(clock.pending()).toEqual([200]);
    await clock.advance(200);
    fake.last('a').resolve(output('A fox'));
    await flush();
    expect(fake.calls).toHaveLength(3);
    expect(results.get('a')).toEqual({ kind: 'alt', alt: 'A fox' });
  });

  it('treats a cancel it did not ask for like a restart', async () => {
    const { scheduler, clock, fake, member, ask } = setup();
    ask(member('a'));
    scheduler.pump();
    fake.last('a').resolve({ cancel: true });
    await clock.advance(100);
    expect(fake.calls).toHaveLength(2);
  });

  it('gives up after maxRetries and does not remember the failure', async () => {
    const { scheduler, clock, fake, results, member, ask } = setup({ maxRetries: 2 });
    ask(member('a'));
    scheduler.pump();
    for (let attempt = 0; attempt < 3; attempt++) {
      fake.last('a').resolve(failure('host-unavailable'));
      await clock.advance(1000);
    }
    expect(fake.calls).toHaveLength(3);
    expect(results.get('a')).toEqual({ kind: 'error', code: 'host-unavailable' });
    // Shown again later: asked again.
    expect(ask(member('a2'), 'a')).toBeUndefined();
  });

  it('frees the slot of a request that passes its deadline; the member fails with timeout, not remembered', async () => {
    const { scheduler, clock, fake, results, member, ask } = setup({ concurrency: 1, requestTimeoutMs: 60_000 }, { honoursAbort: false });
    ask(member('stuck'));
    ask(member('next'));
    scheduler.pump();
    await clock.advance(59_999);
    expect(results.has('stuck')).toBe(false);
    await clock.advance(1);
    expect(fake.last('stuck').signal.aborted).toBe(true);
    expect(results.get('stuck')).toEqual({ kind: 'error', code: 'timeout' });
    expect(fake.sources()).toEqual(['stuck', 'next']);
    // A late answer changes nothing.
    fake.last('stuck').resolve(output('too late'));
    await flush();
    expect(results.get('stuck')).toEqual({ kind: 'error', code: 'timeout' });
    expect(ask(member('stuck-again'), 'stuck')).toBeUndefined();
  });

  it('turns a throwing transport into an internal error', async () => {
    const clock = manualClock();
    const results = new Map<string, CaptionResult>();
    const scheduler = createScheduler<Member, string>({
      limits,
      transport: () => {
        throw new Error('boom');
      },
      priorityOf: (member) => member.priority,
      onWaiting: () => {},
      onResult: (member, result) => results.set(member.name, result),
      onError: () => {},
      schedule: clock.schedule,
    });
    scheduler.request({ name: 'a', priority: 0 }, 'a', 'a');
    scheduler.pump();
    await flush();
    expect(results.get('a')).toEqual({ kind: 'error', code: 'internal' });
  });

  it('does not let a throwing member callback stop the others from hearing back', async () => {
    const clock = manualClock();
    const fake = fakeTransport();
    const heard: string[] = [];
    const errors: unknown[] = [];
    const scheduler = createScheduler<Member, string>({
      limits,
      transport: fake.transport,
      priorityOf: (member) => member.priority,
      onWaiting: () => {},
      onResult: (member) => {
        heard.push(member.name);
        if (member.name === 'a') throw new Error('page broke');
      },
      onError: (error) => errors.push(error),
      schedule: clock.schedule,
    });
    scheduler.request({ name: 'a', priority: 0 }, 'k', 'k');
    scheduler.request({ name: 'b', priority: 0 }, 'k', 'k');
    scheduler.pump();
    fake.last('k').resolve(output('x'));
    await flush();
    expect(heard).toEqual(['a', 'b']);
    expect(errors).toHaveLength(1);
  });

  const codes = Object.keys(errorHandling) as ErrorCode[];

  it.each(codes.filter((code) => errorHandling[code] === 'retry'))('retries %s', async (code) => {
    const { scheduler, clock, fake, member, ask } = setup();
    ask(member('a'));
    scheduler.pump();
    fake.last('a').resolve(failure(code));
    await clock.advance(100);
    expect(fake.calls).toHaveLength(2);
  });

  it.each(codes.filter((code) => errorHandling[code] === 'transient'))('fails at once on %s, and asks again when the image shows up again', async (code) => {
    const { scheduler, clock, fake, results, member, ask } = setup();
    ask(member('a'));
    scheduler.pump();
    fake.last('a').resolve(failure(code));
    await clock.advance(10_000);
    expect(fake.calls).toHaveLength(1);
    expect(results.get('a')).toEqual({ kind: 'error', code });
    expect(ask(member('again'), 'a')).toBeUndefined();
  });

  it.each(codes.filter((code) => errorHandling[code] === 'permanent'))('fails at once on %s and never asks again for that key', async (code) => {
    const { scheduler, clock, fake, results, member, ask } = setup();
    ask(member('a'));
    scheduler.pump();
    fake.last('a').resolve(failure(code));
    await clock.advance(10_000);
    expect(fake.calls).toHaveLength(1);
    expect(results.get('a')).toEqual({ kind: 'error', code });
    expect(ask(member('again'), 'a')).toEqual({ kind: 'error', code });
  });

  it('treats model-load as transient: the host tries the load again for the next request', () => {
    expect(errorHandling['model-load']).toBe('transient');
  });

  it('treats blocked-address as permanent', () => {
    expect(errorHandling['blocked-address']).toBe('permanent');
  });
});

describe('an engine that is too slow', () => {
  it('fails the member, every waiting one and every later one at once, and sends nothing more', async () => {
    const { scheduler, clock, fake, results, waiting, member, ask } = setup({ concurrency: 2, queueCapacity: 1 });
    ask(member('cached'));
    scheduler.pump();
    fake.last('cached').resolve(output('Known'));
    await flush();

    for (const name of ['a', 'b', 'queued', 'deferred']) ask(member(name));
    scheduler.pump();
    expect(fake.sources()).toEqual(['cached', 'a', 'b']);
    fake.last('a').resolve(failure('too-slow'));
    await flush();

    const tooSlow = { kind: 'error', code: 'too-slow' };
    expect(results.get('a')).toEqual(tooSlow);
    expect(results.get('queued')).toEqual(tooSlow);
    expect(results.get('deferred')).toEqual(tooSlow);
    // The request already in flight is left to finish.
    expect(results.has('b')).toBe(false);
    expect([...waiting]).toEqual(['b']);
    fake.last('b').resolve(output('Still answered'));
    await flush();
    expect(results.get('b')).toEqual({ kind: 'alt', alt: 'Still answered' });

    expect(ask(member('later'))).toEqual(tooSlow);
    expect(ask(member('cached-again'), 'cached')).toEqual({ kind: 'alt', alt: 'Known' });
    scheduler.pump();
    await clock.advance(10_000);
    expect(fake.sources()).toEqual(['cached', 'a', 'b']);
    expect(scheduler.snapshot()).toMatchObject({ refused: true, queued: 0, deferred: 0, inFlight: 0, retrying: 0 });
  });

  it('also fails members waiting for a retry', async () => {
    const { scheduler, clock, fake, results, member, ask } = setup({ concurrency: 2 });
    ask(member('retrying'));
    ask(member('slow'));
    scheduler.pump();
    fake.last('retrying').resolve(failure('overloaded'));
    await flush();
    fake.last('slow').resolve(failure('too-slow'));
    await flush();
    expect(results.get('retrying')).toEqual({ kind: 'error', code: 'too-slow' });
    await clock.advance(10_000);
    expect(fake.calls).toHaveLength(2);
    expect(clock.pending()).toEqual([]);
  });
});
