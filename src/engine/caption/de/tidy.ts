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
 * "in einem Hemd und einem Hemd": an under-trained decoder repeats a garment
 * joined by "und". Nobody wears the same thing twice, so the repeat goes, as
 * in English. Only clothing: "ein Hund und ein Hund" are two dogs.
 */
export function dropRepeatedGarment(words: readonly string[]): string[] {
  const out = [...words];
  for (let i = 0; i + 4 < out.length; i++) {
    const [article, noun, and, article2, noun2] = out.slice(i, i + 5) as [string, string, string, string, string];
    const sameArticle = article.toLowerCase() === article2.toLowerCase() && /^(ein|eine|einem|einen|einer|der|die|das|den|dem)$/i.test(article);
    if (sameArticle && and === 'und' && noun.toLowerCase() === noun2.toLowerCase() && germanGarmentPart(noun) !== undefined) {
      out.splice(i + 2, 3);
      i--;
    }
  }
  return out;
}
