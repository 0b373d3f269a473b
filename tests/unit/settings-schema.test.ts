import { describe, expect, it } from 'vitest';
import { defaultSettings, descriptionStyle, isEnabledFor, migrateSettingsV1ToV2, migrateSettingsV2ToV3, normaliseSettings, normaliseSite, withSite } from '../../src/settings/schema';
import type { Settings, SettingsV1, SettingsV2 } from '../../src/settings/schema';
import { settingsMigrations, settingsVersion } from '../../src/settings/migrations';

describe('settings schema', () => {
  const v1: SettingsV1 = { enabled: false, disabledSites: ['example.com'], prefix: 'AI: ', replaceJunkAlt: false, minSize: 40 };
  const v2: SettingsV2 = { ...v1, captionModel: false, neutralWording: false };

  it('migrates version 1 settings, keeping every choice and turning the caption model on with neutral words', () => {
    expect(migrateSettingsV1ToV2(v1)).toEqual({ ...v1, captionModel: true, neutralWording: true });
  });

  it('migrates version 2 settings, keeping every choice and following the browser\'s language, with the GPU allowed', () => {
    expect(migrateSettingsV2ToV3(v2)).toEqual({ ...v2, descriptionLanguage: 'auto', useGpu: true });
  });

  it('has a migration for every version up to the current one, and runs them in order as WXT does', () => {
    expect(settingsVersion).toBe(3);
    expect(Object.keys(settingsMigrations).map(Number)).toEqual([2, 3]);
    // WXT runs migrations[from + 1] … migrations[version] on the stored value.
    const runFrom = (from: number, value: unknown): unknown => {
      let migrated = value;
      for (let version = from + 1; version <= settingsVersion; version++) {
        const migrate = (settingsMigrations as Record<number, (old: never) => unknown>)[version];
        migrated = migrate ? migrate(migrated as never) : migrated;
      }
      return migrated;
    };
    const fromV1: Settings = { ...v1, captionModel: true, neutralWording: true, descriptionLanguage: 'auto', useGpu: true };
    expect(runFrom(1, v1)).toEqual(fromV1);
    expect(normaliseSettings(runFrom(1, v1) as Settings)).toEqual(fromV1);
    expect(runFrom(2, v2)).toEqual({ ...v2, descriptionLanguage: 'auto', useGpu: true });
    const current: Settings = { ...v2, descriptionLanguage: 'de', useGpu: false };
    expect(runFrom(3, current)).toBe(current);
  });

  it('fills a missing or unknown language of descriptions with auto, and keeps a valid one', () => {
    expect(defaultSettings.descriptionLanguage).toBe('auto');
    expect(normaliseSettings(v2).descriptionLanguage).toBe('auto');
    for (const bad of ['fr', 'DE', 'german', '', 3, null, true, ['de'], { language: 'de' }]) {
      const corrupt = { ...defaultSettings, descriptionLanguage: bad } as unknown as Settings;
      expect(normaliseSettings(corrupt).descriptionLanguage, JSON.stringify(bad)).toBe('auto');
    }
    for (const good of ['auto', 'en', 'de'] as const) expect(normaliseSettings({ ...defaultSettings, descriptionLanguage: good }).descriptionLanguage).toBe(good);
  });

  it('normalises nothing at all, or garbage, to the defaults', () => {
    expect(normaliseSettings(undefined)).toEqual(defaultSettings);
    expect(normaliseSettings(null)).toEqual(defaultSettings);
    expect(normaliseSettings({ prefix: 42, minSize: 'big', enabled: 'no' } as unknown as Settings)).toEqual(defaultSettings);
  });

  it('fills missing or corrupt wording settings with the defaults, and keeps valid ones', () => {
    expect(normaliseSettings(v1)).toMatchObject({ captionModel: true, neutralWording: true, prefix: 'AI: ' });
    const corrupt = { ...defaultSettings, captionModel: 'yes', neutralWording: 0 } as unknown as typeof defaultSettings;
    expect(normaliseSettings(corrupt)).toMatchObject({ captionModel: true, neutralWording: true });
    expect(normaliseSettings({ ...defaultSettings, captionModel: false, neutralWording: false })).toMatchObject({ captionModel: false, neutralWording: false });
  });

  it('tells the engine how to word a description', () => {
    expect(descriptionStyle(defaultSettings, 'en-US')).toEqual({ caption: true, neutral: true, language: 'en' });
    expect(descriptionStyle({ ...defaultSettings, captionModel: false, neutralWording: false }, 'en')).toEqual({ caption: false, neutral: false, language: 'en' });
  });

  it('tells the engine the language: the browser\'s for auto, else the one chosen', () => {
    expect(descriptionStyle(defaultSettings, 'de-AT').language).toBe('de');
    expect(descriptionStyle(defaultSettings, 'fr').language).toBe('en');
    expect(descriptionStyle({ ...defaultSettings, descriptionLanguage: 'en' }, 'de').language).toBe('en');
    expect(descriptionStyle({ ...defaultSettings, descriptionLanguage: 'de' }, 'en-GB').language).toBe('de');
  });
});

