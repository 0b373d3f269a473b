/**
 * What the evaluation reads differently in each language: which COCO classes
 * a caption or reference mentions, and which colours. The scores themselves
 * (CIDEr-D, BLEU-4 on tokenize.ts's tokens) are the same in every language.
 */
import type { Language } from '../engine/describe/languages';
import { findColourPhrases } from '../engine/caption/colours';
import { findGermanColourPhrases } from '../engine/caption/de/colours';
import { germanColourWord } from '../engine/caption/de/colour-words';
import { mentionedCocoClasses } from './objects';
import type { MentionedClasses } from './objects';
import { mentionedCocoClassesDe } from './objects-de';

export interface EvalLanguage {
  mentioned: MentionedClasses;
  /** The colours a caption's words name, as the colour check reports them (English words, German stems). */
  coloursOf(words: readonly string[]): string[];
  /** Whether a reference names that colour. */
  mentionsColour(reference: string, colour: string): boolean;
}

const english: EvalLanguage = {
  mentioned: mentionedCocoClasses,
  coloursOf: (words) => findColourPhrases(words).flatMap((p) => p.colours.map((i) => words[i]!)),
  mentionsColour(reference, colour) {
    const forms = colour === 'grey' || colour === 'gray' ? ['grey', 'gray'] : [colour];
    return reference.toLowerCase().split(/[^a-z]+/).some((w) => forms.includes(w));
  },
};

/** One name per colour: "weiss" is "weiß", "silber" "silbern", "gold" "golden". */
const sameColour: Readonly<Record<string, string>> = { weiss: 'weiß', silber: 'silbern', gold: 'golden' };
const canonical = (stem: string) => sameColour[stem] ?? stem;

const german: EvalLanguage = {
  mentioned: mentionedCocoClassesDe,
  coloursOf: (words) => findGermanColourPhrases(words).flatMap((p) => p.slots.map((slot) => germanColourWord(words[slot.token]!)!.parts[slot.part]!.stem)),
  mentionsColour(reference, colour) {
    const wanted = canonical(colour);
    return (reference.match(/[\p{L}-]+/gu) ?? []).some((w) => germanColourWord(w)?.parts.some((part) => canonical(part.stem) === wanted) ?? false);
  },
};

export function evalLanguageFor(language: Language): EvalLanguage {
  return language === 'de' ? german : english;
}
