import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  dropUnseenPhrases,
  englishCheckedConcepts,
  englishPlaceGrammar,
  englishPlaces,
  otherFormsOfChecked,
  unseenConceptWords,
  withOtherForms,
} from '../../src/engine/caption/concept-support';
import { germanPlaces } from '../../src/engine/caption/de/places';
import { germanObjectNames } from '../../src/engine/caption/de/object-names';
import { englishObjectNames } from '../../src/engine/caption/guard';
import { germanForms } from '../../src/engine/caption/de/word-forms';
import { singular } from '../../src/engine/caption/word-forms';
import { placeMentions } from '../../src/eval/places';

const words = (caption: string) => caption.split(' ');
/** The detector's 80 classes. */
const cocoLabels = (JSON.parse(readFileSync('models/detector/centernet.json', 'utf8')) as { labels: string[] }).labels;
const drop = (caption: string, unseen: string[]) => {
  const result = dropUnseenPhrases(words(caption), new Set(unseen), englishCheckedConcepts, englishPlaceGrammar);
  return { caption: result.words.join(' '), found: result.found, stuck: result.stuck };
};

describe('dropUnseenPhrases (the model words of v2 captions on captions-dev)', () => {
  it('takes out the phrase of place that names an unseen word, from its preposition', () => {
    expect(drop('two people are standing on a sidewalk', ['sidewalk'])).toEqual({ caption: 'two people are standing', found: ['sidewalk'], stuck: [] });
    expect(drop('a brown dog is running through the woods', ['woods']).caption).toBe('a brown dog is running');
    expect(drop('a child in a shirt is jumping in the sand', ['sand']).caption).toBe('a child in a shirt is jumping');
    expect(drop('a child is playing with a toy', ['toy']).caption).toBe('a child is playing');
  });

  it('opens "in front of", "on the edge of" and "next to" phrases before their first word', () => {
    expect(drop('a group of people are standing in front of a building', ['building']).caption).toBe('a group of people are standing');
    expect(drop('a dog is standing on the edge of a cliff', ['cliff']).caption).toBe('a dog is standing');
    expect(drop('a person in a red shirt stands next to a fence', ['fence']).caption).toBe('a person in a red shirt stands');
    // flickr30k-extra: a crowd nobody saw; "of people" belongs to it, so the longer one is stuck.
    expect(drop('a person in a shirt is standing in front of a crowd', ['crowd']).caption).toBe('a person in a shirt is standing');
    expect(drop('a person in a shirt is standing in front of a crowd of people', ['crowd']).stuck).toEqual(['crowd']);
  });

  it('takes the place a word qualifies with it ("a dirt road")', () => {
    expect(drop('a group of people are standing on a dirt road', ['dirt']).caption).toBe('a group of people are standing');
    expect(drop('a person is sitting on a rock wall', ['rock', 'wall'])).toEqual({ caption: 'a person is sitting', found: ['rock', 'wall'], stuck: [] });
  });

  it('keeps a phrase of place whose word was seen', () => {
    expect(drop('a dog is running through the grass in the woods', ['woods']).caption).toBe('a dog is running through the grass');
    expect(drop('a dog is running through the grass', ['woods'])).toEqual({ caption: 'a dog is running through the grass', found: [], stuck: [] });
  });

  it('cannot take out a word that is not in a phrase of place: it is stuck', () => {
    // The object of a verb, and a phrase opened by a verb ("overlooking"): leaving them out would change what is said.
    expect(drop('a young child in a blue shirt is climbing a rock wall', ['wall']).stuck).toEqual(['wall']);
    expect(drop('a young child in a shirt is wearing a helmet', ['helmet']).stuck).toEqual(['helmet']);
    expect(drop('two people are sitting on a cliff overlooking the ocean', ['ocean']).stuck).toEqual(['ocean']);
    // "a group of", "a picture of": the word is what the caption is about.
    expect(drop('a picture of a building', ['building']).stuck).toEqual(['building']);
    // A verb between the word and the preposition ends the phrase: "on a bike holding a sign" is not one phrase.
    expect(drop('a person on a bike holding a sign', ['sign']).stuck).toEqual(['sign']);
  });

  it('leaves a sentence that still reads: a following phrase joins the verb, and what cannot follow keeps the word stuck', () => {
    expect(drop('a dog runs through the water and onto the sand', ['water']).caption).toBe('a dog runs onto the sand');
    expect(drop('a man on the beach and a woman', ['beach']).caption).toBe('a man and a woman');
    expect(drop('a boy jumps off a rock into the water', ['rock']).caption).toBe('a boy jumps into the water');
    expect(drop('two people sit on a bench in front of a building', ['building']).caption).toBe('two people sit on a bench');
    expect(drop('a person is standing on top of a mountain', ['mountain']).caption).toBe('a person is standing');
    expect(drop('a man is standing outside of a building', ['building']).caption).toBe('a man is standing');
    expect(drop('a young child is jumping off of a slide', ['slide']).caption).toBe('a young child is jumping');
    expect(drop('a person is sitting on the sidewalk next to a building', ['sidewalk', 'building']).caption).toBe('a person is sitting');
    // The word qualified a noun that stays ("a dirt bike"), an "of" belonged to it, or the next phrase said where it was.
    expect(drop('a man on a dirt bike', ['dirt']).stuck).toEqual(['dirt']);
    // "between" takes two things: without one of them there is no sentence.
    expect(drop('a dog stands between a fence and a wall', ['fence']).stuck).toEqual(['fence']);
    expect(drop('two people are sitting on the steps of a building', ['steps']).stuck).toEqual(['steps']);
    expect(drop('a dog with a stick in its mouth', ['stick']).stuck).toEqual(['stick']);
    // A verb's particle, not a place: "is holding" alone says nothing (flickr30k-extra).
    expect(drop('a child in a shirt is holding up a rope', ['rope']).stuck).toEqual(['rope']);
    // A new phrase began after the preposition: "in pink climbs a rock wall" is not one phrase.
    expect(drop('a girl in pink climbs a rock wall', ['rock']).stuck).toEqual(['rock']);
  });

  it('reads a noun in -ing as a noun, not as a verb that ends the phrase', () => {
    expect(drop('two people are sitting on the steps of a building', ['building']).stuck).toEqual(['building']);
    expect(drop('a man is leaning on a railing', ['railing']).caption).toBe('a man is leaning');
  });
});

