import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { capitalise, countPhrase, joinList } from '../../src/engine/describe/wording';
import type { Wording } from '../../src/engine/describe/wording';
import { genderDe, germanNouns, indefiniteArticleDe, pluralNameDe, spokenNameDe } from '../../src/engine/describe/german-nouns';
import { countPhraseDe, germanWording, joinListDe, quoteTextDe, sentenceDe } from '../../src/engine/describe/wording-de';
import { neutralGermanNoun } from '../../src/engine/caption/de/people-nouns';
import { neutralGermanWords } from '../../src/engine/caption/de/neutral';

const labels = (JSON.parse(readFileSync('models/detector/centernet.json', 'utf8')) as { labels: string[] }).labels;

const neutral = (sentence: string) => neutralGermanWords(sentence.split(' ')).join(' ');

describe('German nouns for COCO labels', () => {
  it('has a name, a gender and a plural for each of the 80 labels, and nothing else', () => {
    expect(labels).toHaveLength(80);
    expect(Object.keys(germanNouns).sort()).toEqual([...labels].sort());
    for (const label of labels) {
      const { name, gender, plural } = germanNouns[label]!;
      expect(name, label).toMatch(/^[A-ZÄÖÜ]/);
      expect(plural, label).toMatch(/^[A-ZÄÖÜ]/);
      expect(['m', 'f', 'n'], label).toContain(gender);
    }
  });

  it('gives each label its own word', () => {
    const names = labels.map(spokenNameDe);
    expect(new Set(names).size).toBe(labels.length);
  });

  it('uses the words people say', () => {
    expect(spokenNameDe('person')).toBe('Person');
    expect(spokenNameDe('dining table')).toBe('Tisch');
    expect(spokenNameDe('cell phone')).toBe('Handy');
    expect(spokenNameDe('tv')).toBe('Fernseher');
    expect(spokenNameDe('sports ball')).toBe('Ball');
    expect(spokenNameDe('couch')).toBe('Sofa');
    expect(spokenNameDe('hair drier')).toBe('Föhn');
    expect(spokenNameDe('skis')).toBe('Paar Ski');
    expect(spokenNameDe('scissors')).toBe('Schere');
    expect(spokenNameDe('teddy bear')).toBe('Teddybär');
    expect(spokenNameDe('hot dog')).toBe('Hotdog');
    expect(spokenNameDe('potted plant')).toBe('Topfpflanze');
    expect(spokenNameDe('fire hydrant')).toBe('Hydrant');
    expect(spokenNameDe('wine glass')).toBe('Weinglas');
  });

  it('knows genders and plurals, umlauts included', () => {
    expect(genderDe('dog')).toBe('m');
    expect(genderDe('cat')).toBe('f');
    expect(genderDe('horse')).toBe('n');
    expect(pluralNameDe('person')).toBe('Personen');
    expect(pluralNameDe('dog')).toBe('Hunde');
    expect(pluralNameDe('dining table')).toBe('Tische');
    expect(pluralNameDe('skis')).toBe('Paar Ski');
    expect(pluralNameDe('sheep')).toBe('Schafe');
    expect(pluralNameDe('mouse')).toBe('Mäuse');
    expect(pluralNameDe('knife')).toBe('Messer');
    expect(pluralNameDe('bench')).toBe('Bänke');
    expect(pluralNameDe('wine glass')).toBe('Weingläser');
  });

  it('says an unknown label as it is rather than failing', () => {
    expect(countPhraseDe('hovercraft', 1, 4)).toBe('ein hovercraft');
  });
});

