import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusBleu } from '../../src/eval/bleu';
import { corpusCiderD } from '../../src/eval/cider';
import { referencesByImage } from '../../src/eval/coco-captions';
import { readCaptionSet } from '../../src/eval/caption-set';
import { evalLanguageFor } from '../../src/eval/eval-language';
import { objectPrecisionRecall } from '../../src/eval/objects';
import { mentionedCocoClassesDe } from '../../src/eval/objects-de';
import { tokenizeCaption } from '../../src/eval/tokenize';

/** Real German references of two captions-dev photos (Multi30k, ../shared/data/flickr30k-text/captions-dev-de.json), lower-case ones included. */
const dogReferences = [
  'Ein Hund läuft auf grünem Rasen vor einem weißen Zaun.',
  'Ein Hund springt auf einer Wiese vor einem weißen Zaun in die Luft.',
  'Ein kleiner Hund rennt über den Rasen.',
  'Ein Hund läuft über Wiese.',
  'Schecken Hund läuft auf einem grünen Rasen.',
];
const bikeReferences = [
  'ein junge mit helm fährt mit seinem fahrrad',
  'ein kleiner junge fährt mit seinem fahrrad auf einer rennstrecke.',
  'auf einer Landstraße fährt ein kleiner Bub mit weißem T-Shirt und Helm Rad',
  'Ein kleiner Junge mit einem riesigen Fahrradhelm nimmt an einem Fahrradrennen mit der Startnummer 575 teil.',
  'Ein kleines Kind mit einem weißen Helm nimmt an einem Fahrradrennen teil.',
];

describe('tokenizing German captions', () => {
  it('keeps umlauts and ß, lower-cased, and drops the punctuation', () => {
    expect(tokenizeCaption('Ein Hund läuft über die Straße.')).toEqual(['ein', 'hund', 'läuft', 'über', 'die', 'straße']);
    expect(tokenizeCaption('Zwei Männer, weiße Fahrräder; ÄÖÜ!')).toEqual(['zwei', 'männer', 'weiße', 'fahrräder', 'äöü']);
    // Decomposed umlauts (a + combining diaeresis) read as the composed letter.
    expect(tokenizeCaption('Mädchen'.normalize('NFD'))).toEqual(['mädchen']);
    expect(tokenizeCaption('Ein schwarz-weißer Hund')).toEqual(['ein', 'schwarz-weißer', 'hund']);
  });

  it('scores one German reference against the other four like any caption', () => {
    const oneVsRest = (references: string[]) => references.map((candidate, i) => ({ candidate, references: references.filter((_, j) => j !== i) }));
    const items = [...oneVsRest(dogReferences), ...oneVsRest(bikeReferences)];
    const cider = corpusCiderD(items);
    const bleu = corpusBleu(items);
    expect(cider.score).toBeGreaterThan(0.3);
    expect(bleu.bleu4).toBeGreaterThan(0);
    // A caption that shares only umlaut words with the references would score nothing if umlauts were dropped.
    const umlauts = corpusCiderD([{ candidate: 'läuft über grünen Rasen', references: dogReferences }, { candidate: 'fährt auf einer Landstraße', references: bikeReferences }]);
    expect(umlauts.perImage.every((score) => score > 0)).toBe(true);
    const identical = corpusBleu([{ candidate: dogReferences[1]!, references: [dogReferences[1]!] }]);
    expect(identical.bleu4).toBeCloseTo(1, 6);
  });
});

