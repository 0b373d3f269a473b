/**
 * Turns the German caption model's words into a sentence: letter case
 * (letter-case.ts), a repeated garment dropped, optionally gender-neutral
 * words that stay grammatical (neutral.ts, pronouns.ts), a capital first
 * letter and a full stop. The German counterpart of ../tidy.ts.
 */
import { germanGarmentPart } from './garments';
import { restoreGermanCase } from './letter-case';
import { neutralGermanWords } from './neutral';
import { agreePronounsDe } from './pronouns';

export function tidyGermanCaption(words: readonly string[], options: { neutral: boolean }): string {
  const kept = dropRepeatedGarment(restoreGermanCase(words.filter((w) => w !== '.' && w.trim() !== '')));
  const out = options.neutral ? neutralGermanWords(agreePronounsDe(kept)) : kept;
  const sentence = out.join(' ').replace(/\s+([,.!?;:])/g, '$1').replace(/\s+/g, ' ').trim();
  if (!sentence) return '';
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
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
