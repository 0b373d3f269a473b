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
import { singular } from './word-forms';

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

/**
 * Words of the caption model's vocabulary that are another form of a checked
 * word ("Bäume" of "Baum", "buildings" of "building"), each with the checked
 * words it is a form of. The head scores one form of a word, so without
 * these the others would never be checked. Made once per model.
 */
export function otherFormsOfChecked(vocabulary: readonly string[], places: PlaceWords): ReadonlyMap<string, readonly string[]> {
  const wordsOfForm = checkedWordsOfForms(places);
  return new Map(vocabulary.flatMap((candidate) => {
    const of = wordsOfForm.get(candidate);
    return of ? [[candidate, of] as const] : [];
  }));
}

/** Every other form of the checked words ("Bäume", "buildings"), each with the checked words it is a form of, in their order. */
export function checkedWordsOfForms(places: PlaceWords): ReadonlyMap<string, readonly string[]> {
  const wordsOfForm = new Map<string, string[]>();
  for (const word of places.checked) {
    for (const form of places.formsOf(word)) {
      if (form === word || places.checked.has(form)) continue;
      wordsOfForm.set(form, [...(wordsOfForm.get(form) ?? []), word]);
    }
  }
  return wordsOfForm;
}

/**
 * `unseen` with the other forms of its words: a form the head does not score
 * itself is unseen when every word it is a form of is ("Bäume" when "Baum"
 * and "Bäumen" both are).
 */
export function withOtherForms(unseen: ReadonlySet<string>, forms: ReadonlyMap<string, readonly string[]>, scored: ReadonlySet<string>): Set<string> {
  const all = new Set(unseen);
  if (unseen.size === 0) return all;
  for (const [form, of] of forms) if (!scored.has(form) && of.every((word) => unseen.has(word))) all.add(form);
  return all;
}

/**
 * How one language's captions open and close a phrase of place: enough of
 * its grammar to take "on a sidewalk" or "vor einem Gebäude" out and leave a
 * sentence that still reads, and to leave a word in place (stuck) whenever
 * that is not sure.
 */
export interface PlaceGrammar {
  /** Prepositions that open a phrase of place ("on the sidewalk", "im Wasser"). */
  readonly prepositions: ReadonlySet<string>;
  /** Two-word openings keyed by their last word, which alone would be read as another preposition ("front of", "next to"). */
  readonly openingsEndingWith: Readonly<Record<string, readonly string[]>>;
  /** Of those last words, the ones that open a phrase of place only as part of an opening ("of": "a group of" is no place). */
  readonly onlyInOpening: ReadonlySet<string>;
  /** Articles that may stand inside a longer opening ("on the edge of"). */
  readonly openingArticles: ReadonlySet<string>;
  /** Words that end a phrase of place where they stand: what comes before them is not part of it. */
  readonly phraseStops: ReadonlySet<string>;
  /**
   * Whether a word cannot stand between a phrase's preposition and the word
   * it names: an English verb form ("on a bike holding a sign"); in German,
   * whose adjectives are inflected, anything but an article or an adjective
   * ("auf einer Bühne spielt Gitarre").
   */
  breaksPhrase(word: string): boolean;
  /** Whether the place or thing words right after the word go with it ("on a dirt road"); German writes such pairs as one word. */
  readonly qualifiesNext: boolean;
  /** Prepositions that take two things ("between a fence and a wall"): leaving out one of them leaves no sentence. */
  readonly pairedPrepositions: ReadonlySet<string>;
  /**
   * Whether a preposition after the left-out phrase, at the end of the
   * caption or of its clause, is a verb's particle or a postposition that
   * belonged to the phrase ("läuft am Strand entlang", "rennt auf das Wasser zu").
   */
  readonly particleAtEnd: boolean;
  /**
   * Words that open a noun phrase. One stands right after the preposition
   * ("on a sidewalk", "in the snow") or not at all ("through snow"): anywhere
   * else ("in pink climbs a rock wall") a new phrase began after the
   * preposition, and the word is not in its phrase.
   */
  readonly determiners: ReadonlySet<string>;
  /** Verbs whose preposition is not one of place: "holding up a rope" without its rope says nothing. */
  readonly needsObject: ReadonlySet<string>;
  /** What may follow a phrase that is left out, so that the rest still reads: the end, another phrase, a new clause. */
  readonly phraseFollowers: ReadonlySet<string>;
  /** Prepositions that, right after the left-out phrase, belonged to it ("the steps of a building"). */
  readonly belongsToPhrase: ReadonlySet<string>;
  /** "with": a phrase it opens is followed by where the thing was ("a dog with a stick in its mouth"). */
  readonly withWord: string;
  /** "and", "or": a phrase after one, once the phrase before it is left out, belongs to the verb. */
  readonly coordinators: ReadonlySet<string>;
}

