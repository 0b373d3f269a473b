/**
 * Finding the people noun phrases of a German caption ("ein junger Mann",
 * "den Jungen", "im Mädchen"): determiner, adjectives, noun, and the cases
 * and numbers the phrase can be in, for neutral.ts to rewrite.
 */
import type { GermanGender } from '../../describe/german-nouns';
import { germanNumberWords } from '../../describe/wording-de';
import { allCases, caseAfter, contractions, definiteArticles, derWordEndings, einEndings } from './grammar';
import type { Declension, GrammaticalCase, GrammaticalNumber, Reading, Slot } from './grammar';
import { germanPeopleNouns } from './people-nouns';
import type { NeutralNounDe } from './people-nouns';

export type DeterminerKind = 'definite' | 'ein' | 'ein-word' | 'der-word' | 'number';

export interface Determiner {
  kind: DeterminerKind;
  /** The article or word as agreeing with the noun: "dem" for "zum". */
  word: string;
  /** "dies" of "dieser", "sein" of "seine"; unused for the definite article and numbers. */
  stem: string;
  /** "zu" for "zum": the preposition a contraction carries. */
  preposition?: string;
  /** The count a number word says. */
  count?: number;
}

/** Words between an article and its noun that look inflected but are no adjectives. */
const notAdjectives = new Set(['und', 'oder', 'aber', 'immer', 'wieder', 'neben', 'unter', 'über', 'hinter', 'oben', 'unten', 'gegen', 'ohne', 'gerne', 'gestern', 'heute', 'eben', 'gerade']);

/** Uninflected words that may stand before an adjective ("ein sehr alter Mann"): kept as they are. */
export const intensifiers = new Set(['sehr', 'ganz', 'recht', 'ziemlich', 'besonders', 'etwas', 'relativ', 'eher', 'fast', 'noch']);

/** A token split into its word and the punctuation stuck to its end ("Mann." → "Mann", "."). */
export function splitPunctuation(token: string): { core: string; suffix: string } {
  const match = /^(.*?)([.,;:!?]*)$/.exec(token);
  return { core: match?.[1] ?? token, suffix: match?.[2] ?? '' };
}

export function startsUpper(word: string): boolean {
  return /^[A-ZÄÖÜ]/.test(word);
}

/** An article, a possessive, a demonstrative, a number word or a preposition + article contraction ("zum"). */
export function parseDeterminer(token: string): Determiner | undefined {
  const word = token.toLowerCase();
  if (['der', 'die', 'das', 'den', 'dem', 'des'].includes(word)) return { kind: 'definite', word, stem: '' };
  const contraction = Object.hasOwn(contractions, word) ? contractions[word] : undefined;
  if (contraction) return { kind: 'definite', word: contraction.article, stem: '', preposition: contraction.preposition };
  const einWord = /^(ein|kein|mein|dein|sein|ihr)(e|en|em|er|es)?$/.exec(word);
  if (einWord) return { kind: einWord[1] === 'ein' ? 'ein' : 'ein-word', word, stem: einWord[1]! };
  const derWord = /^(dies|jen|jed|welch)(e|en|em|er|es)$/.exec(word);
  if (derWord) return { kind: 'der-word', word, stem: derWord[1]! };
  const count = germanNumberWords.indexOf(word);
  if (count >= 2) return { kind: 'number', word, stem: '', count };
  return undefined;
}

/** The determiner's form for a gender (or the plural) and case; undefined where it has none ("ein" has no plural). */
export function determinerForm(determiner: Determiner, slot: Slot, c: GrammaticalCase): string | undefined {
  switch (determiner.kind) {
    case 'definite':
      return definiteArticles[slot][c];
    case 'ein':
      return slot === 'pl' ? undefined : `ein${einEndings[slot][c]}`;
    case 'ein-word':
      return `${determiner.stem}${einEndings[slot][c]}`;
    case 'der-word':
      return `${determiner.stem}${derWordEndings[slot][c]}`;
    case 'number':
      return slot === 'pl' ? determiner.word : undefined;
  }
}

export function isAdjective(token: string): boolean {
  return /^[a-zäöüß]{2,}(e|en|em|er|es)$/.test(token) && !notAdjectives.has(token) && parseDeterminer(token) === undefined;
}

/** A word between article and noun: an adjective's stem, inflected to agree, or an intensifier said as is. */
export interface Modifier {
  word: string;
  inflects: boolean;
}

