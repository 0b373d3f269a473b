/**
 * Turns decoded words into a sentence a screen reader reads well: one
 * capital, a full stop, "a"/"an" agreeing with the next word, and optionally
 * gender-neutral words (the training captions are heavily gendered, and the
 * model guesses gender from pixels).
 *
 * Neutral wording is more than a word swap: "a man and a woman" swapped word
 * for word is "a person and a person", and "she is" becomes "they is". So the
 * people in a caption are rewritten as noun phrases (see `neutralise`).
 */
import { clothing, dropRepeatedClothing, dropReWornClothing } from './clothing';
import { phraseBoundaries, sameWords } from './noun-phrases';
import { countRepeatedAnimals } from './repeated-animals';

/** The neutral noun said for a group of people words, singular and plural. */
interface NeutralNoun {
  one: string;
  many: string;
}

interface PeopleWord {
  noun: NeutralNoun;
  plural: boolean;
}

const person: NeutralNoun = { one: 'person', many: 'people' };
const child: NeutralNoun = { one: 'child', many: 'children' };
const parent: NeutralNoun = { one: 'parent', many: 'parents' };
const sibling: NeutralNoun = { one: 'sibling', many: 'siblings' };
const newlywed: NeutralNoun = { one: 'newlywed', many: 'newlyweds' };
const policeOfficer: NeutralNoun = { one: 'police officer', many: 'police officers' };
const firefighter: NeutralNoun = { one: 'firefighter', many: 'firefighters' };
const angler: NeutralNoun = { one: 'angler', many: 'anglers' };
const cameraOperator: NeutralNoun = { one: 'camera operator', many: 'camera operators' };
const rider: NeutralNoun = { one: 'rider', many: 'riders' };
const weddingAttendant: NeutralNoun = { one: 'wedding attendant', many: 'wedding attendants' };

/**
 * Every word for people the caption vocabulary has, gendered or not, with
 * its neutral noun. The neutral words are listed too, so that "a person and a
 * woman" is recognised as two people.
 */
const peopleNouns: Record<string, PeopleWord> = {
  // "male" and "female" are nouns only where a phrase ends after them (neutralise turns those into "person").
  ...forms(person, ['man', 'woman', 'guy', 'lady', 'gentleman', 'person'], ['men', 'women', 'guys', 'ladies', 'gentlemen', 'people', 'males', 'females']),
  ...forms(child, ['boy', 'girl', 'son', 'daughter', 'child'], ['boys', 'girls', 'sons', 'daughters', 'children']),
  ...forms(parent, ['mother', 'father', 'mom', 'dad', 'parent'], ['mothers', 'fathers', 'moms', 'dads', 'parents']),
  ...forms(sibling, ['brother', 'sister', 'sibling'], ['brothers', 'sisters', 'siblings']),
  ...forms(newlywed, ['bride', 'groom'], ['brides', 'grooms']),
  ...forms(policeOfficer, ['policeman', 'policewoman'], ['policemen', 'policewomen']),
  ...forms(firefighter, ['fireman', 'firefighter'], ['firemen', 'firefighters']),
  ...forms(angler, ['fisherman', 'angler'], ['fishermen', 'anglers']),
  ...forms(cameraOperator, ['cameraman'], ['cameramen']),
  ...forms(rider, ['cowboy', 'cowgirl'], ['cowboys', 'cowgirls']),
  ...forms(weddingAttendant, ['bridesmaid', 'groomsman'], ['bridesmaids', 'groomsmen']),
};

function forms(noun: NeutralNoun, singular: readonly string[], plural: readonly string[]): Record<string, PeopleWord> {
  const entries: [string, PeopleWord][] = [
    ...singular.map((word): [string, PeopleWord] => [word, { noun, plural: false }]),
    ...plural.map((word): [string, PeopleWord] => [word, { noun, plural: true }]),
  ];
  return Object.fromEntries(entries);
}

const numberWords = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];


const colours = new Set(['black', 'white', 'red', 'blue', 'green', 'yellow', 'pink', 'purple', 'orange', 'brown', 'gray', 'grey', 'striped']);

interface PeoplePhrase {
  /** First token of the phrase: the determiner if there is one, else the first modifier or the noun. */
  start: number;
  /** "a", "the", "two"...; undefined for a bare noun ("men and women"). */
  determiner: string | undefined;
  modifiers: string[];
  /** Index of the noun: the phrase's last token. */
  end: number;
  noun: NeutralNoun;
  plural: boolean;
}

