import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLocaliser, createTranslate, englishLocaliser, fillMessage, messagesLanguageFor, primaryLanguage } from '../../src/shared/i18n';
import type { GetMessage } from '../../src/shared/i18n';
import { getMessageFrom, germanLocaliser, readMessages } from './i18n-helpers';

describe('fillMessage', () => {
  it('fills named placeholders from their substitutions, whatever the case of the name', () => {
    const entry = { message: 'From $Min$ to $MAX$.', placeholders: { min: { content: '$1' }, Max: { content: '$2' } } };
    expect(fillMessage(entry, ['1', '512'])).toBe('From 1 to 512.');
  });

  it('reads $$ as a dollar sign and a missing substitution as nothing', () => {
    expect(fillMessage({ message: 'Costs $$5 $X$.', placeholders: { x: { content: '$1' } } })).toBe('Costs $5 .');
  });

  it('never reads what it inserted as a template', () => {
    const entry = { message: 'Error: $ERROR$', placeholders: { error: { content: '$1' } } };
    expect(fillMessage(entry, ['$1 $$ $ERROR$'])).toBe('Error: $1 $$ $ERROR$');
  });
});

describe('createTranslate', () => {
  it('is English with no getMessage, and fills placeholders by name', () => {
    const translate = createTranslate();
    expect(translate('saved')).toBe('Saved');
    expect(translate('minSizeHint', { min: '1', max: '512' })).toBe('Smaller images are skipped. From 1 to 512.');
  });

  it('passes the substitutions in the order of their $1, $2', () => {
    const calls: [string, string[] | undefined][] = [];
    const getMessage: GetMessage = (key, substitutions) => {
      calls.push([key, substitutions]);
      return 'x';
    };
    createTranslate(getMessage)('cacheEntriesAndSize', { size: '2 MB', entries: '3 descriptions' });
    createTranslate(getMessage)('saved');
    expect(calls).toEqual([
      ['cacheEntriesAndSize', ['3 descriptions', '2 MB']],
      ['saved', []],
    ]);
  });

  it('falls back to English where the browser gives nothing or throws', () => {
    expect(createTranslate(() => '')('toastCopy')).toBe('Copy');
    expect(
      createTranslate(() => {
        throw new Error('no i18n here');
      })('describeOnSite', { site: 'example.com' }),
    ).toBe('Describe images on example.com');
  });

  it('reads the German messages as a German browser would', () => {
    const { translate } = germanLocaliser();
    expect(translate('descriptionLanguageLabel')).toBe('Sprache der Beschreibungen');
    expect(translate('descriptionLanguageBrowser', { language: 'Deutsch' })).toBe('Browsersprache (Deutsch)');
    expect(translate('describeOnSite', { site: 'example.com' })).toBe('Bilder auf example.com beschreiben');
  });

  it('falls back to English for a key a partial translation lacks', () => {
    const { saved: _dropped, ...partial } = readMessages('de');
    const translate = createTranslate(getMessageFrom(partial));
    expect(translate('saved')).toBe('Saved');
    expect(translate('toastCopy')).toBe('Kopieren');
  });
});

describe('language tags', () => {
  it('takes the primary language of either separator', () => {
    expect(primaryLanguage('de-AT')).toBe('de');
    expect(primaryLanguage('de_CH')).toBe('de');
    expect(primaryLanguage('EN')).toBe('en');
  });

  it('names the language the messages will be in: the UI language where we ship it, English otherwise', () => {
    expect(messagesLanguageFor('de')).toBe('de');
    expect(messagesLanguageFor('de_CH')).toBe('de-CH');
    expect(messagesLanguageFor('en-GB')).toBe('en-GB');
    expect(messagesLanguageFor('fr-FR')).toBe('en');
    expect(messagesLanguageFor('')).toBe('en');
    expect(messagesLanguageFor('de-at')).toBe('de-AT');
    expect(messagesLanguageFor('de-')).toBe('de');
    expect(() => new Intl.NumberFormat(messagesLanguageFor('de-!!'))).not.toThrow();
  });

  it('is English without getMessage, whatever the UI language', () => {
    expect(createLocaliser('de').language).toBe('en');
    expect(englishLocaliser.language).toBe('en');
    expect(germanLocaliser('de-AT').language).toBe('de-AT');
  });
});

describe('extensionLocaliser', () => {
  afterEach(() => {
    vi.doUnmock('wxt/browser');
    vi.resetModules();
  });

  it('is English where there is no browser API (unit tests)', async () => {
    vi.resetModules();
    const { browserUiLanguage, extensionLocaliser } = await import('../../src/shared/extension-i18n');
    expect(browserUiLanguage()).toBe('en');
    const localiser = extensionLocaliser();
    expect(localiser.language).toBe('en');
    expect(localiser.translate('toastClose')).toBe('Close');
  });

  it('reads browser.i18n: a German browser gets German', async () => {
    const german = getMessageFrom(readMessages('de'));
    // wxt/browser is read once per process (it is not reloaded by resetModules), so it is stood in for here.
    vi.doMock('wxt/browser', () => ({ browser: { i18n: { getUILanguage: () => 'de-AT', getMessage: german } } }));
    vi.resetModules();
    const { browserUiLanguage, extensionLocaliser } = await import('../../src/shared/extension-i18n');
    expect(browserUiLanguage()).toBe('de-AT');
    const localiser = extensionLocaliser();
    expect(localiser.language).toBe('de-AT');
    expect(localiser.translate('toastClose')).toBe('Schließen');
  });
});
