import { describe as group, expect, it } from 'vitest';
import { composeDescription, defaultDescriptionOptions, describe, phraseForObjects } from '../../src/engine/describe/describe';
import type { Findings } from '../../src/engine/describe/describe';
import { isLanguage, languages, wordingFor } from '../../src/engine/describe/languages';
import { englishWording } from '../../src/engine/describe/wording';
import { germanWording } from '../../src/engine/describe/wording-de';

const object = (label: string, size = 100, score = 0.8) => ({ label, score, box: { x: 0, y: 0, width: size, height: size } });
const de = (objects: ReturnType<typeof object>[], text: { text: string; row: number }[] = [], lead?: string) =>
  describe(objects, text, defaultDescriptionOptions, lead, germanWording);

group('the German objects-and-text sentence', () => {
  it('counts with the right article, plural and number word', () => {
    expect(de([object('person', 120), object('person', 100), object('dog', 90)]).alt).toBe('Zwei Personen und ein Hund.');
    expect(de([object('cat')]).alt).toBe('Eine Katze.');
    expect(de([object('horse')]).alt).toBe('Ein Pferd.');
    expect(de([object('dog', 300), object('person'), object('person')]).alt).toBe('Ein Hund und zwei Personen.');
    expect(de(Array.from({ length: 6 }, () => object('car'))).alt).toBe('Viele Autos.');
  });

  it('names at most three kinds, by salience, with no comma before "und"', () => {
    expect(de([object('dog', 50), object('cat', 40), object('bird', 30), object('car', 20)]).alt).toBe('Ein Hund, eine Katze und ein Vogel.');
  });

  it('quotes the text as read, untranslated, after the objects', () => {
    const result = de([object('person')], [{ text: 'OPEN 24 HOURS', row: 0 }]);
    expect(result).toEqual({ kind: 'described', alt: 'Eine Person. Text: "OPEN 24 HOURS"', objectPhrase: 'eine Person', quotedText: 'OPEN 24 HOURS' });
    expect(de([], [{ text: 'Ausgang', row: 0 }]).alt).toBe('Text: "Ausgang"');
  });

  it('says nothing rather than guess', () => {
    expect(de([])).toEqual({ kind: 'nothing-confident', alt: '' });
  });

  it('keeps to the length limit, keeping the text and cutting it at a word boundary', () => {
    const long = Array.from({ length: 60 }, (_, i) => `Wort${i}`).join(' ');
    const { alt } = de([object('person')], [{ text: long, row: 0 }]);
    expect(alt.length).toBeLessThanOrEqual(defaultDescriptionOptions.maxLength);
    expect(alt).toMatch(/^Eine Person\. Text: "Wort0 Wort1 .*Wort\d+…"$/);
  });

  it('leads with a German caption instead of the objects', () => {
    expect(de([object('dog')], [], 'Ein brauner Hund läuft durch das Gras.').alt).toBe('Ein brauner Hund läuft durch das Gras.');
  });

  it('says the objects of a phrase in German', () => {
    expect(phraseForObjects([object('person'), object('bicycle', 50)], defaultDescriptionOptions, germanWording)).toBe('eine Person und ein Fahrrad');
  });
});

group('the picture-of-text rule in German', () => {
  const line = (text: string, width: number, height: number, x = 0, y = 0) => ({
    text,
    row: 0,
    quad: [
      { x, y },
      { x: x + width, y },
      { x: x + width, y: y + height },
      { x, y: y + height },
    ],
  });
  const banner: Findings = {
    image: { width: 640, height: 160 },
    text: [line('OPEN', 150, 60, 40, 50), line('24', 70, 60, 210, 50), line('HOURS', 190, 60, 300, 50)],
    objects: [],
    caption: 'Ein Messer.',
  };

  it('says only the text of a banner, whatever the caption', () => {
    const { description, textIsThePicture } = composeDescription(banner, defaultDescriptionOptions, germanWording);
    expect(textIsThePicture).toBe(true);
    expect(description.alt).toBe('Text: "OPEN 24 HOURS"');
  });

  it('keeps the caption of a photo that has some text in it', () => {
    const photo: Findings = { ...banner, objects: [object('person')], caption: 'Eine Person hält ein Schild.' };
    expect(composeDescription(photo, defaultDescriptionOptions, germanWording).description.alt).toBe('Eine Person hält ein Schild. Text: "OPEN 24 HOURS"');
  });
});

group('languages', () => {
  it('has a wording for each language, English by default', () => {
    expect(languages).toEqual(['en', 'de']);
    expect(wordingFor('en')).toBe(englishWording);
    expect(wordingFor('de')).toBe(germanWording);
    expect(isLanguage('de')).toBe(true);
    expect(isLanguage('fr')).toBe(false);
    expect(describe([object('person'), object('person')], []).alt).toBe('Two people.');
  });
});
