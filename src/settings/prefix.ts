import type { DescriptionLanguage } from '../messaging/protocol';
import { resolveDescriptionLanguage } from './language';
import { defaultSettings } from './schema';
import type { Settings } from './schema';

/**
 * The disclosure prefix in each description language, for users who kept
 * the default. A prefix the user typed is theirs and is never translated.
 */
export const defaultPrefixes: Readonly<Record<DescriptionLanguage, string>> = {
  en: defaultSettings.prefix,
  de: 'Automatisch erstellt: ',
};

/**
 * The prefix to put before a description in `language`. The stored default
 * ('Auto-generated: ') stands for "the default in whatever language the
 * description is in"; anything else is kept exactly as typed.
 */
export function effectivePrefix(settings: Pick<Settings, 'prefix'>, language: DescriptionLanguage): string {
  return settings.prefix === defaultSettings.prefix ? defaultPrefixes[language] : settings.prefix;
}

/**
 * The settings as a page applies them: the prefix is the one for the
 * language descriptions are written in, and the language is that language, not
 * 'auto'. Page code only ever glues `settings.prefix` onto the description and
 * compares languages to know when to describe again, so it needs to know
 * nothing of languages: switching from 'auto' to the language 'auto' already
 * gave changes nothing on the page.
 */
export function settingsForPage(settings: Settings, uiLanguage: string): Settings {
  const language = resolveDescriptionLanguage(settings.descriptionLanguage, uiLanguage);
  return { ...settings, descriptionLanguage: language, prefix: effectivePrefix(settings, language) };
}
