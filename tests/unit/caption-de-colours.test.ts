import { describe, expect, it } from 'vitest';
import { germanColourWord, withColours } from '../../src/engine/caption/de/colour-words';
import { checkGermanCaptionColours, findGermanColourPhrases, removeGermanColours } from '../../src/engine/caption/de/colours';
import { germanGarmentPart } from '../../src/engine/caption/de/garments';
import type { Box, RgbaImage } from '../../src/engine/image/types';

type Rgb = [number, number, number];

/** A width×height image of one colour, with rectangles painted over it in order. */
function paint(width: number, height: number, background: Rgb, rects: { box: Box; rgb: Rgb }[] = []): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const rect = [...rects].reverse().find(({ box }) => x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height);
      const [r, g, b] = rect?.rgb ?? background;
      data.set([r, g, b, 255], (y * width + x) * 4);
    }
  }
  return { data, width, height };
}

const words = (caption: string) => caption.split(' ');
const stems = (word: string) => germanColourWord(word)?.parts.map((p) => p.stem);

describe('German colour words', () => {
  it('reads every adjective ending', () => {
    for (const w of ['rot', 'rote', 'roten', 'roter', 'rotes', 'rotem']) expect(stems(w), w).toEqual(['rot']);
    for (const w of ['weiß', 'weiße', 'weißen', 'weißer', 'weißes', 'weißem']) expect(stems(w), w).toEqual(['weiß']);
    for (const w of ['schwarz', 'blauen', 'grüner', 'gelbes', 'braunem', 'grauen', 'lila', 'rosa', 'pinken', 'violetten', 'silbernen', 'goldene', 'orangen', 'beige']) {
      expect(stems(w), w).toHaveLength(1);
    }
  });

  it('reads shades, "-farben" and several colours in one word', () => {
    expect(stems('hellblauen')).toEqual(['blau']);
    expect(germanColourWord('hellblauen')?.shade).toBe('hell');
    expect(stems('orangefarbenen')).toEqual(['orange']);
    expect(stems('rosafarbene')).toEqual(['rosa']);
    expect(stems('schwarz-weißen')).toEqual(['schwarz', 'weiß']);
    expect(stems('schwarzweiße')).toEqual(['schwarz', 'weiß']);
    expect(stems('rot-weiß-blauen')).toEqual(['rot', 'weiß', 'blau']);
  });

  it('is no colour in other words', () => {
    for (const w of ['Orangen', 'Braunbär', 'Weißwein', 'blonde', 'bunten', 'gestreiften', 'Rotkehlchen', 'roh']) expect(germanColourWord(w), w).toBeUndefined();
  });

  it('keeps the ending when a word loses one of its colours', () => {
    const word = germanColourWord('schwarz-weißen')!;
    expect(withColours(word, [1], false)).toBe('weißen');
    expect(withColours(word, [0], false)).toBe('schwarzen');
    expect(withColours(germanColourWord('rot-weiß-blauen')!, [0, 2], false)).toBe('rot-blauen');
  });

  it('knows where a garment is worn, compounds too', () => {
    expect(germanGarmentPart('Hemd')).toBe('upper');
    expect(germanGarmentPart('Sommerkleid')).toBe('body');
    expect(germanGarmentPart('Fahrradhelm')).toBe('head');
    expect(germanGarmentPart('Jogginghose')).toBe('lower');
    expect(germanGarmentPart('Laptop')).toBeUndefined();
    expect(germanGarmentPart('Handschuh')).toBeUndefined();
  });
});

