/**
 * German letter case for the caption's words. The German vocabulary carries
 * each word's usual written form ("Mann", "läuft"), but a form chosen by
 * frequency can be wrong where a word starts many sentences ("Ein", "Zwei",
 * "Mehrere") or where one lower-case token is two words ("junge" is "young",
 * "Junge" is "boy"). This makes the case right again without assuming that
 * the words come in lower case, or in any case:
 * - articles, numbers, prepositions, pronouns and other closed-class words
 *   are lower case (the sentence's first letter is capitalised later);
 * - "junge"/"jungen" (and other adjective-looking words that also name
 *   people: "erwachsene", "jugendliche") are adjectives before a noun and
 *   nouns otherwise;
 * - nouns we know (people, COCO objects, clothing) are capitalised, in case
 *   the vocabulary wrote them lower case.
 * Any other word keeps the vocabulary's form.
 */
import { germanClassOf } from './object-names';
import { germanGarmentPart } from './garments';
import { germanPeopleNouns } from './people-nouns';

const closedClass = new Set([
  'ein', 'eine', 'einen', 'einem', 'einer', 'eines', 'der', 'die', 'das', 'den', 'dem', 'des', 'kein', 'keine', 'keinen', 'keinem', 'keiner',
  'dieser', 'diese', 'dieses', 'diesem', 'diesen', 'jeder', 'jede', 'jedes', 'jedem', 'jeden', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben',
  'acht', 'neun', 'zehn', 'elf', 'zwölf', 'beide', 'beiden', 'mehrere', 'einige', 'viele', 'vielen', 'wenige', 'alle', 'allen', 'andere', 'anderen',
  'manche', 'zahlreiche', 'etliche', 'in', 'im', 'ins', 'an', 'am', 'ans', 'auf', 'aus', 'bei', 'beim', 'mit', 'nach', 'von', 'vom', 'vor', 'zu',
  'zum', 'zur', 'über', 'unter', 'neben', 'hinter', 'zwischen', 'durch', 'für', 'gegen', 'ohne', 'um', 'entlang', 'während', 'und', 'oder', 'aber',
  'als', 'wie', 'dass', 'er', 'sie', 'es', 'sich', 'ihm', 'ihn', 'ihnen', 'sein', 'seine', 'seinen', 'seinem', 'seiner', 'seines', 'ihr', 'ihre',
  'ihren', 'ihrem', 'ihrer', 'ihres', 'ist', 'sind', 'hat', 'haben', 'wird', 'werden', 'gerade', 'sehr', 'etwas', 'zusammen',
]);

const adjectiveEnding = /(e|en|er|es|em)$/;

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function isPeopleNoun(word: string): boolean {
  return Object.hasOwn(germanPeopleNouns, capitalise(word.toLowerCase()));
}

/** A word we know to be a noun in any letter case. */
function isKnownNoun(word: string): boolean {
  return isPeopleNoun(word) || germanClassOf(word) !== undefined || germanGarmentPart(word) !== undefined;
}

/** Whether the word at `i` reads as a noun: capitalised and no closed-class word, or one we know. */
function isNounAt(words: readonly string[], i: number): boolean {
  const word = words[i];
  if (word === undefined) return false;
  if (closedClass.has(word.toLowerCase())) return false;
  return /^[A-ZÄÖÜ]/.test(word) || isKnownNoun(word);
}

export function restoreGermanCase(words: readonly string[]): string[] {
  return words.map((word, i) => {
    const lower = word.toLowerCase();
    if (closedClass.has(lower)) return lower;
    if (!isKnownNoun(word)) return word;
    // "eine junge Frau", "zwei erwachsene Männer": an adjective before a noun, though the same letters name people.
    if (adjectiveEnding.test(lower) && isNounAt(words, i + 1)) return lower;
    return capitalise(word);
  });
}
