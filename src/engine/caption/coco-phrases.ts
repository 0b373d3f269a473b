/**
 * Which COCO classes an English caption names: the one phrase table that the
 * hallucination guard, the confidence gate and the colour check read model
 * captions with (guard.ts, colours.ts), and that `npm run eval` reads
 * generated and reference captions with (src/eval/objects.ts). One table, so
 * that a caption's object counts as wrong in the evaluation exactly when the
 * guard would have read it as that object.
 *
 * Matching works on tokens (lowercase words, clitics split: the model's words,
 * or src/eval/tokenize.ts's tokens): at each position the longest known
 * phrase wins and its tokens are consumed, so "hot dog" is the food and not a
 * dog, "teddy bear" is not a bear, "dirt bike" is a motorcycle, and blocker
 * phrases such as "bus stop", "ball cap" or "train tracks" name nothing.
 * Tokens are never split further: a hyphenated token ("hot-dog") only matches
 * if listed as such.
 *
 * Every phrase below is written in tokenised form (lowercase, clitics split:
 * "catcher 's mitt"); a unit test checks that tokenising each phrase gives it
 * back unchanged.
 *
 * Precision over recall: words that often mean something else in captions are
 * left out, with a note where the choice is not obvious. The list is our own,
 * in the spirit of the CHAIR synonym list (Rohrbach et al., 2018), not a copy.
 */

/**
 * A token no tokenizer here produces (src/eval/tokenize.ts turns control
 * characters into separators; the model's vocabulary has none), appended to
 * every caption so a phrase can require the caption to end there.
 */
const END_OF_CAPTION = '\u0000';

