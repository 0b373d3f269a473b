import type { CaptionOutput, EngineHostRequests, EngineStatus, ErrorCode, HandlerMap, ImageSource, Reply } from '../messaging/protocol';
import { errorReply, parseImageSource, parsePriority, parseRequestId } from '../messaging/validate';
import { EngineError, isEngineError } from '../engine/errors';
import { fetchImageBytes } from '../engine/image/fetch';
import type { FetchLimits } from '../engine/image/fetch';
import type { Captioner } from './captioner';
import type { CaptionCache } from './cache';
import { cacheKey } from './cache';
import { createJobQueue, JobCancelledError, QueueOverloadedError } from './job-queue';
import type { JobQueueOptions } from './job-queue';

export interface EngineHostOptions {
  captioner: Captioner;
  cache: CaptionCache;
  /** Part of every cache key, so a new model never serves an old caption. */
  modelVersion: () => Promise<string>;
  threads: number;
  queue: JobQueueOptions;
  fetchLimits: FetchLimits;
  /** Injected so tests can serve bytes without a network. */
  fetchBytes?: (url: string, signal: AbortSignal, referrer: string | undefined, limits: FetchLimits) => Promise<Uint8Array>;
}

export interface EngineHost {
  handlers: HandlerMap<EngineHostRequests, unknown>;
  status(): Promise<EngineStatus>;
}

/**
 * Hosts the one engine of the extension: loads it on first need, queues
 * requests by priority, fetches pixels itself, and caches results.
 * Runs in Chrome's offscreen document and in Firefox's background page.
 */
export function createEngineHost(options: EngineHostOptions): EngineHost {
  const { captioner, cache, modelVersion } = options;
  const fetchBytes = options.fetchBytes ?? defaultFetchBytes;
  let state: EngineStatus['state'] = 'idle';
  let loadMs: number | undefined;
  let loadError: string | undefined;
  let loading: Promise<void> | undefined;
  const sources = new Map<string, { source: ImageSource; referrer?: string }>();

  const ensureLoaded = () =>
    (loading ??= (async () => {
      state = 'loading';
      try {
        loadMs = await captioner.load();
        state = 'ready';
      } catch (error) {
        state = 'failed';
        loadError = error instanceof Error ? error.message : String(error);
        loading = undefined;
        throw error;
      }
    })());

  const queue = createJobQueue<CaptionOutput>(async (jobKey, signal) => {
    const job = sources.get(jobKey);
    if (!job) throw new EngineError('internal', 'lost track of a queued image');
    // Requests arriving while this runs join the job; they need no source.
    sources.delete(jobKey);
    const started = performance.now();
    const bytes = job.source.kind === 'url' ? await fetchBytes(job.source.url, signal, job.referrer, options.fetchLimits) : decodeBase64(job.source.base64);
    const key = await cacheKey(job.source.kind === 'url' ? job.source.url : 'bytes:', bytes, await modelVersion());
    const hit = await cache.get(key).catch(() => undefined);
    if (hit) return { ...hit, cached: true, ms: performance.now() - started };
    await ensureLoaded();
    const caption = await captioner.caption(bytes, signal);
    await cache.put(key, caption).catch(() => undefined);
    return { ...caption, cached: false, ms: performance.now() - started };
  }, options.queue);

  const status = async (): Promise<EngineStatus> => ({
    state,
    loadMs,
    error: loadError,
    queued: queue.waiting() + queue.running(),
    cacheEntries: await cache.count().catch(() => 0),
    threads: options.threads,
  });

  const handlers: HandlerMap<EngineHostRequests, unknown> = {
    async 'host-caption'(request) {
      const requestId = parseRequestId(request.requestId);
      const source = parseImageSource(request.source);
      if (!requestId || !source) return errorReply('bad-request', 'a caption request needs a requestId and an http(s), data: or bytes source');
      const jobKey = source.kind === 'url' ? `url:${source.url}` : `bytes:${source.base64.length}:${source.base64.slice(0, 64)}:${source.base64.slice(-64)}`;
      if (!sources.has(jobKey)) sources.set(jobKey, { source, referrer: typeof request.referrer === 'string' ? request.referrer : undefined });
      try {
        return { output: await queue.enqueue(jobKey, parsePriority(request.priority), requestId) };
      } catch (error) {
        return replyForError(error);
      } finally {
        // Sources of jobs cancelled before they ran are dropped here.
        if (queue.waiting() + queue.running() === 0) sources.clear();
      }
    },
    async 'host-cancel'(request) {
      const ids = Array.isArray(request.requestIds) ? request.requestIds : [];
      for (const id of ids) {
        const requestId = parseRequestId(id);
        if (requestId) queue.cancel(requestId);
      }
      return { output: null };
    },
    async 'host-status'() {
      return { output: await status() };
    },
    async 'host-cache-clear'() {
      return { output: { cleared: await cache.clear() } };
    },
  };
  return { handlers, status };
}

const passThroughCodes = new Set<string>([
  'fetch-failed', 'timeout', 'empty-input', 'corrupt-image', 'unsupported-format', 'image-too-small', 'image-too-large', 'model-load', 'inference',
]);

export function replyForError(error: unknown): Reply<never> {
  if (error instanceof JobCancelledError) return { cancel: true };
  if (error instanceof QueueOverloadedError) return errorReply('overloaded', error.message);
  if (isEngineError(error)) {
    if (error.code === 'aborted') return { cancel: true };
    const code: ErrorCode = passThroughCodes.has(error.code) ? (error.code as ErrorCode) : 'internal';
    return errorReply(code, error.message);
  }
  return errorReply('internal', error instanceof Error ? error.message : String(error));
}

async function defaultFetchBytes(url: string, signal: AbortSignal, referrer: string | undefined, limits: FetchLimits): Promise<Uint8Array> {
  // Some hosts refuse images without the page as referrer; the browser drops a
  // cross-origin referrer it may not send, so try with it and fall back.
  if (referrer && /^https?:/i.test(url)) {
    try {
      return await fetchImageBytes(url, { limits, signal, init: { referrer, referrerPolicy: 'no-referrer-when-downgrade', credentials: 'include' } });
    } catch (error) {
      if (isEngineError(error) && (error.code === 'aborted' || error.code === 'image-too-large')) throw error;
    }
  }
  return fetchImageBytes(url, { limits, signal, init: { credentials: 'include' } });
}

function decodeBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
