import { describe, expect, it } from 'vitest';
import { createPopupFormat } from '../../src/popup/format';
import { englishLocaliser } from '../../src/shared/i18n';
import { germanLocaliser } from './i18n-helpers';

const { clearedMessage, engineStateLabel, formatBytes, formatCacheSize, formatCount, formatMilliseconds, formatSeconds, slowEngineMessage } = createPopupFormat(englishLocaliser);

describe('engineStateLabel', () => {
  it('names every state in words', () => {
    expect(engineStateLabel({ state: 'idle' })).toBe('Not loaded: it loads when a page needs it');
    expect(engineStateLabel({ state: 'loading' })).toBe('Loading…');
    expect(engineStateLabel({ state: 'ready' })).toBe('Ready');
    expect(engineStateLabel({ state: 'failed' })).toBe('Failed');
  });

  it('gives the error of a failed load', () => {
    expect(engineStateLabel({ state: 'failed', error: 'out of memory' })).toBe('Failed: out of memory');
  });

  it('ignores a stale error once the state moved on', () => {
    expect(engineStateLabel({ state: 'ready', error: 'old' })).toBe('Ready');
  });
});

describe('numbers', () => {
  it('groups thousands', () => {
    expect(formatCount(12345)).toBe('12,345');
  });

  it('spells out milliseconds, rounded', () => {
    expect(formatMilliseconds(1234.6)).toBe('1,235 milliseconds');
    expect(formatMilliseconds(1)).toBe('1 millisecond');
    expect(formatMilliseconds(-3)).toBe('0 milliseconds');
  });

  it('says how many descriptions were cleared', () => {
    expect(clearedMessage(0)).toBe('Cleared 0 descriptions');
    expect(clearedMessage(1)).toBe('Cleared 1 description');
    expect(clearedMessage(2500)).toBe('Cleared 2,500 descriptions');
  });
});

describe('formatBytes', () => {
  it('counts small sizes in bytes', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(999)).toBe('999 bytes');
  });

  it('uses decimal units, one decimal below 10', () => {
    expect(formatBytes(1000)).toBe('1 kB');
    expect(formatBytes(1500)).toBe('1.5 kB');
    expect(formatBytes(340_000)).toBe('340 kB');
    expect(formatBytes(2_100_000)).toBe('2.1 MB');
    expect(formatBytes(2_149_999)).toBe('2.1 MB');
    expect(formatBytes(12_600_000)).toBe('13 MB');
    expect(formatBytes(3_400_000_000)).toBe('3.4 GB');
  });

  it('carries a rounded 1,000 into the next unit', () => {
    expect(formatBytes(999_960)).toBe('1 MB');
    expect(formatBytes(9_960)).toBe('10 kB');
  });

  it('stops at the largest unit and reads nonsense as nothing', () => {
    expect(formatBytes(5e15)).toBe('5,000 TB');
    expect(formatBytes(-3)).toBe('0 bytes');
    expect(formatBytes(Number.NaN)).toBe('0 bytes');
    expect(formatBytes(Number.POSITIVE_INFINITY)).toBe('0 bytes');
  });
});

describe('formatCacheSize', () => {
  it('gives entries and size', () => {
    expect(formatCacheSize(1234, 2_100_000)).toBe('1,234 descriptions, 2.1 MB');
    expect(formatCacheSize(1, 812)).toBe('1 description, 812 bytes');
  });

  it('leaves out a size the background did not measure', () => {
    expect(formatCacheSize(0, 0)).toBe('0 descriptions');
    expect(formatCacheSize(40, 0)).toBe('40 descriptions');
  });
});

describe('formatSeconds', () => {
  it('spells out seconds, one decimal below 10', () => {
    expect(formatSeconds(31_234)).toBe('31 seconds');
    expect(formatSeconds(2_540)).toBe('2.5 seconds');
    expect(formatSeconds(1_000)).toBe('1 second');
    expect(formatSeconds(0)).toBe('0 seconds');
    expect(formatSeconds(-5)).toBe('0 seconds');
  });
});