describe('dropUnseenPhrases in German (the German model\'s captions on captions-dev-de)', () => {
  const dropDe = (caption: string, unseen: string[]) => {
    const result = dropUnseenPhrases(words(caption), new Set(unseen), germanPlaces.checked, germanPlaces.grammar);
    return { caption: result.words.join(' '), found: result.found, stuck: result.stuck };
  };

  it('takes out the phrase of place from its preposition, a contracted one too', () => {
    expect(dropDe('ein Mann und eine Frau stehen vor einem Gebäude', ['Gebäude'])).toEqual({ caption: 'ein Mann und eine Frau stehen', found: ['Gebäude'], stuck: [] });
    expect(dropDe('ein Hund springt über ein Hindernis', ['Hindernis']).caption).toBe('ein Hund springt');
    expect(dropDe('ein kleines Mädchen in einem roten Kleid läuft auf einem Weg', ['Weg']).caption).toBe('ein kleines Mädchen in einem roten Kleid läuft');
    expect(dropDe('ein Mann sitzt am Strand und schaut auf das Meer', ['Strand']).caption).toBe('ein Mann sitzt und schaut auf das Meer');
    expect(dropDe('ein Hund läuft durch den Sand', ['Sand']).caption).toBe('ein Hund läuft');
    expect(dropDe('zwei Kinder spielen auf einer grünen Wiese', ['Wiese']).caption).toBe('zwei Kinder spielen');
    expect(dropDe('ein Hund springt über ein Hindernis in das Wasser', ['Hindernis']).caption).toBe('ein Hund springt in das Wasser');
  });

  it('takes out every unseen phrase, and one that followed a left-out phrase joins the verb', () => {
    expect(dropDe('ein Mann mit einer Gitarre und eine Frau stehen vor einer Wand', ['Gitarre', 'Wand']).caption).toBe('ein Mann und eine Frau stehen');
    expect(dropDe('ein Mann in einem schwarzen T-Shirt steht auf einem Gehweg vor einem Gebäude', ['Gebäude']).caption).toBe(
      'ein Mann in einem schwarzen T-Shirt steht auf einem Gehweg',
    );
    expect(dropDe('ein Hund rennt durch das Wasser und auf den Strand', ['Wasser']).caption).toBe('ein Hund rennt auf den Strand');
  });

  it('keeps the word stuck where the sentence would not read without it', () => {
    // The object of a verb, a postposition ("eine Straße entlang"), a phrase that says where the thing was.
    expect(dropDe('ein Mann mit Helm fährt mit seinem Fahrrad eine Straße entlang', ['Straße']).stuck).toEqual(['Straße']);
    expect(dropDe('ein Junge mit einem Stock in der Hand', ['Stock']).stuck).toEqual(['Stock']);
    expect(dropDe('ein Hund mit einem Spielzeug im Maul', ['Spielzeug']).stuck).toEqual(['Spielzeug']);
    // "mit Sonnenbrille sitzt": a verb follows, not the end of a phrase.
    expect(dropDe('eine Frau mit Sonnenbrille sitzt auf einer Bühne', ['Sonnenbrille']).stuck).toEqual(['Sonnenbrille']);
    // A verb whose preposition is not one of place: "zieht" alone says nothing.
    expect(dropDe('ein Hund zieht an einem Seil', ['Seil']).stuck).toEqual(['Seil']);
    // A separable particle follows: "klettert an einer Felswand hoch" without it is no sentence.
    expect(dropDe('ein Mann klettert an einer Felswand hoch', ['Felswand']).stuck).toEqual(['Felswand']);
    // A postposition or a particle that is also a preposition: "läuft entlang", "rennt zu" say something else.
    expect(dropDe('ein Mann läuft am Strand entlang', ['Strand']).stuck).toEqual(['Strand']);
    expect(dropDe('ein Hund rennt auf das Wasser zu', ['Wasser']).stuck).toEqual(['Wasser']);
    // Without commas, a verb or a noun between the preposition and the word shows a phrase ended before it.
    expect(dropDe('ein Mann auf einer Bühne spielt Gitarre', ['Gitarre']).stuck).toEqual(['Gitarre']);
    expect(dropDe('ein Hund am Strand trinkt Wasser', ['Wasser']).stuck).toEqual(['Wasser']);
    // A word after the phrase is no part of it in German ("am Strand Gitarre"), and "zwischen" needs both its things.
    expect(dropDe('ein Mann spielt am Strand Gitarre', ['Strand'])).toEqual({ caption: 'ein Mann spielt am Strand Gitarre', found: ['Strand'], stuck: ['Strand'] });
    expect(dropDe('ein Mann steht zwischen einem Zaun und einer Wand', ['Zaun']).stuck).toEqual(['Zaun']);
    // "von" opens no phrase of place, and "umgeben" needs what surrounds.
    expect(dropDe('ein Bild von einem Strand', ['Strand']).stuck).toEqual(['Strand']);
    expect(dropDe('ein Haus umgeben von Bäumen', ['Bäumen']).stuck).toEqual(['Bäumen']);
  });
});

