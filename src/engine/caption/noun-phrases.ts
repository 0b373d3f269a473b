/**
 * Noun phrases in the English caption model's words, read backwards from
 * their noun: what clothing.ts, tidy.ts (people) and repeated-animals.ts
 * need to find "a white shirt" or "a brown dog".
 */

/**
 * Words that end a noun phrase when reading backwards from its noun: they
 * cannot be one of its modifiers ("a group of | men", "holding | a woman").
 */
export const phraseBoundaries = new Set([
  'and', 'or', 'of', 'in', 'on', 'at', 'by', 'to', 'for', 'from', 'with', 'into', 'onto', 'near', 'behind', 'under', 'over', 'beside',
  'is', 'are', 'was', 'were', 'be', 'being', 'been', 'has', 'have', 'while', 'as', 'than', 'that', 'who', 'which', 'his', 'her', 'their',
  'its', 'this', 'these', 'those', 'some', 'many', 'several', 'other', 'another', 'each', 'both', 'all', ',', ';', ':', "'s",
]);

export function isArticle(word: string): boolean {
  return word === 'a' || word === 'an' || word === 'the';
}

/**
 * The phrase whose noun is at `end` ("a white shirt"): its article's index
 * and the up to `maxModifiers` words between; undefined when a boundary
 * word, or no article, comes first.
 */
export function nounPhraseEndingAt(tokens: readonly string[], end: number, maxModifiers: number): { determinerAt: number; modifiers: string[] } | undefined {
  for (let at = end - 1; at >= Math.max(0, end - 1 - maxModifiers); at--) {
    if (isArticle(tokens[at]!)) return { determinerAt: at, modifiers: tokens.slice(at + 1, end) };
    if (phraseBoundaries.has(tokens[at]!)) return undefined;
  }
  return undefined;
}

/** Whether two phrases' modifiers are the same words in the same order. */
export function sameWords(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((w, i) => w === b[i]);
}
