import { describe, expect, it } from 'vitest';
import { clearedMessage, engineStateLabel, formatCount, formatMilliseconds } from '../../src/popup/format';

describe('engineStateLabel', () => {
  it('names every state in words', () => {
    expect(engineStateLabel({ state: 'idle' })).toBe('Not loaded yet');
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
