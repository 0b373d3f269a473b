import type { EngineState, EngineStatus } from '../messaging/protocol';
import type { Localiser, MessageKey } from '../shared/i18n';

/**
 * Words the popup shows for engine and page numbers. Kept apart from the
 * markup so the wording is tested, and so a screen reader hears the same
 * phrase a sighted user reads. Numbers are formatted for the language the
 * words are in ("2.1 MB", "2,1 MB").
 */
export interface PopupFormat {
  engineStateLabel(status: Pick<EngineStatus, 'state' | 'error'>): string;
  formatCount(value: number): string;
  /** Spelled out: screen readers read "ms" letter by letter. */
  formatMilliseconds(ms: number): string;
  /** Spelled out, like milliseconds: "31 seconds", "2.5 seconds". */
  formatSeconds(ms: number): string;
  /** Decimal units, as browsers show download and storage sizes: "2.1 MB", "340 kB", "12 bytes". */
  formatBytes(bytes: number): string;
  /**
   * The cache as entries and size. A size of 0 with entries in the cache means
   * the background did not measure it (an older version), so none is shown.
   */
  formatCacheSize(entries: number, bytes: number): string;
  /**
   * What the popup says when the speed check found the engine too slow to use on
   * this device; undefined otherwise. Plain words: this is why a page's
   * images stay without descriptions.
   */
  slowEngineMessage(status: Pick<EngineStatus, 'speed' | 'speedCheckMs'>): string | undefined;
  clearedMessage(cleared: number): string;
  savedMessage(): string;
  /** Where the loaded engine runs: "the processor, 2 threads", or the graphics processor as well; undefined before it loads. */
  runsOn(status: Pick<EngineStatus, 'threads' | 'executionProviders'>): string | undefined;
}

const stateKeys: Record<EngineState, MessageKey> = {
  idle: 'stateIdle',
  loading: 'stateLoading',
  ready: 'stateReady',
  failed: 'stateFailed',
};

const byteUnits = ['kB', 'MB', 'GB', 'TB'] as const;

/** One decimal below 10 ("2.1"), whole numbers above ("31", "340"). */
function roughly(value: number): number {
  return value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
}

/** Counted words with one form for 1 and another for the rest, as English and German have. */
type CountedKeys = readonly [
  one: 'millisecondsOne' | 'secondsOne' | 'bytesOne' | 'descriptionsOne' | 'threadsOne',
  other: 'millisecondsOther' | 'secondsOther' | 'bytesOther' | 'descriptionsOther' | 'threadsOther',
];

export function createPopupFormat({ language, translate }: Localiser): PopupFormat {
  const wholeNumber = new Intl.NumberFormat(language, { maximumFractionDigits: 0 });
  const upToOneDecimal = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
  const counted = ([one, other]: CountedKeys, value: number, shown: string) => translate(value === 1 ? one : other, { count: shown });

  const formatCount = (value: number) => wholeNumber.format(value);
  const descriptions = (count: number) => counted(['descriptionsOne', 'descriptionsOther'], count, formatCount(count));

  const formatBytes = (bytes: number) => {
    const whole = Number.isFinite(bytes) && bytes > 0 ? Math.round(bytes) : 0;
    if (whole < 1000) return counted(['bytesOne', 'bytesOther'], whole, wholeNumber.format(whole));
    let value = whole / 1000;
    let unit = 0;
    // Rounding can carry into the next unit: 999,960 bytes is "1 MB", not "1,000 kB".
    while (roughly(value) >= 1000 && unit < byteUnits.length - 1) {
      value /= 1000;
      unit++;
    }
    return `${upToOneDecimal.format(roughly(value))} ${byteUnits[unit]}`;
  };

  const formatSeconds = (ms: number) => {
    const seconds = roughly(Math.max(0, ms) / 1000);
    return counted(['secondsOne', 'secondsOther'], seconds, upToOneDecimal.format(seconds));
  };

  return {
    engineStateLabel(status) {
      if (status.state === 'failed' && status.error) return translate('stateFailedBecause', { error: status.error });
      return translate(stateKeys[status.state]);
    },
    formatCount,
    formatMilliseconds(ms) {
      const rounded = Math.max(0, Math.round(ms));
      return counted(['millisecondsOne', 'millisecondsOther'], rounded, wholeNumber.format(rounded));
    },
    formatSeconds,
    formatBytes,
    formatCacheSize(entries, bytes) {
      return bytes > 0 ? translate('cacheEntriesAndSize', { entries: descriptions(entries), size: formatBytes(bytes) }) : descriptions(entries);
    },
    slowEngineMessage(status) {
      if (status.speed !== 'too-slow') return undefined;
      if (status.speedCheckMs === undefined || !Number.isFinite(status.speedCheckMs)) return translate('engineTooSlow');
      return translate('engineTooSlowCheck', { duration: formatSeconds(status.speedCheckMs) });
    },
    clearedMessage: (cleared) => translate('cacheCleared', { descriptions: descriptions(cleared) }),
    savedMessage: () => translate('saved'),
    runsOn(status) {
      const providers = Object.values(status.executionProviders ?? {});
      if (status.threads < 1 || providers.length === 0) return undefined;
      const threads = counted(['threadsOne', 'threadsOther'], status.threads, formatCount(status.threads));
      return translate(providers.includes('webgpu') ? 'runsOnGpu' : 'runsOnProcessor', { threads });
    },
  };
}
