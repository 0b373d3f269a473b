import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { germanClassOf, germanObjectNames, namedClassesDe } from '../../src/engine/caption/de/object-names';
import { unsupportedObjects } from '../../src/engine/caption/guard';
import type { GuardOptions } from '../../src/engine/caption/guard';
import { gateSignals } from '../../src/engine/caption/gate';
import { germanNouns } from '../../src/engine/describe/german-nouns';

const labels = (JSON.parse(readFileSync('models/detector/centernet.json', 'utf8')) as { labels: string[] }).labels;
const shippedGuard = (JSON.parse(readFileSync('models/manifest.json', 'utf8')) as { caption: { guard: GuardOptions } }).caption.guard;
const presence = (scores: Record<string, number>) => Float32Array.from(labels, (label) => scores[label] ?? 0);
const words = (caption: string) => caption.split(' ');

describe('German words for COCO classes', () => {
  it('knows every inflected form, in any letter case', () => {
    for (const w of ['Hund', 'Hunde', 'Hunden', 'Hundes', 'hund', 'HUNDE']) expect(germanClassOf(w), w).toBe('dog');
    for (const w of ['Fahrrad', 'Fahrräder', 'Fahrrädern', 'Rad', 'Mountainbike']) expect(germanClassOf(w), w).toBe('bicycle');
    for (const w of ['Mann', 'Männer', 'Frauen', 'Mädchen', 'Kindern', 'Personen', 'Leute']) expect(germanClassOf(w), w).toBe('person');
    expect(germanClassOf('Motorrad')).toBe('motorcycle');
    expect(germanClassOf('Bildschirm')).toBe('tv');
  });

  it('takes "junge", "erwachsene" before a noun as adjectives, not as people', () => {
    const labels = ['person', 'cat'];
    const named = (caption: string) => namedClassesDe(caption.split(' '), labels).map((n) => n.label);
    expect(named('zwei junge Katzen spielen')).toEqual(['cat']);
    expect(named('zwei erwachsene Katzen')).toEqual(['cat']);
    expect(named('ein Junge spielt mit einer Katze')).toEqual(['person', 'cat']);
    expect(named('zwei Jungen spielen')).toEqual(['person']);
  });

  it('reads compounds by their last noun', () => {
    expect(germanClassOf('Schäferhund')).toBe('dog');
    expect(germanClassOf('Schlittenhunde')).toBe('dog');
    expect(germanClassOf('Kinderfahrrad')).toBe('bicycle');
    expect(germanClassOf('Rennrad')).toBe('bicycle');
    expect(germanClassOf('Parkbank')).toBe('bench');
    expect(germanClassOf('Feuerwehrmann')).toBe('person');
    expect(germanClassOf('Fußballspieler')).toBe('person');
    expect(germanClassOf('Segelboot')).toBe('boat');
    expect(germanClassOf('Computerbildschirm')).toBe('tv');
    expect(germanClassOf('Polizeimotorrad')).toBe('motorcycle');
  });

  it('leaves out compounds that end in a class noun but are something else', () => {
    for (const w of ['Seehund', 'Anzug', 'Neoprenanzug', 'Riesenrad', 'Hinterrad', 'Sandbank', 'Fallschirm', 'Schneemann', 'Rollstuhl', 'Schriftzug', 'Bambus', 'Kamerad', 'Fußball']) {
      expect(germanClassOf(w), w).toBeUndefined();
    }
  });

  it('does not take adjectives or other words that merely end like a class noun', () => {
    for (const w of ['praktisch', 'romantischen', 'Instrumente', 'Elemente', 'strampeln', 'Straße', 'Wiese', 'junger', 'läuft']) expect(germanClassOf(w), w).toBeUndefined();
  });

  it('knows the German noun the objects sentence says for each class', () => {
    const unnamed = labels.filter((label) => germanClassOf(germanNouns[label]!.name) !== label);
    // "Orange" is the colour too, "Paar Ski" two words, "Uhr" as often a watch; the rest must read back as their class.
    expect(unnamed).toEqual(['skis', 'orange', 'clock']);
  });
});

describe('the hallucination guard on German captions', () => {
  const guard = (caption: string, scores: Record<string, number>) =>
    unsupportedObjects(words(caption), presence(scores), labels, shippedGuard, germanObjectNames).map((u) => [u.label, u.words]);

  it('flags an object the caption names that the detector did not see', () => {
    expect(guard('ein Mann wirft einem Hund einen Ball zu', { person: 0.7, dog: 0.02, 'sports ball': 0.3 })).toEqual([['dog', ['Hund']]]);
    expect(guard('ein Schäferhund läuft über eine Wiese', { dog: 0.01, cow: 0.02 })).toEqual([['dog', ['Schäferhund']]]);
    expect(guard('ein Mann fährt mit dem Fahrrad', { person: 0.8, bicycle: 0.01 })).toEqual([['bicycle', ['Fahrrad']]]);
  });

  it('accepts what the detector saw, and applies the same floors and groups as in English', () => {
    expect(guard('ein brauner Hund läuft durch das Gras', { dog: 0.6 })).toEqual([]);
    expect(guard('zwei Kinder spielen im Sand', { person: 0.1 })).toEqual([['person', ['Kinder']]]);
    expect(guard('ein brauner Hund läuft über das Feld', { dog: 0.06, cow: 0.47 })).toEqual([]);
    expect(guard('ein brauner Hund mit einem Halsband', { dog: 0.354, cat: 0.33 })).toEqual([['dog', ['Hund']]]);
  });

  it('names the classes in detector order with the caption\'s words', () => {
    expect(namedClassesDe(words('ein Mann und zwei Hunde mit einem Hund'), labels).map((c) => [c.label, c.words])).toEqual([
      ['person', ['Mann']],
      ['dog', ['Hunde', 'Hund']],
    ]);
  });

  it('forbids every vocabulary word of a refused class, as the vocabulary writes it', () => {
    const vocabulary = ['<pad>', '<bos>', '<eos>', '<unk>', 'ein', 'Hund', 'Hunde', 'Hunden', 'Schäferhund', 'Seehund', 'Mann', 'läuft', 'Katze'];
    expect(germanObjectNames.wordsOfClasses(['dog'], vocabulary)).toEqual(['Hund', 'Hunde', 'Hunden', 'Schäferhund']);
    expect(germanObjectNames.wordsOfClasses(['dog', 'cat'], vocabulary)).toEqual(['Hund', 'Hunde', 'Hunden', 'Schäferhund', 'Katze']);
  });
});

describe('the confidence gate\'s signals on German captions', () => {
  it('reads the named objects and the concept overlap of a German caption', () => {
    const signals = gateSignals({
      words: words('ein brauner Hund läuft durch das Gras'),
      tokenLogProbs: [-0.1, -1.2, -0.4, -0.3, -0.2, -0.1, -0.5, -0.05],
      meanLogProb: -0.36,
      retried: false,
      classPresence: presence({ dog: 0.42, person: 0.1 }),
      labels,
      conceptWords: ['Hund', 'Gras', 'braun', 'Wiese'],
      sharpness: 2.5,
      names: germanObjectNames,
    });
    expect(signals.namesObjects).toBe(1);
    expect(signals.namedPresence).toBeCloseTo(0.42, 5);
    expect(signals.conceptOverlap).toBeCloseTo(2 / 7, 5);
    expect(signals.minTokenLogProb).toBe(-1.2);
  });
});
