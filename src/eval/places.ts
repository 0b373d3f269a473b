/**
 * Places and things a caption names (the words the concept check covers,
 * src/engine/caption/concept-support.ts), each with whether a reference
 * mentions it: in English the same word, in the singular or the plural; in
 * German the same word in any of its endings, or as the last part of a
 * compound ("Sandstrand" mentions "Strand"). A synonym in the references
 * ("forest" for "woods", "Rasen" for "Wiese") counts as no mention, so the
 * share of words in no reference overstates what was invented alike before
 * and after a change.
 */
import type { Language } from '../engine/describe/languages';
import { tokenizeCaption } from './tokenize';

export interface PlaceMention {
  word: string;
  inReference: boolean;
}

export function placeMentions(words: readonly string[], checked: ReadonlySet<string>, references: readonly string[], language: Language = 'en'): PlaceMention[] {
  const tokens = references.flatMap((r) => tokenizeCaption(r));
  const isMentioned =
    language === 'de'
      ? (word: string) => {
          const forms = germanForms(word);
          return tokens.some((t) => forms.has(t) || [...forms].some((f) => t.length - f.length >= 3 && t.endsWith(f)));
        }
      : (word: string) => tokens.some((t) => singular(t) === singular(word));
  return words.filter((w) => checked.has(w)).map((word) => ({ word, inReference: isMentioned(word) }));
}

/** "trees" → "tree", "beaches" → "beach": enough to match a word with its plural. */
export function singular(word: string): string {
  if (word.endsWith('ches') || word.endsWith('shes') || word.endsWith('sses') || word.endsWith('xes')) return word.slice(0, -2);
  if (word.endsWith('ies') && word.length > 4) return word.slice(0, -3) + 'y';
  if (word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

const endings = ['', 'e', 'en', 'n', 's', 'es', 'er', 'ern', 'se', 'sen'];
const umlauts: Readonly<Record<string, string>> = { a: 'ä', o: 'ö', u: 'ü' };

/**
 * The forms of a German noun that a reference's lowercase tokens may hold:
 * its case and plural endings, on the word and on its plural umlaut
 * ("Baum" → "bäume", "bäumen"; "Haus" → "häuser"; "Hindernis" →
 * "hindernisse"), with "ß" written "ss" as some references do. A few other
 * words share a form and count as a mention: the verb "hängen" for "Hang",
 * "wegen" for "Weg"; and the compound rule in placeMentions counts
 * "Leinwand" for "Wand".
 */
export function germanForms(word: string): Set<string> {
  const lower = word.toLowerCase();
  const stems = new Set([lower, lower.replaceAll('ß', 'ss'), lower.replaceAll('ss', 'ß')].flatMap((w) => [w, w.endsWith('e') && w.length > 3 ? w.slice(0, -1) : w]));
  for (const stem of [...stems]) {
    const vowel = /(au|[aou])([^aeiouäöü]*)$/.exec(stem);
    if (vowel) stems.add(stem.slice(0, vowel.index) + (vowel[1] === 'au' ? 'äu' : umlauts[vowel[1]!]!) + vowel[2]);
  }
  return new Set([...stems].flatMap((stem) => endings.map((ending) => stem + ending)));
}
