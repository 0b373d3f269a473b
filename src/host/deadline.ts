import { EngineError } from '../engine/errors';
import { raceAbort } from '../shared/abort';

/**
 * Runs one stage of a job under a time limit. The stage gets a signal that
 * fires on the caller's cancel or on expiry; if the stage ignores it (a
 * decode stuck in the browser), the race still settles, so the job frees its
 * slot. A stage that blocks the thread cannot be raced: the background
 * replaces the whole engine host then (see background/host-client.ts).
 */
export function withDeadline<T>(stage: string, ms: number, signal: AbortSignal, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const timeout = AbortSignal.timeout(ms);
  const combined = AbortSignal.any([signal, timeout]);
  return raceAbort(run(combined), combined, () => {
    if (signal.aborted) throw new EngineError('aborted', 'the request was cancelled', { cause: signal.reason });
    throw new EngineError('timeout', `${stage} took longer than ${ms} ms`);
  });
}
