import type { Priority } from '../messaging/protocol';

export class QueueOverloadedError extends Error {
  constructor() {
    super('too many images are waiting; try again later');
    this.name = 'QueueOverloadedError';
  }
}

export class JobCancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'JobCancelledError';
  }
}

export interface JobQueueOptions {
  /** Jobs running at once: their fetches overlap, while the engine host runs one inference at a time. */
  concurrency: number;
  /**
   * Waiting jobs beyond this are refused, so memory stays bounded: the least urgent, newest job of
   * the owner with the most waiting, so that one tab's thousand images never push out another's first.
   */
  maxWaiting: number;
}

interface Job<T, P> {
  key: string;
  /** What the first requester supplied; later requesters of the same key share it. */
  payload: P;
  priority: Priority;
  sequence: number;
  /** Who asked first (a tab): jobs of the same priority take turns between owners. */
  owner: string;
  requesters: Map<string, { resolve: (value: T) => void; reject: (error: unknown) => void }>;
  controller: AbortController;
  running: boolean;
}

export interface JobQueue<T, P> {
  /**
   * Runs `key` once however many requesters ask for it; each gets the result.
   * The job runs at the most urgent of its requesters' priorities. Among the
   * waiting jobs of the most urgent priority, owners take turns: the owner
   * served longest ago (or never) goes next, its oldest job first.
   */
  enqueue(key: string, priority: Priority, requesterId: string, payload: P, owner?: string): Promise<T>;
  /** Withdraws a requester; a job nobody waits for any more is dropped or aborted. */
  cancel(requesterId: string): void;
  waiting(): number;
  running(): number;
}

export function createJobQueue<T, P = undefined>(run: (key: string, payload: P, signal: AbortSignal) => Promise<T>, options: JobQueueOptions): JobQueue<T, P> {
  const jobs = new Map<string, Job<T, P>>();
  const requesterJob = new Map<string, string>();
  let sequence = 0;
  let active = 0;
  /** When each owner with jobs here was last served (a count of jobs started); forgotten once it has none. */
  const lastServed = new Map<string, number>();
  let started = 0;

  const waitingJobs = (): Job<T, P>[] => [...jobs.values()].filter((job) => !job.running);

  const forgetIdleOwners = () => {
    const owners = new Set([...jobs.values()].map((job) => job.owner));
    for (const owner of lastServed.keys()) if (!owners.has(owner)) lastServed.delete(owner);
  };

  /** The most urgent priority first; within it, the owner served longest ago, then the oldest job. */
  const nextJob = (): Job<T, P> | undefined => {
    const waiting = waitingJobs();
    if (waiting.length === 0) return undefined;
    const urgent = Math.min(...waiting.map((job) => job.priority));
    const turn = (job: Job<T, P>) => lastServed.get(job.owner) ?? -1;
    return waiting.filter((job) => job.priority === urgent).sort((a, b) => turn(a) - turn(b) || a.sequence - b.sequence)[0];
  };

  /** The job refused when too many wait: the least urgent, newest job of the owner with the most waiting. */
  const overloadVictim = (waiting: readonly Job<T, P>[]): Job<T, P> => {
    const perOwner = new Map<string, number>();
    for (const job of waiting) perOwner.set(job.owner, (perOwner.get(job.owner) ?? 0) + 1);
    const busiest = Math.max(...perOwner.values());
    const candidates = waiting.filter((job) => perOwner.get(job.owner) === busiest);
    return candidates.sort((a, b) => b.priority - a.priority || b.sequence - a.sequence)[0]!;
  };

  const settle = (job: Job<T, P>, outcome: { value: T } | { error: unknown }) => {
    // An aborted job was already replaced by a fresh one under the same key.
    if (jobs.get(job.key) === job) jobs.delete(job.key);
    forgetIdleOwners();
    for (const [requesterId, requester] of job.requesters) {
      requesterJob.delete(requesterId);
      if ('value' in outcome) requester.resolve(outcome.value);
      else requester.reject(outcome.error);
    }
  };

  const pump = () => {
    while (active < options.concurrency) {
      const next = nextJob();
      if (!next) return;
      lastServed.set(next.owner, started++);
      next.running = true;
      active++;
      run(next.key, next.payload, next.controller.signal)
        .then(
          (value) => settle(next, { value }),
          (error: unknown) => settle(next, { error }),
        )
        .finally(() => {
          active--;
          pump();
        });
    }
  };

  const cancel = (requesterId: string) => {
    const key = requesterJob.get(requesterId);
    if (key === undefined) return;
    requesterJob.delete(requesterId);
    const job = jobs.get(key);
    if (!job) return;
    job.requesters.get(requesterId)?.reject(new JobCancelledError());
    job.requesters.delete(requesterId);
    if (job.requesters.size > 0) return;
    // Forget it at once, so a request for the same image that arrives while
    // the abort takes effect starts a fresh job instead of joining a dying one.
    jobs.delete(key);
    forgetIdleOwners();
    if (job.running) job.controller.abort();
  };

  return {
    enqueue(key, priority, requesterId, payload, owner = '') {
      // A requester id asked again (a restarted sender counting from 0) replaces its earlier request,
      // which is cancelled rather than left without an answer for ever.
      cancel(requesterId);
      return new Promise<T>((resolve, reject) => {
        let job = jobs.get(key);
        if (!job) {
          job = { key, payload, priority, sequence: sequence++, owner, requesters: new Map(), controller: new AbortController(), running: false };
          jobs.set(key, job);
        }
        job.priority = Math.min(job.priority, priority) as Priority;
        job.requesters.set(requesterId, { resolve, reject });
        requesterJob.set(requesterId, key);
        const waiting = waitingJobs();
        if (waiting.length > options.maxWaiting) settle(overloadVictim(waiting), { error: new QueueOverloadedError() });
        pump();
      });
    },
    cancel,
    waiting: () => waitingJobs().length,
    running: () => active,
  };
}
