import { minSizeRange, prefixMaxLength } from '../settings/schema';

/** Checks what the user typed into the popup's inputs before it is saved. */

export type FieldResult<T> = { valid: true; value: T } | { valid: false; message: string };

export const minSizeHint = `Smaller images are skipped. From ${minSizeRange.min} to ${minSizeRange.max}.`;

/**
 * `badInput` is the input's `validity.badInput`: a number input reports an
 * empty value for text it cannot parse, and the user deserves to hear why.
 */
export function parseMinSize(text: string, badInput = false): FieldResult<number> {
  const rangeMessage = `Enter a whole number from ${minSizeRange.min} to ${minSizeRange.max}.`;
  const trimmed = text.trim();
  if (badInput || trimmed === '') return { valid: false, message: rangeMessage };
  if (!/^-?\d+(\.\d+)?$/.test(trimmed)) return { valid: false, message: rangeMessage };
  const value = Number(trimmed);
  if (!Number.isInteger(value)) return { valid: false, message: `Use a whole number of pixels. ${rangeMessage}` };
  if (value < minSizeRange.min || value > minSizeRange.max) return { valid: false, message: rangeMessage };
  return { valid: true, value };
}

/** The prefix is glued straight onto the description, so the hint says to end it with a space. */
export const prefixHint = 'Read before each description so listeners know a machine wrote it. End with a space; may be empty.';

/**
 * `maxlength` stops typing past the limit but not every paste path in every
 * browser, so the value is clipped again before saving.
 */
export function clipPrefix(text: string): string {
  return text.slice(0, prefixMaxLength);
}
