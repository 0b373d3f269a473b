/**
 * German wording for COCO labels (groundwork for German descriptions, issue
 * 11): the nouns people say ("Tisch", not "Esstisch"), their grammatical
 * gender and plural, counted phrases, lists and the sentence, mirroring
 * wording.ts. Also gender-neutral German for the caption path
 * (`neutralGermanWords`), mirroring caption/tidy.ts.
 */

/**
 * What describe.ts needs from a language. describe.ts now calls wording.ts's
 * functions directly; it will take a `Wording` instead, so that English and
 * German (and later languages) share one composition. English fits with the
 * functions it has: countPhrase, joinList, capitalise plus a full stop, and
 * its 'Text: "…"' (tests/unit/wording-de.test.ts builds it). Only what differs
 * by language is here: `truncateAtWord` works on any language written with
 * spaces and stays shared. This interface moves to wording.ts when describe.ts
 * takes it.
 */
export interface Wording {
  /** BCP 47 tag, e.g. for a `lang` attribute next to the alt text. */
  readonly language: string;
  /** One kind of object, counted: "a dog", "two people" / "ein Hund", "zwei Personen". Counts above `exactUpTo` are "many" / "viele". */
  countPhrase(label: string, count: number, exactUpTo: number): string;
  /** "a, b and c" / "a, b und c". */
  joinList(items: readonly string[]): string;
  /** A phrase as a sentence: capital first letter, full stop. */
  sentence(phrase: string): string;
  /**
   * The read text with its lead-in and quotes. `quoteText('').length` is the
   * overhead describe.ts reserves before cutting the text to fit.
   */
  quoteText(text: string): string;
}

export type GermanGender = 'm' | 'f' | 'n';

export interface GermanNoun {
  /** Nominative singular, as said: "Tisch" for "dining table". */
  name: string;
  gender: GermanGender;
  /** Nominative plural. */
  plural: string;
}

const noun = (name: string, gender: GermanGender, plural: string): GermanNoun => ({ name, gender, plural });

/**
 * Every COCO label of models/detector/centernet.json. The everyday word wins
 * over the precise one ("Handy", "Föhn", "Sofa"), as in English.
 */