describe('German counted phrases', () => {
  it('agrees the article with the gender', () => {
    expect(indefiniteArticleDe('m')).toBe('ein');
    expect(indefiniteArticleDe('f')).toBe('eine');
    expect(indefiniteArticleDe('n')).toBe('ein');
    expect(countPhraseDe('dog', 1, 4)).toBe('ein Hund');
    expect(countPhraseDe('cat', 1, 4)).toBe('eine Katze');
    expect(countPhraseDe('horse', 1, 4)).toBe('ein Pferd');
    expect(countPhraseDe('person', 1, 4)).toBe('eine Person');
    expect(countPhraseDe('bicycle', 1, 4)).toBe('ein Fahrrad');
    expect(countPhraseDe('skis', 1, 4)).toBe('ein Paar Ski');
  });

  it('counts in words up to the limit and says "viele" above it', () => {
    expect(countPhraseDe('person', 2, 4)).toBe('zwei Personen');
    expect(countPhraseDe('dog', 3, 4)).toBe('drei Hunde');
    expect(countPhraseDe('skis', 2, 4)).toBe('zwei Paar Ski');
    expect(countPhraseDe('car', 5, 4)).toBe('viele Autos');
    expect(countPhraseDe('car', 9, 10)).toBe('neun Autos');
    expect(countPhraseDe('car', 10, 10)).toBe('zehn Autos');
    expect(countPhraseDe('car', 12, 20)).toBe('12 Autos');
  });

  it('joins phrases with commas and "und", no comma before "und"', () => {
    expect(joinListDe([])).toBe('');
    expect(joinListDe(['ein Hund'])).toBe('ein Hund');
    expect(joinListDe(['zwei Personen', 'ein Hund'])).toBe('zwei Personen und ein Hund');
    const phrase = joinListDe([countPhraseDe('person', 2, 4), countPhraseDe('dog', 1, 4), countPhraseDe('bicycle', 1, 4)]);
    expect(sentenceDe(phrase)).toBe('Zwei Personen, ein Hund und ein Fahrrad.');
    expect(sentenceDe(joinListDe([countPhraseDe('person', 2, 4), countPhraseDe('dog', 1, 4)]))).toBe('Zwei Personen und ein Hund.');
    expect(sentenceDe(countPhraseDe('car', 7, 4))).toBe('Viele Autos.');
  });

  it('quotes read text untranslated (the German disclosure prefix is a setting: src/settings/prefix.ts)', () => {
    expect(quoteTextDe('OPEN 24 HOURS')).toBe('Text: "OPEN 24 HOURS"');
    expect(quoteTextDe('').length).toBe('Text: ""'.length);
  });
});

describe('the Wording interface', () => {
  // English must fit the same interface, so that describe.ts can take either.
  const englishWording = {
    language: 'en',
    countPhrase,
    joinList,
    sentence: (phrase: string) => `${capitalise(phrase)}.`,
    quoteText: (text: string) => `Text: "${text}"`,
  } satisfies Wording;

  it('composes the same sentence shape in both languages', () => {
    const say = (wording: Wording) =>
      wording.sentence(wording.joinList([wording.countPhrase('person', 2, 4), wording.countPhrase('dog', 1, 4), wording.countPhrase('car', 6, 4)]));
    expect(say(englishWording)).toBe('Two people, a dog and many cars.');
    expect(say(germanWording)).toBe('Zwei Personen, ein Hund und viele Autos.');
    expect(germanWording.language).toBe('de');
  });
});