/** The 80 COCO detection classes in their standard contiguous order, each with the phrases that mention it. */
const COCO_CLASS_PHRASES: ReadonlyArray<readonly [className: string, phrases: readonly string[]]> = [
  ['person', [
    'person', 'persons', 'people', 'man', 'men', 'woman', 'women', 'boy', 'boys', 'girl', 'girls',
    'child', 'children', 'kid', 'kids', 'baby', 'babies', 'toddler', 'toddlers', 'infant', 'infants',
    'lady', 'ladies', 'guy', 'guys', 'gentleman', 'gentlemen', 'adult', 'adults', 'teenager', 'teenagers',
    'teen', 'teens', 'youngster', 'youngsters', 'human', 'humans', 'someone', 'somebody',
    'mother', 'father', 'mom', 'dad', 'son', 'daughter', 'brother', 'sister', 'husband', 'wife',
    'bride', 'groom', 'friend', 'friends',
    'player', 'players', 'ball player', 'ball players', 'athlete', 'athletes', 'teammate', 'teammates',
    // "batter" is also cake batter, but in COCO captions the baseball sense dominates;
    // "pitcher" is left out because the jug is just as common.
    'batter', 'batters', 'catcher', 'catchers', 'umpire', 'umpires', 'jockey', 'jockeys',
    'skier', 'skiers', 'snowboarder', 'snowboarders', 'surfer', 'surfers', 'skateboarder', 'skateboarders',
    'skater', 'skaters', 'biker', 'bikers', 'cyclist', 'cyclists', 'bicyclist', 'bicyclists',
    'motorcyclist', 'motorcyclists', 'rider', 'riders', 'runner', 'runners', 'swimmer', 'swimmers',
    'hiker', 'hikers', 'golfer', 'golfers', 'kiteboarder', 'kiteboarders', 'kitesurfer', 'kitesurfers',
    'windsurfer', 'windsurfers', 'wakeboarder', 'wakeboarders',
    'pedestrian', 'pedestrians', 'passenger', 'passengers', 'tourist', 'tourists', 'spectator', 'spectators',
    'driver', 'drivers', 'student', 'students', 'worker', 'workers', 'officer', 'officers',
    'policeman', 'policemen', 'policewoman', 'cop', 'cops', 'soldier', 'soldiers', 'chef', 'chefs',
    'cowboy', 'cowboys', 'fisherman', 'fishermen', 'farmer', 'farmers', 'vendor', 'vendors',
    'customer', 'customers', 'shopper', 'shoppers', 'waiter', 'waiters', 'waitress', 'waitresses',
    'doctor', 'doctors', 'nurse', 'nurses', 'firefighter', 'firefighters', 'fireman', 'firemen',
    'businessman', 'businessmen', 'businesswoman', 'musician', 'musicians', 'performer', 'performers',
  ]],
  ['bicycle', [
    'bicycle', 'bicycles', 'bike', 'bikes', 'mountain bike', 'mountain bikes',
  ]],
  ['car', [
    'car', 'cars', 'automobile', 'automobiles', 'sedan', 'sedans', 'suv', 'suvs', 'taxi', 'taxis',
    'taxicab', 'taxicabs', 'van', 'vans', 'minivan', 'minivans', 'jeep', 'jeeps', 'hatchback', 'hatchbacks',
  ]],
  ['motorcycle', [
    'motorcycle', 'motorcycles', 'motorbike', 'motorbikes', 'motor bike', 'motor bikes',
    'motor cycle', 'motor cycles', 'dirt bike', 'dirt bikes', 'scooter', 'scooters', 'moped', 'mopeds',
  ]],
  ['airplane', [
    'airplane', 'airplanes', 'air plane', 'air planes', 'aeroplane', 'aeroplanes', 'plane', 'planes',
    'jet', 'jets', 'jumbo jet', 'jetliner', 'jetliners', 'airliner', 'airliners', 'aircraft',
  ]],
  ['bus', [
    'bus', 'buses', 'busses', 'minibus', 'double decker', 'double-decker',
  ]],
  ['train', [
    'train', 'trains', 'locomotive', 'locomotives', 'tram', 'trams', 'streetcar', 'streetcars',
    'train car', 'train cars', 'subway car', 'subway cars', 'rail car', 'rail cars', 'railcar', 'railcars',
  ]],
  ['truck', [
    'truck', 'trucks', 'firetruck', 'firetrucks', 'pickup', 'pickups', 'lorry', 'lorries',
  ]],
  ['boat', [
    'boat', 'boats', 'ship', 'ships', 'sailboat', 'sailboats', 'yacht', 'yachts', 'kayak', 'kayaks',
    'canoe', 'canoes', 'ferry', 'ferries', 'rowboat', 'rowboats', 'speedboat', 'speedboats',
    'motorboat', 'motorboats', 'tugboat', 'tugboats', 'catamaran', 'catamarans', 'dinghy', 'barge', 'barges',
  ]],
  ['traffic light', [
    'traffic light', 'traffic lights', 'traffic signal', 'traffic signals', 'stop light', 'stop lights',
    'stoplight', 'stoplights',
  ]],
  ['fire hydrant', [
    'fire hydrant', 'fire hydrants', 'hydrant', 'hydrants', 'fireplug',
  ]],
  ['stop sign', [
    'stop sign', 'stop signs',
  ]],
  ['parking meter', [
    // Bare "meter" is left out: water/gas meters and units of length.
    'parking meter', 'parking meters',
  ]],
  ['bench', [
    'bench', 'benches',
  ]],
  ['bird', [
    // "chicken" and "turkey" are left out (usually food), "dove" (past tense of
    // dive, common in surfing captions), "crane" (the machine), "chick" (slang).
    'bird', 'birds', 'seagull', 'seagulls', 'gull', 'gulls', 'pigeon', 'pigeons', 'duck', 'ducks',
    'duckling', 'ducklings', 'goose', 'geese', 'swan', 'swans', 'parrot', 'parrots', 'parakeet', 'parakeets',
    'macaw', 'macaws', 'cockatoo', 'cockatoos', 'owl', 'owls', 'eagle', 'eagles', 'hawk', 'hawks',
    'falcon', 'falcons', 'sparrow', 'sparrows', 'finch', 'finches', 'crow', 'crows', 'raven', 'ravens',
    'penguin', 'penguins', 'pelican', 'pelicans', 'heron', 'herons', 'egret', 'egrets',
    'flamingo', 'flamingos', 'flamingoes', 'peacock', 'peacocks', 'ostrich', 'ostriches', 'stork', 'storks',
    'vulture', 'vultures', 'hummingbird', 'hummingbirds', 'woodpecker', 'woodpeckers',
    'songbird', 'songbirds', 'seabird', 'seabirds', 'hen', 'hens', 'rooster', 'roosters',
  ]],
  ['cat', [
    'cat', 'cats', 'kitten', 'kittens', 'kitty', 'kitties',
  ]],
  ['dog', [
    'dog', 'dogs', 'puppy', 'puppies', 'pup', 'pups', 'doggy', 'doggie', 'doggies',
    'pit bull', 'pit bulls', 'pitbull', 'pitbulls', 'bull dog', 'bulldog', 'bulldogs', 'sheepdog', 'sheepdogs',
    'labrador', 'labradors', 'retriever', 'retrievers', 'poodle', 'poodles', 'terrier', 'terriers',
    'beagle', 'beagles', 'dachshund', 'dachshunds', 'chihuahua', 'chihuahuas', 'corgi', 'corgis',
    'collie', 'collies', 'german shepherd', 'german shepherds', 'dalmatian', 'dalmatians',
    'pug', 'pugs', 'schnauzer', 'schnauzers', 'rottweiler', 'rottweilers',
    // "boxer" (athlete), "husky" (adjective) and "greyhound" (the bus line) are left out.
  ]],
  ['horse', [
    'horse', 'horses', 'horseback', 'pony', 'ponies', 'foal', 'foals', 'stallion', 'stallions',
    'mare', 'mares', 'colt', 'colts',
  ]],
  ['sheep', [
    // "ram" is left out (the truck brand, computer memory).
    'sheep', 'lamb', 'lambs', 'ewe', 'ewes',
  ]],
  ['cow', [
    // "calf" can be an elephant or giraffe calf, but "baby elephant" is the usual
    // wording for those, and cattle calves are far more frequent.
    'cow', 'cows', 'cattle', 'bull', 'bulls', 'calf', 'calves', 'ox', 'oxen', 'heifer', 'heifers',
  ]],
  ['elephant', [
    'elephant', 'elephants',
  ]],
  ['bear', [
    // "cub" is left out: lion and tiger cubs too.
    'bear', 'bears', 'polar bear', 'polar bears', 'grizzly', 'grizzlies',
  ]],
  ['zebra', [
    'zebra', 'zebras',
  ]],
  ['giraffe', [
    'giraffe', 'giraffes',
  ]],
  ['backpack', [
    'backpack', 'backpacks', 'back pack', 'back packs', 'knapsack', 'knapsacks', 'rucksack', 'rucksacks',
    'bookbag', 'bookbags',
  ]],
  ['umbrella', [
    'umbrella', 'umbrellas', 'parasol', 'parasols',
  ]],
  ['handbag', [
    // Bare "bag" is left out: shopping bags, bags of chips, sleeping bags.
    'handbag', 'handbags', 'hand bag', 'hand bags', 'purse', 'purses', 'pocketbook', 'pocketbooks',
    'tote bag', 'tote bags', 'shoulder bag', 'shoulder bags',
  ]],
  ['tie', [
    'tie', 'ties', 'necktie', 'neckties', 'neck tie', 'neck ties', 'bow tie', 'bow ties',
  ]],
  ['suitcase', [
    'suitcase', 'suitcases', 'suit case', 'suit cases', 'luggage', 'baggage',
  ]],
  ['frisbee', [
    'frisbee', 'frisbees', 'frisbe', 'flying disc', 'flying discs',
  ]],
  ['skis', [
    // Bare "ski" is mostly an adjective ("ski slope", "ski lift") that does not
    // show skis, so only the plural counts.
    'skis',
  ]],
  ['snowboard', [
    'snowboard', 'snowboards', 'snow board', 'snow boards',
  ]],
  ['sports ball', [
    // "baseball", "football", "soccer" and "basketball" are left out: usually the game.
    'ball', 'balls', 'soccer ball', 'soccer balls', 'tennis ball', 'tennis balls', 'sports ball',
  ]],
  ['kite', [
    'kite', 'kites',
  ]],
  ['baseball bat', [
    // Bare "bat" is deliberately not mapped: it is also the animal. This costs
    // recall on COCO ("swinging a bat"), equally for predictions and references.
    'baseball bat', 'baseball bats', 'softball bat', 'softball bats',
  ]],
  ['baseball glove', [
    // Bare "glove" is left out: winter, ski and goalkeeper gloves.
    'baseball glove', 'baseball gloves', 'mitt', 'mitts',
  ]],
  ['skateboard', [
    'skateboard', 'skateboards', 'skate board', 'skate boards', 'longboard', 'longboards',
  ]],
  ['surfboard', [
    'surfboard', 'surfboards', 'surf board', 'surf boards', 'paddleboard', 'paddleboards',
    'paddle board', 'paddle boards', 'boogie board', 'boogie boards', 'bodyboard', 'bodyboards',
  ]],
  ['tennis racket', [
    'tennis racket', 'tennis rackets', 'tennis racquet', 'tennis racquets', 'racket', 'rackets',
    'racquet', 'racquets',
  ]],
  ['bottle', [
    'bottle', 'bottles',
  ]],
  ['wine glass', [
    // Bare "glass" is left out: the material, windows, eyeglasses.
    'wine glass', 'wine glasses', 'wineglass', 'wineglasses', 'glass of wine', 'glasses of wine',
    'champagne glass', 'champagne glasses',
  ]],
  ['cup', [
    'cup', 'cups', 'mug', 'mugs', 'teacup', 'teacups', 'tea cup', 'tea cups',
  ]],
  ['fork', [
    'fork', 'forks',
  ]],
  ['knife', [
    'knife', 'knives',
  ]],
  ['spoon', [
    'spoon', 'spoons',
  ]],
  ['bowl', [
    'bowl', 'bowls',
  ]],
  ['banana', [
    'banana', 'bananas',
  ]],
  ['apple', [
    'apple', 'apples',
  ]],
  ['sandwich', [
    // "sandwhich" is a frequent misspelling in COCO references.
    'sandwich', 'sandwiches', 'sandwhich', 'sandwhiches', 'burger', 'burgers', 'hamburger', 'hamburgers',
    'cheeseburger', 'cheeseburgers', 'hoagie', 'hoagies', 'panini', 'paninis',
  ]],
  ['orange', [
    // Bare "orange" is mostly the colour ("an orange cat", "orange and white"),
    // so the fruit needs the plural, a fruit-only word, or a context where the
    // colour reading is unlikely: "an orange" at the end of the caption or
    // followed by a preposition or verb.
    'oranges', 'tangerine', 'tangerines', 'clementine', 'clementines', 'mandarin orange', 'mandarin oranges',
    'orange slice', 'orange slices', 'orange wedge', 'orange wedges', 'orange peel', 'orange peels',
    'slice of orange', 'slices of orange', 'half an orange', 'half of an orange', 'peeled orange',
    `an orange ${END_OF_CAPTION}`, 'an orange on', 'an orange in', 'an orange with', 'an orange sitting',
    'an orange next', 'an orange is', 'an orange and a',
  ]],
  ['broccoli', [
    // COCO references misspell it often.
    'broccoli', 'brocolli', 'broccolli', 'brocoli',
  ]],
  ['carrot', [
    'carrot', 'carrots',
  ]],
  ['hot dog', [
    'hot dog', 'hot dogs', 'hotdog', 'hotdogs', 'chili dog', 'chili dogs',
  ]],
  ['pizza', [
    'pizza', 'pizzas',
  ]],
  ['donut', [
    'donut', 'donuts', 'doughnut', 'doughnuts',
  ]],
  ['cake', [
    'cake', 'cakes', 'cupcake', 'cupcakes', 'cheesecake', 'cheesecakes',
  ]],
  ['chair', [
    // "seat" is left out: car seats, toilet seats, bike seats.
    'chair', 'chairs', 'armchair', 'armchairs', 'stool', 'stools', 'highchair', 'highchairs',
    'high chair', 'high chairs', 'recliner', 'recliners',
  ]],
  ['couch', [
    'couch', 'couches', 'sofa', 'sofas', 'loveseat', 'loveseats', 'love seat', 'love seats',
    'settee', 'settees', 'futon', 'futons',
  ]],
  ['potted plant', [
    // Bare "plant" is left out: garden and field plants are not potted plants.
    'potted plant', 'potted plants', 'potted flower', 'potted flowers', 'houseplant', 'houseplants',
    'house plant', 'house plants', 'flower pot', 'flower pots', 'flowerpot', 'flowerpots',
    'planter', 'planters',
  ]],
  ['bed', [
    'bed', 'beds',
  ]],
  ['dining table', [
    // COCO annotates most tables as "dining table". "desk" is left out.
    'dining table', 'dining tables', 'table', 'tables',
  ]],
  ['toilet', [
    'toilet', 'toilets', 'toilet bowl', 'toilet bowls', 'urinal', 'urinals',
  ]],
  ['tv', [
    // COCO's "tv" (VOC's "tvmonitor") also covers computer monitors.
    'tv', 'tvs', 't.v.', 'television', 'televisions', 'monitor', 'monitors',
  ]],
  ['laptop', [
    'laptop', 'laptops', 'notebook computer', 'notebook computers', 'macbook', 'macbooks',
    'netbook', 'netbooks',
  ]],
  ['mouse', [
    // Kept despite the animal: COCO has no rodent class and in captions of
    // photos "mouse" is overwhelmingly the computer mouse next to a keyboard.
    // "mice" is left out, since people rarely pluralise computer mice that way.
    'mouse', 'computer mouse',
  ]],
  ['remote', [
    // COCO labels game controllers (Wii remotes) as "remote".
    'remote', 'remotes', 'remote control', 'remote controls', 'controller', 'controllers',
    'wiimote', 'wiimotes',
  ]],
  ['keyboard', [
    'keyboard', 'keyboards',
  ]],
  ['cell phone', [
    'cell phone', 'cell phones', 'cellphone', 'cellphones', 'phone', 'phones', 'smartphone', 'smartphones',
    'smart phone', 'smart phones', 'mobile phone', 'mobile phones', 'iphone', 'iphones',
  ]],
  ['microwave', [
    'microwave', 'microwaves', 'microwave oven', 'microwave ovens',
  ]],
  ['oven', [
    // COCO's "oven" includes stoves and ranges.
    'oven', 'ovens', 'stove', 'stoves', 'stovetop', 'stovetops',
  ]],
  ['toaster', [
    'toaster', 'toasters', 'toaster oven', 'toaster ovens',
  ]],
  ['sink', [
    'sink', 'sinks',
  ]],
  ['refrigerator', [
    // "refridgerator" is a frequent misspelling in COCO references.
    'refrigerator', 'refrigerators', 'refridgerator', 'refridgerators', 'fridge', 'fridges',
    'freezer', 'freezers',
  ]],
  ['book', [
    // "novel" is left out (adjective); "notebook" is not a book.
    'book', 'books', 'textbook', 'textbooks', 'paperback', 'paperbacks',
  ]],
  ['clock', [
    'clock', 'clocks',
  ]],
  ['vase', [
    'vase', 'vases',
  ]],
  ['scissors', [
    'scissors', 'scissor',
  ]],
  ['teddy bear', [
    // COCO's "teddy bear" covers stuffed animals in general.
    'teddy bear', 'teddy bears', 'stuffed bear', 'stuffed bears', 'stuffed animal', 'stuffed animals',
    'stuffed toy', 'stuffed toys', 'plush toy', 'plush toys',
  ]],
  ['hair drier', [
    'hair drier', 'hair driers', 'hair dryer', 'hair dryers', 'hairdryer', 'hairdryers',
    'blow dryer', 'blow dryers', 'blow drier', 'blow driers', 'blowdryer', 'blowdryers',
  ]],
  ['toothbrush', [
    'toothbrush', 'toothbrushes', 'tooth brush', 'tooth brushes',
  ]],
];

