/**
 * German wording for the objects-and-text sentence, mirroring wording.ts:
 * counted phrases, lists, the sentence and the quoted text. The nouns, their
 * genders and plurals are in german-nouns.ts.
 */
import type { Wording } from './wording';
import { germanNoun, indefiniteArticleDe } from './german-nouns';

/** Index = count; 0 and 1 are never said (one is the article). */
export const germanNumberWords: readonly string[] = ['null', 'eins', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben', 'acht', 'neun', 'zehn'];

export function numberWordDe(count: number): string {
  return germanNumberWords[count] ?? String(count);
}

/**
 * "ein Hund", "zwei Personen", "viele Autos": the same rules as English
 * `countPhrase` (counts above `exactUpTo` are "viele": a wrong number is worse
 * than none). Nominative, lower-case article, for a list or a sentence start.
 */
export function countPhraseDe(label: string, count: number, exactUpTo: number): string {
  const { name, gender, plural } = germanNoun(label);
  if (count <= 1) return `${indefiniteArticleDe(gender)} ${name}`;
  if (count > exactUpTo) return `viele ${plural}`;
  return `${numberWordDe(count)} ${plural}`;
}

/** "a", "a und b", "a, b und c": German puts no comma before "und". */
export function joinListDe(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} und ${items[items.length - 1]}`;
}

/** "Zwei Personen und ein Hund." */
export function sentenceDe(phrase: string): string {
  return `${phrase.charAt(0).toUpperCase()}${phrase.slice(1)}.`;
}

/** What comes before the read text: the same in German as in English. */
export const germanTextLeadIn = 'Text: ';

/**
 * 'Text: "…"'. The text is what the image says and is never translated;
 * straight quotes rather than German „…“ because describe.ts replaces
 * straight quotes inside the text to keep the quoting unambiguous.
 */
export function quoteTextDe(text: string): string {
  return `${germanTextLeadIn}"${text}"`;
}

export const germanWording: Wording = {
  language: 'de',
  countPhrase: countPhraseDe,
  joinList: joinListDe,
  sentence: sentenceDe,
  quoteText: quoteTextDe,
};
