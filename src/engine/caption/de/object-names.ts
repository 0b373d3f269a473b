/**
 * German words that name a COCO class, for the hallucination guard, the
 * colour check, the confidence gate and the German evaluation: every
 * inflected form ("Hund", "Hunde", "Hunden", "Hundes"), and compounds ending
 * in a class noun ("Schäferhund", "Kinderfahrrad", "Parkbank"), since German
 * writes them as one word. Letter case is ignored.
 *
 * Precision over recall, as in English (src/eval/objects.ts): a word that
 * often means something else is left out ("Uhr" is as often a wristwatch,
 * "Schläger" a bat or a racket, "Orange" the colour), and compounds that end
 * in a class noun but are something else are listed in `notObjects`
 * ("Seehund" is a seal, "Anzug" a suit, "Fallschirm" a parachute).
 */
import { inClassOrder } from '../object-names';
import type { NamedClass, ObjectNames } from '../object-names';
import { restoreGermanCase } from './letter-case';

interface ClassWords {
  /** Whole words, every inflected form. */
  forms: readonly string[];
  /** Forms that also name the class at the end of a compound ("Schäfer|hund"). */
  heads?: readonly string[];
}

const germanClassWords: Readonly<Record<string, ClassWords>> = {
  person: {
    forms: [
      'person', 'personen', 'mensch', 'menschen', 'leute', 'leuten', 'bub', 'buben', 'mann', 'mannes', 'männer', 'männern', 'frau', 'frauen', 'herr', 'herrn',
      'herren', 'dame', 'damen', 'junge', 'jungen', 'jungs', 'mädchen', 'mädchens', 'kind', 'kinder', 'kindern', 'kindes', 'baby', 'babys',
      'kleinkind', 'kleinkinder', 'kleinkindern', 'teenager', 'jugendliche', 'jugendlicher', 'jugendlichen', 'erwachsene', 'erwachsener',
      'erwachsenen', 'spieler', 'spielern', 'spielerin', 'spielerinnen', 'sportler', 'sportlerin', 'sportlern', 'läufer', 'läuferin', 'läufern',
      'reiter', 'reiterin', 'reitern', 'surfer', 'surferin', 'surfern', 'skater', 'skateboarder', 'snowboarder', 'schwimmer', 'schwimmerin',
      'tänzer', 'tänzerin', 'tänzerinnen', 'tänzern', 'musiker', 'musikerin', 'musikern', 'sänger', 'sängerin', 'arbeiter', 'arbeiterin',
      'arbeitern', 'polizist', 'polizistin', 'polizisten', 'soldat', 'soldaten', 'zuschauer', 'zuschauern', 'fußgänger', 'fußgängern', 'tourist',
      'touristen', 'mutter', 'mütter', 'müttern', 'vater', 'väter', 'vätern', 'eltern', 'elternteil', 'sohn', 'söhne', 'söhnen', 'tochter',
      'töchter', 'töchtern', 'bruder', 'schwester', 'braut', 'bräutigam',
    ],
    heads: [
      'mann', 'männer', 'männern', 'frau', 'frauen', 'kind', 'kinder', 'kindern', 'spieler', 'spielerin', 'spielerinnen', 'spielern', 'fahrer',
      'fahrerin', 'fahrern', 'läufer', 'reiter', 'arbeiter', 'arbeitern',
    ],
  },
  bicycle: {
    forms: ['fahrrad', 'fahrrads', 'fahrrades', 'fahrräder', 'fahrrädern', 'rad', 'rads', 'rades', 'mountainbike', 'mountainbikes', 'bmx'],
    heads: ['fahrrad', 'fahrräder', 'fahrrädern', 'rad', 'räder', 'rädern', 'bike', 'bikes'],
  },
  car: {
    forms: ['auto', 'autos', 'pkw', 'taxi', 'taxis', 'jeep', 'jeeps', 'limousine', 'limousinen', 'sportwagen', 'rennwagen', 'geländewagen', 'streifenwagen', 'polizeiwagen'],
    heads: ['auto', 'autos'],
  },
  motorcycle: {
    forms: ['motorrad', 'motorad', 'motorrads', 'motorrades', 'motorräder', 'motorrädern', 'motorroller', 'motorrollern', 'moped', 'mopeds', 'mofa', 'vespa'],
    heads: ['motorrad', 'motorräder', 'motorrädern', 'motorroller'],
  },
  airplane: {
    forms: ['flugzeug', 'flugzeuge', 'flugzeugen', 'flugzeugs', 'flugzeuges', 'jet', 'jets', 'düsenjet'],
    heads: ['flugzeug', 'flugzeuge', 'flugzeugen', 'jet'],
  },
  bus: { forms: ['bus', 'busse', 'bussen', 'busses', 'omnibus'], heads: ['bus', 'busse', 'bussen'] },
  train: {
    forms: ['zug', 'züge', 'zügen', 'zuges', 'zugs', 'lok', 'lokomotive', 'lokomotiven', 'straßenbahn', 'straßenbahnen', 'u-bahn', 'tram'],
    heads: ['zug', 'züge', 'zügen', 'lokomotive', 'straßenbahn'],
  },
  truck: {
    forms: ['lastwagen', 'lkw', 'lkws', 'laster', 'truck', 'trucks', 'feuerwehrauto', 'feuerwehrautos', 'feuerwehrwagen', 'müllwagen', 'pick-up', 'pickup'],
    heads: ['lastwagen', 'lkw', 'truck'],
  },
  boat: {
    forms: ['boot', 'boote', 'booten', 'bootes', 'boots', 'schiff', 'schiffe', 'schiffen', 'schiffes', 'kanu', 'kanus', 'kajak', 'kajaks', 'fähre', 'fähren', 'jacht', 'yacht', 'floß'],
    heads: ['boot', 'boote', 'booten', 'schiff', 'schiffe', 'schiffen', 'kanu', 'kajak'],
  },
  'traffic light': { forms: ['ampel', 'ampeln'], heads: ['ampel', 'ampeln'] },
  'fire hydrant': { forms: ['hydrant', 'hydranten'], heads: ['hydrant', 'hydranten'] },
  'stop sign': { forms: ['stoppschild', 'stoppschilder', 'stoppschildern', 'stoppschilds'] },
  'parking meter': { forms: ['parkuhr', 'parkuhren', 'parkscheinautomat'] },
  // "Bank" is also the money kind; in captions people sit on it.
  bench: { forms: ['bank', 'bänke', 'bänken'], heads: ['bank', 'bänke', 'bänken'] },
  bird: {
    forms: [
      'vogel', 'vögel', 'vögeln', 'vogels', 'taube', 'tauben', 'ente', 'enten', 'möwe', 'möwen', 'gans', 'gänse', 'schwan', 'schwäne', 'schwänen',
      'papagei', 'papageien', 'eule', 'eulen', 'adler', 'falke', 'falken', 'spatz', 'spatzen', 'krähe', 'krähen', 'pinguin', 'pinguine', 'pelikan',
      'pelikane', 'reiher', 'storch', 'störche', 'flamingo', 'flamingos', 'pfau', 'pfauen',
    ],
    // Not "ente": "Instrumente", "Elemente" end in it.
    heads: ['vogel', 'vögel', 'vögeln', 'möwe', 'möwen'],
  },
  cat: { forms: ['katze', 'katzen', 'kätzchen', 'kater'], heads: ['katze', 'katzen'] },
  dog: {
    forms: ['hund', 'hunde', 'hunden', 'hundes', 'hunds', 'welpe', 'welpen', 'hündchen', 'pudel', 'terrier', 'dackel', 'mops', 'möpse', 'labrador', 'labradore', 'collie', 'dalmatiner', 'rottweiler', 'chihuahua'],
    heads: ['hund', 'hunde', 'hunden', 'hundes', 'welpe', 'welpen'],
  },
  horse: {
    forms: ['pferd', 'pferde', 'pferden', 'pferdes', 'pferds', 'pony', 'ponys', 'fohlen', 'hengst', 'stute', 'stuten'],
    heads: ['pferd', 'pferde', 'pferden', 'pferdes', 'pony'],
  },
  sheep: { forms: ['schaf', 'schafe', 'schafen', 'schafes', 'schafs', 'lamm', 'lämmer', 'lämmern'], heads: ['schaf', 'schafe', 'schafen'] },
  cow: {
    forms: ['kuh', 'kühe', 'kühen', 'rind', 'rinder', 'rindern', 'rindes', 'stier', 'stiere', 'stieren', 'kalb', 'kälber', 'kälbern', 'ochse', 'ochsen'],
    heads: ['kuh', 'kühe', 'kühen', 'rind', 'rinder', 'rindern'],
  },
  elephant: { forms: ['elefant', 'elefanten'], heads: ['elefant', 'elefanten'] },
  bear: { forms: ['bär', 'bären', 'bärs'], heads: ['bär', 'bären'] },
  zebra: { forms: ['zebra', 'zebras'] },
  giraffe: { forms: ['giraffe', 'giraffen'] },
  backpack: { forms: ['rucksack', 'rucksäcke', 'rucksäcken', 'rucksacks'], heads: ['rucksack', 'rucksäcke', 'rucksäcken'] },
  umbrella: { forms: ['schirm', 'schirme', 'schirmen', 'schirms', 'regenschirm', 'sonnenschirm'], heads: ['schirm', 'schirme', 'schirmen'] },
  // Bare "Tasche" is left out, as English leaves out "bag": shopping bags, sports bags.
  handbag: { forms: ['handtasche', 'handtaschen', 'umhängetasche', 'umhängetaschen'], heads: ['handtasche', 'handtaschen'] },
  // "Fliege" (bow tie) is also the fly.
  tie: { forms: ['krawatte', 'krawatten', 'schlips', 'schlipse'] },
  suitcase: { forms: ['koffer', 'koffern', 'gepäck', 'reisekoffer', 'rollkoffer'] },
  frisbee: { forms: ['frisbee', 'frisbees', 'frisbeescheibe', 'frisbeescheiben'] },
  // "Ski" alone is mostly the sport ("Ski fahren"); only the plural counts, as in English.
  skis: { forms: ['skier', 'skiern'] },
  snowboard: { forms: ['snowboard', 'snowboards'] },
  // Fußball, Basketball, Volleyball... are mostly the game ("spielen Fußball"): see notObjects.
  'sports ball': { forms: ['ball', 'bälle', 'bällen', 'balls', 'balles'], heads: ['ball', 'bälle', 'bällen'] },
  kite: { forms: ['drachen', 'lenkdrachen'], heads: ['drachen'] },
  'baseball bat': { forms: ['baseballschläger', 'baseballschlägern'] },
  'baseball glove': { forms: ['baseballhandschuh', 'baseballhandschuhe', 'fanghandschuh'] },
  skateboard: { forms: ['skateboard', 'skateboards', 'longboard'], heads: ['skateboard'] },
  surfboard: { forms: ['surfbrett', 'surfbretter', 'surfbrettern', 'surfbretts', 'surfboard', 'bodyboard'], heads: ['surfbrett'] },
  'tennis racket': { forms: ['tennisschläger', 'tennisschlägern'] },
  bottle: { forms: ['flasche', 'flaschen'], heads: ['flasche', 'flaschen'] },
  'wine glass': { forms: ['weinglas', 'weingläser', 'weingläsern', 'sektglas', 'sektgläser', 'champagnerglas'] },
  cup: { forms: ['tasse', 'tassen', 'becher', 'bechern', 'bechers'], heads: ['tasse', 'tassen', 'becher'] },
  fork: { forms: ['gabel', 'gabeln'] },
  knife: { forms: ['messer', 'messern', 'messers'], heads: ['messer'] },
  spoon: { forms: ['löffel', 'löffeln'], heads: ['löffel'] },
  bowl: { forms: ['schüssel', 'schüsseln'], heads: ['schüssel', 'schüsseln'] },
  banana: { forms: ['banane', 'bananen'] },
  apple: { forms: ['apfel', 'äpfel', 'äpfeln', 'apfels'] },
  sandwich: { forms: ['sandwich', 'sandwiches', 'sandwichs', 'burger', 'hamburger', 'cheeseburger'], heads: ['sandwich', 'burger'] },
  // The colour "orange" is far more common than the fruit, and letter case is not relied on.
  orange: { forms: ['mandarine', 'mandarinen', 'apfelsine', 'apfelsinen'] },
  broccoli: { forms: ['brokkoli', 'broccoli'] },
  carrot: { forms: ['karotte', 'karotten', 'möhre', 'möhren', 'mohrrübe', 'mohrrüben'] },
  'hot dog': { forms: ['hotdog', 'hotdogs', 'hot-dog', 'hot-dogs'] },
  pizza: { forms: ['pizza', 'pizzen', 'pizzas'], heads: ['pizza'] },
  donut: { forms: ['donut', 'donuts', 'doughnut', 'doughnuts'] },
  cake: { forms: ['kuchen', 'torte', 'torten', 'cupcake', 'cupcakes'], heads: ['kuchen', 'torte', 'torten'] },
  chair: { forms: ['stuhl', 'stühle', 'stühlen', 'stuhls', 'sessel', 'sesseln', 'hocker', 'hockern'], heads: ['stuhl', 'stühle', 'stühlen', 'sessel', 'hocker'] },
  couch: { forms: ['sofa', 'sofas', 'couch', 'couches', 'couchen'], heads: ['sofa', 'couch'] },
  'potted plant': { forms: ['topfpflanze', 'topfpflanzen', 'zimmerpflanze', 'zimmerpflanzen', 'blumentopf', 'blumentöpfe', 'blumentöpfen'] },
  bed: { forms: ['bett', 'betten', 'bettes', 'betts'], heads: ['bett', 'betten'] },
  // No compounds by ending: "praktisch", "romantischen" end in "tisch". "Schreibtisch" (a desk) is left out, as English leaves out "desk".
  'dining table': {
    forms: [
      'tisch', 'tische', 'tischen', 'tisches', 'esstisch', 'esstische', 'esstischen', 'küchentisch', 'küchentische', 'picknicktisch', 'picknicktische',
      'picknicktischen', 'couchtisch', 'gartentisch', 'gartentische', 'holztisch', 'holztische', 'holztischen', 'klapptisch', 'stehtisch', 'stehtischen',
    ],
  },
  toilet: { forms: ['toilette', 'toiletten', 'klo', 'wc'], heads: ['toilette'] },
  // COCO's "tv" covers computer monitors too.
  tv: {
    forms: ['fernseher', 'fernsehern', 'fernsehers', 'fernsehgerät', 'bildschirm', 'bildschirme', 'bildschirmen', 'bildschirms', 'monitor', 'monitore', 'monitoren', 'tv'],
    heads: ['fernseher', 'bildschirm', 'bildschirme', 'bildschirmen', 'monitor'],
  },
  laptop: { forms: ['laptop', 'laptops', 'notebook', 'notebooks'], heads: ['laptop'] },
  // The computer mouse far outnumbers the animal in captions of photos, as in English.
  mouse: { forms: ['maus', 'computermaus'] },
  remote: { forms: ['fernbedienung', 'fernbedienungen', 'controller'] },
  // "Keyboard" in German is mostly the instrument.
  keyboard: { forms: ['tastatur', 'tastaturen'] },
  'cell phone': {
    forms: ['handy', 'handys', 'telefon', 'telefone', 'telefonen', 'telefons', 'mobiltelefon', 'mobiltelefone', 'smartphone', 'smartphones', 'iphone'],
    heads: ['handy', 'telefon'],
  },
  microwave: { forms: ['mikrowelle', 'mikrowellen'] },
  // "Herde" (plural of Herd) is also a herd of animals: only the singular.
  oven: { forms: ['ofen', 'öfen', 'herd', 'backofen'], heads: ['ofen'] },
  toaster: { forms: ['toaster'] },
  sink: { forms: ['waschbecken', 'spüle', 'spülen', 'spülbecken'] },
  refrigerator: { forms: ['kühlschrank', 'kühlschränke', 'kühlschränken'] },
  book: { forms: ['buch', 'bücher', 'büchern', 'buches', 'buchs'], heads: ['buch', 'bücher', 'büchern'] },
  // Bare "Uhr" is as often a wristwatch or the time of day.
  clock: { forms: ['wanduhr', 'turmuhr', 'bahnhofsuhr', 'standuhr'] },
  vase: { forms: ['vase', 'vasen'], heads: ['vase'] },
  scissors: { forms: ['schere', 'scheren'] },
  'teddy bear': { forms: ['teddybär', 'teddybären', 'teddy', 'teddys', 'kuscheltier', 'kuscheltiere', 'kuscheltieren', 'stofftier', 'stofftiere', 'stofftieren', 'plüschtier'], heads: ['teddybär', 'teddybären'] },
  'hair drier': { forms: ['föhn', 'fön', 'haartrockner'] },
  toothbrush: { forms: ['zahnbürste', 'zahnbürsten'] },
};

