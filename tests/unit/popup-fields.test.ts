import { describe, expect, it } from 'vitest';
import { clipPrefix, parseMinSize } from '../../src/popup/fields';
import { minSizeRange, prefixMaxLength } from '../../src/settings/schema';

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

describe('clipPrefix', () => {
  it('keeps empty and short prefixes as they are, trailing space included', () => {
    expect(clipPrefix('')).toBe('');
    expect(clipPrefix('AI: ')).toBe('AI: ');
  });

  it('clips to the schema limit', () => {
    expect(clipPrefix('x'.repeat(prefixMaxLength + 10))).toHaveLength(prefixMaxLength);
  });
});
