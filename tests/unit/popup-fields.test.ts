import { describe, expect, it } from 'vitest';
import { clipPrefix, createPopupFields } from '../../src/popup/fields';
import { minSizeRange, prefixMaxLength } from '../../src/settings/schema';
import { englishLocaliser } from '../../src/shared/i18n';
import { germanLocaliser } from './i18n-helpers';

const { parseMinSize } = createPopupFields(englishLocaliser);

describe('parseMinSize', () => {
  it('accepts whole numbers in range, edges included', () => {
    expect(parseMinSize('24')).toEqual({ valid: true, value: 24 });
    expect(parseMinSize(` ${minSizeRange.min} `)).toEqual({ valid: true, value: minSizeRange.min });
    expect(parseMinSize(String(minSizeRange.max))).toEqual({ valid: true, value: minSizeRange.max });
  });

  it('rejects out-of-range, empty and unparseable input with the range in the message', () => {
    for (const text of ['0', String(minSizeRange.max + 1), '-5', '', '  ', 'abc', '1e3']) {
      const result = parseMinSize(text);
      expect(result.valid, text).toBe(false);
      if (!result.valid) expect(result.message).toContain(`${minSizeRange.min} to ${minSizeRange.max}`);
    }
  });

  it('asks for a whole number when given a fraction', () => {
    const result = parseMinSize('12.5');
    expect(result.valid).toBe(false);
    if (!result.valid) expect(result.message).toMatch(/whole number/);
  });

  it("trusts the browser's badInput even when the value reads as empty or valid", () => {
    expect(parseMinSize('24', true).valid).toBe(false);
  });
});

describe('in German', () => {
  const german = createPopupFields(germanLocaliser('de'));

  it('gives hints and errors in German, with the range', () => {
    expect(german.minSizeHint).toBe(`Kleinere Bilder werden übersprungen. Von ${minSizeRange.min} bis ${minSizeRange.max}.`);
    expect(german.prefixHint).toMatch(/^Wird vor jeder Beschreibung vorgelesen/);
    const outOfRange = german.parseMinSize('0');
    expect(outOfRange).toEqual({ valid: false, message: `Geben Sie eine ganze Zahl von ${minSizeRange.min} bis ${minSizeRange.max} ein.` });
    const fraction = german.parseMinSize('12.5');
    expect(fraction.valid).toBe(false);
    if (!fraction.valid) expect(fraction.message).toMatch(/^Nur ganze Pixel sind möglich\. Geben Sie/);
    expect(german.parseMinSize('24')).toEqual({ valid: true, value: 24 });
  });
});

describe('clipPrefix', () => {
  it('keeps empty and short prefixes as they are, trailing space included', () => {
    expect(clipPrefix('')).toBe('');
    expect(clipPrefix('AI: ')).toBe('AI: ');
  });

  it('clips to the schema limit', () => {
    expect(clipPrefix('x'.repeat(prefixMaxLength + 10))).toHaveLength(prefixMaxLength);
  });
});