export const germanNouns: Readonly<Record<string, GermanNoun>> = {
  person: noun('Person', 'f', 'Personen'),
  bicycle: noun('Fahrrad', 'n', 'Fahrräder'),
  car: noun('Auto', 'n', 'Autos'),
  motorcycle: noun('Motorrad', 'n', 'Motorräder'),
  airplane: noun('Flugzeug', 'n', 'Flugzeuge'),
  bus: noun('Bus', 'm', 'Busse'),
  train: noun('Zug', 'm', 'Züge'),
  // "Lkw" is as common, but a screen reader may spell it out letter by letter.
  truck: noun('Lastwagen', 'm', 'Lastwagen'),
  boat: noun('Boot', 'n', 'Boote'),
  'traffic light': noun('Ampel', 'f', 'Ampeln'),
  'fire hydrant': noun('Hydrant', 'm', 'Hydranten'),
  'stop sign': noun('Stoppschild', 'n', 'Stoppschilder'),
  'parking meter': noun('Parkuhr', 'f', 'Parkuhren'),
  // The seat: its plural is "Bänke" ("Banken" are the money kind).
  bench: noun('Bank', 'f', 'Bänke'),
  bird: noun('Vogel', 'm', 'Vögel'),
  cat: noun('Katze', 'f', 'Katzen'),
  dog: noun('Hund', 'm', 'Hunde'),
  horse: noun('Pferd', 'n', 'Pferde'),
  sheep: noun('Schaf', 'n', 'Schafe'),
  cow: noun('Kuh', 'f', 'Kühe'),
  elephant: noun('Elefant', 'm', 'Elefanten'),
  bear: noun('Bär', 'm', 'Bären'),
  zebra: noun('Zebra', 'n', 'Zebras'),
  giraffe: noun('Giraffe', 'f', 'Giraffen'),
  backpack: noun('Rucksack', 'm', 'Rucksäcke'),
  // "Schirm", not "Regenschirm": COCO's umbrellas include beach parasols.
  umbrella: noun('Schirm', 'm', 'Schirme'),
  handbag: noun('Handtasche', 'f', 'Handtaschen'),
  tie: noun('Krawatte', 'f', 'Krawatten'),
  suitcase: noun('Koffer', 'm', 'Koffer'),
  frisbee: noun('Frisbee', 'n', 'Frisbees'),
  // A pair, like the English "pair of skis": "ein Paar Ski", "zwei Paar Ski".
  skis: noun('Paar Ski', 'n', 'Paar Ski'),
  snowboard: noun('Snowboard', 'n', 'Snowboards'),
  'sports ball': noun('Ball', 'm', 'Bälle'),
  // The toy ("einen Drachen steigen lassen"), not the creature ("Drache").
  kite: noun('Drachen', 'm', 'Drachen'),
  'baseball bat': noun('Baseballschläger', 'm', 'Baseballschläger'),
  'baseball glove': noun('Baseballhandschuh', 'm', 'Baseballhandschuhe'),
  skateboard: noun('Skateboard', 'n', 'Skateboards'),
  surfboard: noun('Surfbrett', 'n', 'Surfbretter'),
  'tennis racket': noun('Tennisschläger', 'm', 'Tennisschläger'),
  bottle: noun('Flasche', 'f', 'Flaschen'),
  'wine glass': noun('Weinglas', 'n', 'Weingläser'),
  cup: noun('Tasse', 'f', 'Tassen'),
  fork: noun('Gabel', 'f', 'Gabeln'),
  knife: noun('Messer', 'n', 'Messer'),
  spoon: noun('Löffel', 'm', 'Löffel'),
  bowl: noun('Schüssel', 'f', 'Schüsseln'),
  banana: noun('Banane', 'f', 'Bananen'),
  apple: noun('Apfel', 'm', 'Äpfel'),
  sandwich: noun('Sandwich', 'n', 'Sandwiches'),
  orange: noun('Orange', 'f', 'Orangen'),
  // Said uncounted ("zwei Brokkoli"); "Brokkolis" is rare.
  broccoli: noun('Brokkoli', 'm', 'Brokkoli'),
  carrot: noun('Karotte', 'f', 'Karotten'),
  'hot dog': noun('Hotdog', 'm', 'Hotdogs'),
  pizza: noun('Pizza', 'f', 'Pizzen'),
  donut: noun('Donut', 'm', 'Donuts'),
  cake: noun('Kuchen', 'm', 'Kuchen'),
  chair: noun('Stuhl', 'm', 'Stühle'),
  couch: noun('Sofa', 'n', 'Sofas'),
  'potted plant': noun('Topfpflanze', 'f', 'Topfpflanzen'),
  bed: noun('Bett', 'n', 'Betten'),
  'dining table': noun('Tisch', 'm', 'Tische'),
  toilet: noun('Toilette', 'f', 'Toiletten'),
  tv: noun('Fernseher', 'm', 'Fernseher'),
  laptop: noun('Laptop', 'm', 'Laptops'),
  // The computer mouse; "Maus" says both, as in English.
  mouse: noun('Maus', 'f', 'Mäuse'),
  remote: noun('Fernbedienung', 'f', 'Fernbedienungen'),
  keyboard: noun('Tastatur', 'f', 'Tastaturen'),
  'cell phone': noun('Handy', 'n', 'Handys'),
  microwave: noun('Mikrowelle', 'f', 'Mikrowellen'),
  oven: noun('Ofen', 'm', 'Öfen'),
  toaster: noun('Toaster', 'm', 'Toaster'),
  // COCO's sinks are in bathrooms and kitchens; "Waschbecken" is the word for both that people understand.
  sink: noun('Waschbecken', 'n', 'Waschbecken'),
  refrigerator: noun('Kühlschrank', 'm', 'Kühlschränke'),
  book: noun('Buch', 'n', 'Bücher'),
  clock: noun('Uhr', 'f', 'Uhren'),
  vase: noun('Vase', 'f', 'Vasen'),
  scissors: noun('Schere', 'f', 'Scheren'),
  'teddy bear': noun('Teddybär', 'm', 'Teddybären'),
  'hair drier': noun('Föhn', 'm', 'Föhne'),
  toothbrush: noun('Zahnbürste', 'f', 'Zahnbürsten'),
};

/**
 * The noun for a label. A label we have no German for (a new detector) is
 * said as its English label rather than failing the description; neuter is
 * the gender loanwords most often take.
 */
export function germanNoun(label: string): GermanNoun {
  return Object.hasOwn(germanNouns, label) ? germanNouns[label]! : noun(label, 'n', label);
}

export function spokenNameDe(label: string): string {
  return germanNoun(label).name;
}

export function pluralNameDe(label: string): string {
  return germanNoun(label).plural;
}

export function genderDe(label: string): GermanGender {
  return germanNoun(label).gender;
}

/** The nominative indefinite article: "ein Hund", "eine Katze", "ein Pferd". */
export function indefiniteArticleDe(gender: GermanGender): 'ein' | 'eine' {
  return gender === 'f' ? 'eine' : 'ein';
}

