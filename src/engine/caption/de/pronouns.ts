/**
 * Pronouns that agree with the neutral noun. German pronouns follow the
 * noun's grammatical gender: once "ein Mann" is "eine Person", "sein Hund"
 * must be "ihr Hund" and "er" must be "sie", or the sentence reads wrong and
 * still says "man" ("eine Person mit seinem Hund"). Once "ein Junge" is "ein
 * Kind", "er" is "es", and "ihr Hund" of "ein Mädchen" (spoken German
 * follows the girl) is "sein Hund".
 *
 * Only where the pronoun can refer to one person alone: exactly one person,
 * in the singular, is named before it, and no other object comes between
 * them ("Ein Mann wirft einen Ball für seinen Hund": "seinen" may be the
 * ball's owner as far as the words go, so it stays). Runs on the words
 * before neutral wording, which leaves pronouns alone.
 */
import type { GermanGender } from '../../describe/german-nouns';
import { germanClassOf } from './object-names';
import { findPeoplePhrases } from './people-phrases';

/** The possessive stem that refers to a noun of this gender: "sein" for der/das, "ihr" for die. */
const possessiveStem: Record<GermanGender, 'sein' | 'ihr'> = { m: 'sein', n: 'sein', f: 'ihr' };

/** Personal pronouns (nominative, accusative, dative) for a noun of this gender. */
const personalPronouns: Record<GermanGender, readonly [string, string, string]> = {
  m: ['er', 'ihn', 'ihm'],
  n: ['es', 'es', 'ihm'],
  f: ['sie', 'sie', 'ihr'],
};

function withCaseOf(original: string, word: string): string {
  return /^[A-ZÄÖÜ]/.test(original) ? word.charAt(0).toUpperCase() + word.slice(1) : word;
}

export function agreePronounsDe(words: readonly string[]): string[] {
  const phrases = findPeoplePhrases(words);
  const out = [...words];
  for (let i = 0; i < out.length; i++) {
    const before = phrases.filter((phrase) => phrase.end < i);
    const only = before.length === 1 ? before[0]! : undefined;
    if (!only || only.candidates[0]?.number !== 'sg') continue;
    // Another object between the person and the pronoun: the pronoun may be its.
    if (out.slice(only.end + 1, i).some((word) => (germanClassOf(word) ?? 'person') !== 'person')) continue;
    const from = only.gender;
    const to = only.neutral.gender;
    // "Das Mädchen mit ihrem Hund": spoken German often follows the girl, not the word's neuter gender.
    const referring = new Set([possessiveStem[from], ...(/^mädchen/i.test(words[only.end] ?? '') ? ['ihr'] : [])]);
    const word = out[i]!;
    const lower = word.toLowerCase();
    const possessive = /^(sein|ihr)(e|en|em|er|es)?$/.exec(lower);
    if (possessive) {
      if (referring.has(possessive[1]!)) out[i] = withCaseOf(word, `${possessiveStem[to]}${possessive[2] ?? ''}`);
      continue;
    }
    // "sie" and "ihr" are also plural and "ihr" a possessive: only the pronouns of a masculine noun are unambiguous,
    // and the "sie" that spoken German uses for a girl ("ein Mädchen lacht, während sie springt").
    // Only with no noun between them (nouns are capitalised by now): "pflückt Blumen und hält sie" means the flowers.
    const nounBetween = out.slice(only.end + 1, i).some((between) => /^[A-ZÄÖÜ]/.test(between));
    if (lower === 'sie' && !nounBetween && /^mädchen/i.test(words[only.end] ?? '')) {
      out[i] = withCaseOf(word, personalPronouns[to][0]);
      continue;
    }
    const personal = from === 'm' ? personalPronouns.m.indexOf(lower) : -1;
    if (personal >= 0) out[i] = withCaseOf(word, personalPronouns[to][personal]!);
  }
  return out;
}
