/**
 * Word forms of the English caption model: enough to tell that a plural in a
 * caption ("buildings") is the word the concept head scores ("building").
 */

/** "trees" → "tree", "beaches" → "beach": enough to match a word with its plural. */
export function singular(word: string): string {
  if (word.endsWith('ches') || word.endsWith('shes') || word.endsWith('sses') || word.endsWith('xes')) return word.slice(0, -2);
  if (word.endsWith('ies') && word.length > 4) return word.slice(0, -3) + 'y';
  if (word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}
