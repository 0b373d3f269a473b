import { descriptionLanguages } from '../messaging/protocol';
import type { DescriptionLanguage } from '../messaging/protocol';
import { primaryLanguage } from '../shared/i18n';

/** What the user picks: a language, or 'auto' to follow the browser. */
export const descriptionLanguageSettings = ['auto', ...descriptionLanguages] as const;
export type DescriptionLanguageSetting = (typeof descriptionLanguageSettings)[number];

export function isDescriptionLanguageSetting(value: unknown): value is DescriptionLanguageSetting {
  return typeof value === 'string' && (descriptionLanguageSettings as readonly string[]).includes(value);
}

/**
 * The language descriptions are written in. 'auto' follows the browser's UI
 * language where we can describe in it (any German: 'de', 'de-AT', 'de-CH'…),
 * and is English otherwise.
 */
export function resolveDescriptionLanguage(setting: DescriptionLanguageSetting, uiLanguage: string): DescriptionLanguage {
  if (setting !== 'auto') return setting;
  const primary = primaryLanguage(uiLanguage);
  return descriptionLanguages.find((language) => language === primary) ?? 'en';
}