describe('slowEngineMessage', () => {
  it('says nothing unless the engine is too slow', () => {
    expect(slowEngineMessage({ speed: 'ok', speedCheckMs: 900 })).toBeUndefined();
    expect(slowEngineMessage({ speed: 'unknown' })).toBeUndefined();
  });

  it('says plainly that images are not described, with the speed check time when known', () => {
    expect(slowEngineMessage({ speed: 'too-slow', speedCheckMs: 31_234 })).toBe(
      'The description model runs too slowly on this device (one image took 31 seconds), so images are not being described.',
    );
    expect(slowEngineMessage({ speed: 'too-slow' })).toBe('The description model runs too slowly on this device, so images are not being described.');
  });
});

describe('in German', () => {
  const german = createPopupFormat(germanLocaliser('de-DE'));

  it('words states and numbers with German words and German number format', () => {
    expect(german.engineStateLabel({ state: 'idle' })).toBe('Nicht geladen: wird geladen, sobald eine Seite es braucht');
    expect(german.engineStateLabel({ state: 'failed', error: 'out of memory' })).toBe('Fehlgeschlagen: out of memory');
    expect(german.formatCount(12345)).toBe('12.345');
    expect(german.formatMilliseconds(1)).toBe('1 Millisekunde');
    expect(german.formatMilliseconds(1234.6)).toBe('1.235 Millisekunden');
    expect(german.formatSeconds(2_540)).toBe('2,5 Sekunden');
    expect(german.formatSeconds(1_000)).toBe('1 Sekunde');
    expect(german.formatBytes(1)).toBe('1 Byte');
    expect(german.formatBytes(2_100_000)).toBe('2,1 MB');
  });

  it('says how many descriptions are stored or were cleared', () => {
    expect(german.formatCacheSize(1, 812)).toBe('1 Beschreibung, 812 Byte');
    expect(german.formatCacheSize(1234, 0)).toBe('1.234 Beschreibungen');
    expect(german.clearedMessage(1)).toBe('1 Beschreibung gelöscht');
    expect(german.clearedMessage(2500)).toBe('2.500 Beschreibungen gelöscht');
    expect(german.savedMessage()).toBe('Gespeichert');
  });

  it('says plainly that the engine is too slow', () => {
    expect(german.slowEngineMessage({ speed: 'too-slow', speedCheckMs: 31_234 })).toBe(
      'Das Beschreibungsmodell läuft auf diesem Gerät zu langsam (ein Bild dauerte 31 Sekunden), deshalb werden keine Bilder beschrieben.',
    );
  });
});

describe('where the engine runs', () => {
  const { runsOn } = createPopupFormat(englishLocaliser);
  it('names the processor and its threads, and the graphics processor when a model runs there', () => {
    expect(runsOn({ threads: 2, executionProviders: { 'detector:centernet.onnx': 'wasm', 'caption decoder': 'wasm' } })).toBe('the processor, 2 threads');
    expect(runsOn({ threads: 1, executionProviders: { 'detector:centernet.onnx': 'wasm' } })).toBe('the processor, 1 thread');
    expect(runsOn({ threads: 3, executionProviders: { 'detector:centernet.onnx': 'webgpu', 'caption decoder': 'wasm' } })).toBe('the graphics processor (WebGPU) and the processor, 3 threads');
    expect(createPopupFormat(germanLocaliser('de-DE')).runsOn({ threads: 2, executionProviders: { 'ocr-detection': 'webgpu' } })).toBe('dem Grafikprozessor (WebGPU) und dem Prozessor, 2 Threads');
  });

  it('says nothing before the models load', () => {
    expect(runsOn({ threads: 2, executionProviders: {} })).toBeUndefined();
    expect(runsOn({ threads: 0, executionProviders: undefined })).toBeUndefined();
  });
});