const clitics = new Set(["n't", "'s", "'re", "'ve", "'ll", "'d", "'m"]);

/** The tokenizer split "dog's" and "isn't"; put them back together. */
export function joinClitics(words: readonly string[]): string[] {
  const out: string[] = [];
  for (const word of words) {
    if (out.length > 0 && clitics.has(word)) out[out.length - 1] += word;
    else out.push(word);
  }
  return out;
}

export function tidyCaption(words: readonly string[], options: { neutral: boolean }): string {
  const kept = dropDanglingEnd(countRepeatedAnimals(dropReWornClothing(dropRepeatedClothing(words.filter((w) => w !== '.' && w.trim() !== '')))));
  const out = joinClitics(options.neutral ? neutralise(kept) : kept);
  for (let i = 0; i < out.length - 1; i++) {
    if (out[i] === 'a' || out[i] === 'an') out[i] = indefiniteArticle(out[i + 1]!);
  }
  const sentence = out.join(' ').replace(/\s+([,.!?;:'])/g, '$1').replace(/\s+/g, ' ').trim();
  if (!sentence) return '';
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}

/**
 * "a" or "an" by the sound of the next word, not its first letter: "a
 * uniform", "a one-way sign", "a European city", "an hour".
 */
export function indefiniteArticle(next: string): 'a' | 'an' {
  const word = next.toLowerCase();
  if (/^(hour|honest|hono|heir)/.test(word)) return 'an';
  if (/^(one|once)\b|^(uni(?![nm])|us[eiu]|eu|ewe)/.test(word)) return 'a';
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

/**
 * Words a sentence cannot end on. A caption that reached the word limit
 * stops mid-phrase ("... standing next to a man who"); what is left before
 * the dangling words still says something true. (Not "her": "a girl hugs
 * her" ends well.)
 */
const cannotEnd = new Set([
  'a', 'an', 'the', 'and', 'or', 'of', 'in', 'on', 'at', 'by', 'to', 'for', 'from', 'with', 'into', 'onto', 'near', 'next', 'behind', 'under',
  'over', 'beside', 'while', 'who', 'which', 'that', 'is', 'are', 'his', 'their', 'its', 'some', 'two', 'three', 'several',
]);

export function dropDanglingEnd(words: readonly string[]): string[] {
  let end = words.length;
  while (end > 0 && cannotEnd.has(words[end - 1]!)) end--;
  return words.slice(0, end);
}

/**
 * Gender-neutral words that still read naturally, on the model's tokens
 * (clitics still split off):
 * - people joined by "and" become one count when nothing tells them apart:
 *   "a man and a woman" → "two people", "men and women" → "people",
 *   "a young man and a young woman" → "two young people";
 *   "a man and a boy" stays two phrases ("a person and a child");
 * - a later "a person" after an earlier person is "another person" ("a man in
 *   a red shirt and a woman in a blue shirt" → "a person in a red shirt and
 *   another person in a blue shirt"). "another person" rather than a bare
 *   "another": after "a person with a dog and another" a listener cannot tell
 *   whether the second is a person or a dog;
 * - he/she are "they" with the verb agreeing ("she is" → "they are").
 * Phrases whose modifiers differ ("an old man and a young woman") are left as
 * two phrases: nothing shorter says the same.
 */
export function neutralise(words: readonly string[]): string[] {
  // The caption vocabulary is lower case; lowering here only guards other callers.
  let tokens = words.map((w) => w.toLowerCase());
  // "the male and female dancers": both adjectives only state guessed genders, and go (all three words,
  // found where the pair starts: a noun follows it, so they are adjectives, not "a male and a female").
  const isGender = (word: string | undefined) => word === 'male' || word === 'female';
  const adjectivePair = new Set<number>();
  tokens.forEach((token, i) => {
    const next = tokens[i + 3];
    if (isGender(token) && tokens[i + 1] === 'and' && isGender(tokens[i + 2]) && next !== undefined && !phraseBoundaries.has(next)) {
      for (const k of [i, i + 1, i + 2]) adjectivePair.add(k);
    }
  });
  tokens = tokens.filter((_, i) => !adjectivePair.has(i));
  // "a male and a female": nouns here, so they take part in "two people" and "another" below.
  tokens = tokens.map((token, i) => (isGender(token) && (i + 1 >= tokens.length || phraseBoundaries.has(tokens[i + 1]!)) ? 'person' : token));
  // One pair per round: "two men and a woman" is one merge, "a man and a woman with a boy and a girl" two. A caption is short.
  for (let round = 0; round < 4; round++) {
    const merged = mergeFirstCoordination(tokens);
    if (!merged) break;
    tokens = merged;
  }
  tokens = sayAnotherForRepeats(tokens);
  tokens = neutralPronouns(tokens);
  return tokens.flatMap((token, i) => {
    const entry = peopleNouns[token];
    if (entry) return [entry.plural ? entry.noun.many : entry.noun.one];
    // "a female singer" → "a singer": the adjective only states a guessed gender.
    if ((token === 'male' || token === 'female') && i + 1 < tokens.length && !phraseBoundaries.has(tokens[i + 1]!)) return [];
    if (token === 'male' || token === 'female') return ['person'];
    return [token];
  });
}

/** The people noun phrases of a sentence, left to right. */
export function peoplePhrases(tokens: readonly string[]): PeoplePhrase[] {
  const phrases: PeoplePhrase[] = [];
  tokens.forEach((token, end) => {
    const entry = peopleNouns[token];
    if (!entry) return;
    let start = end;
    // Modifiers: up to three words before the noun that cannot end a phrase ("a little blond girl").
    while (start > 0 && end - start < 3 && !isDeterminer(tokens[start - 1]!) && !phraseBoundaries.has(tokens[start - 1]!) && !peopleNouns[tokens[start - 1]!]) start--;
    const determiner = start > 0 && isDeterminer(tokens[start - 1]!) ? tokens[start - 1] : undefined;
    if (determiner) start--;
    const modifiers = tokens.slice(determiner ? start + 1 : start, end);
    phrases.push({ start, determiner, modifiers, end, noun: entry.noun, plural: entry.plural });
  });
  return phrases;
}

function isDeterminer(word: string): boolean {
  return word === 'a' || word === 'an' || word === 'the' || numberWords.includes(word);
}

/** How many people a phrase counts: "a man" 1, "two women" 2, "men" or "the men" unknown. */
function countOf(phrase: PeoplePhrase): number | undefined {
  const { determiner } = phrase;
  if (determiner === undefined) return undefined;
  if (determiner === 'a' || determiner === 'an') return 1;
  if (determiner === 'the') return phrase.plural ? undefined : 1;
  const n = numberWords.indexOf(determiner);
  return n > 0 ? n : undefined;
}

/**
 * "a man and a woman" → "two people" (the first such pair), or undefined when
 * there is none. The verb after the pair is made plural ("is" → "are").
 */
function mergeFirstCoordination(tokens: readonly string[]): string[] | undefined {
  const phrases = peoplePhrases(tokens);
  for (let k = 0; k + 1 < phrases.length; k++) {
    const first = phrases[k]!;
    const second = phrases[k + 1]!;
    if (!canMerge(tokens, first, second)) continue;
    const definite = first.determiner === 'the';
    const count1 = countOf(first);
    const count2 = second.determiner === undefined && second.modifiers.length === 0 && !second.plural ? 1 : countOf(second);
    const total = count1 !== undefined && count2 !== undefined ? count1 + count2 : undefined;
    const merged = [
      ...(definite ? ['the'] : []),
      ...(total !== undefined ? [numberWords[total] ?? String(total)] : []),
      ...first.modifiers,
      first.noun.many,
    ];
    const after = tokens.slice(second.end + 1);
    if (after[0] === 'is') after[0] = 'are';
    else if (after[0] === 'was') after[0] = 'were';
    else if (after[0] === 'has') after[0] = 'have';
    return [...tokens.slice(0, first.start), ...merged, ...after];
  }
  return undefined;
}

/** Two phrases that read as one group: "a man and a woman", not "a man and a boy" or "a man and a woman in a red dress". */
function canMerge(tokens: readonly string[], first: PeoplePhrase, second: PeoplePhrase): boolean {
  if (first.noun !== second.noun) return false;
  if (tokens[first.end + 1] !== 'and' || second.start !== first.end + 2) return false;
  // "a man and woman": the second shares the first's determiner and modifiers.
  const shared = second.determiner === undefined && second.modifiers.length === 0;
  if (!shared && !sameWords(first.modifiers, second.modifiers)) return false;
  const firstDefinite = first.determiner === 'the';
  const secondDefinite = second.determiner === 'the' || (shared && firstDefinite);
  if (firstDefinite !== secondDefinite) return false;
  if (!shared && (first.determiner === undefined) !== (second.determiner === undefined)) return false;
  // "a man and a woman's bag" is her bag, not theirs.
  if (tokens[second.end + 1] === "'s") return false;
  return !describesClothing(tokens, second.end + 1);
}

/** "in a red dress", "wearing hats", "in black": what follows describes one person's clothes. */
function describesClothing(tokens: readonly string[], from: number): boolean {
  const next = tokens[from];
  if (next === 'wearing' || next === 'dressed') return true;
  if (next !== 'in') return false;
  if (colours.has(tokens[from + 1] ?? '')) return true;
  return tokens.slice(from + 1, from + 5).some((w) => clothing.has(w));
}

/**
 * A second "a person" (or "two people") after an earlier person phrase is
 * "another person" ("two other people"). Only phrases without modifiers: "a
 * man and a young woman" must not become "another young person", which would
 * make both young.
 */
function sayAnotherForRepeats(tokens: readonly string[]): string[] {
  const out = [...tokens];
  const phrases = peoplePhrases(tokens);
  const repeats = phrases
    .map((phrase, index) => ({ phrase, earlier: phrases.slice(0, index).filter((before) => before.noun === phrase.noun) }))
    .filter(({ phrase, earlier }) => earlier.length > 0 && phrase.modifiers.length === 0);
  // Right to left so that inserting "other" does not move the phrases still to come.
  for (const { phrase, earlier } of repeats.reverse()) {
    if (phrase.determiner === 'a' || phrase.determiner === 'an') out[phrase.start] = 'another';
    // "the man is talking to the woman": "the other person", not "the person" twice. Not when it points
    // back ("a man and a woman … the man", the same word before) or the people before were a group.
    else if (phrase.determiner === 'the' && !phrase.plural && isSecondOfTwo(tokens, phrase, earlier)) out.splice(phrase.start + 1, 0, 'other');
    else if (phrase.plural && countOf(phrase) !== undefined && phrase.determiner !== 'the') out.splice(phrase.end, 0, 'other');
  }
  return out;
}

/** "the woman" after "the man": a second, single person, named by another word than any before it. */
function isSecondOfTwo(tokens: readonly string[], phrase: PeoplePhrase, earlier: readonly PeoplePhrase[]): boolean {
  const word = tokens[phrase.end];
  return earlier.every((before) => !before.plural && tokens[before.end] !== word);
}

const objectPronounFollowers = new Set([
  'a', 'an', 'the', 'and', 'or', 'in', 'on', 'at', 'with', 'to', 'for', 'from', 'by', 'of', 'up', 'down', 'while', 'as', 'into', 'onto',
  'over', 'off', 'back', 'around', 'near', 'behind', 'under', 'through', 'who', 'that', 'is', 'are', ',', 'his', 'her', 'their', 'this',
]);

/** Adverbs that may sit between "she" and her verb ("she also runs"). */
const adverbs = new Set(['also', 'still', 'just', 'then', 'now', 'always', 'never', 'both']);

/** he/she → they with the verb agreeing, him → them, his → their, her → their or them. */
function neutralPronouns(tokens: readonly string[]): string[] {
  const out = [...tokens];
  for (let i = 0; i < out.length; i++) {
    const word = out[i]!;
    if (word === 'he' || word === 'she') {
      out[i] = 'they';
      let verb = i + 1;
      while (verb < out.length && (adverbs.has(out[verb]!) || /ly$/.test(out[verb]!))) verb++;
      if (verb < out.length) out[verb] = pluralVerb(out[verb]!);
    } else if (word === 'him') out[i] = 'them';
    else if (word === 'his') out[i] = 'their';
    else if (word === 'hers') out[i] = 'theirs';
    else if (word === 'himself' || word === 'herself') out[i] = 'themselves';
    // "her bag" is possessive; "hugs her" and "with her and ..." are the object.
    else if (word === 'her') out[i] = i + 1 >= out.length || objectPronounFollowers.has(out[i + 1]!) ? 'them' : 'their';
  }
  return out;
}

const irregularVerbs: Record<string, string> = { is: 'are', was: 'were', has: 'have', does: 'do', goes: 'go', "'s": "'re" };

/** The verb form that agrees with "they": "runs" → "run", "watches" → "watch", "carries" → "carry". */
export function pluralVerb(verb: string): string {
  const irregular = irregularVerbs[verb];
  if (irregular) return irregular;
  // "carries" → "carry", but "lies" → "lie".
  if (/.[^aeiou]ies$/.test(verb)) return `${verb.slice(0, -3)}y`;
  if (/(ss|sh|ch|x|z)es$/.test(verb)) return verb.slice(0, -2);
  if (/[^su]s$/.test(verb)) return verb.slice(0, -1);
  return verb;
}