/**
 * Phrases containing a class word that do not show that object; matching them
 * consumes their tokens so the class word inside is not counted.
 */
const NON_OBJECT_PHRASES: readonly string[] = [
  'bus stop', 'bus stops', 'bus station', 'bus stations', 'bus shelter', 'bus terminal',
  'train track', 'train tracks', 'train station', 'train stations', 'train platform', 'train platforms',
  'cable car', 'cable cars', 'jet ski', 'jet skis',
  'dvd player', 'cd player', 'record player', 'mp3 player',
  'ball cap', 'ball caps', 'ball field',
  'world cup',
  'flower bed', 'flower beds', 'truck bed', 'river bed', 'sea bed',
  'toilet paper', 'phone booth', 'phone booths',
  'orange juice',
];

/** The 80 COCO class names in the standard contiguous order (index 0 = "person"). */
export const cocoClassNames: readonly string[] = COCO_CLASS_PHRASES.map(([className]) => className);

/** Phrase (tokens joined by a space) -> class it mentions, or null for a blocker phrase. */
const PHRASE_TO_CLASS: ReadonlyMap<string, string | null> = (() => {
  const phraseToClass = new Map<string, string | null>();
  const add = (phrase: string, className: string | null): void => {
    if (phraseToClass.has(phrase)) throw new Error(`COCO synonym phrase listed twice: "${phrase}"`);
    phraseToClass.set(phrase, className);
  };
  for (const [className, phrases] of COCO_CLASS_PHRASES) for (const phrase of phrases) add(phrase, className);
  for (const phrase of NON_OBJECT_PHRASES) add(phrase, null);
  return phraseToClass;
})();

