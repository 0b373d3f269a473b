import { describe, expect, it } from 'vitest';
import { dropRepeatedGarment, tidyGermanCaption } from '../../src/engine/caption/de/tidy';
import { restoreGermanCase } from '../../src/engine/caption/de/letter-case';
import { agreePronounsDe } from '../../src/engine/caption/de/pronouns';
import { genderedWordsDe } from '../../src/engine/caption/de/gendered-words';

/** As the German model writes them: word-level tokens in the vocabulary's written form, the first word not capitalised. */
const words = (caption: string) => caption.split(' ');
const neutral = (caption: string) => tidyGermanCaption(words(caption), { neutral: true });
const gendered = (caption: string) => tidyGermanCaption(words(caption), { neutral: false });

/** Typical Multi30k captions, in the model's words, with the neutral sentence we say. */
const typical: [words: string, said: string][] = [
  ['ein Mann fährt mit dem Fahrrad eine Straße entlang', 'Eine Person fährt mit dem Fahrrad eine Straße entlang.'],
  ['zwei Kinder spielen im Sand', 'Zwei Kinder spielen im Sand.'],
  ['eine Frau mit einem Hut sitzt auf einer Bank', 'Eine Person mit einem Hut sitzt auf einer Bank.'],
  ['ein kleiner Junge springt in einen Pool', 'Ein kleines Kind springt in einen Pool.'],
  ['ein brauner Hund läuft durch das Gras', 'Ein brauner Hund läuft durch das Gras.'],
  ['ein junger Mann in einem roten Hemd', 'Eine junge Person in einem roten Hemd.'],
  ['ein Junge spielt', 'Ein Kind spielt.'],
  ['der Mann steht vor einem Gebäude', 'Die Person steht vor einem Gebäude.'],
  ['ein Hund läuft neben einem Mann', 'Ein Hund läuft neben einer Person.'],
  ['eine Frau steht neben einem Mann', 'Eine Person steht neben einer weiteren Person.'],
  ['zwei Männer und eine Frau sitzen auf einer Bank', 'Drei Personen sitzen auf einer Bank.'],
  ['ein Mann und eine Frau gehen eine Straße entlang', 'Zwei Personen gehen eine Straße entlang.'],
  ['ein Junge und ein Mädchen spielen im Wasser', 'Zwei Kinder spielen im Wasser.'],
  ['zwei Männer in roten Hemden und eine Frau in einem blauen Kleid', 'Zwei Personen in roten Hemden und eine weitere Person in einem blauen Kleid.'],
  ['eine Gruppe von Männern spielt Fußball', 'Eine Gruppe von Personen spielt Fußball.'],
  ['ein Mädchen in einem pinken Kleid läuft über eine Wiese', 'Ein Kind in einem pinken Kleid läuft über eine Wiese.'],
  ['junge Frauen tanzen auf einer Bühne', 'Junge Personen tanzen auf einer Bühne.'],
];

