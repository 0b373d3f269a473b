/**
 * The place check (../concept-support.ts) for the German model: the places
 * and things of its 400 concepts that no COCO class names, and how German
 * captions open and close a phrase of place ("auf einer Wiese", "vor einem
 * Gebäude", "im Wasser").
 *
 * Measured on captions-dev-de with the English floor (0.03, chosen on English
 * captions-dev and not tuned here): of the checked words in the German
 * model's captions, the concept head scored 42 under it, and 35 of those
 * were in no reference, against 78 of 125 for all of them.
 */
import type { PlaceGrammar, PlaceWords } from '../concept-support';
import { germanForms } from './word-forms';

/**
 * Places and things that no COCO class names, in the forms the German
 * concept head scores (it scores "Bäumen", not "Bäume"). Not COCO classes'
 * words (the detector checks those: "Bank", "Tisch", "Boot"), clothing other
 * than helmets and glasses, nor words that say little ("Boden",
 * "Hintergrund", "Luft", "Freien"). Not "Kamera" either: "schaut in die
 * Kamera" says where someone looks, not that a camera is in the picture, and
 * the captions use it mostly so; nor "Bahn", which may be the train the
 * detector names. The head scores one form of a word; its other forms in
 * the captions ("Bäume", "Hindernisse") are checked by that one's score
 * (otherFormsOfChecked).
 */
const germanCheckedConcepts: ReadonlySet<string> = new Set([
  // places
  'Berg', 'Bühne', 'Bürgersteig', 'Feld', 'Felsen', 'Felswand', 'Fluss', 'Garten', 'Gebäude', 'Gehweg', 'Geschäft',
  'Gewässer', 'Gras', 'Halle', 'Hang', 'Haus', 'Hügel', 'Küche', 'Mauer', 'Meer', 'Park', 'Platz', 'Rasen', 'Raum', 'Sand',
  'Schnee', 'See', 'Spielfeld', 'Stadt', 'Strand', 'Strasse', 'Straße', 'Treppe', 'Ufer', 'Wald', 'Wand', 'Wasser', 'Weg',
  'Welle', 'Wiese',
  // things
  'Baum', 'Bäumen', 'Brille', 'Decke', 'Fenster', 'Geländer', 'Gitarre', 'Halsband', 'Helm', 'Hindernis', 'Leine', 'Pool',
  'Rampe', 'Seil', 'Sonnenbrille', 'Spielzeug', 'Stock', 'Zaun',
]);

const prepositions: ReadonlySet<string> = new Set([
  'auf', 'in', 'an', 'vor', 'hinter', 'neben', 'unter', 'über', 'zwischen', 'mit', 'bei', 'nach', 'zu', 'aus', 'durch', 'um',
  'gegen', 'entlang', 'gegenüber', 'am', 'im', 'ins', 'ans', 'aufs', 'beim', 'vom', 'zum', 'zur', 'durchs', 'übers', 'unters',
  'vors', 'hinters',
]);
const determiners: ReadonlySet<string> = new Set([
  'ein', 'eine', 'einen', 'einem', 'einer', 'eines', 'der', 'die', 'das', 'den', 'dem', 'des', 'sein', 'seine', 'seinem',
  'seinen', 'seiner', 'seines', 'ihr', 'ihre', 'ihrem', 'ihren', 'ihrer', 'ihres', 'zwei', 'drei', 'vier', 'fünf', 'mehrere',
  'einige', 'viele', 'dieser', 'diese', 'diesem', 'diesen',
]);
/** An inflected adjective ("grünen", "hohes", "steilen"): the only other word that stands between article and noun. */
const adjectiveEnding = /(e|en|er|em|es)$/;

/**
 * The German model writes no commas or full stops, so clauses are told
 * apart by their words: a noun (capitalised) or a word that is not an
 * inflected adjective between a preposition and the word ends the phrase
 * there ("ein Mann auf einer Bühne spielt Gitarre": "Gitarre" is no part of
 * "auf einer Bühne").
 */
const germanPlaceGrammar: PlaceGrammar = {
  prepositions,
  openingsEndingWith: {},
  onlyInOpening: new Set(),
  openingArticles: new Set(),
  phraseStops: new Set(['und', 'oder', 'ist', 'sind', 'während', 'wobei', 'als', 'dass']),
  breaksPhrase: (word) => !prepositions.has(word) && !determiners.has(word) && (/^[A-ZÄÖÜ]/.test(word) || !adjectiveEnding.test(word)),
  qualifiesNext: false,
  pairedPrepositions: new Set(['zwischen']),
  particleAtEnd: true,
  determiners,
  // "zieht an einem Seil", "schaut auf das Wasser", "wartet auf …", "umgeben von …": without what follows, the verb says nothing of the picture.
  needsObject: new Set([
    'zieht', 'ziehen', 'greift', 'greifen', 'hängt', 'hängen', 'schaut', 'schauen', 'blickt', 'blicken', 'sieht', 'sehen',
    'wartet', 'warten', 'zeigt', 'zeigen', 'beobachtet', 'beobachten', 'umgeben',
  ]),
  phraseFollowers: new Set(['und', 'oder', 'während', 'wobei', 'als']),
  // "von" opens no phrase of place here ("eine Gruppe von Menschen", "ein Bild von einem Strand"); after one, it belonged to it.
  belongsToPhrase: new Set(['von']),
  withWord: 'mit',
  coordinators: new Set(['und', 'oder']),
};

/**
 * Another case or number of the word ("Bäume", "Hügeln" of "Baum", "Hügel"),
 * written with a capital as the word is; none shorter than it ("Deck" is no
 * form of "Decke").
 */
function germanFormsOf(word: string): string[] {
  const capital = word.charAt(0) !== word.charAt(0).toLowerCase();
  return [...germanForms(word)].filter((form) => form.length >= word.length).map((form) => (capital ? form.charAt(0).toUpperCase() + form.slice(1) : form));
}

export const germanPlaces: PlaceWords = { checked: germanCheckedConcepts, formsOf: germanFormsOf, grammar: germanPlaceGrammar };