describe('German colour phrases', () => {
  it('finds the noun a colour describes, past other adjectives', () => {
    const caption = words('ein Mann in einem rot-weiß gestreiften Hemd');
    const [phrase] = findGermanColourPhrases(caption);
    expect(phrase).toMatchObject({ tokens: [4], noun: 6, worn: false });
    expect(findGermanColourPhrases(words('ein schwarzer und weißer Hund'))[0]).toMatchObject({ tokens: [1, 3], noun: 4 });
    expect(findGermanColourPhrases(words('ein Mann in Rot läuft'))[0]).toMatchObject({ tokens: [3], noun: undefined, worn: true });
    expect(findGermanColourPhrases(words('der Hund ist braun und läuft'))[0]).toMatchObject({ noun: undefined, worn: false });
  });

  it('removes colours and mends what is left', () => {
    const drop = (caption: string, slots: string[]) => removeGermanColours(words(caption), new Set(slots)).join(' ');
    expect(drop('ein schwarzer und weißer Hund', ['1:0'])).toBe('ein weißer Hund');
    expect(drop('ein schwarzer und weißer Hund', ['1:0', '3:0'])).toBe('ein Hund');
    expect(drop('ein schwarz-weißer Hund', ['1:1'])).toBe('ein schwarzer Hund');
    expect(drop('ein Mann in einem hellblauen Hemd', ['4:0'])).toBe('ein Mann in einem Hemd');
    expect(drop('ein Mann in Rot läuft', ['3:0'])).toBe('ein Mann läuft');
    expect(drop('eine Frau ganz in Schwarz gekleidet tanzt', ['4:0'])).toBe('eine Frau tanzt');
    expect(drop('ein leuchtend rotes Auto', ['2:0'])).toBe('ein Auto');
    // Colours joined by a slash, as some training captions write them, are checked too.
    expect(stems('schwarz/weißer')).toEqual(['schwarz', 'weiß']);
    expect(drop('ein schwarz/weißer Hund läuft', ['1:0'])).toBe('ein weißer Hund läuft');
    // Nothing left dangling when a predicate colour goes.
    expect(drop('ein Hund ist braun', ['3:0'])).toBe('ein Hund');
    expect(drop('ein Hund ist braun .', ['3:0'])).toBe('ein Hund .');
    // A separable verb's particle at the end is no dangling word.
    expect(drop('ein Mann in einem roten Hemd steigt in einen Bus ein', ['4:0'])).toBe('ein Mann in einem Hemd steigt in einen Bus ein');
    expect(drop('eine Frau in einem roten Kleid schaut sich etwas an', ['4:0'])).toBe('eine Frau in einem Kleid schaut sich etwas an');
  });
});

describe('the colour check on German captions', () => {
  const person = { label: 'person', score: 0.9, box: { x: 50, y: 0, width: 100, height: 200 } };
  // A person whose shirt (upper band) is blue, on green grass.
  const image = paint(200, 200, [40, 160, 60], [{ box: { x: 50, y: 0, width: 100, height: 200 }, rgb: [30, 90, 200] }]);

  it('keeps a colour the pixels show and drops one they do not', () => {
    const kept = checkGermanCaptionColours(words('ein Mann in einem blauen Hemd'), image, [person]);
    expect(kept.words).toEqual(words('ein Mann in einem blauen Hemd'));
    expect(kept.verdicts).toMatchObject([{ word: 'blau', subject: 'Hemd', region: 'clothing', supported: true }]);

    const dropped = checkGermanCaptionColours(words('ein Mann in einem roten Hemd steht im grünen Gras'), image, [person]);
    expect(dropped.words).toEqual(words('ein Mann in einem Hemd steht im grünen Gras'));
    expect(dropped.dropped).toEqual(['rot']);
  });

  it('looks at the object\'s box for a COCO object', () => {
    const dog = { label: 'dog', score: 0.8, box: { x: 0, y: 0, width: 60, height: 60 } };
    const brownDog = paint(200, 200, [250, 250, 250], [{ box: dog.box, rgb: [120, 75, 40] }]);
    const result = checkGermanCaptionColours(words('ein brauner Schäferhund liegt im Schnee'), brownDog, [dog]);
    expect(result.verdicts).toMatchObject([{ word: 'braun', subject: 'Schäferhund', region: 'object', supported: true }]);
    expect(checkGermanCaptionColours(words('ein schwarzer Hund liegt im Schnee'), brownDog, [dog]).words).toEqual(words('ein Hund liegt im Schnee'));
  });
});
