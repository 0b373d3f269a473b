import type { CaptionOutput, ColdStartTimeline, DescriptionStyle, ExecutionProviderName, EngineHostRequests, EngineSpeed, EngineStatus, ErrorCode, HandlerMap, ImageSource, Reply, RequestOf } from '../messaging/protocol';
import { errorReply, parseDescriptionStyle, parseImageSource, parsePageContext, parsePriority, parseRequestId } from '../messaging/validate';
import { isEngineError } from '../engine/errors';
import type { EngineErrorCode } from '../engine/errors';
import type { FetchLimits } from '../engine/image/fetch';
import { decodeBase64 } from '../engine/image/base64';
import type { Captioner } from './captioner';
import type { CachedCaption, CaptionCache } from './cache';
import { cacheKey, sha256Hex } from './cache';
import { createJobQueue, JobCancelledError, QueueOverloadedError } from './job-queue';
import type { JobQueueOptions } from './job-queue';
import { withDeadline } from './deadline';
import { createExclusive } from '../shared/exclusive';
import { cachePartition, credentialsFor, refererFor } from '../shared/fetch-policy';
import type { PageContext } from '../messaging/protocol';
import { fetchPageImage } from './image-fetch';
import type { FetchFunction } from './image-fetch';
import type { NetworkAccess } from './network-access';
import { HostRefusal } from './host-errors';
import { createImageTimingLog } from './image-timings';
import { raceAbort } from '../shared/abort';

export interface HostDeadlines {
  /** Decoding and every model stage of one image together. */
  captionMs: number;
  /** Loading the models. */
  loadMs: number;
  /** The speed check: model time above this marks the engine too slow for this device. */
  tooSlowMs: number;
}

/**
 * The detector and caption passes of one image take about 0.2 s on a 2-core
 * VM; a Firefox that hits the VM's AVX penalty takes 30 s and more. 5 s
 * leaves room for slow laptops.
 */
export const defaultHostDeadlines: HostDeadlines = { captionMs: 30_000, loadMs: 90_000, tooSlowMs: 5_000 };

export interface EngineHostOptions {
  captioner: Captioner;
  cache: CaptionCache;
  /** Part of every cache key, so a new model never serves an old caption. */
  modelVersion: () => Promise<string>;
  /** Threads the engine runs with, read for each status (the runtime may lower its request when it starts). */
  threads: () => number;
  /** Where each model runs (WASM or WebGPU), once loaded; empty before. */
  executionProviders?: () => Record<string, ExecutionProviderName>;
  queue: JobQueueOptions;
  fetchLimits: FetchLimits;
  deadlines?: Partial<HostDeadlines>;
  /** Injected so tests can serve responses without a network. */
  fetch?: FetchFunction;
  /** The background's network rules around each fetch (browsers); none in Node. */
  networkAccess?: NetworkAccess;
  /** Wall-clock ms for the cold-start timeline; tests pass their own. */
  clock?: () => number;
}

export interface EngineHost {
  handlers: HandlerMap<EngineHostRequests, unknown>;
  status(): Promise<EngineStatus>;
}

interface Job {
  source: ImageSource;
  page: PageContext;
  style: DescriptionStyle;
}

/**
 * Hosts the one engine of the extension: loads it when a page is coming or on first need, queues
 * requests by priority, fetches pixels itself, and caches results.
 * Runs in Chrome's offscreen document and in Firefox's background page.
 */
