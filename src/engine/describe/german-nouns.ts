/**
 * German nouns for COCO labels: the nouns people say ("Tisch", not
 * "Esstisch"), with their grammatical gender and plural, for the German
 * objects sentence (wording-de.ts).
 */

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

/** Words for a group of classes, said when the detector and the caption disagree within it (caption/disputed-kind.ts). */
export const germanKindNouns: Readonly<Record<string, GermanNoun>> = {
  animal: noun('Tier', 'n', 'Tiere'),
};

/**
 * The noun for a label. A label we have no German for (a new detector) is
 * said as its English label rather than failing the description; neuter is
 * the gender loanwords most often take.
 */
export function germanNoun(label: string): GermanNoun {
  if (Object.hasOwn(germanNouns, label)) return germanNouns[label]!;
  return Object.hasOwn(germanKindNouns, label) ? germanKindNouns[label]! : noun(label, 'n', label);
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
