import type { CaptionOutput, DescriptionStyle, EngineHostRequests, EngineStatus, ErrorCode, HandlerMap, ImageSource, Reply } from '../messaging/protocol';
import { errorReply, parseDescriptionStyle, parseImageSource, parsePriority, parseRequestId } from '../messaging/validate';
import { isEngineError } from '../engine/errors';
import { fetchImageBytes } from '../engine/image/fetch';
import type { FetchLimits } from '../engine/image/fetch';
import type { Captioner } from './captioner';
import type { CaptionCache } from './cache';
import { cacheKey, sha256Hex } from './cache';
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
  fetchBytes?: (url: string, init: { signal: AbortSignal; credentials: RequestCredentials; limits: FetchLimits }) => Promise<Uint8Array>;
}

export interface EngineHost {
  handlers: HandlerMap<EngineHostRequests, unknown>;
  status(): Promise<EngineStatus>;
}

interface Job {
  source: ImageSource;
  credentials: RequestCredentials;
  /** False for private-browsing tabs: their images never reach the disk cache. */
  persist: boolean;
  style: DescriptionStyle;
}

/**
 * Hosts the one engine of the extension: loads it on first need, queues
 * requests by priority, fetches pixels itself, and caches results.
 * Runs in Chrome's offscreen document and in Firefox's background page.
 */
export function createEngineHost(options: EngineHostOptions): EngineHost {
  const { captioner, cache } = options;
  const fetchBytes = options.fetchBytes ?? ((url, init) => fetchImageBytes(url, { limits: init.limits, signal: init.signal, init: { credentials: init.credentials } }));
  let state: EngineStatus['state'] = 'idle';
  let loadMs: number | undefined;
  let loadError: string | undefined;
  let loading: Promise<void> | undefined;
  let version: Promise<string> | undefined;
  const modelVersion = () =>
    (version ??= options.modelVersion().catch((error: unknown) => {
      version = undefined;
      throw error;
    }));

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

  const queue = createJobQueue<CaptionOutput, Job>(async (_key, job, signal) => {
    const started = performance.now();
    const bytes =
      job.source.kind === 'url'
        ? await fetchBytes(job.source.url, { signal, credentials: job.credentials, limits: options.fetchLimits })
        : decodeBase64(job.source.base64);
    // Keyed by content, not URL: the cache must not be a record of where the user browsed.
    const key = await cacheKey(bytes, `${await modelVersion()}|${styleKey(job.style)}`);
    const hit = await cache.get(key).catch(() => undefined);
    if (hit) return { ...hit, cached: true, ms: performance.now() - started };
    await ensureLoaded();
    const caption = await captioner.caption(bytes, signal, job.style);
    if (job.persist) await cache.put(key, caption).catch(() => undefined);
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
      const job: Job = {
        source,
        credentials: credentialsFor(source, typeof request.requesterOrigin === 'string' ? request.requesterOrigin : undefined),
        persist: request.persist !== false,
        style: parseDescriptionStyle(request.style),
      };
      const sourceKey = source.kind === 'url' ? `url:${job.credentials}:${source.url}` : `bytes:${await sha256Hex(new TextEncoder().encode(source.base64))}`;
      const jobKey = `${styleKey(job.style)}:${sourceKey}`;
      try {
        return { output: await queue.enqueue(jobKey, parsePriority(request.priority), requestId, job) };
      } catch (error) {
        return replyForError(error);
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

/**
 * Cookies go with an image request only when the image is same-origin with
 * the page that shows it. Otherwise a hostile page could name a cross-origin
 * image it cannot read itself (a bank statement) and read its text back from
 * the alt we write.
 */
export function credentialsFor(source: ImageSource, requesterOrigin: string | undefined): RequestCredentials {
  if (source.kind !== 'url' || !requesterOrigin) return 'omit';
  try {
    return new URL(source.url).origin === requesterOrigin ? 'include' : 'omit';
  } catch {
    return 'omit';
  }
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

function decodeBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function styleKey(style: DescriptionStyle): string {
  return `${style.caption ? 'caption' : 'objects'}-${style.neutral ? 'neutral' : 'gendered'}`;
}