/** "kleinen" → "klein", "weitere" → "weiter", "leise" → "leis". */
export function adjectiveStem(adjective: string): string {
  return /^(.+?)(en|em|er|es|e)$/.exec(adjective)?.[1] ?? adjective;
}

export interface PeoplePhrase {
  /** First token: the determiner if there is one, else the noun. */
  start: number;
  /** Index of the noun, the phrase's last token. */
  end: number;
  determiner: Determiner | undefined;
  /** The words between the determiner (or the phrase's start) and the noun. */
  modifiers: Modifier[];
  neutral: NeutralNounDe;
  /** The grammatical gender of the noun as written ("Mann" m, "Mädchen" n), before neutral wording. */
  gender: GermanGender;
  /** What the phrase can be, most likely first. */
  candidates: Reading[];
  /** The punctuation stuck to the noun. */
  suffix: string;
  /** The phrase starts a sentence: what replaces its first word is capitalised too ("Mann und Frau" → "Zwei Personen"). */
  capital: boolean;
}

export function declensionAfter(determiner: Determiner | undefined): Declension {
  if (!determiner || determiner.kind === 'number') return 'strong';
  return determiner.kind === 'definite' || determiner.kind === 'der-word' ? 'weak' : 'mixed';
}

/** The people noun phrases, left to right. */
export function findPeoplePhrases(tokens: readonly string[]): PeoplePhrase[] {
  const phrases: PeoplePhrase[] = [];
  tokens.forEach((token, end) => {
    const { core, suffix } = splitPunctuation(token);
    const entry = Object.hasOwn(germanPeopleNouns, core) ? germanPeopleNouns[core]! : undefined;
    if (!entry) return;
    // A sentence starts with a capital: "Junge Frauen tanzen" is "young women".
    if (end === 0 && (core === 'Junge' || core === 'Jungen') && startsUpper(tokens[1] ?? '')) return;

    let start = end;
    while (start > 0 && end - start < 4 && (isAdjective(tokens[start - 1]!) || intensifiers.has(tokens[start - 1]!))) start--;
    let determiner = start > 0 ? parseDeterminer(tokens[start - 1]!) : undefined;
    let candidates = entry.readings.filter((r) => !determiner || determinerForm(determiner, r.number === 'pl' ? 'pl' : entry.gender, r.case) === determiner.word);
    const adjectivesFrom = start;
    if (determiner && candidates.length > 0) {
      start--;
    } else {
      // No article, or one that does not agree (a verb before bare "Männer", a typo): the adjectives and the
      // noun, whose adjectives take the strong endings ("junger Mann" → "junge Person").
      determiner = undefined;
      candidates = [...entry.readings];
    }
    const modifiers = tokens
      .slice(adjectivesFrom, end)
      .map((word): Modifier => (intensifiers.has(word) ? { word, inflects: false } : { word: adjectiveStem(word), inflects: true }));
    const previous = phrases[phrases.length - 1];
    const coordinatedWith = previous && previous.end + 2 === start && tokens[previous.end + 1] === 'und' ? previous : undefined;
    candidates = preferred(candidates, {
      hint: start > 0 ? caseAfter(tokens[start - 1]!.toLowerCase()) : undefined,
      // Bare "Mädchen" is usually plural ("Mädchen spielen"), unless joined to a singular ("Junge und Mädchen").
      number: determiner ? 'sg' : (coordinatedWith?.candidates[0]?.number ?? 'pl'),
    });
    const sentenceStart = start === 0 || /[.!?]$/.test(tokens[start - 1]!);
    const capital = startsUpper(tokens[start]!) && (determiner !== undefined || sentenceStart);
    phrases.push({ start, end, determiner, modifiers, neutral: entry.neutral, gender: entry.gender, candidates, suffix, capital });
  });
  return phrases;
}


/** Readings ordered: the case a preposition demands, then the expected number, then nominative before accusative, dative, genitive. */
function preferred(candidates: readonly Reading[], prefer: { hint: GrammaticalCase | undefined; number: GrammaticalNumber }): Reading[] {
  const score = (r: Reading) => (r.case === prefer.hint ? 0 : 100) + (r.number === prefer.number ? 0 : 10) + allCases.indexOf(r.case);
  return [...candidates].sort((a, b) => score(a) - score(b));
}