describe('unseenConceptWords', () => {
  const concepts = [
    { word: 'dog', score: 0.7 },
    { word: 'grass', score: 0.2 },
    { word: 'sidewalk', score: 0.01 },
    { word: 'beach', score: 0.029 },
    { word: 'running', score: 0.001 },
  ];

  it('returns the checked words the concept head scored below the floor', () => {
    expect([...unseenConceptWords(concepts, true, englishCheckedConcepts, { minScore: 0.03 })]).toEqual(['sidewalk', 'beach']);
    expect([...unseenConceptWords(concepts, true, englishCheckedConcepts, { minScore: 0.02 })]).toEqual(['sidewalk']);
  });

  it('checks nothing without the setting, or when the encoder reports only the concepts it read', () => {
    expect(unseenConceptWords(concepts, true, englishCheckedConcepts, undefined).size).toBe(0);
    // Only the top concepts: a word missing from them would look unseen, so nothing is checked.
    expect(unseenConceptWords(concepts, false, englishCheckedConcepts, { minScore: 0.03 }).size).toBe(0);
  });
});

describe('other forms of the checked words', () => {
  const vocabulary = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as string[];

  it('finds the plurals and case forms the shipped vocabularies hold, and nothing shorter', () => {
    const english = otherFormsOfChecked(vocabulary('models/lightcap/vocab.json'), englishPlaces);
    expect(english.get('buildings')).toEqual(['building']);
    expect(english.get('leashes')).toEqual(['leash']);
    // Checked in their own right: the concept head scores them.
    expect(english.has('rocks')).toBe(false);
    expect(english.has('trees')).toBe(false);
    // Plurals the captions use as verbs are not taken for the thing: "a dog sticks its head out".
    expect(english.has('sticks')).toBe(false);
    expect(english.has('slides')).toBe(false);
    const german = otherFormsOfChecked(vocabulary('models/lightcap-de/vocab.json'), germanPlaces);
    expect(german.get('Bäume')).toEqual(['Baum']);
    expect(german.get('Hügeln')).toEqual(['Hügel']);
    expect(german.get('Straßen')).toEqual(['Strasse', 'Straße']);
    expect(german.has('Deck')).toBe(false); // a ship's deck, not "Decke" without its ending
    expect(german.has('Bäumen')).toBe(false); // a checked word itself
    expect(german.has('Baumstamm')).toBe(false); // compounds are other words
  });

  it('takes a form as unseen only when every word it is a form of is, and never one the head scores itself', () => {
    const forms = new Map([
      ['Bäume', ['Baum']],
      ['Straßen', ['Strasse', 'Straße']],
      ['Wiesen', ['Wiese']],
    ]);
    const scored = new Set(['Baum', 'Strasse', 'Straße', 'Wiese', 'Wiesen']);
    expect([...withOtherForms(new Set(['Baum', 'Strasse', 'Wiese']), forms, scored)].sort()).toEqual(['Baum', 'Bäume', 'Strasse', 'Wiese']);
    expect([...withOtherForms(new Set(['Strasse', 'Straße']), forms, scored)].sort()).toEqual(['Strasse', 'Straße', 'Straßen']);
    expect(withOtherForms(new Set(), forms, scored).size).toBe(0);
  });

  it('lets a phrase go on with a form, as with the word ("on rock walls", only "rock" unseen)', () => {
    const placeWords = new Set([...englishCheckedConcepts, 'walls']);
    const dropped = dropUnseenPhrases('a person climbs on rock walls'.split(' '), new Set(['rock']), placeWords, englishPlaceGrammar);
    expect(dropped.words.join(' ')).toBe('a person climbs');
    expect(dropUnseenPhrases('a person climbs on rock walls'.split(' '), new Set(['rock']), englishCheckedConcepts, englishPlaceGrammar).stuck).toEqual(['rock']);
  });

  it('takes the phrase of a form out as it does the word\'s', () => {
    const unseen = withOtherForms(new Set(['building']), new Map([['buildings', ['building']]]), new Set(['building']));
    expect(dropUnseenPhrases('two people are standing in front of buildings'.split(' '), unseen, englishCheckedConcepts, englishPlaceGrammar).words.join(' ')).toBe(
      'two people are standing',
    );
  });
});

