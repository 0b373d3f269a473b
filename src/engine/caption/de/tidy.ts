/**
 * Turns the German caption model's words into a sentence: letter case
 * (letter-case.ts), a repeated garment dropped, optionally gender-neutral
 * words that stay grammatical (neutral.ts, pronouns.ts), a capital first
 * letter and a full stop. The German counterpart of ../tidy.ts.
 */
import { germanGarmentPart } from './garments';
import { definiteArticles } from './grammar';
import { neutralNounsDe } from './people-nouns';
import { restoreGermanCase } from './letter-case';
import { neutralGermanWords } from './neutral';
import { agreePronounsDe } from './pronouns';

export function tidyGermanCaption(words: readonly string[], options: { neutral: boolean }): string {
  const kept = dropRepeatedGarment(restoreGermanCase(words.filter((w) => w !== '.' && w.trim() !== '')));
  const out = commaBeforeRelativeClause(options.neutral ? neutralGermanWords(agreePronounsDe(kept)) : kept);
  const sentence = out.join(' ').replace(/\s+([,.!?;:])/g, '$1').replace(/\s+/g, ' ').trim();
  if (!sentence) return '';
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}

/** The nominative relative pronoun after a noun neutral wording writes ("Person, die", "Kinder, die"), from its gender and number. */
function relativePronounAfterNeutralNoun(noun: string): string | undefined {
  for (const neutral of neutralNounsDe) {
    if (neutral.sg.nom === noun) return definiteArticles[neutral.gender].nom;
    if (neutral.pl.nom === noun) return definiteArticles.pl.nom;
  }
  return undefined;
}

/** What follows a relative pronoun, never an article: "die sich", "der auf", "das gerade". */
const afterRelativePronoun = new Set([
  'sich', 'auf', 'in', 'an', 'mit', 'im', 'am', 'vor', 'über', 'unter', 'neben', 'hinter', 'zu', 'zum', 'zur', 'durch', 'nach', 'von', 'vom', 'bei', 'beim',
  'ein', 'eine', 'einen', 'einem', 'einer', 'etwas', 'gerade', 'gemeinsam', 'zusammen', 'nicht', 'sehr', 'draußen',
]);

/**
 * The training captions' commas were tokenised away, so the model writes
 * "Zwei Personen die sich unterhalten". German marks a relative clause with a
 * comma, and a screen reader pauses there: add it after a noun, before
 * der/die/das when the next word cannot follow an article. After a people noun
 * that neutral wording put in ("Person, die", "Kind, das"), the pronoun takes
 * that noun's gender.
 */
export function commaBeforeRelativeClause(words: readonly string[]): string[] {
  const out: string[] = [];
  words.forEach((word, i) => {
    const previous = out[out.length - 1];
    const next = words[i + 1];
    const relative = /^(der|die|das)$/.test(word) && next !== undefined && afterRelativePronoun.has(next);
    if (relative && previous !== undefined && i > 1 && /^\p{Lu}/u.test(previous) && !/[,.;:]$/.test(previous)) {
      out[out.length - 1] = `${previous},`;
      out.push(relativePronounAfterNeutralNoun(previous) ?? word);
      return;
    }
    out.push(word);
  });
  return out;
}

/**
 * "in einem Hemd und einem Hemd", "mit Sonnenbrille und Sonnenbrille": an
 * under-trained decoder repeats a garment joined by "und", or the colour
 * check has taken the colour from one of the two ("mit Hose und schwarzer
 * Hose"). Nobody wears the same thing twice, so one phrase stays, the one
 * that says more, as in English. Two phrases whose adjectives differ ("mit
 * roter Hose und schwarzer Hose") are left as they are. Only clothing: "ein
 * Hund und ein Hund" are two dogs.
 */
export function dropRepeatedGarment(words: readonly string[]): string[] {
  const out = [...words];
  for (let and = out.indexOf('und'); and > 0; and = out.indexOf('und', and + 1)) {
    const noun = out[and - 1]!;
    if (germanGarmentPart(noun) === undefined) continue;
    const first = garmentPhraseEndingAt(out, and - 1);
    const second = garmentPhraseStartingAt(out, and + 1, noun, first.article);
    if (!second) continue;
    const same = sameWords(first.adjectives, second.adjectives);
    if (!same && first.adjectives.length > 0 && second.adjectives.length > 0) continue;
    const adjectives = first.adjectives.length > 0 ? first.adjectives : second.adjectives;
    out.splice(first.start, second.end + 1 - first.start, ...(first.article === undefined ? [] : [first.article]), ...adjectives, noun);
    and = first.start;
  }
  return out;
}

const germanArticle = /^(ein|eine|einem|einen|einer|eines|der|die|das|den|dem|des)$/i;
/** A declined adjective before a garment ("roten", "schwarzer", "kleine"): lower case, with an adjective ending. */
const germanAdjective = /^\p{Ll}[\p{Ll}-]*(e|er|en|em|es)$/u;
const maxGarmentAdjectives = 3;

/** "einem roten Hemd" ending at `end`: where it starts, its article (if any) and adjectives. */
function garmentPhraseEndingAt(tokens: readonly string[], end: number): { start: number; article: string | undefined; adjectives: string[] } {
  let start = end;
  while (start > 0 && end - start < maxGarmentAdjectives && germanAdjective.test(tokens[start - 1]!) && !germanArticle.test(tokens[start - 1]!)) start--;
  const article = start > 0 && germanArticle.test(tokens[start - 1]!) ? tokens[start - 1] : undefined;
  return { start: article === undefined ? start : start - 1, article, adjectives: tokens.slice(start, end) };
}

/** The same garment after "und", with the first phrase's article or none: its adjectives and the noun's index. */
function garmentPhraseStartingAt(tokens: readonly string[], start: number, noun: string, article: string | undefined): { adjectives: string[]; end: number } | undefined {
  let at = start;
  if (article !== undefined && tokens[at]?.toLowerCase() === article.toLowerCase()) at++;
  const from = at;
  while (at < tokens.length && at - from <= maxGarmentAdjectives) {
    if (tokens[at]!.toLowerCase() === noun.toLowerCase()) return { adjectives: tokens.slice(from, at), end: at };
    if (!germanAdjective.test(tokens[at]!) || germanArticle.test(tokens[at]!)) return undefined;
    at++;
  }
  return undefined;
}

function sameWords(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((word, i) => word.toLowerCase() === b[i]!.toLowerCase());
}