/**
 * Words that are, or end in, a class noun but name something else; they name
 * nothing, and neither does a compound ending in them.
 */
const notObjects: readonly string[] = [
  // people
  'schneemann', 'schneemänner', 'schneemännern', 'hampelmann', 'cd-spieler', 'dvd-spieler', 'mp3-spieler', 'plattenspieler',
  // bicycle: wheels and other things with a "Rad"
  'räder', 'rädern', 'riesenrad', 'einrad', 'dreirad', 'lenkrad', 'zahnrad', 'hamsterrad', 'wasserrad', 'mühlrad', 'steuerrad', 'glücksrad', 'vorderrad',
  'hinterrad', 'ersatzrad', 'wagenrad', 'rhönrad', 'kamerad', 'spinnrad', 'vierrad',
  // bus, train
  'globus', 'krokus', 'airbus', 'bambus', 'anzug', 'anzüge', 'anzügen', 'aufzug', 'aufzüge', 'umzug', 'umzüge', 'umzügen', 'festzug', 'fackelzug', 'atemzug',
  'schachzug', 'überzug', 'durchzug', 'auszug', 'einzug', 'abzug', 'bezug', 'vorzug', 'rückzug', 'entzug', 'schriftzug',
  'spielzug', 'straßenzug', 'seilzug', 'flaschenzug', 'klimmzug', 'klimmzüge', 'klimmzügen', 'trauerzug', 'hochzeitszug', 'demonstrationszug', 'spielmannszug',
  // boat
  'luftschiff', 'kirchenschiff',
  // bench
  'sandbank', 'datenbank', 'werkbank', 'fensterbank', 'rückbank',
  // traffic light: "strampeln" (pedalling) ends in "ampeln"
  'strampeln', 'hampeln',
  // birds
  'badeente', 'quietscheente',
  // cat, dog, horse, cow, bear
  'raubkatze', 'raubkatzen', 'seehund', 'seehunde', 'seehunden', 'schaukelpferd', 'steckenpferd', 'sprungpferd', 'karussellpferd', 'seekuh', 'gummibär', 'gummibären', 'waschbär',
  'waschbären',
  // umbrella
  'fallschirm', 'fallschirme', 'lampenschirm', 'gleitschirm', 'gleitschirme',
  // sports ball: the games, and balls that are none
  'fußball', 'basketball', 'volleyball', 'baseball', 'handball', 'football', 'softball', 'federball', 'schneeball', 'schneebälle', 'maskenball', 'abschlussball', 'völkerball', 'fussball', 'kopfball', 'eckball', 'schmetterball',
  // knife, cake, chair, bed, table
  'durchmesser', 'pfannkuchen', 'lebkuchen', 'rollstuhl', 'rollstuhls', 'rollstühle', 'rollstühlen', 'lehrstuhl', 'webstuhl', 'beichtstuhl', 'fahrstuhl',
  'fahrstühle', 'flussbett', 'flußbett', 'kiesbett', 'gleisbett', 'sandbett', 'aschenbecher', 'münztelefon',
  'schreibtisch', 'schreibtische', 'billardtisch', 'tischtennistisch',
];