describe('the per-site switch', () => {
  const off = (...disabledSites: string[]) => ({ ...defaultSettings, disabledSites });

  it('turns a site off with its subdomains, whatever the case or www.', () => {
    const settings = off('bank.com');
    expect(isEnabledFor(settings, 'bank.com')).toBe(false);
    expect(isEnabledFor(settings, 'www.bank.com')).toBe(false);
    expect(isEnabledFor(settings, 'secure.bank.com')).toBe(false);
    expect(isEnabledFor(settings, 'a.b.Secure.BANK.com')).toBe(false);
    expect(isEnabledFor(settings, 'bank.com.')).toBe(false);
  });

  it('does not match other sites that merely end with the same letters', () => {
    const settings = off('bank.com');
    expect(isEnabledFor(settings, 'notbank.com')).toBe(true);
    expect(isEnabledFor(settings, 'bank.com.evil.org')).toBe(true);
    expect(isEnabledFor(settings, 'com')).toBe(true);
  });

  it('a subdomain turned off leaves its parent on', () => {
    const settings = off('secure.bank.com');
    expect(isEnabledFor(settings, 'secure.bank.com')).toBe(false);
    expect(isEnabledFor(settings, 'bank.com')).toBe(true);
    expect(isEnabledFor(settings, 'www.bank.com')).toBe(true);
  });

  it('everything is off when LightCap is off', () => {
    expect(isEnabledFor({ ...defaultSettings, enabled: false }, 'example.com')).toBe(false);
  });

  it('keeps normaliseSite as it was: lowercase, no www.', () => {
    expect(normaliseSite(' WWW.Example.COM ')).toBe('example.com');
    expect(normaliseSite('www2.example.com')).toBe('www2.example.com');
    // Never a bare suffix: turning www.com off must not turn off every .com site.
    expect(normaliseSite('www.com')).toBe('www.com');
    expect(normaliseSite('www.co.uk')).toBe('www.co.uk');
    expect(normaliseSite('www.example.co.uk')).toBe('example.co.uk');
    expect(isEnabledFor(withSite(defaultSettings, 'www.com', false), 'example.com')).toBe(true);
  });

  it('keeps the newest 5,000 sites turned off, so the site just turned off is never the one dropped', () => {
    const full = { ...defaultSettings, disabledSites: Array.from({ length: 5000 }, (_, i) => `site${i}.example`) };
    const after = normaliseSettings(withSite(full, 'new.example', false));
    expect(isEnabledFor(after, 'new.example')).toBe(false);
    expect(after.disabledSites).toHaveLength(5000);
  });

  it('withSite turns a host off, and on again even when a parent domain turned it off', () => {
    const disabled = withSite(defaultSettings, 'www.Shop.example', false);
    expect(disabled.disabledSites).toEqual(['shop.example']);
    expect(isEnabledFor(disabled, 'cart.shop.example')).toBe(false);
    const reenabled = withSite(off('bank.com', 'other.org'), 'secure.bank.com', true);
    expect(reenabled.disabledSites).toEqual(['other.org']);
    expect(isEnabledFor(reenabled, 'secure.bank.com')).toBe(true);
  });
});
