import { minSizeRange, prefixMaxLength } from '../settings/schema';
import type { Localiser } from '../shared/i18n';

/** Checks what the user typed into the popup's inputs before it is saved. */

export type FieldResult<T> = { valid: true; value: T } | { valid: false; message: string };

export interface PopupFields {
  minSizeHint: string;
  /** The prefix is glued straight onto the description, so the hint says to end it with a space. */
  prefixHint: string;
  /**
   * `badInput` is the input's `validity.badInput`: a number input reports an
   * empty value for text it cannot parse, and the user deserves to hear why.
   */
  parseMinSize(text: string, badInput?: boolean): FieldResult<number>;
}

export function createPopupFields({ language, translate }: Localiser): PopupFields {
  const number = new Intl.NumberFormat(language, { maximumFractionDigits: 0 });
  const range = { min: number.format(minSizeRange.min), max: number.format(minSizeRange.max) };
  const rangeMessage = translate('minSizeRange', range);
  return {
    minSizeHint: translate('minSizeHint', range),
    prefixHint: translate('prefixHint'),
    parseMinSize(text, badInput = false) {
      const trimmed = text.trim();
      if (badInput || trimmed === '') return { valid: false, message: rangeMessage };
      if (!/^-?\d+(\.\d+)?$/.test(trimmed)) return { valid: false, message: rangeMessage };
      const value = Number(trimmed);
      if (!Number.isInteger(value)) return { valid: false, message: translate('minSizeWholePixels', { range: rangeMessage }) };
      if (value < minSizeRange.min || value > minSizeRange.max) return { valid: false, message: rangeMessage };
      return { valid: true, value };
    },
  };
}

/**
 * `maxlength` stops typing past the limit but not every paste path in every
 * browser, so the value is clipped again before saving.
 */
export function clipPrefix(text: string): string {
  return text.slice(0, prefixMaxLength);
}