describe('englishCheckedConcepts', () => {
  it('holds no word that names a COCO class: the detector guard checks those', () => {
    const named = [...englishCheckedConcepts].filter((word) => englishObjectNames.namedClasses([word], cocoLabels).length > 0);
    expect(named).toEqual([]);
  });
});

describe('germanPlaces.checked', () => {
  it('holds no word that names a COCO class: the detector guard checks those', () => {
    const named = [...germanPlaces.checked].filter((word) => germanObjectNames.namedClasses([word], cocoLabels).length > 0);
    expect(named).toEqual([]);
  });
});

describe('placeMentions (npm run eval)', () => {
  it('counts a word as mentioned when a reference has it in the singular or the plural', () => {
    const references = ['Two dogs run along the beaches .', 'A dog is near some trees'];
    expect(placeMentions(words('a dog runs on the beach near a tree by the water'), englishCheckedConcepts, references)).toEqual([
      { word: 'beach', inReference: true },
      { word: 'tree', inReference: true },
      { word: 'water', inReference: false },
    ]);
  });

  it('in German, counts any ending of the word and a compound that ends in it', () => {
    const references = ['Ein Hund läuft am Sandstrand zwischen Bäumen.', 'Zwei Hunde spielen auf der Straße'];
    expect(placeMentions(words('ein Hund läuft am Strand vor einem Baum auf einer Strasse im Wasser'), germanPlaces.checked, references, 'de')).toEqual([
      { word: 'Strand', inReference: true },
      { word: 'Baum', inReference: true },
      { word: 'Strasse', inReference: true },
      { word: 'Wasser', inReference: false },
    ]);
    const mentions = (word: string, reference: string) => placeMentions([word], germanPlaces.checked, [reference], 'de')[0]!.inReference;
    // Endings, plural umlauts, "ß" and "ss".
    expect(mentions('Fluss', 'Zwei Flüsse')).toBe(true);
    expect(mentions('Haus', 'Alte Häuser')).toBe(true);
    expect(mentions('Hindernis', 'über Hindernisse')).toBe(true);
    expect(mentions('Wiese', 'auf den Wiesen')).toBe(true);
    expect(mentions('Straße', 'auf der Strasse')).toBe(true);
    // Not another word that merely shares letters.
    expect(mentions('Leine', 'Ein kleiner Hund')).toBe(false);
    expect(mentions('Küche', 'Sie essen Kuchen')).toBe(false);
    expect(mentions('See', 'Ein Hund im Wasser')).toBe(false);
    expect(mentions('Geländer', 'auf dem Gelände')).toBe(false);
    expect(germanForms('Baum')).toEqual(new Set(['baum', 'baume', 'baumen', 'baumn', 'baums', 'baumes', 'baumer', 'baumern', 'baumse', 'baumsen'].flatMap((f) => [f, f.replace('au', 'äu')])));
  });

  it('singular', () => {
    expect(['trees', 'beaches', 'bushes', 'glasses', 'cities', 'grass', 'rocks', 'boxes'].map(singular)).toEqual(['tree', 'beach', 'bush', 'glass', 'city', 'grass', 'rock', 'box']);
  });
});
