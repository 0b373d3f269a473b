import { describe, expect, it } from 'vitest';
import { pageKindOf, parsePageStats, readPageStats, tabIdFromSearch } from '../../src/popup/page';

const stats = { found: 6, captioned: 2, pending: 1, failed: 1, unsure: 1, decorative: 1, enabled: true };

describe('pageKindOf', () => {
  it('takes http and https pages, by normalised host name', () => {
    expect(pageKindOf('https://www.Example.com/a?b')).toEqual({ kind: 'web', site: 'example.com' });
    expect(pageKindOf('http://localhost:8080/')).toEqual({ kind: 'web', site: 'localhost' });
  });

  it('refuses pages where content scripts cannot run', () => {
    for (const url of [
      undefined,
      '',
      'not a url',
      'chrome://extensions/',
      'about:blank',
      'chrome-extension://abc/popup.html',
      'https://chromewebstore.google.com/detail/x',
      'https://addons.mozilla.org/en-US/firefox/',
    ]) {
      expect(pageKindOf(url), String(url)).toEqual({ kind: 'restricted' });
    }
  });
});

describe('pageKindOf, file: pages', () => {
  it('takes a file: page as one without a site, where only the global switch applies', () => {
    expect(pageKindOf('file:///home/a.html')).toEqual({ kind: 'local' });
  });
});

describe('tabIdFromSearch', () => {
  it('reads a numeric tabId and nothing else', () => {
    expect(tabIdFromSearch('?tabId=42')).toBe(42);
    expect(tabIdFromSearch('')).toBeUndefined();
    expect(tabIdFromSearch('?tabId=')).toBeUndefined();
    expect(tabIdFromSearch('?tabId=-1')).toBeUndefined();
    expect(tabIdFromSearch('?tabId=4x')).toBeUndefined();
  });
});

describe('parsePageStats', () => {
  it('accepts well-formed counts', () => {
    expect(parsePageStats(stats)).toEqual(stats);
    expect(parsePageStats({ ...stats, enabled: false })).toEqual({ ...stats, enabled: false });
  });

  it('keeps "not confident" apart from failed', () => {
    expect(parsePageStats({ ...stats, failed: 2, unsure: 7 })).toMatchObject({ failed: 2, unsure: 7 });
  });

  it('reads a content script that sends no unsure count as none unsure', () => {
    const { unsure: _unsure, ...older } = stats;
    expect(parsePageStats(older)).toEqual({ ...stats, unsure: 0 });
  });

  it('rounds fractional counts down', () => {
    expect(parsePageStats({ ...stats, found: 6.9, unsure: 1.5 })).toMatchObject({ found: 6, unsure: 1 });
  });

  it('rejects missing, negative or non-numeric counts', () => {
    expect(parsePageStats({ ...stats, found: -1 })).toBeUndefined();
    expect(parsePageStats({ ...stats, pending: '3' })).toBeUndefined();
    expect(parsePageStats({ ...stats, failed: Number.NaN })).toBeUndefined();
    expect(parsePageStats({ found: 1, enabled: true })).toBeUndefined();
    expect(parsePageStats({ ...stats, enabled: 'yes' })).toBeUndefined();
    expect(parsePageStats(null)).toBeUndefined();
  });

  it('rejects a bad unsure count like any other', () => {
    expect(parsePageStats({ ...stats, unsure: -1 })).toBeUndefined();
    expect(parsePageStats({ ...stats, unsure: '2' })).toBeUndefined();
    expect(parsePageStats({ ...stats, unsure: null })).toBeUndefined();
    expect(parsePageStats({ ...stats, unsure: Number.POSITIVE_INFINITY })).toBeUndefined();
  });
});

describe('readPageStats', () => {
  it('returns the counts of an output reply', async () => {
    expect(await readPageStats(async () => ({ output: stats }))).toEqual({ kind: 'stats', stats });
  });

  it('reports a missing content script for a rejection or an empty answer', async () => {
    expect(await readPageStats(() => Promise.reject(new Error('Could not establish connection. Receiving end does not exist.')))).toEqual({ kind: 'absent' });
    expect(await readPageStats(async () => undefined)).toEqual({ kind: 'absent' });
  });

  it('passes on an error reply and flags unreadable counts', async () => {
    expect(await readPageStats(async () => ({ error: { code: 'internal', message: 'boom' } }))).toEqual({ kind: 'error', message: 'boom' });
    expect((await readPageStats(async () => ({ output: { found: 'many' } }))).kind).toBe('error');
  });
});
