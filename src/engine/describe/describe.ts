import type { Box } from '../image/types';
import type { Point } from '../ocr/geometry';
import { textIsThePicture } from './text-picture';
import { capitalise, countPhrase, joinList, truncateAtWord } from './wording';

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
 */
export function composeDescription(findings: Findings, options: DescriptionOptions = defaultDescriptionOptions): { description: Description; textIsThePicture: boolean } {
  if (textIsThePicture(findings)) return { description: describe([], findings.text, options), textIsThePicture: true };
  return { description: describe(findings.objects, findings.text, options, findings.caption), textIsThePicture: false };
}

/**
 * A deterministic sentence built only from what was detected with confidence.
 * Callers filter by confidence before this: everything passed in is said.
 */
export function describe(
  objects: readonly DescribedObject[],
  text: readonly DescribedText[],
  options: DescriptionOptions = defaultDescriptionOptions,
  /** A finished sentence (the caption) said instead of the objects. */
  lead?: string,
): Description {
  const objectPhrase = lead ? undefined : phraseForObjects(objects, options);
  const readText = joinRows(text);
  if (!lead && !objectPhrase && !readText) return { kind: 'nothing-confident', alt: '' };

  const sentence = lead ?? (objectPhrase ? `${capitalise(objectPhrase)}.` : '');
  if (!readText) return { kind: 'described', alt: truncateAtWord(sentence, options.maxLength), objectPhrase, quotedText: undefined };

  const separator = sentence ? ' ' : '';
  // Room for the text once the object sentence, 'Text: ' and the two quotes are placed.
  const room = options.maxLength - sentence.length - separator.length - 'Text: ""'.length;
  if (room < 12) {
    // Text inside images matters most to our users: keep it, drop objects.
    const quoted = truncateAtWord(readText, options.maxLength - 'Text: ""'.length);
    return { kind: 'described', alt: `Text: "${quoted}"`, objectPhrase: undefined, quotedText: quoted };
  }
  const quoted = truncateAtWord(readText, room);
  return { kind: 'described', alt: `${sentence}${separator}Text: "${quoted}"`, objectPhrase, quotedText: quoted };
}

/** "two people and a dog", kinds ordered by the image area they cover. */
export function phraseForObjects(objects: readonly DescribedObject[], options: DescriptionOptions): string | undefined {
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
  return joinList(kinds.map(([label, { count }]) => countPhrase(label, count, options.exactCountUpTo)));
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
