import type { EngineState, EngineStatus } from '../messaging/protocol';

/**
 * Words the popup shows for engine and page numbers. Kept apart from the
 * markup so the wording is tested, and so a screen reader hears the same
 * phrase a sighted user reads.
 */

const stateLabels: Record<EngineState, string> = {
  idle: 'Not loaded yet',
  loading: 'Loading…',
  ready: 'Ready',
  failed: 'Failed',
};

export function engineStateLabel(status: Pick<EngineStatus, 'state' | 'error'>): string {
  const label = stateLabels[status.state];
  return status.state === 'failed' && status.error ? `${label}: ${status.error}` : label;
}

const wholeNumber = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });

export function formatCount(value: number): string {
  return wholeNumber.format(value);
}

/** Spelled out: screen readers read "ms" letter by letter. */
export function formatMilliseconds(ms: number): string {
  const rounded = Math.max(0, Math.round(ms));
  return `${wholeNumber.format(rounded)} ${rounded === 1 ? 'millisecond' : 'milliseconds'}`;
}

export function clearedMessage(cleared: number): string {
  return `Cleared ${formatCount(cleared)} ${cleared === 1 ? 'description' : 'descriptions'}`;
}

export function savedMessage(): string {
  return 'Saved';
}
