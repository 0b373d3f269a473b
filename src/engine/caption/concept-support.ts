/**
 * Places and things the detector has no class for. The caption model learned
 * that people in Flickr photos stand "on a sidewalk", sit "on a rock" or play
 * "at the beach", and it says so when nothing in the picture shows it. The
 * detector cannot check these words (no COCO class names a sidewalk), but the
 * model's own concept head scores every one of them for the picture: of the
 * place and thing words that v2's captions used on captions-dev, those the
 * head scored under 0.05 were in no reference 39 times of 46, against 97 of
 * 151 for all of them (flickr30k-extra's first 400 photos, which no decision
 * was made on: 126 of 148, against 195 of 264).
 *
 * So the phrase that names such a place or thing is taken out of the caption
 * when the head scored the word below the guard's `conceptSupport.minScore`:
 * "A dog is running on the sidewalk." is said "A dog is running." A word that
 * is not inside a phrase that can go ("A person is holding a sign.") is
 * forbidden and the caption decoded again, as the detector guard does with
 * objects; if the guard's retries are spent, the caption is not said and the
 * objects sentence is said instead. Forbidding every unseen word before the
 * first decoding did worse on captions-dev (the beam then put people "on a
 * bench" instead, which the detector guard refuses more often).
 * A word the head does not score (outside its concepts) is not checked.
 */
import type { Concept } from './model';

export interface ConceptSupport {
  /** A checked word the concept head scored below this is not said. */
  minScore: number;
}

/**
 * The words of `checked` that the concept head scored below `minScore`.
 * `concepts` must be every concept the head scores (all_concepts.py); from an
 * encoder that reports only its top ones, a word outside them would look
 * unscored, so nothing is returned.
 */
export function unseenConceptWords(
  concepts: readonly Concept[],
  reportsAll: boolean,
  checked: ReadonlySet<string>,
  support: ConceptSupport | undefined,
): Set<string> {
  if (!support || !reportsAll) return new Set();
  return new Set(concepts.filter((c) => checked.has(c.word) && c.score < support.minScore).map((c) => c.word));
}

/** Prepositions that open a phrase of place ("on the sidewalk", "in front of a building", "next to a fence"). */
const prepositions = new Set([
  'on', 'in', 'at', 'by', 'near', 'into', 'onto', 'over', 'under', 'beside', 'behind', 'through', 'across', 'along', 'down',
  'up', 'around', 'past', 'toward', 'towards', 'above', 'below', 'beneath', 'inside', 'outside', 'against', 'between',
  'from', 'off', 'with', 'of', 'to', 'overlooking',
]);
/** Two-word openings whose last word alone would be read as another preposition. */
const openingsEndingWith: Readonly<Record<string, readonly string[]>> = {
  of: ['front', 'top', 'side', 'edge', 'middle', 'bottom', 'end', 'outside', 'inside'],
  to: ['next', 'close'],
};
/** Words that can stand between the opening and the place: articles, numbers, adjectives the captions use. */
const modifierStops = new Set(['and', 'or', 'is', 'are', 'while', 'who', 'that', 'as', ',']);

export interface UnseenPhrases {
  /** The words with each phrase that names an unseen place or thing taken out. */
  words: string[];
  /** The unseen words found, in caption order. */
  found: string[];
  /** Those of them that are not inside a phrase that can go: while there are any, the caption should not be said. */
  stuck: string[];
}

/**
 * Takes out of the model's words each phrase of place that names one of
 * `unseen`: from its preposition ("on", "in front of", "the edge of …") to the
 * word, and the place or thing words of `checked` right after it ("on a dirt
 * road", where only "dirt" was unseen).
 */
export function dropUnseenPhrases(words: readonly string[], unseen: ReadonlySet<string>, checked: ReadonlySet<string>): UnseenPhrases {
  const drop = new Set<number>();
  const found: string[] = [];
  const stuck: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (!unseen.has(words[i]!)) continue;
    found.push(words[i]!);
    const start = phraseStart(words, i);
    if (start === undefined) {
      stuck.push(words[i]!);
      continue;
    }
    // "a dirt road", "a rock wall": the place the phrase names goes with the word that qualifies it.
    let end = i;
    while (end + 1 < words.length && checked.has(words[end + 1]!)) end++;
    for (let j = start; j <= end; j++) drop.add(j);
  }
  return { words: words.filter((_, i) => !drop.has(i)), found, stuck };
}

/** Nouns ending in "ing", which do not end a phrase the way a verb ("holding", "sitting") does. */
const ingNouns = new Set(['building', 'railing', 'clothing', 'ceiling', 'painting', 'evening', 'morning', 'wedding', 'ring', 'string', 'swing']);

/** Where the phrase of place that ends at `end` opens, or undefined when the word is not in one. */
function phraseStart(words: readonly string[], end: number): number | undefined {
  for (let j = end - 1; j >= 0 && end - j <= 4; j--) {
    const word = words[j]!;
    if (modifierStops.has(word) || (word.endsWith('ing') && !ingNouns.has(word))) return undefined;
    if (!prepositions.has(word)) continue;
    if (word === 'to' || word === 'of') return compoundOpening(words, j);
    return j;
  }
  return undefined;
}

/**
 * "next to a fence", "in front of a building", "on the edge of a cliff": the
 * phrase opens before "to" or "of". Any other "of" ("a group of", "a picture
 * of") names what the caption is about.
 */
function compoundOpening(words: readonly string[], at: number): number | undefined {
  const before = words[at - 1];
  const opening = before !== undefined && (openingsEndingWith[words[at]!] ?? []).includes(before);
  if (words[at]! === 'to') return opening ? at - 1 : at;
  if (!opening) return undefined;
  // "in front of", "on top of"; "on the edge of", "in the middle of".
  if (prepositions.has(words[at - 2] ?? '')) return at - 2;
  if (['the', 'a'].includes(words[at - 2] ?? '') && prepositions.has(words[at - 3] ?? '')) return at - 3;
  return undefined;
}

/**
 * English places and things that no COCO class names: the words that
 * `unseenConceptWords` checks. Not the words of COCO classes (the detector
 * checks those), clothing (colours.ts checks its colour; whether someone wears
 * a jacket matters less than where they are), nor words that say little of
 * the picture ("ground", "area", "background", "sky").
 */
export const englishCheckedConcepts: ReadonlySet<string> = new Set([
  // places
  'beach', 'building', 'city', 'cliff', 'dirt', 'field', 'floor', 'forest', 'grass', 'hill', 'house', 'ice', 'lake', 'lawn',
  'mountain', 'mountains', 'ocean', 'park', 'path', 'playground', 'pond', 'pool', 'river', 'road', 'rock', 'rocks', 'room',
  'sand', 'shore', 'sidewalk', 'slope', 'snow', 'steps', 'store', 'stream', 'street', 'structure', 'track', 'trail', 'wall',
  'water', 'wave', 'waves', 'woods', 'yard',
  // things
  'camera', 'collar', 'equipment', 'fence', 'flowers', 'fountain', 'glasses', 'helmet', 'leash', 'obstacle', 'pole', 'rail',
  'railing', 'ramp', 'rope', 'sign', 'slide', 'stick', 'swing', 'toy', 'tree', 'trees', 'window',
]);