/** Nouns ending in "ing", which do not end a phrase the way a verb ("holding", "sitting") does. */
const ingNouns = new Set(['building', 'railing', 'clothing', 'ceiling', 'painting', 'evening', 'morning', 'wedding', 'ring', 'string', 'swing']);

export const englishPlaceGrammar: PlaceGrammar = {
  prepositions: new Set([
    'on', 'in', 'at', 'by', 'near', 'into', 'onto', 'over', 'under', 'beside', 'behind', 'through', 'across', 'along', 'down',
    'up', 'around', 'past', 'toward', 'towards', 'above', 'below', 'beneath', 'inside', 'outside', 'against', 'between',
    'from', 'off', 'with', 'of', 'to',
  ]),
  openingsEndingWith: {
    of: ['front', 'top', 'side', 'edge', 'middle', 'bottom', 'end', 'outside', 'inside', 'off'],
    to: ['next', 'close'],
  },
  onlyInOpening: new Set(['of']),
  openingArticles: new Set(['the', 'a']),
  phraseStops: new Set(['and', 'or', 'is', 'are', 'while', 'who', 'that', 'as', ',']),
  breaksPhrase: (word) => word.endsWith('ing') && !ingNouns.has(word),
  qualifiesNext: true,
  pairedPrepositions: new Set(['between']),
  particleAtEnd: false,
  determiners: new Set(['a', 'an', 'the', 'his', 'her', 'their', 'its', 'some', 'two', 'three', 'four', 'several', 'many', 'this', 'that']),
  needsObject: new Set([
    'holding', 'holds', 'hold', 'carrying', 'carries', 'carry', 'pulling', 'pulls', 'pull', 'pushing', 'pushes', 'push', 'picking',
    'picks', 'lifting', 'lifts', 'throwing', 'throws', 'wearing', 'wears', 'using', 'uses', 'putting', 'puts', 'setting',
  ]),
  phraseFollowers: new Set(['and', 'or', 'while', 'as', 'who', 'that', ',', '.', 'next', 'close']),
  belongsToPhrase: new Set(['of']),
  withWord: 'with',
  coordinators: new Set(['and', 'or']),
};

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
export function dropUnseenPhrases(
  words: readonly string[],
  unseen: ReadonlySet<string>,
  checked: ReadonlySet<string>,
  grammar: PlaceGrammar,
): UnseenPhrases {
  const drop = new Set<number>();
  const found: string[] = [];
  const stuck: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (!unseen.has(words[i]!)) continue;
    found.push(words[i]!);
    if (drop.has(i)) continue; // "on a rock wall", both unseen: the first one's phrase took it

    const start = phraseStart(words, i, grammar);
    // "a dirt road", "a rock wall": the place the phrase names goes with the word that qualifies it.
    let end = i;
    while (grammar.qualifiesNext && end + 1 < words.length && checked.has(words[end + 1]!)) end++;
    if (
      start === undefined ||
      grammar.needsObject.has(words[start - 1] ?? '') ||
      grammar.pairedPrepositions.has(words[start]!) ||
      !canFollowLeftOut(words, start, end + 1, grammar)
    ) {
      stuck.push(words[i]!);
      continue;
    }
    for (let j = start; j <= end; j++) drop.add(j);
    // "runs through the water and onto the sand": the next phrase now belongs to the verb.
    if (grammar.coordinators.has(words[end + 1] ?? '') && grammar.prepositions.has(words[end + 2] ?? '')) drop.add(end + 1);
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
function canFollowLeftOut(words: readonly string[], start: number, next: number, grammar: PlaceGrammar): boolean {
  const word = words[next];
  if (word === undefined || grammar.phraseFollowers.has(word)) return true;
  if (grammar.belongsToPhrase.has(word)) return false;
  if (grammar.particleAtEnd && grammar.prepositions.has(word)) {
    const after = words[next + 1];
    if (after === undefined || grammar.phraseFollowers.has(after)) return false;
  }
  return grammar.prepositions.has(word) && words[start] !== grammar.withWord;
}

/** Where the phrase of place that ends at `end` opens, or undefined when the word is not in one. */
function phraseStart(words: readonly string[], end: number, grammar: PlaceGrammar): number | undefined {
  for (let j = end - 1; j >= 0 && end - j <= 4; j--) {
    const word = words[j]!;
    if (grammar.phraseStops.has(word) || grammar.breaksPhrase(word)) return undefined;
    if (grammar.determiners.has(word) && !grammar.prepositions.has(words[j - 1] ?? '')) return undefined;
    if (!grammar.prepositions.has(word)) continue;
    if (Object.hasOwn(grammar.openingsEndingWith, word)) return compoundOpening(words, j, grammar);
    return j;
  }
  return undefined;
}

/**
 * "next to a fence", "in front of a building", "on the edge of a cliff": the
 * phrase opens before "to" or "of". Any other "of" ("a group of", "a picture
 * of") names what the caption is about.
 */
function compoundOpening(words: readonly string[], at: number, grammar: PlaceGrammar): number | undefined {
  const before = words[at - 1];
  const opening = before !== undefined && (grammar.openingsEndingWith[words[at]!] ?? []).includes(before);
  if (!grammar.onlyInOpening.has(words[at]!)) return opening ? at - 1 : at;
  if (!opening) return undefined;
  // "outside of a building"; "in front of", "on top of"; "on the edge of", "in the middle of".
  if (grammar.prepositions.has(words[at - 1]!)) return at - 1;
  if (grammar.prepositions.has(words[at - 2] ?? '')) return at - 2;
  if (grammar.openingArticles.has(words[at - 2] ?? '') && grammar.prepositions.has(words[at - 3] ?? '')) return at - 3;
  return undefined;
}

/**
 * English places and things that no COCO class names: the words that
 * `unseenConceptWords` checks. Not the words of COCO classes (the detector
 * checks those), clothing other than helmets and glasses, which captions
 * invent often (colours.ts checks clothing's colour; whether someone wears a
 * jacket matters less than where they are), nor words that say little of
 * the picture ("ground", "area", "background", "sky"). "crowd" is here too:
 * "standing in front of a crowd" sets a scene the detector cannot check.
 */
export const englishCheckedConcepts: ReadonlySet<string> = new Set([
  // places
  'beach', 'building', 'city', 'cliff', 'dirt', 'field', 'floor', 'forest', 'grass', 'hill', 'house', 'ice', 'lake', 'lawn',
  'mountain', 'mountains', 'ocean', 'park', 'path', 'playground', 'pond', 'pool', 'river', 'road', 'rock', 'rocks', 'room',
  'sand', 'shore', 'sidewalk', 'slope', 'snow', 'steps', 'store', 'stream', 'street', 'structure', 'track', 'trail', 'wall',
  'water', 'wave', 'waves', 'woods', 'yard',
  // things
  'camera', 'collar', 'crowd', 'equipment', 'fence', 'flowers', 'fountain', 'glasses', 'helmet', 'leash', 'obstacle', 'pole', 'rail',
  'railing', 'ramp', 'rope', 'sign', 'slide', 'stick', 'swing', 'toy', 'tree', 'trees', 'window',
]);

/** A language's place check: the words it checks, their other forms, and how its phrases of place read. */
export interface PlaceWords {
  readonly checked: ReadonlySet<string>;
  /** A checked word's other forms, as the caption model writes them ("buildings" for "building"). */
  formsOf(word: string): readonly string[];
  readonly grammar: PlaceGrammar;
}

/**
 * Plurals of checked words that captions also use as verbs ("a dog sticks its
 * head out", "a girl slides down", "fields the ball", "a cowboy ropes a
 * calf"): not checked, since the verb would be taken for the thing.
 */
const usuallyVerbs: ReadonlySet<string> = new Set(['sticks', 'slides', 'swings', 'signs', 'tracks', 'fields', 'trails', 'waters', 'ropes']);

export const englishPlaces: PlaceWords = {
  checked: englishCheckedConcepts,
  formsOf: (word) => [`${word}s`, `${word}es`, `${word.slice(0, -1)}ies`].filter((form) => singular(form) === word && !usuallyVerbs.has(form)),
  grammar: englishPlaceGrammar,
};
