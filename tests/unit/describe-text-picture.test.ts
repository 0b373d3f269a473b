import { describe, expect, it } from 'vitest';
import { defaultTextPictureThresholds, textCoverage, textIsThePicture } from '../../src/engine/describe/text-picture';
import { composeDescription } from '../../src/engine/describe/describe';
import type { Findings } from '../../src/engine/describe/describe';

/** A text line whose box is `width` × `height` pixels at (x, y). */
const line = (text: string, width: number, height: number, x = 0, y = 0, row = 0) => ({
  text,
  row,
  quad: [
    { x, y },
    { x: x + width, y },
    { x: x + width, y: y + height },
    { x, y: y + height },
  ],
});

const object = (label: string, score = 0.6) => ({ label, score, box: { x: 0, y: 0, width: 100, height: 100 } });

// Shapes measured with the real engine (see the thresholds' comment).
/** tests/fixtures/images/open-24-hours.png: 640×160, three boxes covering 24 % of it. */
const openBanner: Findings = {
  image: { width: 640, height: 160 },
  text: [line('OPEN', 150, 60, 40, 50), line('24', 70, 60, 210, 50), line('HOURS', 190, 60, 300, 50)],
  objects: [],
};
/** An ICDAR 2015 street photo (ocr-dev), 1280×720: shop signs covering 3.9 %, no confident object. */
const streetSigns: Findings = {
  image: { width: 1280, height: 720 },
  text: [line('LIVE IT', 300, 40, 100, 100), line('511 513 505', 400, 45, 200, 300), line('THIS CHINESE NEW', 220, 25, 600, 500, 2)],
  objects: [],
};

describe('textIsThePicture', () => {
  it('fires for a banner: much text, nothing else seen', () => {
    expect(textCoverage(openBanner)).toBeCloseTo(0.24, 2);
    expect(textIsThePicture(openBanner)).toBe(true);
  });

  it('does not fire for a photo whose signs are a small part of it', () => {
    expect(textCoverage(streetSigns)).toBeLessThan(defaultTextPictureThresholds.minTextCoverage);
    expect(textIsThePicture(streetSigns)).toBe(false);
  });

  it('does not fire when a confident object other than a text-bearing one is seen', () => {
    expect(textIsThePicture({ ...openBanner, objects: [object('person')] })).toBe(false);
    expect(textIsThePicture({ ...openBanner, objects: [object('cup'), object('stop sign')] })).toBe(false);
  });

  it('is not vetoed by objects that carry text (a sale square seen as a stop sign, a screenshot as a TV)', () => {
    expect(textIsThePicture({ ...openBanner, objects: [object('stop sign', 0.5)] })).toBe(true);
    expect(textIsThePicture({ ...openBanner, objects: [object('tv'), object('laptop')] })).toBe(true);
  });

  it('needs a few characters, not one glyph read in a large box', () => {
    const glyph = { image: { width: 200, height: 200 }, text: [line('I', 60, 120)], objects: [] };
    expect(textCoverage(glyph)).toBeGreaterThan(0.1);
    expect(textIsThePicture(glyph)).toBe(false);
    expect(textIsThePicture({ ...glyph, text: [line('  EXIT  ', 60, 120)] })).toBe(true);
  });

  it('fires exactly at the coverage threshold and not just below it', () => {
    const image = { width: 1000, height: 100 };
    const at = defaultTextPictureThresholds.minTextCoverage * 1000;
    expect(textIsThePicture({ image, text: [line('SALE', at, 100)], objects: [] })).toBe(true);
    expect(textIsThePicture({ image, text: [line('SALE', at - 1, 100)], objects: [] })).toBe(false);
  });

  it('counts every line and caps coverage at the whole image', () => {
    expect(textCoverage({ image: { width: 100, height: 100 }, text: [line('A', 50, 20), line('B', 50, 20, 0, 50)] })).toBeCloseTo(0.2, 6);
    expect(textCoverage({ image: { width: 10, height: 10 }, text: [line('A', 10, 10), line('B', 10, 10)] })).toBe(1);
    expect(textCoverage({ image: { width: 0, height: 0 }, text: [line('A', 10, 10)] })).toBe(0);
  });

  it('takes thresholds', () => {
    expect(textIsThePicture(streetSigns, { minTextCoverage: 0.03, minCharacters: 3 })).toBe(true);
    expect(textIsThePicture(openBanner, { minTextCoverage: 0.08, minCharacters: 20 })).toBe(false);
  });
});

describe('composeDescription', () => {
  const banner: Findings = { ...openBanner, caption: 'A knife.' };

  it('says only the text of a picture of text, not the caption', () => {
    expect(composeDescription(banner)).toEqual({
      description: { kind: 'described', alt: 'Text: "OPEN 24 HOURS"', objectPhrase: undefined, quotedText: 'OPEN 24 HOURS' },
      textIsThePicture: true,
    });
  });

  it('drops text-bearing objects too', () => {
    expect(composeDescription({ ...banner, caption: undefined, objects: [object('stop sign')] }).description.alt).toBe('Text: "OPEN 24 HOURS"');
  });

  it('keeps the caption of a photo with a sign in it', () => {
    const photo: Findings = { ...streetSigns, text: [line('OPEN', 60, 20, 10, 10)], caption: 'A dog runs past a shop.' };
    expect(composeDescription(photo)).toEqual({
      description: { kind: 'described', alt: 'A dog runs past a shop. Text: "OPEN"', objectPhrase: undefined, quotedText: 'OPEN' },
      textIsThePicture: false,
    });
  });

  it('keeps the objects of a banner held by a person', () => {
    expect(composeDescription({ ...openBanner, objects: [object('person')] }).description.alt).toBe('A person. Text: "OPEN 24 HOURS"');
  });
});
