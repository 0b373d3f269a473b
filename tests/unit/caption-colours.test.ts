import { describe, expect, it } from 'vitest';
import { bandOf, checkCaptionColours, colourShares, findColourPhrases, nameColour, regionFor, removeColours } from '../../src/engine/caption/colours';
import type { LabelledBox, PixelColour } from '../../src/engine/caption/colours';
import type { Box, RgbaImage } from '../../src/engine/image/types';
import { tidyCaption } from '../../src/engine/caption/tidy';

type Rgb = [number, number, number];

/** A width×height image of one colour, with rectangles painted over it in order. */
function paint(width: number, height: number, background: Rgb, rects: { box: Box; rgb: Rgb; alpha?: number }[] = []): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const rect = [...rects].reverse().find(({ box }) => x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height);
      const [r, g, b] = rect?.rgb ?? background;
      data.set([r, g, b, rect?.alpha ?? 255], (y * width + x) * 4);
    }
  }
  return { data, width, height };
}

const words = (caption: string) => caption.split(' ');
const removing = (caption: string, drop: string[]) => {
  const tokens = words(caption);
  return removeColours(tokens, new Set(tokens.flatMap((w, i) => (drop.includes(w) ? [i] : [])))).join(' ');
};

describe('naming a pixel', () => {
  const cases: [Rgb, PixelColour][] = [
    [[220, 30, 30], 'red'],
    [[250, 140, 20], 'orange'],
    [[240, 220, 40], 'yellow'],
    [[40, 160, 60], 'green'],
    [[30, 90, 200], 'blue'],
    [[20, 30, 70], 'blue'], // navy: dark but clearly coloured
    [[130, 40, 170], 'purple'],
    [[240, 120, 190], 'pink'],
    [[250, 170, 170], 'pink'], // light red
    [[120, 75, 40], 'brown'],
    [[150, 110, 100], 'brown'], // muted red is brown, not red
    [[10, 10, 10], 'black'],
    [[40, 30, 30], 'black'], // a dark pixel's hue is noise
    [[128, 128, 128], 'grey'],
    [[245, 245, 245], 'white'],
    [[252, 230, 181], 'white'], // a cream fence under warm light
  ];
  it.each(cases)('%j is %s', (rgb, name) => {
    expect(nameColour(...rgb)).toBe(name);
  });
});

describe('colour shares of a region', () => {
  const halves = paint(100, 50, [220, 30, 30], [{ box: { x: 50, y: 0, width: 50, height: 50 }, rgb: [30, 90, 200] }]);

  it('counts the colours inside the region only', () => {
    expect(colourShares(halves, { x: 0, y: 0, width: 50, height: 50 }).red).toBe(1);
    const whole = colourShares(halves, { x: 0, y: 0, width: 100, height: 50 });
    expect(whole.red).toBeCloseTo(0.5, 1);
    expect(whole.blue).toBeCloseTo(0.5, 1);
    expect(whole.red + whole.blue).toBeCloseTo(1, 6);
  });

  it('clips a region that runs off the image, and gives nothing for one wholly outside', () => {
    expect(colourShares(halves, { x: 60, y: -20, width: 100, height: 100 }).blue).toBe(1);
    expect(Object.values(colourShares(halves, { x: 200, y: 0, width: 10, height: 10 })).every((v) => v === 0)).toBe(true);
  });

  it('ignores transparent pixels', () => {
    const image = paint(40, 40, [220, 30, 30], [{ box: { x: 0, y: 0, width: 40, height: 30 }, rgb: [30, 90, 200], alpha: 0 }]);
    expect(colourShares(image, { x: 0, y: 0, width: 40, height: 40 }).red).toBe(1);
  });

  it('samples a large region on a grid that still sees a thin stripe', () => {
    const big = paint(1500, 1000, [245, 245, 245], [{ box: { x: 0, y: 400, width: 1500, height: 200 }, rgb: [40, 160, 60] }]);
    expect(colourShares(big, { x: 0, y: 0, width: 1500, height: 1000 }).green).toBeCloseTo(0.2, 1);
  });
});

