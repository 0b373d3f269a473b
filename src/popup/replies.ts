import type { EngineSpeed, EngineState, EngineStatus, ExecutionProviderName } from '../messaging/protocol';
import { isRecord, isReply } from '../messaging/validate';

/** Reading `Reply<T>` answers, so every caller handles error and cancel the same way. */

export type Unwrapped = { ok: true; value: unknown } | { ok: false; message: string };

export function unwrapReply(reply: unknown): Unwrapped {
  if (!isReply(reply)) return { ok: false, message: 'no answer' };
  if ('output' in reply) return { ok: true, value: reply.output };
  if ('error' in reply) return { ok: false, message: reply.error.message || reply.error.code };
  return { ok: false, message: 'cancelled' };
}

const engineStates: readonly EngineState[] = ['idle', 'loading', 'ready', 'failed'];
const engineSpeeds: readonly EngineSpeed[] = ['unknown', 'ok', 'too-slow'];

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/**
 * State, queue and cache entries are required; everything else has a safe
 * reading when missing or malformed, so a background from an older version
 * (no `cacheBytes`, `speed` or `speedCheckMs`) still gives a usable status:
 * no bytes counted, speed not measured.
 */
export function parseEngineStatus(value: unknown): EngineStatus | undefined {
  if (!isRecord(value)) return undefined;
  const state = engineStates.find((s) => s === value.state);
  if (!state || !isCount(value.queued) || !isCount(value.cacheEntries)) return undefined;
  return {
    state,
    queued: value.queued,
    cacheEntries: value.cacheEntries,
    cacheBytes: isCount(value.cacheBytes) ? value.cacheBytes : 0,
    threads: isCount(value.threads) ? value.threads : 0,
    speed: engineSpeeds.find((s) => s === value.speed) ?? 'unknown',
    ...(isCount(value.loadMs) ? { loadMs: value.loadMs } : {}),
    ...(isCount(value.speedCheckMs) ? { speedCheckMs: value.speedCheckMs } : {}),
    ...(typeof value.error === 'string' ? { error: value.error } : {}),
    ...(isRecord(value.executionProviders) ? { executionProviders: parseProviders(value.executionProviders) } : {}),
  };
}

export function parseCleared(value: unknown): number | undefined {
  return isRecord(value) && isCount(value.cleared) ? value.cleared : undefined;
}

const providerNames: readonly ExecutionProviderName[] = ['wasm', 'webgpu', 'native'];

/** Model name -> provider; anything else is dropped. */
function parseProviders(value: unknown): Record<string, ExecutionProviderName> {
  if (!isRecord(value)) return {};
  const out: Record<string, ExecutionProviderName> = {};
  for (const [model, provider] of Object.entries(value)) {
    const known = providerNames.find((p) => p === provider);
    if (known) out[model] = known;
  }
  return out;
}
