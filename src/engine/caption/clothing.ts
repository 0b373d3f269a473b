/**
 * Clothing in the English caption model's words: what tidy.ts needs to keep
 * people's clothes apart, and two ways the decoder says one garment twice.
 */
import { isArticle, nounPhraseEndingAt, phraseBoundaries, sameWords } from './noun-phrases';

/**
 * Clothing, so that "a man and a woman in a red dress" is not merged into
 * "two people in a red dress": the dress is hers alone.
 */
export const clothing: ReadonlySet<string> = new Set([
  'shirt', 'shirts', 't-shirt', 'dress', 'dresses', 'jacket', 'jackets', 'coat', 'coats', 'hat', 'hats', 'cap', 'caps', 'helmet', 'helmets',
  'uniform', 'uniforms', 'costume', 'costumes', 'sweater', 'sweatshirt', 'hoodie', 'suit', 'suits', 'skirt', 'shorts', 'pants', 'jeans',
  'top', 'tank', 'bikini', 'swimsuit', 'vest', 'scarf', 'glasses', 'sunglasses', 'outfit', 'outfits', 'gear', 'boots', 'apron', 'robe',
  'gown', 'tuxedo', 'jersey', 'jerseys', 'hood', 'mask', 'wetsuit', 'clothes', 'clothing', 'attire', 'overalls', 'trunks', 'headband', 'bandana',
]);

/**
 * The decoder sometimes says a garment twice, joined by "and": "in a shirt
 * and a shirt", "in a white shirt and white shirt", "with a backpack and a
 * backpack"; or the colour check has taken the colour from one of the two
 * ("in a shirt and blue shirt"). Nobody wears the same thing twice, so one
 * phrase stays, the one that says more: "a person in a blue shirt is
 * smiling". Two phrases whose modifiers differ ("a red jacket and a black
 * jacket") are left as they are. Only things worn: "a dog and a dog" are two
 * dogs.
 */
export function dropRepeatedClothing(words: readonly string[]): string[] {
  const out = [...words];
  for (let and = out.indexOf('and'); and > 0; and = out.indexOf('and', and + 1)) {
    const first = wornPhraseEndingAt(out, and - 1);
    const second = first && wornPhraseStartingAt(out, and + 1, out[and - 1]!);
    if (!first || !second) continue;
    const same = sameWords(first.modifiers, second.modifiers);
    if (!same && first.modifiers.length > 0 && second.modifiers.length > 0) continue;
    const modifiers = first.modifiers.length > 0 ? first.modifiers : second.modifiers;
    out.splice(first.determinerAt + 1, second.end - first.determinerAt, ...modifiers, out[and - 1]!);
    and = first.determinerAt;
  }
  return out;
}

/** Words worn or carried on the body, for dropRepeatedClothing. */
const worn = new Set([...clothing, 'backpack', 'backpacks']);

/** Modifiers a worn thing may have in a caption: a colour, another colour after "and", or a word like "long". */
const maxWornModifiers = 3;

/** "a white shirt" ending at `end`: its determiner's index and the modifiers between. */
function wornPhraseEndingAt(tokens: readonly string[], end: number): { determinerAt: number; modifiers: string[] } | undefined {
  return worn.has(tokens[end]!) ? nounPhraseEndingAt(tokens, end, maxWornModifiers) : undefined;
}

/**
 * "a white shirt" or "white shirt" starting at `start` and naming `noun` (any
 * worn thing when not given): its modifiers and the noun's index.
 */
function wornPhraseStartingAt(tokens: readonly string[], start: number, noun?: string): { modifiers: string[]; end: number } | undefined {
  const from = isArticle(tokens[start] ?? '') ? start + 1 : start;
  for (let at = from; at < tokens.length && at <= from + maxWornModifiers; at++) {
    if (noun === undefined ? worn.has(tokens[at]!) : tokens[at] === noun) return { modifiers: tokens.slice(from, at), end: at };
    if (phraseBoundaries.has(tokens[at]!) || isArticle(tokens[at]!)) return undefined;
  }
  return undefined;
}

/**
 * The decoder also says a garment again as what someone is wearing: "a boy
 * in a red shirt is wearing a blue shirt", where the colour check may then
 * take both colours ("a child in a shirt is wearing a shirt"), or "a boy in
 * a blue shirt is wearing a black hat and wearing a white shirt". The second
 * mention goes, and its modifiers move to the first when that has none: "a
 * child in a white shirt is wearing a black hat", "a child in a shirt".
 * Only right after the subject's own "is wearing" (or its "and wearing"),
 * so that another person's shirt stays ("in a black shirt is sitting next to
 * a man wearing a shirt"); two mentions whose modifiers differ are left.
 */
export function dropReWornClothing(words: readonly string[]): string[] {
  const out = [...words];
  for (let inAt = out.indexOf('in'); inAt >= 0; inAt = out.indexOf('in', inAt + 1)) {
    const first = wornPhraseStartingAt(out, inAt + 1);
    if (!first || !isArticle(out[inAt + 1] ?? '')) continue;
    const garment = out[first.end]!;
    if (!subjectVerbs.has(out[first.end + 1] ?? '') || out[first.end + 2] !== 'wearing') continue;
    const mention = secondMention(out, first.end + 3, garment);
    if (!mention) continue;
    const { second, from, to } = mention;
    if (first.modifiers.length > 0 && second.modifiers.length > 0 && !sameWords(first.modifiers, second.modifiers)) continue;
    out.splice(from, to - from + 1);
    if (first.modifiers.length === 0) out.splice(inAt + 2, 0, ...second.modifiers);
  }
  return out;
}

const subjectVerbs = new Set(['is', 'are']);

/**
 * The garment's second mention after the subject's "is wearing", at `start`,
 * and the tokens [from, to] that go with it: the whole "is wearing a shirt"
 * at the sentence's end, "a shirt and" before more that is worn, or "and
 * wearing a shirt" at the end, after something else that is.
 */
function secondMention(tokens: readonly string[], start: number, garment: string): { second: { modifiers: string[]; end: number }; from: number; to: number } | undefined {
  const direct = wornPhraseStartingAt(tokens, start, garment);
  if (direct) {
    if (direct.end === tokens.length - 1) return { second: direct, from: start - 2, to: direct.end };
    // What follows the "and" must be worn too, to read after "is wearing": "a hat", "jeans"; not "tie" of "a suit
    // and tie", nor another person or an animal ("a shirt and a woman is sitting").
    if (tokens[direct.end + 1] === 'and' && wornPhraseStartingAt(tokens, direct.end + 2)) return { second: direct, from: start, to: direct.end + 1 };
    return undefined;
  }
  // "is wearing a black hat and wearing a white shirt": one noun phrase, then "and wearing".
  for (let at = start; at < tokens.length && at <= start + 1 + maxWornModifiers; at++) {
    if (tokens[at] === 'and' && tokens[at + 1] === 'wearing') {
      // Only at the sentence's end: what follows may belong to the garment ("with a logo") or start a clause.
      const later = wornPhraseStartingAt(tokens, at + 2, garment);
      return later && later.end === tokens.length - 1 ? { second: later, from: at, to: later.end } : undefined;
    }
    if (phraseBoundaries.has(tokens[at]!) || (at > start && isArticle(tokens[at]!))) return undefined;
  }
  return undefined;
}