describe('objects German captions mention', () => {
  it('reads the classes with the guard\'s German map', () => {
    expect([...mentionedCocoClassesDe('Zwei Männer schieben ihre Fahrräder über die Straße.')]).toEqual(['person', 'bicycle']);
    expect([...mentionedCocoClassesDe('Ein Schäferhund liegt auf einer Parkbank.')]).toEqual(['dog', 'bench']);
    expect([...mentionedCocoClassesDe('Ein Mann im Neoprenanzug surft.')]).toEqual(['person']);
  });

  it('counts a named object no German reference mentions as wrong', () => {
    const pr = objectPrecisionRecall(
      [
        { predicted: ['Ein Hund läuft über eine Wiese.'], references: dogReferences },
        { predicted: ['Ein Kind fährt mit einem Fahrrad und einem Hund.'], references: bikeReferences },
      ],
      mentionedCocoClassesDe,
    );
    expect({ tp: pr.tp, fp: pr.fp, fn: pr.fn }).toEqual({ tp: 3, fp: 1, fn: 0 });
    expect(pr.perClass.dog).toEqual({ tp: 1, fp: 1, fn: 0 });
  });

  it('reads colours by their stem, whatever the ending', () => {
    const german = evalLanguageFor('de');
    expect(german.coloursOf(['ein', 'weißer', 'Zaun', 'und', 'grüner', 'Rasen'])).toEqual(['weiß', 'grün']);
    expect(german.mentionsColour(dogReferences[0]!, 'weiß')).toBe(true);
    expect(german.mentionsColour(dogReferences[0]!, 'rot')).toBe(false);
    expect(german.mentionsColour('Ein weisser Zaun', 'weiß')).toBe(true);
    expect(evalLanguageFor('en').mentionsColour('a grey dog', 'gray')).toBe(true);
  });
});

describe('caption sets given as a folder or as a JSON file', () => {
  const root = mkdtempSync(join(tmpdir(), 'caption-set-'));
  mkdirSync(join(root, 'captions-dev', 'images'), { recursive: true });
  mkdirSync(join(root, 'text'));
  const coco = { images: [{ id: 1, file_name: 'a.jpg' }], annotations: [{ image_id: 1, caption: 'Ein Hund.' }] };
  writeFileSync(join(root, 'captions-dev', 'captions.json'), JSON.stringify(coco));
  writeFileSync(join(root, 'text', 'captions-dev-de.json'), JSON.stringify({ ...coco, info: { images_dir: '../captions-dev/images' } }));

  it('reads a folder: captions.json and images/', () => {
    expect(readCaptionSet(join(root, 'captions-dev'))).toMatchObject({ name: 'captions-dev', imagesDir: join(root, 'captions-dev', 'images') });
  });

  it('reads a JSON file, its images where info.images_dir says, relative to the file', () => {
    const set = readCaptionSet(join(root, 'text', 'captions-dev-de.json'));
    expect(set).toMatchObject({ name: 'captions-dev-de', imagesDir: join(root, 'captions-dev', 'images') });
    expect(referencesByImage(set!.coco).get(1)).toEqual(['Ein Hund.']);
  });

  it('has no set where there is none', () => {
    expect(readCaptionSet(join(root, 'missing'))).toBeUndefined();
    expect(readCaptionSet(join(root, 'text'))).toBeUndefined();
  });
});

const germanDev = '../shared/data/flickr30k-text/captions-dev-de.json';

describe.skipIf(!existsSync(germanDev))('captions-dev-de.json (../shared/data)', () => {
  const set = readCaptionSet(germanDev)!;
  const references = [...referencesByImage(set.coco).values()].filter((refs) => refs.length >= 2);

  it('finds its images in captions-dev', () => {
    expect(set.imagesDir).toBe(resolve('../shared/data/captions-dev/images'));
    for (const image of set.coco.images.slice(0, 20)) expect(existsSync(join(set.imagesDir, image.file_name)), image.file_name).toBe(true);
  });

  it('scores one human reference against the others, umlauts and all', () => {
    const items = references.map((refs) => ({ candidate: refs[0]!, references: refs.slice(1) }));
    const tokens = items.flatMap((item) => tokenizeCaption(item.candidate));
    expect(tokens.some((t) => /[äöüß]/.test(t))).toBe(true);
    expect(corpusCiderD(items).score).toBeGreaterThan(0.3);
    expect(corpusBleu(items).bleu4).toBeGreaterThan(0.05);
  });
});
