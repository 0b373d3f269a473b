import { priorities } from '../messaging/protocol';
import type { CaptionOutput, ErrorCode, Priority, Reply } from '../messaging/protocol';
import { raceAbort } from '../shared/abort';
import { errorHandling } from './errors';
import { createGuard, scheduleWithTimers } from './guard';
import type { Cancel, Schedule } from './guard';

/**
 * Which caption requests go out, when, and what becomes of their answers.
 * Pure: no DOM and no browser API. Time comes from `schedule`, requests go
 * out through `transport`, and members (the scanner's entries, one per
 * element) are opaque here.
 *
 * - One job per key (an image URL, or a digest of inline svg markup); its
 *   result goes to every member waiting on it, and a page-local cache
 *   answers members that come later.
 * - At most `concurrency` jobs in flight. Up to `queueCapacity` more wait in
 *   a local priority queue (their members are told they wait, and show as
 *   pending); the rest are deferred, in the same order, until there is room.
 * - A job's priority is the best of its members'; lower goes sooner; within
 *   a priority, queued before deferred, oldest first.
 * - host-unavailable and overloaded (and a cancel nobody asked for) are
 *   retried after retryBaseMs, doubling, at most maxRetries times.
 * - A request still unanswered after requestTimeoutMs is aborted, frees its
 *   slot and fails with 'timeout' (not remembered: the image may be asked
 *   for again when it shows up again).
 * - 'too-slow' means the engine refuses every image: nothing more is sent
 *   from this page, and every waiting or later member fails at once instead
 *   of staying pending.
 */

export type CaptionResult =
  | { kind: 'alt'; alt: string }
  /** The engine answered, but with nothing confident (or nothing at all) to say. */
  | { kind: 'unsure' }
  | { kind: 'error'; code: ErrorCode };

export interface SchedulerLimits {
  /** Requests in flight at once from this page. */
  concurrency: number;
  /** Requests waiting locally with a pending marker; beyond this they are deferred. */
  queueCapacity: number;
  /** Retries after host-unavailable or overloaded. */
  maxRetries: number;
  /** First retry delay; doubles on each retry. */
  retryBaseMs: number;
  /** A request that has not answered by then frees its slot and counts as failed ('timeout'). */
  requestTimeoutMs: number;
  /** Results remembered per page, by key. */
  resultCacheSize: number;
}

/** Sends one request; aborting the signal cancels it. */
export type Transport<Source> = (source: Source, priority: Priority, signal: AbortSignal) => Promise<Reply<CaptionOutput>>;

export interface SchedulerOptions<Member, Source> {
  limits: SchedulerLimits;
  transport: Transport<Source>;
  priorityOf(member: Member): Priority;
  /** The member's request is queued locally or in flight (not deferred): show it as pending. */
  onWaiting(member: Member): void;
  /** The member's request ended. Not called for withdrawn members, nor after cancelAll. */
  onResult(member: Member, result: CaptionResult): void;
  /** After a request settled and its results were handed out. */
  onSettled?(): void;
  /** Errors thrown by the callbacks above, caught here. */
  onError(error: unknown): void;
  schedule?: Schedule;
}

export interface SchedulerSnapshot {
  queued: number;
  deferred: number;
  inFlight: number;
  /** Jobs waiting for their next try. */
  retrying: number;
  cachedResults: number;
  /** True once the engine said it refuses every image. */
  refused: boolean;
}

export interface Scheduler<Member, Source> {
  /**
   * Asks for a caption for `member`. Returns the result at once when the
   * page already knows it (cached for the key, or the engine refuses
   * everything); otherwise the member joins the job for `key` (made from
   * `source` if there is none) and hears back through onResult.
   */
  request(member: Member, key: string, source: Source): CaptionResult | undefined;
  /** Takes the member out of its job; a job nobody waits for any more is cancelled. False when it was in none. */
  withdraw(member: Member): boolean;
  /** The key of the job the member waits on. */
  keyOf(member: Member): string | undefined;
  /** The member's priority changed: move its job in the queue. Call pump() to act on it. */
  reprioritise(member: Member): void;
  /** Sends what fits in the free slots, best first. */
  pump(): void;
  /** Cancels every job without telling members; results cached so far stay. */
  cancelAll(): void;
  /** Drops the results remembered so far (their wording is out of date); jobs in flight are left alone. */
  forgetResults(): void;
  snapshot(): SchedulerSnapshot;
}

type JobPhase = 'queued' | 'deferred' | 'in-flight' | 'retry-wait';

