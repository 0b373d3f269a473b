import { describe, expect, it } from 'vitest';
import { defaultSettings, descriptionStyle, isEnabledFor, migrateSettingsV1ToV2, normaliseSettings, normaliseSite, withSite } from '../../src/settings/schema';

describe('settings schema', () => {
  const v1 = { enabled: false, disabledSites: ['example.com'], prefix: 'AI: ', replaceJunkAlt: false, minSize: 40 };

  it('migrates version 1 settings, keeping every choice and turning the caption model on with neutral words', () => {
    expect(migrateSettingsV1ToV2(v1)).toEqual({ ...v1, captionModel: true, neutralWording: true });
  });

  it('fills missing or corrupt wording settings with the defaults, and keeps valid ones', () => {
    expect(normaliseSettings(v1)).toMatchObject({ captionModel: true, neutralWording: true, prefix: 'AI: ' });
    const corrupt = { ...defaultSettings, captionModel: 'yes', neutralWording: 0 } as unknown as typeof defaultSettings;
    expect(normaliseSettings(corrupt)).toMatchObject({ captionModel: true, neutralWording: true });
    expect(normaliseSettings({ ...defaultSettings, captionModel: false, neutralWording: false })).toMatchObject({ captionModel: false, neutralWording: false });
  });

  it('tells the engine how to word a description', () => {
    expect(descriptionStyle(defaultSettings)).toEqual({ caption: true, neutral: true, language: 'en' });
    expect(descriptionStyle({ ...defaultSettings, captionModel: false, neutralWording: false })).toEqual({ caption: false, neutral: false, language: 'en' });
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