export function createEngineHost(options: EngineHostOptions): EngineHost {
  const { captioner, cache } = options;
  const deadlines: HostDeadlines = { ...defaultHostDeadlines, ...options.deadlines };
  let state: EngineStatus['state'] = 'idle';
  let speed: EngineSpeed = 'unknown';
  let loadMs: number | undefined;
  let speedCheckMs: number | undefined;
  let loadError: string | undefined;
  let loading: Promise<void> | undefined;
  let version: Promise<string> | undefined;
  const clock = options.clock ?? (() => performance.timeOrigin + performance.now());
  const coldStart: ColdStartTimeline = { hostStartedAt: clock() };
  const stamp = (step: Exclude<keyof ColdStartTimeline, 'hostStartedAt'>) => (coldStart[step] ??= clock());
  const modelVersion = () =>
    (version ??= options.modelVersion().catch((error: unknown) => {
      version = undefined;
      throw error;
    }));

  const ensureLoaded = () =>
    (loading ??= (async () => {
      state = 'loading';
      stamp('loadStartedAt');
      try {
        // Not the job's signal: loading is shared by every job, and one cancel must not undo it.
        const timings = await withDeadline('loading the models', deadlines.loadMs, new AbortController().signal, (signal) => captioner.load(signal));
        loadMs = timings.loadMs;
        state = 'ready';
        stamp('loadedAt');
      } catch (error) {
        state = 'failed';
        loadError = error instanceof Error ? error.message : String(error);
        loading = undefined;
        throw error;
      }
    })());

  const refuseIfTooSlow = () => {
    if (speed === 'too-slow') {
      const took = speedCheckMs === undefined ? `did not finish in ${deadlines.tooSlowMs} ms` : `took ${Math.round(speedCheckMs)} ms`;
      throw new HostRefusal('too-slow', `the engine is too slow on this device (its speed check ${took})`);
    }
  };
  /** `undefined`: the check did not finish in time (the popup then gives no duration rather than a wrong one). */
  const judgeSpeed = (ms: number | undefined) => {
    speedCheckMs = ms;
    speed = ms === undefined || ms > deadlines.tooSlowMs ? 'too-slow' : 'ok';
  };
  /**
   * A first image that timed out may be the page's doing (a decode that never
   * ends) or a slow engine: a blank image of our own tells which. It runs once
   * the engine is free, so an engine still busy with that image counts as slow.
   */
  const checkSpeedOnBlank = async () => {
    try {
      judgeSpeed(await withDeadline('the speed check', deadlines.tooSlowMs, new AbortController().signal, (signal) => captioner.warmUp(signal)));
    } catch (error) {
      if (isEngineError(error) && error.code === 'timeout') judgeSpeed(undefined);
    }
  };

  /**
   * Cache writes run behind the reply: an IndexedDB commit (and the first one
   * creates the database files) must not delay the caption the page waits
   * for. Reads and clears wait for the writes before them, so a later request
   * still finds an earlier caption and a clear is not undone by a late write.
   */
  let writes: Promise<void> = Promise.resolve();
  const remember = (key: string, caption: CachedCaption) => {
    writes = writes.then(() => cache.put(key, caption)).catch(() => undefined);
  };

  const timings = createImageTimingLog();
  const engineTurn = createExclusive();
  const queue = createJobQueue<CaptionOutput, Job>(async (_key, job, signal) => {
    const started = performance.now();
    // Known too slow: refuse before fetching anything.
    refuseIfTooSlow();
    const bytes =
      job.source.kind === 'url'
        ? await fetchPageImage(job.source.url, { page: job.page, limits: options.fetchLimits, signal, fetch: options.fetch, access: options.networkAccess })
        : decodeBase64(job.source.base64);
    // Private browsing neither reads nor writes the disk cache: no trace of it, and no lastUsed touched.
    const useCache = !job.page.incognito;
    const key = await cacheKey(bytes, cachePartition(job.page), `${await modelVersion()}|${styleKey(job.style)}`);
    const hit = useCache ? await writes.then(() => cache.get(key)).catch(() => undefined) : undefined;
    if (hit) return { ...hit, cached: true, ms: performance.now() - started };
    // A job cancelled while the models load gives its slot back at once, not when the load ends.
    await raceAbort(ensureLoaded(), signal, () => {
      throw new JobCancelledError();
    });
    refuseIfTooSlow();
    // Jobs run a few at once so that fetching and hashing the next images overlap with this one's inference; the engine itself takes one at a time.
    const caption = await engineTurn.run(signal, async () => {
      // Decided while this job waited its turn.
      refuseIfTooSlow();
      // There is no warm-up before the first image (it would delay the first caption): the first image's model time is the speed check.
      const judging = speed === 'unknown';
      try {
        const described = await withDeadline('describing the image', deadlines.captionMs, signal, (stageSignal) => captioner.caption(bytes, stageSignal, job.style));
        if (judging && described.modelMs !== undefined) judgeSpeed(described.modelMs);
        if (described.timings) timings.add(described.timings);
        return described.caption;
      } catch (error) {
        if (judging && isEngineError(error) && error.code === 'timeout') await checkSpeedOnBlank();
        throw error;
      }
    });
    stamp('firstCaptionAt');
    if (useCache) remember(key, caption);
    return { ...caption, cached: false, ms: performance.now() - started };
  }, options.queue);

  const status = async (): Promise<EngineStatus> => {
    const size = await writes.then(() => cache.size()).catch(() => ({ entries: 0, bytes: 0 }));
    return {
      state,
      loadMs,
      error: loadError,
      queued: queue.waiting() + queue.running(),
      cacheEntries: size.entries,
      cacheBytes: size.bytes,
      threads: options.threads(),
      executionProviders: options.executionProviders?.() ?? {},
      speed,
      speedCheckMs,
      coldStart: { ...coldStart },
      imageTimings: timings.summary(),
    };
  };

  /** Byte sources whose key is being computed; a cancel meanwhile takes its request out. */
  const hashing = new Set<string>();
  /** The service-worker run of each request not yet answered, for host-forget-runs. */
  const runOf = new Map<string, string>();

  const cancelRequest = (requestId: string) => {
    hashing.delete(requestId);
    queue.cancel(requestId);
  };

  /** A parsed caption request, keyed and queued: fetched, described and cached once however many ask. */
  const describeRequest = async (requestId: string, source: ImageSource, request: RequestOf<EngineHostRequests, 'host-caption'>): Promise<Reply<CaptionOutput>> => {
    const job: Job = { source, page: parsePageContext(request.page), style: parseDescriptionStyle(request.style) };
    // Requests that would be fetched differently (cookies, Referer, partition) never share a job.
    let sourceKey: string;
    if (source.kind === 'url') {
      sourceKey = `url:${credentialsFor(source.url, job.page)}:${encodeURIComponent(refererFor(source.url, job.page.frameUrl, job.page.referrerPolicy) ?? '')}:${source.url}`;
    } else {
      // Hashing megabytes takes a while, and the request is in no queue yet: a cancel meanwhile is kept here.
      hashing.add(requestId);
      let stillWanted = false;
      try {
        sourceKey = `bytes:${await sha256Hex(new TextEncoder().encode(source.base64))}`;
      } finally {
        stillWanted = hashing.delete(requestId);
      }
      if (!stillWanted) return { cancel: true };
    }
    const jobKey = `${styleKey(job.style)}:${cachePartition(job.page)}:${job.page.incognito ? 'private' : 'regular'}:${sourceKey}`;
    try {
      // One tab's thousand images must not starve another tab's first: owners take turns (job-queue.ts).
      return { output: await queue.enqueue(jobKey, parsePriority(request.priority), requestId, job, parseRequestId(request.owner) ?? '') };
    } catch (error) {
      return replyForError(error);
    }
  };

  const handlers: HandlerMap<EngineHostRequests, unknown> = {
    async 'host-caption'(request) {
      const requestId = parseRequestId(request.requestId);
      const source = parseImageSource(request.source);
      if (!requestId || !source) return errorReply('bad-request', 'a caption request needs a requestId and an http(s), data: or bytes source');
      stamp('firstRequestAt');
      const run = parseRequestId(request.run);
      if (run !== undefined) runOf.set(requestId, run);
      try {
        return await describeRequest(requestId, source, request);
      } finally {
        if (runOf.get(requestId) === run) runOf.delete(requestId);
      }
    },
    async 'host-cancel'(request) {
      const ids = Array.isArray(request.requestIds) ? request.requestIds : [];
      for (const id of ids) {
        const requestId = parseRequestId(id);
        if (requestId) cancelRequest(requestId);
      }
      return { output: null };
    },
    async 'host-forget-runs'(request) {
      const current = parseRequestId(request.run);
      if (!current) return errorReply('bad-request', 'host-forget-runs needs the current run');
      const earlier = [...runOf].filter(([, run]) => run !== current).map(([requestId]) => requestId);
      for (const requestId of earlier) cancelRequest(requestId);
      return { output: { cancelled: earlier.length } };
    },
    async 'host-prepare'() {
      // Not awaited: the caller only says a page is coming; its images will wait for the same load.
      if (state === 'idle') ensureLoaded().catch(() => undefined);
      return { output: null };
    },
    async 'host-status'() {
      return { output: await status() };
    },
    async 'host-cache-clear'() {
      await writes;
      return { output: { cleared: await cache.clear() } };
    },
  };
  return { handlers, status };
}