interface Job<Member, Source> {
  key: string;
  source: Source;
  members: Set<Member>;
  priority: Priority;
  phase: JobPhase;
  /** Requests sent so far. */
  attempts: number;
  controller?: AbortController;
  holdsSlot: boolean;
  cancelRetry?: Cancel;
  cancelled: boolean;
}

/** Long data: URLs would make megabyte-sized cache keys; they are rarely shown twice. */
const maxRememberedKeyLength = 8192;

export function createScheduler<Member, Source>(options: SchedulerOptions<Member, Source>): Scheduler<Member, Source> {
  type SchedulerJob = Job<Member, Source>;
  type Buckets = [Set<SchedulerJob>, Set<SchedulerJob>, Set<SchedulerJob>];
  const { limits, transport } = options;
  const schedule = options.schedule ?? scheduleWithTimers;
  const guarded = createGuard(options.onError);

  const jobs = new Map<string, SchedulerJob>();
  const memberships = new Map<Member, SchedulerJob>();
  const queued: Buckets = [new Set(), new Set(), new Set()];
  const deferred: Buckets = [new Set(), new Set(), new Set()];
  const results = new Map<string, CaptionResult>();
  let refusal: CaptionResult | undefined;
  let inFlight = 0;

  const tellWaiting = guarded((member: Member) => options.onWaiting(member));
  const tellResult = guarded((member: Member, result: CaptionResult) => options.onResult(member, result));

  const jobPriority = (job: SchedulerJob): Priority => {
    let best: Priority = priorities.background;
    for (const member of job.members) {
      const priority = options.priorityOf(member);
      if (priority < best) best = priority;
    }
    return best;
  };

  const queuedCount = () => queued[0].size + queued[1].size + queued[2].size;

  const dequeue = (job: SchedulerJob) => {
    queued[job.priority].delete(job);
    deferred[job.priority].delete(job);
  };

  const enqueue = (job: SchedulerJob) => {
    if (queuedCount() < limits.queueCapacity) {
      job.phase = 'queued';
      queued[job.priority].add(job);
      for (const member of job.members) tellWaiting(member);
    } else {
      job.phase = 'deferred';
      deferred[job.priority].add(job);
    }
  };

  const reprioritiseJob = (job: SchedulerJob) => {
    const priority = jobPriority(job);
    if (priority === job.priority) return;
    const buckets = job.phase === 'queued' ? queued : job.phase === 'deferred' ? deferred : undefined;
    buckets?.[job.priority].delete(job);
    job.priority = priority;
    buckets?.[priority].add(job);
  };

  const promoteDeferred = () => {
    while (queuedCount() < limits.queueCapacity) {
      const job = firstOf(deferred);
      if (!job) return;
      deferred[job.priority].delete(job);
      enqueue(job);
    }
  };

  /** The next job to send: best priority first; in a priority, queued before deferred, oldest first. */
  const nextJob = (): SchedulerJob | undefined => {
    for (const priority of [0, 1, 2] as const) {
      const job = firstOf([queued[priority]]) ?? firstOf([deferred[priority]]);
      if (job) return job;
    }
    return undefined;
  };

  const releaseSlot = (job: SchedulerJob) => {
    if (!job.holdsSlot) return;
    job.holdsSlot = false;
    inFlight -= 1;
  };

  const stopJob = (job: SchedulerJob) => {
    job.cancelled = true;
    if (jobs.get(job.key) === job) jobs.delete(job.key);
    dequeue(job);
    job.cancelRetry?.();
    job.cancelRetry = undefined;
    job.controller?.abort();
    releaseSlot(job);
    for (const member of job.members) memberships.delete(member);
    job.members.clear();
  };

  const remember = (key: string, result: CaptionResult) => {
    if (key.length > maxRememberedKeyLength) return;
    results.delete(key);
    results.set(key, result);
    if (results.size > limits.resultCacheSize) {
      const oldest = results.keys().next();
      if (!oldest.done) results.delete(oldest.value);
    }
  };

  const finish = (job: SchedulerJob, result: CaptionResult) => {
    if (jobs.get(job.key) === job) jobs.delete(job.key);
    if (result.kind !== 'error' || errorHandling[result.code] === 'permanent') remember(job.key, result);
    const members = [...job.members];
    job.members.clear();
    for (const member of members) {
      memberships.delete(member);
      tellResult(member, result);
    }
  };

  /** The engine refuses every image: fail this job and every one not in flight; later requests fail at once. */
  const refuseAll = (job: SchedulerJob, code: ErrorCode) => {
    const result: CaptionResult = { kind: 'error', code };
    refusal = result;
    finish(job, result);
    for (const other of [...jobs.values()]) {
      if (other.phase === 'in-flight') continue;
      dequeue(other);
      other.cancelRetry?.();
      other.cancelRetry = undefined;
      finish(other, result);
    }
  };

  const settle = (job: SchedulerJob, reply: Reply<CaptionOutput>) => {
    if ('output' in reply) {
      const alt = reply.output.alt.trim();
      finish(job, reply.output.confident && alt !== '' ? { kind: 'alt', alt } : { kind: 'unsure' });
      return;
    }
    // A cancel we did not ask for (the background dropped it) is retried like a restart.
    const code: ErrorCode = 'error' in reply ? reply.error.code : 'host-unavailable';
    const handling = errorHandling[code];
    if (handling === 'refuses-all') {
      refuseAll(job, code);
      return;
    }
    if (handling === 'retry' && job.attempts <= limits.maxRetries && !refusal) {
      job.phase = 'retry-wait';
      job.cancelRetry = schedule(
        guarded(() => {
          job.cancelRetry = undefined;
          if (job.cancelled) return;
          enqueue(job);
          pump();
        }),
        limits.retryBaseMs * 2 ** (job.attempts - 1),
      );
      return;
    }
    finish(job, { kind: 'error', code });
  };

  const send = async (job: SchedulerJob) => {
    job.phase = 'in-flight';
    job.attempts += 1;
    job.holdsSlot = true;
    inFlight += 1;
    for (const member of job.members) tellWaiting(member);
    const controller = new AbortController();
    job.controller = controller;
    let timedOut = false;
    const cancelDeadline = schedule(() => {
      timedOut = true;
      controller.abort();
    }, limits.requestTimeoutMs);

    let reply: Reply<CaptionOutput>;
    try {
      // Raced with the signal so that a transport that ignores cancellation still frees the slot.
      reply = await raceAbort(transport(job.source, job.priority, controller.signal), controller.signal, () => ({ cancel: true }) as const);
    } catch (error) {
      reply = controller.signal.aborted ? { cancel: true } : { error: { code: 'internal', message: String(error) } };
    }
    cancelDeadline();
    if (job.cancelled) return;
    releaseSlot(job);
    job.controller = undefined;
    if (timedOut) finish(job, { kind: 'error', code: 'timeout' });
    else settle(job, reply);
    pump();
    options.onSettled?.();
  };

  const pump = () => {
    while (inFlight < limits.concurrency) {
      const job = nextJob();
      if (!job) break;
      dequeue(job);
      if (refusal) finish(job, refusal);
      else send(job).catch(options.onError);
    }
    promoteDeferred();
  };

  const withdraw = (member: Member): boolean => {
    const job = memberships.get(member);
    if (!job) return false;
    memberships.delete(member);
    job.members.delete(member);
    if (job.members.size > 0) {
      reprioritiseJob(job);
      return true;
    }
    stopJob(job);
    promoteDeferred();
    return true;
  };

  return {
    request(member, key, source) {
      const current = memberships.get(member);
      if (current?.key === key) return undefined;
      if (current) withdraw(member);
      const known = results.get(key) ?? refusal;
      if (known) return known;

      const existing = jobs.get(key);
      if (existing) {
        existing.members.add(member);
        memberships.set(member, existing);
        reprioritiseJob(existing);
        if (existing.phase !== 'deferred') tellWaiting(member);
        return undefined;
      }
      const job: SchedulerJob = { key, source, members: new Set([member]), priority: priorities.background, phase: 'queued', attempts: 0, holdsSlot: false, cancelled: false };
      jobs.set(key, job);
      memberships.set(member, job);
      job.priority = jobPriority(job);
      enqueue(job);
      return undefined;
    },

    withdraw,

    keyOf(member) {
      return memberships.get(member)?.key;
    },

    reprioritise(member) {
      const job = memberships.get(member);
      if (job) reprioritiseJob(job);
    },

    pump,

    cancelAll() {
      for (const job of [...jobs.values()]) stopJob(job);
      jobs.clear();
      memberships.clear();
    },

    forgetResults() {
      results.clear();
    },

    snapshot() {
      let retrying = 0;
      for (const job of jobs.values()) if (job.phase === 'retry-wait') retrying += 1;
      return {
        queued: queuedCount(),
        deferred: deferred[0].size + deferred[1].size + deferred[2].size,
        inFlight,
        retrying,
        cachedResults: results.size,
        refused: refusal !== undefined,
      };
    },
  };
}

function firstOf<T>(sets: readonly Set<T>[]): T | undefined {
  for (const set of sets) {
    const first = set.values().next();
    if (!first.done) return first.value;
  }
  return undefined;
}