describe('colour phrases in a caption', () => {
  it('finds each colour run and the noun it describes', () => {
    const tokens = words('a black and white dog is playing with a red ball');
    expect(findColourPhrases(tokens)).toEqual([
      { colours: [1, 3], start: 1, end: 3, noun: 4, worn: false },
      { colours: [9], start: 9, end: 9, noun: 10, worn: false },
    ]);
  });

  it('reaches the noun past other adjectives, and keeps "and a" phrases apart', () => {
    expect(findColourPhrases(words('a red and white striped shirt'))[0]?.noun).toBe(5);
    expect(findColourPhrases(words('a black dog and a brown dog')).map((p) => [p.colours, p.noun])).toEqual([
      [[1], 2],
      [[5], 6],
    ]);
  });

  it('reads "an orange" and "the orange is …" as the fruit, not a colour to check (it is a COCO object the guard checks)', () => {
    expect(findColourPhrases(words('a man holding an orange and a banana'))).toEqual([]);
    expect(findColourPhrases(words('the orange is on the table'))).toEqual([]);
    expect(findColourPhrases(words('a girl eating an orange'))).toEqual([]);
    expect(findColourPhrases(words('a man in an orange shirt'))).toEqual([{ colours: [4], start: 4, end: 4, noun: 5, worn: false }]);
    expect(findColourPhrases(words('the dog is orange'))).toHaveLength(1);
  });

  it('takes a shade with its colour', () => {
    expect(findColourPhrases(words('a man in a light blue shirt'))).toEqual([{ colours: [5], start: 4, end: 5, noun: 6, worn: false }]);
  });

  it('tells a worn colour from an adjective', () => {
    expect(findColourPhrases(words('a man in red running down the street'))[0]).toMatchObject({ noun: undefined, worn: true });
    // After a determiner the next word is the noun, even in -ing.
    expect(findColourPhrases(words('a man in front of a red building'))[0]?.noun).toBe(7);
  });
});

describe('removing colour words', () => {
  it('removes an unsupported colour and leaves the noun', () => {
    expect(removing('a man in a red shirt is running', ['red'])).toBe('a man in a shirt is running');
  });

  it('mends "and" joins between colours', () => {
    expect(removing('a black and white dog', ['black', 'white'])).toBe('a dog');
    expect(removing('a black and white dog', ['black'])).toBe('a white dog');
    expect(removing('a black and white dog', ['white'])).toBe('a black dog');
    expect(removing('a red , white and blue flag', ['white'])).toBe('a red and blue flag');
    expect(removing('a red , white and blue flag', ['red'])).toBe('a white and blue flag');
  });

  it('removes a shade with its colour', () => {
    expect(removing('a man in a light blue shirt', ['blue'])).toBe('a man in a shirt');
  });

  it('removes what introduced a worn colour', () => {
    expect(removing('a man dressed in black is running', ['black'])).toBe('a man is running');
    expect(removing('a woman in red and a man in a blue shirt', ['red'])).toBe('a woman and a man in a blue shirt');
    expect(removing('a woman wearing red and white sits', ['red'])).toBe('a woman wearing white sits');
  });

  it('leaves a caption without dropped colours as it was', () => {
    expect(removing('a brown dog runs', [])).toBe('a brown dog runs');
  });
});