/** Index = count; 0 and 1 are never said (one is the article). */
export const germanNumberWords: readonly string[] = ['null', 'eins', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben', 'acht', 'neun', 'zehn'];

function numberWordDe(count: number): string {
  return germanNumberWords[count] ?? String(count);
}

/**
 * "ein Hund", "zwei Personen", "viele Autos": the same rules as English
 * `countPhrase` (counts above `exactUpTo` are "viele": a wrong number is worse
 * than none). Nominative, lower-case article, for a list or a sentence start.
 */
export function countPhraseDe(label: string, count: number, exactUpTo: number): string {
  const { name, gender, plural } = germanNoun(label);
  if (count <= 1) return `${indefiniteArticleDe(gender)} ${name}`;
  if (count > exactUpTo) return `viele ${plural}`;
  return `${numberWordDe(count)} ${plural}`;
}

/** "a", "a und b", "a, b und c": German puts no comma before "und". */
export function joinListDe(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} und ${items[items.length - 1]}`;
}

/** "Zwei Personen und ein Hund." */
export function sentenceDe(phrase: string): string {
  return `${phrase.charAt(0).toUpperCase()}${phrase.slice(1)}.`;
}

/** What comes before the read text: the same in German as in English. */
export const germanTextLeadIn = 'Text: ';

/**
 * 'Text: "…"'. The text is what the image says and is never translated;
 * straight quotes rather than German „…“ because describe.ts replaces
 * straight quotes inside the text to keep the quoting unambiguous.
 */
export function quoteTextDe(text: string): string {
  return `${germanTextLeadIn}"${text}"`;
}

/**
 * The German default for the disclosure prefix (English: "Auto-generated: ",
 * src/settings/schema.ts).
 */
export const germanDisclosurePrefix = 'Automatisch erstellt: ';

export const germanWording: Wording = {
  language: 'de',
  countPhrase: countPhraseDe,
  joinList: joinListDe,
  sentence: sentenceDe,
  quoteText: quoteTextDe,
};

// ---------------------------------------------------------------------------
// Gender-neutral German for the caption path.
// ---------------------------------------------------------------------------

type GrammaticalCase = 'nom' | 'acc' | 'dat' | 'gen';
type GrammaticalNumber = 'sg' | 'pl';

export interface Reading {
  number: GrammaticalNumber;
  case: GrammaticalCase;
}

/** A neutral noun in every case and number. */
export interface NeutralNounDe {
  gender: GermanGender;
  sg: Readonly<Record<GrammaticalCase, string>>;
  pl: Readonly<Record<GrammaticalCase, string>>;
}

/** One written form of a people noun: what it becomes, and which cases and numbers it can be. */
export interface PeopleNounForm {
  neutral: NeutralNounDe;
  /** The gender of the word itself ("Mann" m, "Mädchen" n), which its article agrees with. */
  gender: GermanGender;
  readings: readonly Reading[];
}

const allCases: readonly GrammaticalCase[] = ['nom', 'acc', 'dat', 'gen'];

const samePerCase = (form: string): Record<GrammaticalCase, string> => ({ nom: form, acc: form, dat: form, gen: form });

const personDe: NeutralNounDe = { gender: 'f', sg: samePerCase('Person'), pl: samePerCase('Personen') };
const childDe: NeutralNounDe = {
  gender: 'n',
  sg: { nom: 'Kind', acc: 'Kind', dat: 'Kind', gen: 'Kindes' },
  pl: { nom: 'Kinder', acc: 'Kinder', dat: 'Kindern', gen: 'Kinder' },
};

const readings = (number: GrammaticalNumber, ...cases: GrammaticalCase[]): Reading[] => cases.map((c) => ({ number, case: c }));
const form = (neutral: NeutralNounDe, gender: GermanGender, ...r: Reading[][]): PeopleNounForm => ({ neutral, gender, readings: r.flat() });

/**
 * Every inflected form of the people nouns handled, gendered or already
 * neutral: the neutral ones are listed so that "ein Mann und eine Person" is
 * recognised as two people. Capitalised, as German writes nouns: "junge" is
 * "young", "Junge" is "boy".
 */
export const germanPeopleNouns: Readonly<Record<string, PeopleNounForm>> = {
  Mann: form(personDe, 'm', readings('sg', 'nom', 'acc', 'dat')),
  Mannes: form(personDe, 'm', readings('sg', 'gen')),
  Männer: form(personDe, 'm', readings('pl', 'nom', 'acc', 'gen')),
  Männern: form(personDe, 'm', readings('pl', 'dat')),
  Frau: form(personDe, 'f', readings('sg', ...allCases)),
  Frauen: form(personDe, 'f', readings('pl', ...allCases)),
  Herr: form(personDe, 'm', readings('sg', 'nom')),
  Herrn: form(personDe, 'm', readings('sg', 'acc', 'dat', 'gen')),
  Herren: form(personDe, 'm', readings('pl', ...allCases)),
  Dame: form(personDe, 'f', readings('sg', ...allCases)),
  Damen: form(personDe, 'f', readings('pl', ...allCases)),
  Person: form(personDe, 'f', readings('sg', ...allCases)),
  Personen: form(personDe, 'f', readings('pl', ...allCases)),
  Junge: form(childDe, 'm', readings('sg', 'nom')),
  // "den Jungen" is one boy (accusative) or boys (dative plural): the article and context decide.
  Jungen: form(childDe, 'm', readings('sg', 'acc', 'dat', 'gen'), readings('pl', ...allCases)),
  Jungs: form(childDe, 'm', readings('pl', ...allCases)),
  Mädchen: form(childDe, 'n', readings('sg', 'nom', 'acc', 'dat'), readings('pl', ...allCases)),
  Mädchens: form(childDe, 'n', readings('sg', 'gen')),
  Kind: form(childDe, 'n', readings('sg', 'nom', 'acc', 'dat')),
  Kindes: form(childDe, 'n', readings('sg', 'gen')),
  Kinds: form(childDe, 'n', readings('sg', 'gen')),
  Kinder: form(childDe, 'n', readings('pl', 'nom', 'acc', 'gen')),
  Kindern: form(childDe, 'n', readings('pl', 'dat')),
};

/**
 * The neutral nominative for a gendered noun, the simple map: Mann/Frau →
 * Person, Männer/Frauen → Personen, Junge/Mädchen → Kind, Jungen/Mädchen →
 * Kinder ("Mädchen" and "Jungen" are singular or plural, hence `plural`).
 * Swapping the noun alone breaks agreement ("ein Mann" → "ein Person"): use
 * `neutralGermanWords` on a sentence.
 */
export function neutralGermanNoun(word: string, plural: boolean): string | undefined {
  const entry = Object.hasOwn(germanPeopleNouns, word) ? germanPeopleNouns[word] : undefined;
  if (!entry || !entry.readings.some((r) => r.number === (plural ? 'pl' : 'sg'))) return undefined;
  return plural ? entry.neutral.pl.nom : entry.neutral.sg.nom;
}

type Slot = GermanGender | 'pl';

const definiteArticles: Record<Slot, Record<GrammaticalCase, string>> = {
  m: { nom: 'der', acc: 'den', dat: 'dem', gen: 'des' },
  f: { nom: 'die', acc: 'die', dat: 'der', gen: 'der' },
  n: { nom: 'das', acc: 'das', dat: 'dem', gen: 'des' },
  pl: { nom: 'die', acc: 'die', dat: 'den', gen: 'der' },
};

/** Endings of ein, kein, mein, dein, sein, ihr. */
const einEndings: Record<Slot, Record<GrammaticalCase, string>> = {
  m: { nom: '', acc: 'en', dat: 'em', gen: 'es' },
  f: { nom: 'e', acc: 'e', dat: 'er', gen: 'er' },
  n: { nom: '', acc: '', dat: 'em', gen: 'es' },
  pl: { nom: 'e', acc: 'e', dat: 'en', gen: 'er' },
};

/** Endings of dieser, jener, jeder, welcher. */
const derWordEndings: Record<Slot, Record<GrammaticalCase, string>> = {
  m: { nom: 'er', acc: 'en', dat: 'em', gen: 'es' },
  f: { nom: 'e', acc: 'e', dat: 'er', gen: 'er' },
  n: { nom: 'es', acc: 'es', dat: 'em', gen: 'es' },
  pl: { nom: 'e', acc: 'e', dat: 'en', gen: 'er' },
};

type Declension = 'weak' | 'mixed' | 'strong';

/** Adjective endings: weak after der/dieser, mixed after ein/mein, strong with no article or after a number. */
const adjectiveEndings: Record<Declension, Record<Slot, Record<GrammaticalCase, string>>> = {
  weak: {
    m: { nom: 'e', acc: 'en', dat: 'en', gen: 'en' },
    f: { nom: 'e', acc: 'e', dat: 'en', gen: 'en' },
    n: { nom: 'e', acc: 'e', dat: 'en', gen: 'en' },
    pl: { nom: 'en', acc: 'en', dat: 'en', gen: 'en' },
  },
  mixed: {
    m: { nom: 'er', acc: 'en', dat: 'en', gen: 'en' },
    f: { nom: 'e', acc: 'e', dat: 'en', gen: 'en' },
    n: { nom: 'es', acc: 'es', dat: 'en', gen: 'en' },
    pl: { nom: 'en', acc: 'en', dat: 'en', gen: 'en' },
  },
  strong: {
    m: { nom: 'er', acc: 'en', dat: 'em', gen: 'en' },
    f: { nom: 'e', acc: 'e', dat: 'er', gen: 'er' },
    n: { nom: 'es', acc: 'es', dat: 'em', gen: 'en' },
    pl: { nom: 'e', acc: 'e', dat: 'en', gen: 'er' },
  },
};

type DeterminerKind = 'definite' | 'ein' | 'ein-word' | 'der-word' | 'number';

interface Determiner {
  kind: DeterminerKind;
  /** The article or word as agreeing with the noun: "dem" for "zum". */
  word: string;
  /** "dies" of "dieser", "sein" of "seine"; unused for the definite article and numbers. */
  stem: string;
  /** "zu" for "zum": the preposition a contraction carries. */
  preposition?: string;
  /** The count a number word says. */
  count?: number;
}

/** Preposition + article contractions: "zum Mann" is "zu dem Mann". */
const contractions: Record<string, { preposition: string; article: string }> = {
  im: { preposition: 'in', article: 'dem' },
  am: { preposition: 'an', article: 'dem' },
  vom: { preposition: 'von', article: 'dem' },
  zum: { preposition: 'zu', article: 'dem' },
  beim: { preposition: 'bei', article: 'dem' },
  zur: { preposition: 'zu', article: 'der' },
  ins: { preposition: 'in', article: 'das' },
  ans: { preposition: 'an', article: 'das' },
};

const contracted: Record<string, string> = Object.fromEntries(
  Object.entries(contractions).map(([word, { preposition, article }]) => [`${preposition} ${article}`, word]),
);

/** Prepositions that take only the dative or only the accusative: they decide "den Jungen" (one boy, or boys). */
const dativePrepositions = new Set(['mit', 'von', 'bei', 'zu', 'aus', 'nach', 'seit', 'gegenüber', 'samt']);
const accusativePrepositions = new Set(['für', 'durch', 'gegen', 'ohne', 'um']);

/** Words between an article and its noun that look inflected but are no adjectives. */
const notAdjectives = new Set(['und', 'oder', 'aber', 'immer', 'wieder', 'neben', 'unter', 'über', 'hinter', 'oben', 'unten', 'gegen', 'ohne', 'gerne', 'gestern', 'heute', 'eben', 'gerade']);

/** Uninflected words that may stand before an adjective ("ein sehr alter Mann"): kept as they are. */
const intensifiers = new Set(['sehr', 'ganz', 'recht', 'ziemlich', 'besonders', 'etwas', 'relativ', 'eher', 'fast', 'noch']);

const clothing = new Set([
  'hemd', 'hemden', 'kleid', 'kleidern', 'jacke', 'jacken', 'mantel', 'hut', 'hüten', 'mütze', 'mützen', 'helm', 'helmen', 'uniform', 'uniformen',
  'kostüm', 'pullover', 'pulli', 'anzug', 'rock', 'shorts', 'hose', 'jeans', 'bikini', 'badeanzug', 'weste', 'schal', 'brille', 'sonnenbrille',
  't-shirt', 'shirt', 'trikot', 'trikots', 'kapuze', 'maske', 'neoprenanzug', 'kleidung', 'schürze', 'stiefeln', 'top', 'tanktop', 'overall',
]);

const colours = new Set(['schwarz', 'weiß', 'rot', 'blau', 'grün', 'gelb', 'rosa', 'lila', 'orange', 'braun', 'grau', 'gestreift']);

/** A token split into its word and the punctuation stuck to its end ("Mann." → "Mann", "."). */
function splitPunctuation(token: string): { core: string; suffix: string } {
  const match = /^(.*?)([.,;:!?]*)$/.exec(token);
  return { core: match?.[1] ?? token, suffix: match?.[2] ?? '' };
}

function startsUpper(word: string): boolean {
  return /^[A-ZÄÖÜ]/.test(word);
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function parseDeterminer(token: string): Determiner | undefined {
  const word = token.toLowerCase();
  if (['der', 'die', 'das', 'den', 'dem', 'des'].includes(word)) return { kind: 'definite', word, stem: '' };
  const contraction = Object.hasOwn(contractions, word) ? contractions[word] : undefined;
  if (contraction) return { kind: 'definite', word: contraction.article, stem: '', preposition: contraction.preposition };
  const einWord = /^(ein|kein|mein|dein|sein|ihr)(e|en|em|er|es)?$/.exec(word);
  if (einWord) return { kind: einWord[1] === 'ein' ? 'ein' : 'ein-word', word, stem: einWord[1]! };
  const derWord = /^(dies|jen|jed|welch)(e|en|em|er|es)$/.exec(word);
  if (derWord) return { kind: 'der-word', word, stem: derWord[1]! };
  const count = germanNumberWords.indexOf(word);
  if (count >= 2) return { kind: 'number', word, stem: '', count };
  return undefined;
}

/** The determiner's form for a gender (or the plural) and case; undefined where it has none ("ein" has no plural). */
function determinerForm(determiner: Determiner, slot: Slot, c: GrammaticalCase): string | undefined {
  switch (determiner.kind) {
    case 'definite':
      return definiteArticles[slot][c];
    case 'ein':
      return slot === 'pl' ? undefined : `ein${einEndings[slot][c]}`;
    case 'ein-word':
      return `${determiner.stem}${einEndings[slot][c]}`;
    case 'der-word':
      return `${determiner.stem}${derWordEndings[slot][c]}`;
    case 'number':
      return slot === 'pl' ? determiner.word : undefined;
  }
}

function isAdjective(token: string): boolean {
  return /^[a-zäöüß]{2,}(e|en|em|er|es)$/.test(token) && !notAdjectives.has(token) && parseDeterminer(token) === undefined;
}

/** A word between article and noun: an adjective's stem, inflected to agree, or an intensifier said as is. */
interface Modifier {
  word: string;
  inflects: boolean;
}

/** "kleinen" → "klein", "weitere" → "weiter", "leise" → "leis". */
function adjectiveStem(adjective: string): string {
  return /^(.+?)(en|em|er|es|e)$/.exec(adjective)?.[1] ?? adjective;
}

interface PeoplePhrase {
  /** First token: the determiner if there is one, else the noun. */
  start: number;
  /** Index of the noun, the phrase's last token. */
  end: number;
  determiner: Determiner | undefined;
  /** The words between determiner and noun; only read when there is a determiner. */
  modifiers: Modifier[];
  neutral: NeutralNounDe;
  /** What the phrase can be, most likely first. */
  candidates: Reading[];
  /** The punctuation stuck to the noun. */
  suffix: string;
  /** The phrase starts a sentence: what replaces its first word is capitalised too ("Mann und Frau" → "Zwei Personen"). */
  capital: boolean;
}

function declensionAfter(determiner: Determiner | undefined): Declension {
  if (!determiner || determiner.kind === 'number') return 'strong';
  return determiner.kind === 'definite' || determiner.kind === 'der-word' ? 'weak' : 'mixed';
}

/** The people noun phrases, left to right. */
function findPeoplePhrases(tokens: readonly string[]): PeoplePhrase[] {
  const phrases: PeoplePhrase[] = [];
  tokens.forEach((token, end) => {
    const { core, suffix } = splitPunctuation(token);
    const entry = Object.hasOwn(germanPeopleNouns, core) ? germanPeopleNouns[core]! : undefined;
    if (!entry) return;
    // A sentence starts with a capital: "Junge Frauen tanzen" is "young women".
    if (end === 0 && (core === 'Junge' || core === 'Jungen') && startsUpper(tokens[1] ?? '')) return;

    let start = end;
    while (start > 0 && end - start < 4 && (isAdjective(tokens[start - 1]!) || intensifiers.has(tokens[start - 1]!))) start--;
    let determiner = start > 0 ? parseDeterminer(tokens[start - 1]!) : undefined;
    let candidates = entry.readings.filter((r) => !determiner || determinerForm(determiner, r.number === 'pl' ? 'pl' : entry.gender, r.case) === determiner.word);
    if (determiner && candidates.length > 0) {
      start--;
    } else {
      // No article, or one that does not agree (a verb before bare "Männer", a typo): the noun alone.
      determiner = undefined;
      start = end;
      candidates = [...entry.readings];
    }
    const modifiers = determiner
      ? tokens.slice(start + 1, end).map((word): Modifier => (intensifiers.has(word) ? { word, inflects: false } : { word: adjectiveStem(word), inflects: true }))
      : [];
    const previous = phrases[phrases.length - 1];
    const coordinatedWith = previous && previous.end + 2 === start && tokens[previous.end + 1] === 'und' ? previous : undefined;
    candidates = preferred(candidates, {
      hint: start > 0 ? caseAfter(tokens[start - 1]!.toLowerCase()) : undefined,
      // Bare "Mädchen" is usually plural ("Mädchen spielen"), unless joined to a singular ("Junge und Mädchen").
      number: determiner ? 'sg' : (coordinatedWith?.candidates[0]?.number ?? 'pl'),
    });
    const sentenceStart = start === 0 || /[.!?]$/.test(tokens[start - 1]!);
    const capital = startsUpper(tokens[start]!) && (determiner !== undefined || sentenceStart);
    phrases.push({ start, end, determiner, modifiers, neutral: entry.neutral, candidates, suffix, capital });
  });
  return phrases;
}

function caseAfter(preposition: string): GrammaticalCase | undefined {
  if (dativePrepositions.has(preposition)) return 'dat';
  if (accusativePrepositions.has(preposition)) return 'acc';
  return undefined;
}

/** Readings ordered: the case a preposition demands, then the expected number, then nominative before accusative, dative, genitive. */
function preferred(candidates: readonly Reading[], prefer: { hint: GrammaticalCase | undefined; number: GrammaticalNumber }): Reading[] {
  const score = (r: Reading) => (r.case === prefer.hint ? 0 : 100) + (r.number === prefer.number ? 0 : 10) + allCases.indexOf(r.case);
  return [...candidates].sort((a, b) => score(a) - score(b));
}

/** The determiner, as one or two tokens ("von der" for "vom" before a feminine noun). */
function renderDeterminer(determiner: Determiner, slot: Slot, c: GrammaticalCase): string[] {
  const word = determinerForm(determiner, slot, c) ?? determiner.word;
  if (!determiner.preposition) return [word];
  const joined = contracted[`${determiner.preposition} ${word}`];
  return joined ? [joined] : [determiner.preposition, word];
}

function inflect(modifier: Modifier, declension: Declension, slot: Slot, c: GrammaticalCase): string {
  return modifier.inflects ? `${modifier.word}${adjectiveEndings[declension][slot][c]}` : modifier.word;
}

const weiter: Modifier = { word: 'weiter', inflects: true };

/** One phrase in neutral words; `another` adds "weitere" ("eine weitere Person"). */
function renderPhrase(phrase: PeoplePhrase, another: boolean): string[] {
  const reading = phrase.candidates[0]!;
  const slot: Slot = reading.number === 'pl' ? 'pl' : phrase.neutral.gender;
  const declension = declensionAfter(phrase.determiner);
  const modifiers = another ? [weiter, ...phrase.modifiers] : phrase.modifiers;
  return [
    ...(phrase.determiner ? renderDeterminer(phrase.determiner, slot, reading.case) : []),
    ...modifiers.map((modifier) => inflect(modifier, declension, slot, reading.case)),
    `${phrase.neutral[reading.number][reading.case]}${phrase.suffix}`,
  ];
}

/** How many people a phrase counts: "ein Mann" 1, "zwei Frauen" 2, "Männer" or "die Männer" unknown. */
function countOf(phrase: PeoplePhrase): number | undefined {
  const { determiner } = phrase;
  const number = phrase.candidates[0]!.number;
  if (!determiner || determiner.kind === 'definite') return number === 'sg' ? 1 : undefined;
  if (determiner.kind === 'ein') return 1;
  return determiner.count;
}

/** Phrases that can be joined into one count: no possessive ("seine Frau"), demonstrative or contraction. */
function joinable(phrase: PeoplePhrase): boolean {
  const { determiner } = phrase;
  return !determiner || (determiner.kind === 'definite' && !determiner.preposition) || determiner.kind === 'ein' || determiner.kind === 'number';
}

/**
 * Whether `next` joins the group that `first` opened and `previous` ended
 * ("ein Mann und eine Frau"), and then the cases both can be in; undefined
 * when it does not join.
 */
function joinedCases(tokens: readonly string[], first: PeoplePhrase, previous: PeoplePhrase, next: PeoplePhrase, cases: readonly GrammaticalCase[]): GrammaticalCase[] | undefined {
  if (next.neutral !== first.neutral || previous.suffix !== '') return undefined;
  if (tokens[previous.end + 1] !== 'und' || next.start !== previous.end + 2) return undefined;
  if (!joinable(first) || !joinable(next)) return undefined;
  if ((first.determiner?.kind === 'definite') !== (next.determiner?.kind === 'definite')) return undefined;
  if ((countOf(first) === undefined) !== (countOf(next) === undefined)) return undefined;
  if (!sameModifiers(first.modifiers, next.modifiers)) return undefined;
  if (describesClothing(tokens, next.end + 1)) return undefined;
  // Not the genitive: "zweier Personen" is correct but stilted; such pairs stay two phrases.
  const shared = cases.filter((c) => c !== 'gen' && next.candidates.some((r) => r.case === c));
  return shared.length > 0 ? shared : undefined;
}

function sameModifiers(a: readonly Modifier[], b: readonly Modifier[]): boolean {
  return a.length === b.length && a.every((m, i) => m.word === b[i]!.word && m.inflects === b[i]!.inflects);
}

/** "in einem roten Kleid", "mit Hut", "im blauen Hemd": what follows describes one person's clothes. */
function describesClothing(tokens: readonly string[], from: number): boolean {
  const next = splitPunctuation(tokens[from] ?? '').core.toLowerCase();
  if (next !== 'in' && next !== 'im' && next !== 'mit') return false;
  const following = tokens.slice(from + 1, from + 5).map((t) => splitPunctuation(t).core.toLowerCase());
  if (following.some((w) => clothing.has(w))) return true;
  return next !== 'mit' && following.slice(0, 2).some((w) => colours.has(w) || colours.has(adjectiveStem(w)));
}

/** A group joined by "und" as one plural phrase: "zwei Personen", "die beiden Kinder", "den beiden jungen Personen". */
function renderGroup(group: readonly PeoplePhrase[], c: GrammaticalCase, another: boolean): string[] {
  const first = group[0]!;
  const last = group[group.length - 1]!;
  const counts = group.map(countOf);
  const total = counts.every((n) => n !== undefined) ? counts.reduce<number>((sum, n) => sum + (n ?? 0), 0) : undefined;
  const noun = `${first.neutral.pl[c]}${last.suffix}`;
  if (first.determiner?.kind === 'definite') {
    // "die beiden Personen" is how German says "the two people".
    const count = total === undefined ? [] : [total === 2 ? 'beiden' : numberWordDe(total)];
    return [definiteArticles.pl[c], ...count, ...first.modifiers.map((modifier) => inflect(modifier, 'weak', 'pl', c)), noun];
  }
  const modifiers = another && total !== undefined ? [weiter, ...first.modifiers] : first.modifiers;
  return [...(total === undefined ? [] : [numberWordDe(total)]), ...modifiers.map((modifier) => inflect(modifier, 'strong', 'pl', c)), noun];
}

/**
 * Gender-neutral German that stays grammatical, on words as the caption model
 * writes them (nouns capitalised; punctuation as tokens or stuck to a word):
 * - Mann/Frau/Herr/Dame → Person, Junge/Mädchen → Kind, in the case and number
 *   the article shows; the article and the adjectives before the noun agree
 *   with the new gender: "ein junger Mann" → "eine junge Person", "den
 *   Jungen" → "das Kind", "mit einem Mann" → "mit einer Person", "vom Mann"
 *   → "von der Person". Articles handled: der/die/das/den/dem/des, ein-,
 *   kein-, mein-, dein-, sein-, ihr- with any ending, dies-, jen-, jed-,
 *   welch-, number words, and im/am/vom/zum/beim/zur/ins/ans;
 * - people joined by "und" become one count when nothing tells them apart,
 *   as tidy.ts does: "ein Junge und ein Mädchen" → "zwei Kinder", "der Mann
 *   und die Frau" → "die beiden Personen", "mit einem Mann und einer Frau" →
 *   "mit zwei Personen", "Männer und Frauen" → "Personen"; not when their
 *   adjectives differ or clothing follows ("ein Mann und eine Frau in einem
 *   roten Kleid": the dress is hers);
 * - a later "eine Person" after an earlier person is "eine weitere Person"
 *   (tidy.ts's "another person").
 * Not handled: pronouns (er/sie, sein/ihr: German has no settled neutral
 * singular pronoun, so "sein Fahrrad" stays; a caption should name "die
 * Person" instead); the possessive's own agreement ("ein Mann und seine
 * Frau" → "... und seine Person"); feminine job nouns and the generic
 * masculine ("Polizistin", "Sänger"); Mutter/Vater, Sohn/Tochter, Bruder/
 * Schwester; relative pronouns ("der Mann, der ..." keeps "der"); adjectives
 * not directly between article and noun (intensifiers such as "sehr" aside), and more than four words between them;
 * the genitive in joined pairs; words written lower case ("mann").
 * Where the article leaves the case open ("den Jungen": one boy, accusative,
 * or boys, dative), a dative- or accusative-only preposition before it
 * decides, else the accusative singular.
 */
export function neutralGermanWords(words: readonly string[]): string[] {
  const tokens = [...words];
  const phrases = findPeoplePhrases(tokens);
  const out: string[] = [];
  const seen = new Set<NeutralNounDe>();
  let cursor = 0;
  for (let k = 0; k < phrases.length; ) {
    const first = phrases[k]!;
    out.push(...tokens.slice(cursor, first.start));
    const group = [first];
    let cases = [...new Set(first.candidates.map((r) => r.case))];
    for (let next = phrases[k + 1]; next; next = phrases[k + group.length]) {
      const shared = joinedCases(tokens, first, group[group.length - 1]!, next, cases);
      if (!shared) break;
      group.push(next);
      cases = shared;
    }
    const repeat = seen.has(first.neutral);
    const rendered =
      group.length > 1
        ? renderGroup(group, cases[0]!, repeat)
        : renderPhrase(first, repeat && first.modifiers.length === 0 && (first.determiner?.kind === 'ein' || first.determiner?.kind === 'number'));
    if (first.capital) rendered[0] = capitalise(rendered[0]!);
    out.push(...rendered);
    seen.add(first.neutral);
    cursor = group[group.length - 1]!.end + 1;
    k += group.length;
  }
  out.push(...tokens.slice(cursor));
  return out;
}
