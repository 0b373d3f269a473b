import { describe, expect, it } from 'vitest';
import { descriptionLanguages } from '../../src/messaging/protocol';
import { descriptionLanguageSettings, isDescriptionLanguageSetting, resolveDescriptionLanguage } from '../../src/settings/language';
import { defaultSettings } from '../../src/settings/schema';
import { defaultPrefixes, effectivePrefix, settingsForPage } from '../../src/settings/prefix';

describe('resolveDescriptionLanguage', () => {
  it('follows a German browser, whatever the region or spelling', () => {
    for (const ui of ['de', 'de-DE', 'de-AT', 'de-CH', 'de-LI', 'de_CH', 'DE-de', ' de ']) expect(resolveDescriptionLanguage('auto', ui), ui).toBe('de');
  });

  it('is English for English and for every language we cannot describe in', () => {
    for (const ui of ['en', 'en-US', 'en-GB', 'fr', 'fr-CH', 'nl', 'dk', 'des', 'ja', '', 'x-unknown']) expect(resolveDescriptionLanguage('auto', ui), ui).toBe('en');
  });

  it('keeps a language the user chose, whatever the browser says', () => {
    expect(resolveDescriptionLanguage('en', 'de-DE')).toBe('en');
    expect(resolveDescriptionLanguage('de', 'en-US')).toBe('de');
    expect(resolveDescriptionLanguage('de', 'fr')).toBe('de');
  });

  it('offers auto and every language the engine describes in', () => {
    expect(descriptionLanguageSettings).toEqual(['auto', ...descriptionLanguages]);
    for (const value of descriptionLanguageSettings) expect(isDescriptionLanguageSetting(value)).toBe(true);
    for (const value of ['fr', 'Auto', 'EN', '', undefined, null, 1]) expect(isDescriptionLanguageSetting(value)).toBe(false);
  });
});

describe('effectivePrefix', () => {
  it('gives the German disclosure for German descriptions when the prefix is the default', () => {
    expect(defaultSettings.prefix).toBe('Auto-generated: ');
    expect(effectivePrefix(defaultSettings, 'de')).toBe('Automatisch erstellt: ');
    expect(effectivePrefix(defaultSettings, 'en')).toBe('Auto-generated: ');
  });

  it('keeps a prefix the user typed exactly as typed, in every language', () => {
    for (const prefix of ['AI: ', '', 'KI: ', 'auto-generated: ', 'Auto-generated:', ' Auto-generated: ', 'Automatisch erstellt: ']) {
      for (const language of descriptionLanguages) expect(effectivePrefix({ prefix }, language), `${JSON.stringify(prefix)} ${language}`).toBe(prefix);
    }
  });

  it('has a default for every language descriptions are written in, each ending with a space', () => {
    for (const language of descriptionLanguages) expect(defaultPrefixes[language]).toMatch(/\S: $/);
  });
});

describe('settingsForPage', () => {
  it('hands the page the prefix for the language descriptions will be in', () => {
    expect(settingsForPage(defaultSettings, 'de-CH').prefix).toBe('Automatisch erstellt: ');
    expect(settingsForPage(defaultSettings, 'en-US').prefix).toBe('Auto-generated: ');
    expect(settingsForPage({ ...defaultSettings, descriptionLanguage: 'en' }, 'de').prefix).toBe('Auto-generated: ');
    expect(settingsForPage({ ...defaultSettings, descriptionLanguage: 'de' }, 'fr').prefix).toBe('Automatisch erstellt: ');
    expect(settingsForPage({ ...defaultSettings, prefix: 'AI: ' }, 'de').prefix).toBe('AI: ');
  });

  it('resolves the language, and changes nothing else', () => {
    const settings = { ...defaultSettings, minSize: 40, disabledSites: ['a.example'], descriptionLanguage: 'auto' as const };
    expect(settingsForPage(settings, 'de')).toEqual({ ...settings, descriptionLanguage: 'de', prefix: 'Automatisch erstellt: ' });
  });

  it('gives the page the same settings for "auto" and for the language "auto" chose, so switching between them describes nothing again', () => {
    expect(settingsForPage({ ...defaultSettings, descriptionLanguage: 'auto' }, 'de-AT')).toEqual(settingsForPage({ ...defaultSettings, descriptionLanguage: 'de' }, 'de-AT'));
    expect(settingsForPage({ ...defaultSettings, descriptionLanguage: 'auto' }, 'fr')).toEqual(settingsForPage({ ...defaultSettings, descriptionLanguage: 'en' }, 'fr'));
    expect(settingsForPage({ ...defaultSettings, descriptionLanguage: 'auto' }, 'de').descriptionLanguage).not.toBe(settingsForPage({ ...defaultSettings, descriptionLanguage: 'en' }, 'de').descriptionLanguage);
  });
});