describe('the region a colour describes', () => {
  const size = { width: 400, height: 300 };
  const person: LabelledBox = { label: 'person', score: 0.9, box: { x: 100, y: 0, width: 100, height: 300 } };
  const weakPerson: LabelledBox = { label: 'person', score: 0.5, box: { x: 250, y: 0, width: 100, height: 300 } };
  const dog: LabelledBox = { label: 'dog', score: 0.6, box: { x: 0, y: 200, width: 80, height: 60 } };
  const betterDog: LabelledBox = { label: 'dog', score: 0.8, box: { x: 300, y: 200, width: 90, height: 90 } };
  const detections = [weakPerson, dog, person, betterDog];

  it('uses the best box of the COCO class the noun names, plurals and synonyms included', () => {
    for (const noun of ['dog', 'dogs', 'puppy']) expect(regionFor(noun, detections, size)).toEqual({ kind: 'object', label: 'dog', box: betterDog.box });
  });

  it('uses the garment band of the best person for clothing', () => {
    expect(regionFor('shirt', detections, size)).toEqual({ kind: 'clothing', part: 'upper', box: bandOf(person.box, 'upper') });
    expect(regionFor('hat', detections, size)).toMatchObject({ kind: 'clothing', part: 'head' });
    expect(regionFor('jeans', detections, size)).toMatchObject({ kind: 'clothing', part: 'lower' });
    expect(regionFor('clothes', detections, size)).toMatchObject({ kind: 'clothing', part: 'body' });
    const shirt = bandOf(person.box, 'upper');
    expect(shirt.x).toBeGreaterThan(person.box.x);
    expect(shirt.x + shirt.width).toBeLessThan(person.box.x + person.box.width);
    expect(shirt.y).toBeGreaterThan(0);
    expect(shirt.y + shirt.height).toBeLessThanOrEqual(person.box.height * 0.6);
  });

  it('falls back to the whole image when no box fits', () => {
    const whole = { kind: 'image', box: { x: 0, y: 0, ...size } };
    expect(regionFor('slide', detections, size)).toEqual(whole);
    expect(regionFor('cat', detections, size)).toEqual(whole);
    expect(regionFor('shirt', [dog], size)).toEqual(whole);
    expect(regionFor(undefined, detections, size)).toEqual(whole);
  });
});

describe('checking a caption against the pixels', () => {
  // A grey street; a person whose shirt is blue and trousers black; a white dog.
  const personBox = { x: 40, y: 20, width: 60, height: 160 };
  const dogBox = { x: 120, y: 130, width: 60, height: 40 };
  const image = paint(200, 200, [128, 128, 128], [
    { box: personBox, rgb: [220, 180, 150] },
    { box: bandOf(personBox, 'upper'), rgb: [30, 90, 200] },
    // Trousers from 0.6 of the height down: the shirt and trousers bands overlap a little at the waist.
    { box: { x: 40, y: 20 + 160 * 0.6, width: 60, height: 160 * 0.4 }, rgb: [15, 15, 15] },
    { box: dogBox, rgb: [240, 240, 240] },
  ]);
  const detections: LabelledBox[] = [
    { label: 'person', score: 0.9, box: personBox },
    { label: 'dog', score: 0.7, box: dogBox },
  ];
  const check = (caption: string) => checkCaptionColours(words(caption), image, detections);

  it('removes an invented shirt colour and keeps a true one', () => {
    expect(check('a man in a red shirt is walking').words.join(' ')).toBe('a man in a shirt is walking');
    expect(check('a man in a red shirt is walking').dropped).toEqual(['red']);
    expect(check('a man in a blue shirt and black pants').dropped).toEqual([]);
  });

  it('looks at the garment, not the whole person', () => {
    // The trousers are black, the shirt is not.
    expect(check('a man in a black shirt').dropped).toEqual(['black']);
    expect(check('a man in black pants').dropped).toEqual([]);
  });

  it('keeps the supported colour of a pair', () => {
    const result = check('a black and white dog runs');
    expect(result.words.join(' ')).toBe('a white dog runs');
    expect(result.verdicts.map((v) => [v.word, v.region, v.supported])).toEqual([
      ['black', 'object', false],
      ['white', 'object', true],
    ]);
  });

  it('locates an object by a faint box, but not by one below the floor', () => {
    const faint = (score: number): LabelledBox[] => [{ label: 'dog', score, box: dogBox }];
    expect(checkCaptionColours(words('a white dog'), image, faint(0.25)).verdicts[0]).toMatchObject({ region: 'object', supported: true });
    // The whole image is mostly grey: the white dog is under a tenth of it.
    expect(checkCaptionColours(words('a white dog'), image, faint(0.1)).verdicts[0]).toMatchObject({ region: 'image', supported: false });
  });

  it('checks a colour of something undetected against the whole image', () => {
    expect(check('a man on a grey street').dropped).toEqual([]);
    expect(check('a man on a green lawn').words.join(' ')).toBe('a man on a lawn');
  });

  it('leaves a sentence that tidying and neutral wording still read well', () => {
    const checked = check('a man in an orange shirt and a woman in a red dress').words;
    expect(tidyCaption(checked, { neutral: true })).toBe('A person in a shirt and another person in a dress.');
    expect(tidyCaption(checked, { neutral: false })).toBe('A man in a shirt and a woman in a dress.');
  });
});
