import { describe, expect, it } from 'vitest';
import { pageMayNeedEngine } from '../../src/background/prepare';
import { defaultSettings } from '../../src/settings/schema';

describe('preparing the engine when a page starts loading', () => {
  it('prepares for web pages the extension describes', () => {
    expect(pageMayNeedEngine(defaultSettings, 'https://example.com/news')).toBe(true);
    expect(pageMayNeedEngine(defaultSettings, 'http://127.0.0.1:8080/')).toBe(true);
  });

  it('does not for pages it never describes: switched off, other schemes, or no URL', () => {
    expect(pageMayNeedEngine({ ...defaultSettings, enabled: false }, 'https://example.com/')).toBe(false);
    expect(pageMayNeedEngine({ ...defaultSettings, disabledSites: ['example.com'] }, 'https://www.example.com/')).toBe(false);
    expect(pageMayNeedEngine({ ...defaultSettings, disabledSites: ['example.com'] }, 'https://example.org/')).toBe(true);
    for (const url of ['chrome://newtab/', 'about:blank', 'file:///home/a.html', 'not a url', undefined]) {
      expect(pageMayNeedEngine(defaultSettings, url)).toBe(false);
    }
  });
});