const LONGEST_PHRASE_TOKENS = Math.max(...[...PHRASE_TO_CLASS.keys()].map((phrase) => phrase.split(' ').length));

/** Every synonym/blocker phrase and what it maps to; exported for tests and reports. */
export function cocoSynonymPhrases(): ReadonlyMap<string, string | null> {
  return PHRASE_TO_CLASS;
}

export interface CocoMention {
  label: string;
  /** The caption's tokens that name it, joined by a space ("dirt bike"). */
  phrase: string;
}

/** The COCO classes the tokens name, in caption order, one entry per phrase matched (longest phrase first at each position). */
export function cocoMentions(tokens: readonly string[]): CocoMention[] {
  const padded = [...tokens.map((token) => token.toLowerCase()), END_OF_CAPTION];
  const mentions: CocoMention[] = [];
  let position = 0;
  while (position < padded.length) {
    let consumed = 1;
    for (let length = Math.min(LONGEST_PHRASE_TOKENS, padded.length - position); length >= 1; length--) {
      const phrase = padded.slice(position, position + length).join(' ');
      const className = PHRASE_TO_CLASS.get(phrase);
      if (className === undefined) continue;
      if (className !== null) mentions.push({ label: className, phrase: phrase.replace(` ${END_OF_CAPTION}`, '') });
      consumed = length;
      break;
    }
    position += consumed;
  }
  return mentions;
}

/** The class a single word names on its own ("dogs" -> dog, "poodle" -> dog), if any. */
export function cocoClassOfWord(word: string): string | undefined {
  return PHRASE_TO_CLASS.get(word.toLowerCase()) ?? undefined;
}

/** The single words that name the given classes on their own, in table order. */
export function cocoWordsOfClasses(labels: readonly string[]): string[] {
  const wanted = new Set(labels);
  return COCO_CLASS_PHRASES.flatMap(([className, phrases]) => (wanted.has(className) ? phrases.filter((phrase) => !phrase.includes(' ')) : []));
}