describe('German captions, neutral wording (the default)', () => {
  it.each(typical)('"%s"', (caption, said) => {
    expect(neutral(caption)).toBe(said);
  });

  it('leaves the gendered setting word for word, with a capital and a full stop', () => {
    for (const [caption] of typical) expect(gendered(caption)).toBe(`${caption.charAt(0).toUpperCase()}${caption.slice(1)}.`);
  });

  it('makes article and adjectives agree with the neutral noun', () => {
    expect(neutral('Der Mann')).toBe('Die Person.');
    expect(neutral('ein Hund spielt mit einem Mann')).toBe('Ein Hund spielt mit einer Person.');
    expect(neutral('ein Ball liegt vor dem Mädchen')).toBe('Ein Ball liegt vor dem Kind.');
    expect(neutral('eine Frau hält einen kleinen Jungen')).toBe('Eine Person hält ein kleines Kind.');
  });

  it('gives adjectives without an article the strong endings of the neutral noun', () => {
    expect(neutral('junger Mann läuft')).toBe('Junge Person läuft.');
    expect(neutral('kleiner Junge spielt im Sand')).toBe('Kleines Kind spielt im Sand.');
    expect(neutral('ältere Frauen sitzen auf einer Bank')).toBe('Ältere Personen sitzen auf einer Bank.');
  });

  it('puts a comma before a relative clause, its pronoun agreeing with a neutral noun', () => {
    expect(neutral('zwei Personen die sich unterhalten')).toBe('Zwei Personen, die sich unterhalten.');
    expect(neutral('ein Mann der auf einer Bank sitzt')).toBe('Eine Person, die auf einer Bank sitzt.');
    expect(neutral('ein Junge der in einen Pool springt')).toBe('Ein Kind, das in einen Pool springt.');
    expect(gendered('ein Mann der auf einer Bank sitzt')).toBe('Ein Mann, der auf einer Bank sitzt.');
    expect(neutral('ein Mann auf der Straße')).toBe('Eine Person auf der Straße.');
    expect(neutral('ein Hund läuft über die Wiese')).toBe('Ein Hund läuft über die Wiese.');
  });

  it('never says "eine Person und eine Person"', () => {
    const people = ['ein Mann', 'eine Frau', 'ein Junge', 'ein Mädchen', 'eine Person', 'ein junger Mann', 'eine junge Frau'];
    const after = ['', ' in einem roten Kleid', ' mit einem Hut', ' sitzen auf einer Bank'];
    for (const a of people) {
      for (const b of people) {
        for (const tail of after) {
          const said = neutral(`${a} und ${b}${tail}`);
          expect(said, `${a} und ${b}${tail}`).not.toMatch(/\b(eine|ein) (\w+ )?(Person|Kind) und (eine|ein) \3\b/i);
        }
      }
    }
  });

  it('makes pronouns agree with the neutral noun, where only that person can be meant', () => {
    expect(neutral('ein Mann mit seinem Hund')).toBe('Eine Person mit ihrem Hund.');
    expect(neutral('ein Mann hält ein Schild während er lächelt')).toBe('Eine Person hält ein Schild während sie lächelt.');
    expect(neutral('ein Junge und sein Hund')).toBe('Ein Kind und sein Hund.');
    expect(neutral('ein Mädchen mit ihrem Hund')).toBe('Ein Kind mit seinem Hund.');
    expect(neutral('eine Frau mit ihrem Baby')).toBe('Eine Person mit ihrem Baby.');
    // Another object between them: "seinen" may be the ball's, so it stays.
    expect(neutral('ein Mann wirft einen Ball für seinen Hund')).toBe('Eine Person wirft einen Ball für seinen Hund.');
    expect(agreePronounsDe(words('ein Mann und eine Frau mit ihrem Hund'))).toEqual(words('ein Mann und eine Frau mit ihrem Hund'));
  });

  it('says "Elternteil" for mother and father, as English says "parent"', () => {
    expect(neutral('eine Mutter mit ihrem Kind')).toBe('Ein Elternteil mit seinem Kind.');
    expect(neutral('ein Vater und sein Sohn spielen')).toBe('Ein Elternteil und sein Kind spielen.');
  });

  it('drops a repeated garment', () => {
    expect(neutral('ein Mann in einem Hemd und einem Hemd lächelt')).toBe('Eine Person in einem Hemd lächelt.');
    expect(dropRepeatedGarment(words('ein Hund und ein Hund'))).toEqual(words('ein Hund und ein Hund'));
  });

  it('drops a repeated garment with or without its article and adjectives (real captions-dev outputs)', () => {
    expect(neutral('ein Mann mit Sonnenbrille und Sonnenbrille')).toBe('Eine Person mit Sonnenbrille.');
    // As the colour check leaves "mit roter Hose und schwarzer Hose" when only black agrees with the pixels.
    expect(neutral('ein Junge mit Hose und schwarzer Hose läuft auf einem Weg')).toBe('Ein Kind mit schwarzer Hose läuft auf einem Weg.');
    expect(neutral('ein Mann in einem weißen Hemd und einem weißen Hemd')).toBe('Eine Person in einem weißen Hemd.');
    expect(neutral('ein Mann in einem Hemd und Hemd')).toBe('Eine Person in einem Hemd.');
    // Another article: another phrase ("eine Frau in einem Kleid und ein Kleid" is not read as one garment).
    expect(dropRepeatedGarment(words('in einem Kleid und ein Kleid'))).toEqual(words('in einem Kleid und ein Kleid'));
  });

  it('keeps garments whose adjectives differ, and different garments', () => {
    expect(neutral('ein Junge mit roter Hose und schwarzer Hose läuft auf einem Weg')).toBe('Ein Kind mit roter Hose und schwarzer Hose läuft auf einem Weg.');
    expect(neutral('ein Junge in einem blauen T-Shirt und einer blauen Hose')).toBe('Ein Kind in einem blauen T-Shirt und einer blauen Hose.');
  });
});

