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

const upToOneDecimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

/** One decimal below 10 ("2.1"), whole numbers above ("31", "340"). */
function roughly(value: number): number {
  return value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
}

/** Spelled out, like milliseconds: "31 seconds", "2.5 seconds". */
export function formatSeconds(ms: number): string {
  const seconds = roughly(Math.max(0, ms) / 1000);
  return `${upToOneDecimal.format(seconds)} ${seconds === 1 ? 'second' : 'seconds'}`;
}

const byteUnits = ['kB', 'MB', 'GB', 'TB'] as const;

/** Decimal units, as browsers show download and storage sizes: "2.1 MB", "340 kB", "12 bytes". */
export function formatBytes(bytes: number): string {
  const whole = Number.isFinite(bytes) && bytes > 0 ? Math.round(bytes) : 0;
  if (whole < 1000) return `${wholeNumber.format(whole)} ${whole === 1 ? 'byte' : 'bytes'}`;
  let value = whole / 1000;
  let unit = 0;
  // Rounding can carry into the next unit: 999,960 bytes is "1 MB", not "1,000 kB".
  while (roughly(value) >= 1000 && unit < byteUnits.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${upToOneDecimal.format(roughly(value))} ${byteUnits[unit]}`;
}

/**
 * The cache as entries and size. A size of 0 with entries in the cache means
 * the background did not measure it (an older version), so none is shown.
 */
export function formatCacheSize(entries: number, bytes: number): string {
  const count = `${formatCount(entries)} ${entries === 1 ? 'description' : 'descriptions'}`;
  return bytes > 0 ? `${count}, ${formatBytes(bytes)}` : count;
}

/**
 * What the popup says when the warm-up found the engine too slow to use on
 * this device; undefined otherwise. Plain words: this is why a page's
 * images stay without descriptions.
 */
export function slowEngineMessage(status: Pick<EngineStatus, 'speed' | 'warmupMs'>): string | undefined {
  if (status.speed !== 'too-slow') return undefined;
  const took = status.warmupMs !== undefined && Number.isFinite(status.warmupMs) ? ` (warm-up took ${formatSeconds(status.warmupMs)})` : '';
  return `The description model runs too slowly on this device${took}, so images are not being described.`;
}

export function clearedMessage(cleared: number): string {
  return `Cleared ${formatCount(cleared)} ${cleared === 1 ? 'description' : 'descriptions'}`;
}

export function savedMessage(): string {
  return 'Saved';
}
