/**
 * Places and things the detector has no class for. The caption model learned
 * that people in Flickr photos stand "on a sidewalk", sit "on a rock" or play
 * "at the beach", and it says so when nothing in the picture shows it. The
 * detector cannot check these words (no COCO class names a sidewalk), but the
 * model's own concept head scores every one of them for the picture: of the
 * place and thing words that v2's captions used on captions-dev, those the
 * head scored under 0.03 were in no reference 22 times of 24, against 97 of
 * 151 for all of them (flickr30k-extra's first 400 photos, which no decision
 * was made on: 86 of 96, against 195 of 264).
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
  'from', 'off', 'with', 'of', 'to',
]);
/** Two-word openings whose last word alone would be read as another preposition. */
const openingsEndingWith: Readonly<Record<string, readonly string[]>> = {
  of: ['front', 'top', 'side', 'edge', 'middle', 'bottom', 'end', 'outside', 'inside', 'off'],
  to: ['next', 'close'],
};
/** Words that end a phrase of place where they stand: what comes before them is not part of it. */
const phraseStops = new Set(['and', 'or', 'is', 'are', 'while', 'who', 'that', 'as', ',']);
/**
 * Words that open a noun phrase. One stands right after the preposition
 * ("on a sidewalk", "in the snow") or not at all ("through snow"): anywhere
 * else ("in pink climbs a rock wall") a new phrase began after the
 * preposition, and the word is not in its phrase.
 */
const determiners = new Set(['a', 'an', 'the', 'his', 'her', 'their', 'its', 'some', 'two', 'three', 'four', 'several', 'many', 'this', 'that']);
/** Verbs whose particle is not a preposition of place: "holding up a rope" without its rope says nothing. */
const needsObject = new Set([
  'holding', 'holds', 'hold', 'carrying', 'carries', 'carry', 'pulling', 'pulls', 'pull', 'pushing', 'pushes', 'push', 'picking',
  'picks', 'lifting', 'lifts', 'throwing', 'throws', 'wearing', 'wears', 'using', 'uses', 'putting', 'puts', 'setting',
]);
/** What may follow a phrase that is left out, so that the rest still reads: the end, another phrase, a new clause. */
const phraseFollowers = new Set(['and', 'or', 'while', 'as', 'who', 'that', ',', '.', 'next', 'close']);

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
    if (drop.has(i)) continue; // "on a rock wall", both unseen: the first one's phrase took it

    const start = phraseStart(words, i);
    // "a dirt road", "a rock wall": the place the phrase names goes with the word that qualifies it.
    let end = i;
    while (end + 1 < words.length && checked.has(words[end + 1]!)) end++;
    if (start === undefined || needsObject.has(words[start - 1] ?? '') || !canFollowLeftOut(words, start, end + 1)) {
      stuck.push(words[i]!);
      continue;
    }
    for (let j = start; j <= end; j++) drop.add(j);
    // "runs through the water and onto the sand": the next phrase now belongs to the verb.
    if ((words[end + 1] === 'and' || words[end + 1] === 'or') && prepositions.has(words[end + 2] ?? '')) drop.add(end + 1);
  }
  return { words: words.filter((_, i) => !drop.has(i)), found, stuck };
}

/**
 * Whether the caption still reads when its words from `start` up to `next`
 * are left out: the next word ends the sentence, opens a new phrase or clause.
 * Not a noun the left-out word qualified ("a dirt bike"), not an "of" that
 * belonged to it ("the steps of a building"), and not a phrase that told
 * where the left-out thing was ("a dog with a stick in its mouth").
 */
function canFollowLeftOut(words: readonly string[], start: number, next: number): boolean {
  const word = words[next];
  if (word === undefined || phraseFollowers.has(word)) return true;
  if (word === 'of') return false;
  return prepositions.has(word) && words[start] !== 'with';
}

/** Nouns ending in "ing", which do not end a phrase the way a verb ("holding", "sitting") does. */
const ingNouns = new Set(['building', 'railing', 'clothing', 'ceiling', 'painting', 'evening', 'morning', 'wedding', 'ring', 'string', 'swing']);

/** Where the phrase of place that ends at `end` opens, or undefined when the word is not in one. */
function phraseStart(words: readonly string[], end: number): number | undefined {
  for (let j = end - 1; j >= 0 && end - j <= 4; j--) {
    const word = words[j]!;
    if (phraseStops.has(word) || (word.endsWith('ing') && !ingNouns.has(word))) return undefined;
    if (determiners.has(word) && !prepositions.has(words[j - 1] ?? '')) return undefined;
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
  const opening = isOpeningOf(words, at);
  if (words[at]! === 'to') return opening ? at - 1 : at;
  if (!opening) return undefined;
  // "outside of a building"; "in front of", "on top of"; "on the edge of", "in the middle of".
  if (prepositions.has(words[at - 1]!)) return at - 1;
  if (prepositions.has(words[at - 2] ?? '')) return at - 2;
  if (['the', 'a'].includes(words[at - 2] ?? '') && prepositions.has(words[at - 3] ?? '')) return at - 3;
  return undefined;
}

/** Whether the "of" or "to" at `at` closes a two-word opening ("front of", "next to"). */
function isOpeningOf(words: readonly string[], at: number): boolean {
  const before = words[at - 1];
  return before !== undefined && (openingsEndingWith[words[at] ?? ''] ?? []).includes(before);
}

/**
 * English places and things that no COCO class names: the words that
 * `unseenConceptWords` checks. Not the words of COCO classes (the detector
 * checks those), clothing other than helmets and glasses, which captions
 * invent often (colours.ts checks clothing's colour; whether someone wears a
 * jacket matters less than where they are), nor words that say little of
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
