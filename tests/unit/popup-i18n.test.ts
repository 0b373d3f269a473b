import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { descriptionLanguageOptions, languageNames } from '../../src/popup/language';
import { englishLocaliser } from '../../src/shared/i18n';
import { englishMessages } from '../../src/shared/messages-en';
import { getMessageFrom, germanLocaliser, readMessages } from './i18n-helpers';

describe('the language options', () => {
  it('name the language "Browser language" gives, then each language by its own name', () => {
    expect(descriptionLanguageOptions(englishLocaliser.translate, 'en-US')).toEqual([
      { value: 'auto', label: 'Browser language (English)', lang: undefined },
      { value: 'en', label: 'English', lang: 'en' },
      { value: 'de', label: 'Deutsch', lang: 'de' },
    ]);
    expect(descriptionLanguageOptions(englishLocaliser.translate, 'fr')[0]?.label).toBe('Browser language (English)');
  });

  it('are in German in a German browser', () => {
    const german = germanLocaliser('de-AT');
    expect(descriptionLanguageOptions(german.translate, 'de-AT').map((option) => option.label)).toEqual(['Browsersprache (Deutsch)', 'English', 'Deutsch']);
  });

  it('name every language the engine describes in', () => {
    expect(Object.keys(languageNames).sort()).toEqual(['de', 'en']);
  });
});

describe('the popup module in a German browser', () => {
  afterEach(() => {
    vi.doUnmock('wxt/browser');
    vi.resetModules();
  });

  it('gives German words, German numbers and the UI language for <html lang>', async () => {
    const getMessage = getMessageFrom(readMessages('de'));
    vi.doMock('wxt/browser', () => ({ browser: { i18n: { getUILanguage: () => 'de-CH', getMessage } } }));
    vi.resetModules();
    const popup = await import('../../src/popup/i18n');
    expect(popup.uiLanguage).toBe('de-CH');
    expect(popup.localiser.language).toBe('de-CH');
    expect(popup.t('descriptionLanguageLabel')).toBe('Sprache der Beschreibungen');
    expect(popup.format.savedMessage()).toBe('Gespeichert');
    expect(popup.fields.minSizeHint).toBe('Kleinere Bilder werden übersprungen. Von 1 bis 512.');
  });

  it('is English without a browser (as in every other unit test)', async () => {
    vi.resetModules();
    const popup = await import('../../src/popup/i18n');
    expect(popup.localiser.language).toBe('en');
    expect(popup.format.savedMessage()).toBe('Saved');
  });
});

/**
 * The components are not rendered in unit tests (the e2e test drives the
 * real popup), so their markup is read as text: every word a user sees or
 * hears comes from the messages.
 */
describe('popup components', () => {
  const popupDir = fileURLToPath(new URL('../../entrypoints/popup', import.meta.url));
  const components = readdirSync(popupDir).filter((name) => name.endsWith('.svelte'));
  const markupOf = (file: string) =>
    readFileSync(join(popupDir, file), 'utf8')
      .replace(/<script[\s\S]*?<\/script>/g, '')
      .replace(/<style[\s\S]*?<\/style>/g, '')
      .replace(/<!--[\s\S]*?-->/g, '');
  /** Drops `{…}` expressions, innermost first, so `{t('x', { a })}` goes whole. */
  const withoutExpressions = (markup: string) => {
    let previous = '';
    let text = markup;
    while (text !== previous) {
      previous = text;
      text = text.replace(/\{[^{}]*\}/g, '');
    }
    return text;
  };
  /** The product name is not translated. */
  const untranslated = new Set(['LightCap Alt']);

  it('have no hard-coded text between tags', () => {
    for (const file of components) {
      const texts = [...withoutExpressions(markupOf(file)).matchAll(/>([^<>]+)</g)].map((match) => match[1]!.trim()).filter(Boolean);
      expect(texts.filter((text) => !untranslated.has(text)), file).toEqual([]);
    }
  });

  it('have no hard-coded labels, hints or names in attributes', () => {
    for (const file of components) {
      const attributes = [...markupOf(file).matchAll(/\s(label|title|placeholder|aria-label|alt)="([^"]*)"/g)].map((match) => `${match[1]}="${match[2]}"`);
      expect(attributes, file).toEqual([]);
    }
  });

  it('use only keys the messages have', () => {
    for (const file of components) {
      const source = readFileSync(join(popupDir, file), 'utf8');
      for (const [, key] of source.matchAll(/\bt\('([^']+)'/g)) expect(Object.keys(englishMessages), `${file}: ${key}`).toContain(key);
    }
  });

  it('offer the language of descriptions as a labelled, described select', () => {
    const app = markupOf('App.svelte');
    expect(app).toMatch(/<label for="description-language">\{t\('descriptionLanguageLabel'\)\}<\/label>/);
    expect(app).toMatch(/<select id="description-language" aria-describedby="description-language-hint"/);
    expect(app).toMatch(/<p id="description-language-hint" class="hint">/);
  });
});
