/**
 * German colour words as the caption model writes them: an adjective with
 * its ending ("rot", "rote", "roten", "roter", "rotes", "rotem"), a shade
 * fused on ("hellblauen", "dunkelrote"), "-farben" ("orangefarbenen"),
 * several colours in one word ("schwarz-weißen", "schwarzweiße",
 * "rot-weiß-blauen"), and the indeclinable "lila", "rosa", "beige".
 */
import type { PixelColour } from '../colours';

/**
 * Each colour's stem and the pixel colours that count as seeing it, as in
 * English (colours.ts `colourWords`): brown is broad, gold is yellow or
 * orange to a camera. "blond" is left out, as in English: hair colour cannot
 * be told from a person's box this simply.
 */
const colourStems: Readonly<Record<string, readonly PixelColour[]>> = {
  schwarz: ['black'],
  weiß: ['white'],
  weiss: ['white'],
  grau: ['grey'],
  silbern: ['grey', 'white'],
  silber: ['grey', 'white'],
  rot: ['red'],
  orange: ['orange'],
  gelb: ['yellow'],
  golden: ['yellow', 'orange'],
  gold: ['yellow', 'orange'],
  grün: ['green'],
  blau: ['blue'],
  türkis: ['blue', 'green'],
  lila: ['purple'],
  violett: ['purple'],
  rosa: ['pink'],
  pink: ['pink'],
  braun: ['brown', 'orange'],
  beige: ['brown', 'white'],
};

/** Fused in front of a colour: "hellblau", "dunkelrot", "knallgelb", "marineblau". */
const shadePrefixes = ['hell', 'dunkel', 'knall', 'marine', 'himmel', 'königs', 'neon', 'tief', 'blass', 'oliv', 'wein', 'feuer', 'blut', 'schnee', 'pech'];

/** Navy is dark blue: like English "navy", blue or black counts. */
const shadePixels: Readonly<Record<string, readonly PixelColour[]>> = { marine: ['blue', 'black'] };

const stemPattern = Object.keys(colourStems).sort((a, b) => b.length - a.length).join('|');
// Parts joined by "-" or "/" ("schwarz-weißen", "schwarz/weißer": the training captions write both).
const colourToken = new RegExp(`^(${shadePrefixes.join('|')})?-?((?:(?:${stemPattern})[-/]?)+?)(farben|farbig)?(e|en|em|er|es|n|m|r|s)?$`);
const singleStem = new RegExp(`(${stemPattern})`, 'g');

export interface GermanColourPart {
  /** The colour's stem: "schwarz" of "schwarz-weißen". */
  stem: string;
  /** The pixel colours that count as seeing it. */
  pixels: readonly PixelColour[];
}

export interface GermanColourWord {
  /** The colours the word names, in order: one for "roten", two for "schwarz-weißen". */
  parts: GermanColourPart[];
  /** "hell" of "hellblauen", or "". */
  shade: string;
  /** How several colours are joined in the word: "-" or "" ("schwarzweiß"). */
  joiner: string;
  /** "farben" of "orangefarbenen", or "". */
  suffix: string;
  /** The adjective ending: "en" of "roten", or "". */
  ending: string;
}

/**
 * The colours a token names, or undefined when it is no colour word. Letter
 * case is ignored, except that a capitalised "Orange"/"Orangen" is the fruit.
 */
export function germanColourWord(token: string): GermanColourWord | undefined {
  if (/^Orangen?$/.test(token)) return undefined;
  const lower = token.toLowerCase();
  const match = colourToken.exec(lower);
  if (!match) return undefined;
  const [, shade = '', body = '', suffix = '', ending = ''] = match;
  // "orangen", "beigem": a stem that ends in "e" takes the ending without its own "e".
  if (/^[nmrs]$/.test(ending) && !(suffix === '' && body.endsWith('e'))) return undefined;
  const stems = body.replace(/[-/]$/, '').match(singleStem) ?? [];
  // The stems must make up the whole body, so that nothing unknown hides between them.
  if (stems.join('').length !== body.replace(/[-/]/g, '').length || stems.length === 0) return undefined;
  const extra = shadePixels[shade];
  return {
    parts: stems.map((stem) => ({ stem, pixels: extra ?? colourStems[stem]! })),
    shade,
    joiner: body.includes('/') ? '/' : body.includes('-') ? '-' : '',
    suffix,
    ending,
  };
}

/** The word with only some of its colours (`keep` indexes into `parts`): "schwarz-weißen" keeping 1 is "weißen". */
export function withColours(word: GermanColourWord, keep: readonly number[], capital: boolean): string {
  const body = keep.map((k) => word.parts[k]!.stem).join(word.joiner);
  const text = `${word.shade}${body}${word.suffix}${word.ending}`;
  return capital ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}