describe('neutral German words', () => {
  it('maps gendered nouns to neutral ones', () => {
    expect(neutralGermanNoun('Mann', false)).toBe('Person');
    expect(neutralGermanNoun('Frau', false)).toBe('Person');
    expect(neutralGermanNoun('Männer', true)).toBe('Personen');
    expect(neutralGermanNoun('Frauen', true)).toBe('Personen');
    expect(neutralGermanNoun('Junge', false)).toBe('Kind');
    expect(neutralGermanNoun('Mädchen', false)).toBe('Kind');
    expect(neutralGermanNoun('Jungen', true)).toBe('Kinder');
    expect(neutralGermanNoun('Mädchen', true)).toBe('Kinder');
    expect(neutralGermanNoun('Mann', true)).toBeUndefined();
    expect(neutralGermanNoun('Hund', false)).toBeUndefined();
    // "junge" is "young"; only the capitalised noun is "boy".
    expect(neutralGermanNoun('junge', false)).toBeUndefined();
  });

  it('returns the words as a list, punctuation as given', () => {
    expect(neutralGermanWords(['Ein', 'Mann', 'fährt', 'Fahrrad', '.'])).toEqual(['Eine', 'Person', 'fährt', 'Fahrrad', '.']);
    expect(neutral('Ein Mann fährt Fahrrad.')).toBe('Eine Person fährt Fahrrad.');
    expect(neutral('Da steht ein Mann.')).toBe('Da steht eine Person.');
  });

  it('makes the article agree in the nominative and accusative', () => {
    expect(neutral('Der Junge spielt Fußball.')).toBe('Das Kind spielt Fußball.');
    expect(neutral('Eine Frau hält einen Jungen.')).toBe('Eine Person hält ein Kind.');
    expect(neutral('Eine Katze beobachtet den Mann.')).toBe('Eine Katze beobachtet die Person.');
    expect(neutral('Ein Hund sieht das Mädchen an.')).toBe('Ein Hund sieht das Kind an.');
    expect(neutral('Die Mädchen lachen.')).toBe('Die Kinder lachen.');
    expect(neutral('Dieser Mann lacht.')).toBe('Diese Person lacht.');
    expect(neutral('Sein Junge lacht.')).toBe('Sein Kind lacht.');
  });

  it('makes the adjectives agree too', () => {
    expect(neutral('Ein junger Mann sitzt auf einer Bank.')).toBe('Eine junge Person sitzt auf einer Bank.');
    expect(neutral('Ein kleiner Junge isst Eis.')).toBe('Ein kleines Kind isst Eis.');
    expect(neutral('Eine Frau hält einen kleinen Jungen.')).toBe('Eine Person hält ein kleines Kind.');
    expect(neutral('Der alte Mann liest.')).toBe('Die alte Person liest.');
    expect(neutral('Zwei junge Männer laufen.')).toBe('Zwei junge Personen laufen.');
    expect(neutral('Ein sehr alter Mann sitzt.')).toBe('Eine sehr alte Person sitzt.');
    expect(neutral('Die beiden Männer lachen.')).toBe('Die beiden Personen lachen.');
  });

  it('handles the dative, the genitive and contracted articles', () => {
    expect(neutral('Ein Hund läuft neben dem Mann.')).toBe('Ein Hund läuft neben der Person.');
    expect(neutral('Ein Hund spielt mit einem Jungen.')).toBe('Ein Hund spielt mit einem Kind.');
    expect(neutral('Die Tasche des Mannes ist rot.')).toBe('Die Tasche der Person ist rot.');
    expect(neutral('Ein Ball liegt beim Mann.')).toBe('Ein Ball liegt bei der Person.');
    expect(neutral('Der Hund gehört zum Jungen.')).toBe('Der Hund gehört zum Kind.');
    expect(neutral('Eine Gruppe von Männern spielt Basketball.')).toBe('Eine Gruppe von Personen spielt Basketball.');
  });

  it('reads "den Jungen" as one boy unless a dative preposition makes it boys', () => {
    expect(neutral('Eine Frau umarmt den Jungen.')).toBe('Eine Person umarmt das Kind.');
    expect(neutral('Ein Hund spielt mit den Jungen.')).toBe('Ein Hund spielt mit den Kindern.');
  });

  it('counts people joined by "und" when nothing tells them apart, as tidy.ts does', () => {
    expect(neutral('Ein Junge und ein Mädchen spielen.')).toBe('Zwei Kinder spielen.');
    expect(neutral('Ein Mann und eine Frau sitzen auf einem Sofa.')).toBe('Zwei Personen sitzen auf einem Sofa.');
    expect(neutral('Zwei Männer und eine Frau sitzen auf einer Bank.')).toBe('Drei Personen sitzen auf einer Bank.');
    expect(neutral('Ein junger Mann und eine junge Frau')).toBe('Zwei junge Personen');
    expect(neutral('Der Mann und die Frau lachen.')).toBe('Die beiden Personen lachen.');
    expect(neutral('Ein Hund spielt mit einem Jungen und einem Mädchen.')).toBe('Ein Hund spielt mit zwei Kindern.');
    expect(neutral('Männer und Frauen tanzen.')).toBe('Personen tanzen.');
    expect(neutral('Jungen und Mädchen spielen.')).toBe('Kinder spielen.');
    expect(neutral('Junge und Mädchen spielen.')).toBe('Zwei Kinder spielen.');
    expect(neutral('Mann und Frau sitzen.')).toBe('Zwei Personen sitzen.');
  });

  it('keeps adults and children apart, and people told apart by adjectives or clothing', () => {
    expect(neutral('Ein Mann und ein Junge')).toBe('Eine Person und ein Kind');
    expect(neutral('Ein junger Mann und eine alte Frau')).toBe('Eine junge Person und eine alte Person');
    expect(neutral('Ein Mann und eine Frau in einem roten Kleid')).toBe('Eine Person und eine weitere Person in einem roten Kleid');
  });

  it('says a spouse ("ihr Mann", "seine Frau") as the companion, never "ihre Person"', () => {
    expect(neutral('Die Frau und ihr Mann lachen.')).toBe('Die Person und ihre Begleitung lachen.');
    expect(neutral('Ein Mann tanzt mit ihrer Frau.')).toBe('Eine Person tanzt mit ihrer Begleitung.');
    expect(neutral('Zwei Männer und ihre Frauen')).toBe('Zwei Personen und ihre Begleitungen');
    // Not after an article: "eine Frau" is a woman, and a later one "eine weitere Person".
    expect(neutral('Ein Mann und eine Frau')).toBe('Zwei Personen');
  });

  it('says "weitere" for a later person, as tidy.ts says "another"', () => {
    expect(neutral('Eine Frau sitzt neben einem Mann.')).toBe('Eine Person sitzt neben einer weiteren Person.');
    expect(neutral('Ein Mädchen spielt mit einem Jungen.')).toBe('Ein Kind spielt mit einem weiteren Kind.');
    expect(neutral('Ein Mann hält ein Mädchen.')).toBe('Eine Person hält ein Kind.');
  });

  it('leaves adjectives, neutral words and everything else as they are', () => {
    expect(neutral('Junge Frauen tanzen.')).toBe('Junge Personen tanzen.');
    expect(neutral('Eine Person und ein Hund.')).toBe('Eine Person und ein Hund.');
    expect(neutral('Ein Hund liegt auf dem Sofa.')).toBe('Ein Hund liegt auf dem Sofa.');
  });
});
