/**
 * The languages the engine describes images in. Text read in an image is
 * never translated; everything the engine words itself is in the language
 * asked for.
 */
import type { Wording } from './wording';
import { englishWording } from './wording';
import { germanWording } from './wording-de';

export const languages = ['en', 'de'] as const;
export type Language = (typeof languages)[number];

export function isLanguage(value: unknown): value is Language {
  return (languages as readonly unknown[]).includes(value);
}

const wordings: Readonly<Record<Language, Wording>> = { en: englishWording, de: germanWording };

export function wordingFor(language: Language): Wording {
  return wordings[language];
}
