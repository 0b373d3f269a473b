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
import { germanForms } from '../engine/caption/de/word-forms';
import { singular } from '../engine/caption/word-forms';
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
