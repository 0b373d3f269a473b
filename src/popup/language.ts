import type { DescriptionLanguage } from '../messaging/protocol';
import { descriptionLanguageSettings, resolveDescriptionLanguage } from '../settings/language';
import type { DescriptionLanguageSetting } from '../settings/language';
import type { Translate } from '../shared/i18n';

/**
 * Each language by its own name, as language pickers show them: a reader
 * finds their language whatever language the popup is in.
 */
export const languageNames: Readonly<Record<DescriptionLanguage, string>> = {
  en: 'English',
  de: 'Deutsch',
};

export interface LanguageOption {
  value: DescriptionLanguageSetting;
  label: string;
  /** The language of the label's words, so a screen reader says "Deutsch" with a German voice in an English popup. */
  lang: string | undefined;
}

/** The options of "Language of descriptions"; 'auto' names the language it gives now. */
export function descriptionLanguageOptions(translate: Translate, uiLanguage: string): LanguageOption[] {
  return descriptionLanguageSettings.map((value) => {
    if (value !== 'auto') return { value, label: languageNames[value], lang: value };
    // The label mixes the popup's words with a language's own name; only that name could carry a lang, and an option holds plain text.
    return { value, label: translate('descriptionLanguageBrowser', { language: languageNames[resolveDescriptionLanguage('auto', uiLanguage)] }), lang: undefined };
  });
}
