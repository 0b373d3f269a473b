import { EngineError } from '../errors';

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
}

export const defaultFetchLimits: FetchLimits = { timeoutMs: 15_000, maxBytes: 25 * 1024 * 1024 };

/**
 * Fetches image bytes with a timeout and a size cap that holds even when the
 * server lies about Content-Length. Works with the fetch of Node and of any
 * extension page.
 */
export async function fetchImageBytes(
  url: string,
  options: { limits?: FetchLimits; signal?: AbortSignal; init?: RequestInit } = {},
): Promise<Uint8Array> {
  const { limits = defaultFetchLimits, signal, init } = options;
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: combined, credentials: init?.credentials ?? 'omit' });
  } catch (cause) {
    throw abortOr(cause, signal, timeout, url, limits);
  }
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
  try {
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
  } catch (cause) {
    if (cause instanceof EngineError) throw cause;
    throw abortOr(cause, signal, timeout, url, limits);
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function abortOr(cause: unknown, signal: AbortSignal | undefined, timeout: AbortSignal, url: string, limits: FetchLimits): EngineError {
  if (signal?.aborted) return new EngineError('aborted', 'the request was cancelled', { cause });
  if (timeout.aborted) return new EngineError('timeout', `fetching ${url} took longer than ${limits.timeoutMs} ms`, { cause });
  const message = cause instanceof Error ? cause.message : String(cause);
  return new EngineError('fetch-failed', `fetching ${url} failed: ${message}`, { cause });
}
