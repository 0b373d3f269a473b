import { describe as group, expect, it } from 'vitest';
import { describe, defaultDescriptionOptions } from '../../src/engine/describe/describe';
import { countPhrase, pluralName, truncateAtWord } from '../../src/engine/describe/wording';

const object = (label: string, size = 100, score = 0.8) => ({ label, score, box: { x: 0, y: 0, width: size, height: size } });

group('wording', () => {
  it('counts with words and plurals', () => {
    expect(countPhrase('person', 2, 4)).toBe('two people');
    expect(countPhrase('dog', 1, 4)).toBe('a dog');
    expect(countPhrase('umbrella', 1, 4)).toBe('an umbrella');
    expect(countPhrase('bus', 3, 4)).toBe('three buses');
    expect(countPhrase('car', 9, 4)).toBe('many cars');
    expect(countPhrase('dining table', 1, 4)).toBe('a table');
    expect(pluralName('sheep')).toBe('sheep');
    expect(pluralName('bench')).toBe('benches');
    expect(countPhrase('skis', 1, 4)).toBe('a pair of skis');
    expect(countPhrase('scissors', 2, 4)).toBe('two pairs of scissors');
  });

  it('cuts long text at a word boundary', () => {
    expect(truncateAtWord('OPEN 24 HOURS EVERY DAY', 15)).toBe('OPEN 24 HOURS…');
    expect(truncateAtWord('short', 15)).toBe('short');
    // A word that ends exactly at the cut fits.
    expect(truncateAtWord('aaa bbb ccc', 8)).toBe('aaa bbb…');
    expect(truncateAtWord('aaa bbb ccc', 7)).toBe('aaa…');
  });
});

group('describe', () => {
  it('names objects by salience with counts, and quotes the text', () => {
    const result = describe([object('dog', 300), object('person', 100), object('person', 120)], [{ text: 'OPEN 24 HOURS', row: 0 }]);
    expect(result).toEqual({ kind: 'described', alt: 'A dog and two people. Text: "OPEN 24 HOURS"', objectPhrase: 'a dog and two people', quotedText: 'OPEN 24 HOURS' });
  });

  it('joins text rows in reading order', () => {
    expect(describe([], [{ text: 'DINE', row: 1 }, { text: 'SHOP', row: 0 }, { text: 'HERE', row: 1 }]).alt).toBe('Text: "SHOP DINE HERE"');
  });

  it('says nothing rather than guess', () => {
    expect(describe([], [])).toEqual({ kind: 'nothing-confident', alt: '' });
  });

  it('keeps to the length limit, cutting the text at a word boundary', () => {
    const long = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const { alt } = describe([object('person')], [{ text: long, row: 0 }]);
    expect(alt.length).toBeLessThanOrEqual(defaultDescriptionOptions.maxLength);
    expect(alt).toMatch(/^A person\. Text: "word0 word1 .*word\d+…"$/);
  });

  it('names at most three kinds of object', () => {
    const { alt } = describe([object('dog', 50), object('cat', 40), object('bird', 30), object('car', 20)], []);
    expect(alt).toBe('A dog, a cat and a bird.');
  });

  it('replaces straight quotes inside read text so the quoting stays unambiguous', () => {
    expect(describe([], [{ text: 'say "hi"', row: 0 }]).alt).toBe("Text: \"say 'hi'\"");
  });
});
