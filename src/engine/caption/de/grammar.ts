/**
 * German grammar tables the caption's neutral wording needs: the articles
 * and adjective endings for each gender (or the plural) and case, the
 * preposition + article contractions, and which prepositions take which case.
 */
import type { GermanGender } from '../../describe/german-nouns';

export type GrammaticalCase = 'nom' | 'acc' | 'dat' | 'gen';
export type GrammaticalNumber = 'sg' | 'pl';

export interface Reading {
  number: GrammaticalNumber;
  case: GrammaticalCase;
}

export const allCases: readonly GrammaticalCase[] = ['nom', 'acc', 'dat', 'gen'];

/** A gender in the singular, or the plural (which has one set of forms for all genders). */
export type Slot = GermanGender | 'pl';

export const definiteArticles: Record<Slot, Record<GrammaticalCase, string>> = {
  m: { nom: 'der', acc: 'den', dat: 'dem', gen: 'des' },
  f: { nom: 'die', acc: 'die', dat: 'der', gen: 'der' },
  n: { nom: 'das', acc: 'das', dat: 'dem', gen: 'des' },
  pl: { nom: 'die', acc: 'die', dat: 'den', gen: 'der' },
};

/** Endings of ein, kein, mein, dein, sein, ihr. */
export const einEndings: Record<Slot, Record<GrammaticalCase, string>> = {
  m: { nom: '', acc: 'en', dat: 'em', gen: 'es' },
  f: { nom: 'e', acc: 'e', dat: 'er', gen: 'er' },
  n: { nom: '', acc: '', dat: 'em', gen: 'es' },
  pl: { nom: 'e', acc: 'e', dat: 'en', gen: 'er' },
};

/** Endings of dieser, jener, jeder, welcher. */
export const derWordEndings: Record<Slot, Record<GrammaticalCase, string>> = {
  m: { nom: 'er', acc: 'en', dat: 'em', gen: 'es' },
  f: { nom: 'e', acc: 'e', dat: 'er', gen: 'er' },
  n: { nom: 'es', acc: 'es', dat: 'em', gen: 'es' },
  pl: { nom: 'e', acc: 'e', dat: 'en', gen: 'er' },
};

export type Declension = 'weak' | 'mixed' | 'strong';

/** Adjective endings: weak after der/dieser, mixed after ein/mein, strong with no article or after a number. */
export const adjectiveEndings: Record<Declension, Record<Slot, Record<GrammaticalCase, string>>> = {
  weak: {
    m: { nom: 'e', acc: 'en', dat: 'en', gen: 'en' },
    f: { nom: 'e', acc: 'e', dat: 'en', gen: 'en' },
    n: { nom: 'e', acc: 'e', dat: 'en', gen: 'en' },
    pl: { nom: 'en', acc: 'en', dat: 'en', gen: 'en' },
  },
  mixed: {
    m: { nom: 'er', acc: 'en', dat: 'en', gen: 'en' },
    f: { nom: 'e', acc: 'e', dat: 'en', gen: 'en' },
    n: { nom: 'es', acc: 'es', dat: 'en', gen: 'en' },
    pl: { nom: 'en', acc: 'en', dat: 'en', gen: 'en' },
  },
  strong: {
    m: { nom: 'er', acc: 'en', dat: 'em', gen: 'en' },
    f: { nom: 'e', acc: 'e', dat: 'er', gen: 'er' },
    n: { nom: 'es', acc: 'es', dat: 'em', gen: 'en' },
    pl: { nom: 'e', acc: 'e', dat: 'en', gen: 'er' },
  },
};

/** Preposition + article contractions: "zum Mann" is "zu dem Mann". */
export const contractions: Record<string, { preposition: string; article: string }> = {
  im: { preposition: 'in', article: 'dem' },
  am: { preposition: 'an', article: 'dem' },
  vom: { preposition: 'von', article: 'dem' },
  zum: { preposition: 'zu', article: 'dem' },
  beim: { preposition: 'bei', article: 'dem' },
  zur: { preposition: 'zu', article: 'der' },
  ins: { preposition: 'in', article: 'das' },
  ans: { preposition: 'an', article: 'das' },
};

export const contracted: Record<string, string> = Object.fromEntries(
  Object.entries(contractions).map(([word, { preposition, article }]) => [`${preposition} ${article}`, word]),
);

/** Prepositions that take only the dative or only the accusative: they decide "den Jungen" (one boy, or boys). */
export const dativePrepositions = new Set(['mit', 'von', 'bei', 'zu', 'aus', 'nach', 'seit', 'gegenüber', 'samt']);
export const accusativePrepositions = new Set(['für', 'durch', 'gegen', 'ohne', 'um']);

/** The case a preposition demands, when it takes only one. */
export function caseAfter(preposition: string): GrammaticalCase | undefined {
  if (dativePrepositions.has(preposition)) return 'dat';
  if (accusativePrepositions.has(preposition)) return 'acc';
  return undefined;
}