/** Every engine error code has a reply; a new code is a type error here until it is mapped. */
const replyCodes: Record<EngineErrorCode, ErrorCode | 'cancel'> = {
  'empty-input': 'empty-input',
  'corrupt-image': 'corrupt-image',
  'unsupported-format': 'unsupported-format',
  'image-too-small': 'image-too-small',
  'image-too-large': 'image-too-large',
  'fetch-failed': 'fetch-failed',
  timeout: 'timeout',
  aborted: 'cancel',
  'model-load': 'model-load',
  inference: 'inference',
  'invalid-option': 'internal',
  internal: 'internal',
};

export function replyForError(error: unknown): Reply<never> {
  if (error instanceof JobCancelledError) return { cancel: true };
  if (error instanceof QueueOverloadedError) return errorReply('overloaded', error.message);
  if (error instanceof HostRefusal) return errorReply(error.code, error.message);
  if (isEngineError(error)) {
    const code = replyCodes[error.code];
    return code === 'cancel' ? { cancel: true } : errorReply(code, error.message);
  }
  return errorReply('internal', error instanceof Error ? error.message : String(error));
}

function styleKey(style: DescriptionStyle): string {
  return `${style.caption ? 'caption' : 'objects'}-${style.neutral ? 'neutral' : 'gendered'}-${style.language}`;
}
