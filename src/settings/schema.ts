import type { DescriptionStyle } from '../messaging/protocol';
import { isDescriptionLanguageSetting, resolveDescriptionLanguage } from './language';
import type { DescriptionLanguageSetting } from './language';

/** Everything the user can set. Stored as one versioned item; see storage.ts. */
export interface Settings {
  enabled: boolean;
  /** Hostnames where the user turned LightCap off. */
  disabledSites: string[];
  /** Placed first in every generated alt, so listeners know it is machine-made. May be empty. */
  prefix: string;
  /** Treat file names and placeholders ("IMG_1234.jpg", "image") as missing alt. */
  replaceJunkAlt: boolean;
  /** Images smaller than this, in CSS pixels on either side, are skipped. */
  minSize: number;
  /**
   * Lead with the LightCap caption when the model is sure of it; off gives
   * only the detected objects and the text read in the image.
   */
  captionModel: boolean;
  /** "person", "child" instead of the model's guess of gender from pixels. */
  neutralWording: boolean;
  /** The language descriptions are written in; 'auto' follows the browser's (see language.ts). */
  descriptionLanguage: DescriptionLanguageSetting;
  /** Run the detector on the GPU (WebGPU) where the device has one; Chrome only. */
  useGpu: boolean;
}

/** The stored shape before version 3 added the language of descriptions and the GPU switch. */
export type SettingsV2 = Omit<Settings, 'descriptionLanguage' | 'useGpu'>;
/** The stored shape before version 2 added the caption model. */
export type SettingsV1 = Omit<SettingsV2, 'captionModel' | 'neutralWording'>;

export const defaultSettings: Settings = {
  enabled: true,
  disabledSites: [],
  prefix: 'Auto-generated: ',
  replaceJunkAlt: true,
  minSize: 24,
  captionModel: true,
  neutralWording: true,
  descriptionLanguage: 'auto',
  useGpu: true,
};

export const prefixMaxLength = 60;
export const minSizeRange = { min: 1, max: 512 } as const;

/** Coerces stored or user-entered values into valid settings, so bad storage never breaks a page. */
export function normaliseSettings(value: Partial<Settings> | null | undefined): Settings {
  const v = value ?? {};
  const sites = Array.isArray(v.disabledSites) ? v.disabledSites.filter((s): s is string => typeof s === 'string').map(normaliseSite) : [];
  const minSize = Number(v.minSize);
  return {
    enabled: typeof v.enabled === 'boolean' ? v.enabled : defaultSettings.enabled,
    // The newest 5,000: the site just turned off is at the end, and must be the one kept.
    disabledSites: [...new Set(sites.filter(Boolean))].slice(-5000),
    prefix: typeof v.prefix === 'string' ? v.prefix.slice(0, prefixMaxLength) : defaultSettings.prefix,
    replaceJunkAlt: typeof v.replaceJunkAlt === 'boolean' ? v.replaceJunkAlt : defaultSettings.replaceJunkAlt,
    minSize: Number.isFinite(minSize) ? Math.min(minSizeRange.max, Math.max(minSizeRange.min, Math.round(minSize))) : defaultSettings.minSize,
    captionModel: typeof v.captionModel === 'boolean' ? v.captionModel : defaultSettings.captionModel,
    neutralWording: typeof v.neutralWording === 'boolean' ? v.neutralWording : defaultSettings.neutralWording,
    descriptionLanguage: isDescriptionLanguageSetting(v.descriptionLanguage) ? v.descriptionLanguage : defaultSettings.descriptionLanguage,
    useGpu: typeof v.useGpu === 'boolean' ? v.useGpu : defaultSettings.useGpu,
  };
}

/**
 * Version 2 added the caption model; people who had version 1 get the same defaults as new users.
 * Fields already there are kept: WXT reads a value with no version mark as version 1, and a
 * current value can lack its mark (a first save whose mark had not landed yet, one made as the
 * popup closed, a restored store), so filling in must never overwrite a choice.
 */
export function migrateSettingsV1ToV2(old: SettingsV1): SettingsV2 {
  return { captionModel: true, neutralWording: true, ...old };
}

/**
 * Version 3 added the language of descriptions. 'auto' keeps what users of
 * an English browser had, and gives users of a German one German at once.
 */
export function migrateSettingsV2ToV3(old: SettingsV2): Settings {
  // Fields already there are kept, as in migrateSettingsV1ToV2; normaliseSettings checks their types on read.
  return { descriptionLanguage: 'auto', useGpu: true, ...old };
}

/**
 * What the engine needs to know of the settings to word a description.
 * `uiLanguage` is the browser's (`browser.i18n.getUILanguage()`), for 'auto'.
 */
export function descriptionStyle(settings: Settings, uiLanguage: string): DescriptionStyle {
  return { caption: settings.captionModel, neutral: settings.neutralWording, language: resolveDescriptionLanguage(settings.descriptionLanguage, uiLanguage) };
}

/**
 * Lowercase, and without a leading `www.` where what remains is still a
 * site: `www.com` or `www.co.uk` keep it, or turning one of them off would
 * turn off every site under `.com` or `.co.uk`. (Without a public-suffix
 * list, the common country-code second levels are the ones recognised.)
 */
export function normaliseSite(hostname: string): string {
  const host = hostname.trim().toLowerCase();
  const rest = host.replace(/^www\./, '');
  const labels = rest.replace(/\.$/, '').split('.');
  const isSuffix = labels.length < 2 || (labels.length === 2 && /^(?:co|com|net|org|ac|edu|gov|ne|or|go|gob|nic|ltd|plc)$/.test(labels[0]!) && /^[a-z]{2}$/.test(labels[1]!));
  return isSuffix ? host : rest;
}

/**
 * Turning a site off covers its subdomains too: `bank.com` covers
 * `secure.bank.com`, never `notbank.com`. A trailing dot (a fully qualified
 * name) is the same host.
 */
export function siteCovers(disabledSite: string, hostname: string): boolean {
  const host = normaliseSite(hostname).replace(/\.$/, '');
  const site = disabledSite.replace(/\.$/, '');
  if (site === '') return false;
  return host === site || host.endsWith(`.${site}`);
}

export function isEnabledFor(settings: Settings, hostname: string): boolean {
  return settings.enabled && !settings.disabledSites.some((site) => siteCovers(site, hostname));
}

/** The host name of a page's URL, as the per-site switch reads it; '' for none (about:blank, a file, no URL). */
export function hostnameOfUrl(url: string | undefined): string {
  try {
    return url ? new URL(url).hostname : '';
  } catch {
    return '';
  }
}

/** isEnabledFor the host of a page's URL; a page without one (about:blank, a file) follows the global switch. */
export function isEnabledForUrl(settings: Settings, url: string | undefined): boolean {
  const hostname = hostnameOfUrl(url);
  return hostname === '' ? settings.enabled : isEnabledFor(settings, hostname);
}

/**
 * Turns the switch for `hostname` off (adds the site) or on. On removes every
 * entry that covers the host, its parent domains included, so that the switch
 * always does what it says.
 */
export function withSite(settings: Settings, hostname: string, enabled: boolean): Settings {
  const site = normaliseSite(hostname);
  const others = settings.disabledSites.filter((s) => (enabled ? !siteCovers(s, hostname) : s !== site));
  return { ...settings, disabledSites: enabled ? others : [...others, site] };
}