const classByForm = new Map<string, string>();
const classByHead = new Map<string, string | null>();
for (const [label, { forms, heads = [] }] of Object.entries(germanClassWords)) {
  for (const form of forms) classByForm.set(form, label);
  for (const head of heads) classByHead.set(head, label);
}
for (const word of notObjects) classByHead.set(word, null);
const longestHead = Math.max(...[...classByHead.keys()].map((h) => h.length));

/**
 * The COCO class a German word names, or undefined: the word itself, else
 * the longest class noun or non-object it ends in, with at least three
 * letters before it ("Schäfer|hund" is a dog, "Neopren|anzug" no train).
 */
export function germanClassOf(word: string): string | undefined {
  const lower = word.toLowerCase();
  const exact = classByForm.get(lower);
  if (exact) return exact;
  for (let length = Math.min(longestHead, lower.length); length >= 1; length--) {
    if (length !== lower.length && lower.length - length < 3) continue;
    const label = classByHead.get(lower.slice(-length));
    if (label !== undefined) return label ?? undefined;
  }
  return undefined;
}

/** People nouns whose letters are also adjectives ("junge", "erwachsene"): they name people only as nouns. */
const adjectivalPeopleForms = new Set(['junge', 'jungen', 'jugendliche', 'jugendlicher', 'jugendlichen', 'erwachsene', 'erwachsener', 'erwachsenen']);

/** The COCO classes a German caption names, in the detector's class order, each with the caption's words that name it (in caption order). */
export function namedClassesDe(words: readonly string[], labels: readonly string[]): NamedClass[] {
  const cased = restoreGermanCase(words);
  const mentions = words.flatMap((word, i) => {
    // "zwei junge Katzen": the letters of a people noun, written small before a noun, are an adjective.
    if (adjectivalPeopleForms.has(word.toLowerCase()) && cased[i] === cased[i]!.toLowerCase()) return [];
    const label = germanClassOf(word);
    return label === undefined ? [] : [{ label, name: word }];
  });
  return inClassOrder(mentions, labels);
}

/**
 * German: the open set of compounds means the words of a class are found in
 * the vocabulary itself, every word that names the class ("Hund",
 * "Schäferhund", "Hunden"...), as the vocabulary writes it.
 */
export const germanObjectNames: ObjectNames = {
  namedClasses: namedClassesDe,
  wordsOfClasses(labels, vocabulary) {
    const refused = new Set(labels);
    return vocabulary.filter((word) => {
      const label = germanClassOf(word);
      return label !== undefined && refused.has(label);
    });
  },
};
