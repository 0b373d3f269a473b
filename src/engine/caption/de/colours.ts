/**
 * The colour check for German captions, with the same rule as English
 * (../colours.ts): a colour word is said only when enough of the pixels of
 * what it describes have that colour, and an unsupported one is removed,
 * never replaced. Only the reading of the words is German: colours with
 * their endings and compounds (colour-words.ts), the noun after them ("einem
 * roten Hemd", "ein schwarz-weißer Hund"), and a worn colour ("in Rot").
 *
 * Works on the model's words (before tidying and neutral wording).
 */
import type { RgbaImage } from '../../image/types';
import { colourShares, defaultColourCheck, regionFor } from '../colours';
import type { ColourCheck, ColourCheckOptions, ColourVerdict, LabelledBox, NounKinds } from '../colours';
import { germanColourWord, withColours } from './colour-words';
import type { GermanColourWord } from './colour-words';
import { germanGarmentPart } from './garments';
import { germanClassOf } from './object-names';

const germanNounKinds: NounKinds = { bodyPartOf: germanGarmentPart, cocoLabelOf: germanClassOf };

/** A separate word that qualifies the colour after it ("leuchtend rote"); it goes when the colour goes. */
const shadeWords = new Set(['hell', 'dunkel', 'leuchtend', 'knall', 'tief']);

/** Words that end the search for the noun a colour describes. */
const nounSearchStops = new Set([
  'ein', 'eine', 'einen', 'einem', 'einer', 'eines', 'der', 'die', 'das', 'den', 'dem', 'des', 'und', 'oder', 'mit', 'in', 'im', 'auf', 'an', 'am', 'bei',
  'beim', 'von', 'vom', 'zu', 'zum', 'zur', 'vor', 'hinter', 'neben', 'unter', 'über', 'durch', 'für', 'aus', 'nach', 'während', 'ist', 'sind', 'hat',
  'haben', 'wird', 'werden', 'sein', 'seine', 'seinem', 'seinen', 'seiner', 'ihr', 'ihre', 'ihrem', 'ihren', 'ihrer', ',', '.', ';', ':',
]);

/** One colour of the caption: token `token`, colour `part` of that word ("weiß" is part 1 of "schwarz-weißen"). */
interface ColourSlot {
  token: number;
  part: number;
}

export interface GermanColourPhrase {
  /** The colour words of the group, in order ("schwarzer", "weißer" in "ein schwarzer und weißer Hund"). */
  tokens: number[];
  /** Every colour of the group; a word like "schwarz-weißen" holds two. */
  slots: ColourSlot[];
  /** First and last token of the group, separate shade words and "und"/"," joins included. */
  start: number;
  end: number;
  /** Index of the word the colours describe; undefined when the colour is itself the noun ("in Rot"). */
  noun: number | undefined;
  /** "in Rot", "in Schwarz": a colour without a noun that names what someone wears. */
  worn: boolean;
}

/**
 * A colour word at `i`: an adjective (written lower case), or a colour noun
 * after "in" ("in Rot"). A capitalised colour elsewhere is a noun made of an
 * adjective ("ein Schwarzer") and is left alone, unless it starts the caption.
 */
function colourWordAt(words: readonly string[], i: number): GermanColourWord | undefined {
  const word = words[i];
  if (word === undefined) return undefined;
  const parsed = germanColourWord(word);
  if (!parsed) return undefined;
  const capitalised = word !== word.toLowerCase();
  return !capitalised || i === 0 || words[i - 1]?.toLowerCase() === 'in' ? parsed : undefined;
}

/** Colour phrases, left to right: each run of colours joined by "und" or ",", and the noun after them. */
export function findGermanColourPhrases(words: readonly string[]): GermanColourPhrase[] {
  const phrases: GermanColourPhrase[] = [];
  let i = 0;
  while (i < words.length) {
    if (!colourWordAt(words, i)) {
      i++;
      continue;
    }
    const tokens = [i];
    for (;;) {
      const last = tokens[tokens.length - 1]!;
      const joiner = words[last + 1];
      const next = joiner === 'und' || joiner === ',' ? last + 2 : last + 1;
      if (!colourWordAt(words, next)) break;
      tokens.push(next);
    }
    const first = tokens[0]!;
    const end = tokens[tokens.length - 1]!;
    const start = first > 0 && shadeWords.has(words[first - 1]!.toLowerCase()) ? first - 1 : first;
    const slots = tokens.flatMap((token) => colourWordAt(words, token)!.parts.map((_, part) => ({ token, part })));
    const noun = nounAfter(words, end + 1);
    const before = words[start - 1]?.toLowerCase();
    phrases.push({ tokens, slots, start, end, noun, worn: noun === undefined && before === 'in' });
    i = end + 1;
  }
  return phrases;
}

/**
 * The noun after a colour group: within three words, past other adjectives
 * ("einem rot-weiß gestreiften Hemd"), a known noun (a COCO object, a
 * garment) or a capitalised word; none when something else comes first (a
 * verb: "Der Hund ist braun und läuft").
 */
