/**
 * Places and things a caption names (the words the concept check covers,
 * src/engine/caption/concept-support.ts), each with whether a reference
 * mentions it: the same word, in the singular or the plural. A synonym in the
 * references ("forest" for "woods", "street" for "road") counts as no
 * mention, so the share of words in no reference overstates what was invented
 * alike before and after a change.
 */
import { tokenizeCaption } from './tokenize';

export interface PlaceMention {
  word: string;
  inReference: boolean;
}

export function placeMentions(words: readonly string[], checked: ReadonlySet<string>, references: readonly string[]): PlaceMention[] {
  const mentioned = new Set(references.flatMap((r) => tokenizeCaption(r).map(singular)));
  return words.filter((w) => checked.has(w)).map((word) => ({ word, inReference: mentioned.has(singular(word)) }));
}

/** "trees" → "tree", "beaches" → "beach": enough to match a word with its plural. */
export function singular(word: string): string {
  if (word.endsWith('ches') || word.endsWith('shes') || word.endsWith('sses') || word.endsWith('xes')) return word.slice(0, -2);
  if (word.endsWith('ies') && word.length > 4) return word.slice(0, -3) + 'y';
  if (word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}
