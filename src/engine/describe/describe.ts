import type { Box } from '../image/types';
import type { Point } from '../ocr/geometry';
import { textIsThePicture } from './text-picture';
import type { Wording } from './wording';
import { englishWording, truncateAtWord } from './wording';

export interface DescribedObject {
  label: string;
  score: number;
  box: Box;
}

export interface DescribedText {
  text: string;
  row: number;
}

export interface DescriptionOptions {
  /** Longest alt text we produce; screen-reader users hear every character. */
  maxLength: number;
  /** How many kinds of object to name at most, most salient first. */
  maxObjectKinds: number;
  /** Counts above this are said as "many". */
  exactCountUpTo: number;
}

export const defaultDescriptionOptions: DescriptionOptions = {
  maxLength: 150,
  maxObjectKinds: 3,
  exactCountUpTo: 4,
};

export type Description =
  | { kind: 'described'; alt: string; objectPhrase: string | undefined; quotedText: string | undefined }
  | { kind: 'nothing-confident'; alt: '' };

/** What the engine found in one image, everything in it confident enough to say. */
export interface Findings {
  image: { width: number; height: number };
  objects: readonly DescribedObject[];
  text: readonly (DescribedText & { quad: readonly Point[] })[];
  /** The caption sentence, when it passed the guard and the confidence gate. */
  caption?: string;
}

/**
 * The description of an image: the caption (or the objects) and the text,
 * except for a picture of text (a banner, a sign), which is only its text.
 * The rule is the same in every language.
 */
export function composeDescription(
  findings: Findings,
  options: DescriptionOptions = defaultDescriptionOptions,
  wording: Wording = englishWording,
): { description: Description; textIsThePicture: boolean } {
  if (textIsThePicture(findings)) return { description: describe([], findings.text, options, undefined, wording), textIsThePicture: true };
  return { description: describe(findings.objects, findings.text, options, findings.caption, wording), textIsThePicture: false };
}

/**
 * A deterministic sentence built only from what was detected with confidence.
 * Callers filter by confidence before this: everything passed in is said.
 */
export function describe(
  objects: readonly DescribedObject[],
  text: readonly DescribedText[],
  options: DescriptionOptions = defaultDescriptionOptions,
  /** A finished sentence (the caption) said instead of the objects, already in `wording`'s language. */
  lead?: string,
  wording: Wording = englishWording,
): Description {
  const objectPhrase = lead ? undefined : phraseForObjects(objects, options, wording);
  const readText = joinRows(text);
  if (!lead && !objectPhrase && !readText) return { kind: 'nothing-confident', alt: '' };

  const sentence = lead ?? (objectPhrase ? wording.sentence(objectPhrase) : '');
  if (!readText) return { kind: 'described', alt: truncateAtWord(sentence, options.maxLength), objectPhrase, quotedText: undefined };

  const separator = sentence ? ' ' : '';
  // Room for the text once the object sentence, the lead-in ('Text: ') and the two quotes are placed.
  const quoting = wording.quoteText('').length;
  const room = options.maxLength - sentence.length - separator.length - quoting;
  if (room < 12) {
    // Text inside images matters most to our users: keep it, drop objects.
    const quoted = truncateAtWord(readText, options.maxLength - quoting);
    return { kind: 'described', alt: wording.quoteText(quoted), objectPhrase: undefined, quotedText: quoted };
  }
  const quoted = truncateAtWord(readText, room);
  return { kind: 'described', alt: `${sentence}${separator}${wording.quoteText(quoted)}`, objectPhrase, quotedText: quoted };
}

/** "two people and a dog" / "zwei Personen und ein Hund", kinds ordered by the image area they cover. */
export function phraseForObjects(objects: readonly DescribedObject[], options: DescriptionOptions, wording: Wording = englishWording): string | undefined {
  const byLabel = new Map<string, { count: number; salience: number }>();
  for (const object of objects) {
    const entry = byLabel.get(object.label) ?? { count: 0, salience: 0 };
    entry.count++;
    entry.salience += object.box.width * object.box.height * object.score;
    byLabel.set(object.label, entry);
  }
  if (byLabel.size === 0) return undefined;
  const kinds = [...byLabel.entries()]
    .sort((a, b) => b[1].salience - a[1].salience || a[0].localeCompare(b[0]))
    .slice(0, options.maxObjectKinds);
  return wording.joinList(kinds.map(([label, { count }]) => wording.countPhrase(label, count, options.exactCountUpTo)));
}

/** The text of each row, top to bottom, boxes on a row joined left to right. */
export function textRows(text: readonly DescribedText[]): string[] {
  const rows = new Map<number, string[]>();
  for (const line of text) {
    const row = rows.get(line.row) ?? [];
    row.push(line.text.trim());
    rows.set(line.row, row);
  }
  return [...rows.keys()]
    .sort((a, b) => a - b)
    .map((key) => rows.get(key)!.filter(Boolean).join(' '))
    .filter(Boolean);
}

function joinRows(text: readonly DescribedText[]): string {
  return textRows(text).join(' ').replace(/"/g, "'");
}