describe('German letter case, whatever case the vocabulary writes', () => {
  it('writes closed-class words lower case inside the sentence', () => {
    expect(gendered('Ein Mann hält Ein Baby')).toBe('Ein Mann hält ein Baby.');
    expect(gendered('Zwei Hunde spielen mit Einem Ball')).toBe('Zwei Hunde spielen mit einem Ball.');
  });

  it('tells the adjective "junge" from the noun "Junge"', () => {
    expect(restoreGermanCase(words('eine Junge Frau läuft'))).toEqual(words('eine junge Frau läuft'));
    expect(restoreGermanCase(words('der junge läuft'))).toEqual(words('der Junge läuft'));
    expect(restoreGermanCase(words('die jungen spielen'))).toEqual(words('die Jungen spielen'));
    expect(restoreGermanCase(words('zwei Jungen Männer'))).toEqual(words('zwei jungen Männer'));
    expect(neutral('eine Junge Frau läuft')).toBe('Eine junge Person läuft.');
    expect(neutral('der junge läuft')).toBe('Das Kind läuft.');
  });

  it('capitalises the nouns it knows when the words come lower case', () => {
    expect(gendered('ein mann und eine frau sitzen auf einer bank')).toBe('Ein Mann und eine Frau sitzen auf einer Bank.');
    expect(neutral('ein mann und eine frau sitzen auf einer bank')).toBe('Zwei Personen sitzen auf einer Bank.');
    expect(neutral('eine junge frau mit einem hund')).toBe('Eine junge Person mit einem Hund.');
  });

  it('leaves other words as the vocabulary writes them', () => {
    expect(gendered('ein Hund läuft über die Wiese')).toBe('Ein Hund läuft über die Wiese.');
  });

  it('says nothing for no words', () => {
    expect(tidyGermanCaption([], { neutral: true })).toBe('');
    expect(tidyGermanCaption(['.'], { neutral: true })).toBe('');
  });
});

describe('gendered words neutral wording leaves', () => {
  it('finds feminine forms, Mann/Frau compounds and family words, which keep a caption from being said', () => {
    expect(genderedWordsDe(neutral('eine Tennisspielerin schlägt den Ball'))).toEqual(['Tennisspielerin']);
    expect(genderedWordsDe(neutral('ein Feuerwehrmann steht vor einem Auto'))).toEqual(['Feuerwehrmann']);
    expect(genderedWordsDe(neutral('ein Junge und sein Bruder spielen'))).toEqual(['Bruder']);
    expect(genderedWordsDe(neutral('eine Polizistin und ein Mann'))).toEqual(['Polizistin']);
  });

  it('finds feminine agent nouns the object names do not list, and the words weiblich and männlich, but no -in word that is none', () => {
    for (const word of ['Asiatin', 'Turnerin', 'Verkäuferin', 'Joggerin', 'Kellnerin', 'Malerin', 'Schülerinnen', 'Cheerleaderin']) {
      expect(genderedWordsDe(`Eine ${word} lacht.`), word).toEqual([word]);
    }
    expect(genderedWordsDe('Eine weibliche Person lacht.')).toEqual(['weibliche']);
    expect(genderedWordsDe('Ein männlicher Sänger singt.')).toEqual(['männlicher']);
    for (const caption of ['Ein Delfin springt.', 'Ein Pinguin steht im Schnee.', 'Ein Kind sitzt am Kamin.', 'Ein Hund im Satin.', 'Ein Dobermann läuft.']) expect(genderedWordsDe(caption), caption).toEqual([]);
  });

  it('says a spouse as the companion, the possessive agreeing with "Person"', () => {
    expect(neutral('ein Mann tanzt mit seiner Frau')).toBe('Eine Person tanzt mit ihrer Begleitung.');
    expect(neutral('ein Mann und seine Frau sitzen auf einer Bank')).toBe('Eine Person und ihre Begleitung sitzen auf einer Bank.');
    expect(neutral('die Frau und ihr Mann lachen')).toBe('Die Person und ihre Begleitung lachen.');
    expect(genderedWordsDe(neutral('ein Mann und seine Frau'))).toEqual([]);
  });

  it('turns the "sie" that follows a girl into the "es" of the neutral "Kind"', () => {
    expect(tidyGermanCaption('ein Mädchen lacht während sie springt'.split(' '), { neutral: true })).toBe('Ein Kind lacht während es springt.');
    // With a thing in between, "sie" may be it (or them).
    expect(tidyGermanCaption('ein Mädchen pflückt Blumen und hält sie in der Hand'.split(' '), { neutral: true })).toBe('Ein Kind pflückt Blumen und hält sie in der Hand.');
  });

  it('finds none in what neutral wording wrote, nor in other words', () => {
    for (const [caption] of typical) expect(genderedWordsDe(neutral(caption)), caption).toEqual([]);
    expect(genderedWordsDe('Ein Kind baut einen Schneemann in Berlin.')).toEqual([]);
  });
});
