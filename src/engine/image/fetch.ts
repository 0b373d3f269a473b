import { EngineError } from '../errors';

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
}

export const defaultFetchLimits: FetchLimits = { timeoutMs: 15_000, maxBytes: 25 * 1024 * 1024 };

/**
 * Fetches image bytes with a timeout and a size cap that holds even when the
 * server lies about Content-Length. Works with the fetch of Node and of any
 * extension page. The extension's page images go through
 * src/host/image-fetch.ts, which adds the page's own rules on top.
 */
export async function fetchImageBytes(
  url: string,
  options: { limits?: FetchLimits; signal?: AbortSignal; init?: RequestInit } = {},
): Promise<Uint8Array> {
  const { limits = defaultFetchLimits, signal, init } = options;
  const deadline = fetchDeadline(limits, signal);
  try {
    const response = await fetch(url, { ...init, signal: deadline.signal, credentials: init?.credentials ?? 'omit' });
    return await readImageResponse(response, url, limits);
  } catch (cause) {
    throw deadline.explain(cause, url);
  }
}

/** One signal for the caller's cancel and the fetch timeout, and the error that tells them apart. */
export function fetchDeadline(limits: FetchLimits, signal?: AbortSignal): { signal: AbortSignal; explain(cause: unknown, url: string): EngineError } {
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  return {
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    explain(cause, url) {
      if (cause instanceof EngineError) return cause;
      if (signal?.aborted) return new EngineError('aborted', 'the request was cancelled', { cause });
      if (timeout.aborted) return new EngineError('timeout', `fetching ${url} took longer than ${limits.timeoutMs} ms`, { cause });
      const message = cause instanceof Error ? cause.message : String(cause);
      return new EngineError('fetch-failed', `fetching ${url} failed: ${message}`, { cause });
    },
  };
}

/** Reads a response's body within `limits.maxBytes`; a non-2xx status is a fetch failure. */
export async function readImageResponse(response: Response, url: string, limits: FetchLimits): Promise<Uint8Array> {
  if (!response.ok) throw new EngineError('fetch-failed', `fetching ${url} failed: HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > limits.maxBytes) {
    await response.body?.cancel();
    throw new EngineError('image-too-large', `${url} is ${declared} bytes; the limit is ${limits.maxBytes}`);
  }
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > limits.maxBytes) {
      await reader.cancel();
      throw new EngineError('image-too-large', `${url} is over ${limits.maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