function nounAfter(words: readonly string[], from: number): number | undefined {
  for (let k = from; k < Math.min(words.length, from + 3); k++) {
    const word = words[k]!;
    const lower = word.toLowerCase();
    if (nounSearchStops.has(lower)) return undefined;
    if (germanGarmentPart(word) !== undefined || germanClassOf(word) !== undefined || /^[A-ZÄÖÜ]/.test(word)) return k;
    if (!/^[a-zäöüß-]+(e|en|em|er|es)$/.test(word) && germanColourWord(word) === undefined) return undefined;
  }
  return undefined;
}

const slotKey = (slot: ColourSlot) => `${slot.token}:${slot.part}`;

/** Checks every colour of a German caption against the pixels of what it describes, and removes the unsupported ones. */
export function checkGermanCaptionColours(
  words: readonly string[],
  image: RgbaImage,
  detections: readonly LabelledBox[],
  options: ColourCheckOptions = defaultColourCheck,
): ColourCheck {
  const verdicts: ColourVerdict[] = [];
  const unsupported = new Set<string>();
  const boxes = detections.filter((d) => d.score >= options.minBoxScore);
  for (const phrase of findGermanColourPhrases(words)) {
    const subject = phrase.noun !== undefined ? words[phrase.noun] : phrase.worn ? 'Kleidung' : undefined;
    const region = regionFor(subject, boxes, image, germanNounKinds);
    const shares = colourShares(image, region.box);
    for (const slot of phrase.slots) {
      const part = germanColourWord(words[slot.token]!)!.parts[slot.part]!;
      const share = part.pixels.reduce((sum, c) => sum + shares[c], 0);
      const supported = share >= options.minShare;
      if (!supported) unsupported.add(slotKey(slot));
      verdicts.push({ word: part.stem, subject, region: region.kind, share, supported });
    }
  }
  return { words: removeGermanColours(words, unsupported), verdicts, dropped: verdicts.filter((v) => !v.supported).map((v) => v.word) };
}

/**
 * Removes the colours whose `slotKey` is in `drop` and mends the rest: a
 * word keeps its other colours with its ending ("schwarz-weißen" less
 * "weiß" is "schwarzen"), a group its other words ("ein schwarzer und
 * weißer Hund" less "schwarz" is "ein weißer Hund"), and a worn colour goes
 * with what introduced it ("ein Mann ganz in Schwarz gekleidet läuft" → "ein
 * Mann läuft"). Articles need no change: in German the article does not
 * depend on whether an adjective follows.
 */
export function removeGermanColours(words: readonly string[], drop: ReadonlySet<string>): string[] {
  if (drop.size === 0) return [...words];
  const out: string[] = [];
  let predicateGone = false;
  let from = 0;
  for (const phrase of findGermanColourPhrases(words)) {
    if (!phrase.slots.some((slot) => drop.has(slotKey(slot)))) continue;
    const kept = phrase.tokens.flatMap((token) => {
      const word = words[token]!;
      const parsed = germanColourWord(word)!;
      const parts = parsed.parts.flatMap((_, part) => (drop.has(slotKey({ token, part })) ? [] : [part]));
      if (parts.length === 0) return [];
      const text = parts.length === parsed.parts.length ? word : withColours(parsed, parts, word !== word.toLowerCase());
      const shade = token === phrase.tokens[0] && phrase.start < token ? [words[phrase.start]!] : [];
      return [[...shade, text]];
    });
    let start = phrase.start;
    let end = phrase.end;
    if (kept.length === 0 && phrase.worn) {
      start--;
      if (words[start - 1]?.toLowerCase() === 'ganz') start--;
      if (/^gekleidet/i.test(words[end + 1] ?? '')) end++;
    }
    out.push(...words.slice(from, start), ...joinColours(kept));
    from = end + 1;
    // The sentence ended on the colour ("ein Hund ist braun"): what led up to it cannot end it.
    if (kept.length === 0 && words.slice(from).every((word) => word === '.')) predicateGone = true;
  }
  out.push(...words.slice(from));
  return predicateGone ? dropDanglingVerbDe(out) : out;
}

/** "ein Hund ist" once its predicate colour is gone: the verb (and a joiner before it) go too. */
const danglingBeforePredicate = new Set(['ist', 'sind', 'und', 'oder', ',']);

function dropDanglingVerbDe(words: readonly string[]): string[] {
  const stop = words.at(-1) === '.' ? ['.'] : [];
  let end = words.length - stop.length;
  while (end > 0 && danglingBeforePredicate.has(words[end - 1]!.toLowerCase())) end--;
  return [...words.slice(0, end), ...stop];
}

/** ["roten"], ["roter", "und", "weißer"], ["rote", ",", "weiße", "und", "blaue"]. */
function joinColours(colours: readonly string[][]): string[] {
  return colours.flatMap((c, k) => (k === 0 ? c : k === colours.length - 1 ? ['und', ...c] : [',', ...c]));
}
