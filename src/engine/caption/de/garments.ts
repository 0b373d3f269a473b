/**
 * German words for clothing (and hair), with where on a person they are
 * worn: the colour check looks for "einem roten Hemd" in the upper band of
 * the person's box, and the neutral wording keeps "ein Mann und eine Frau in
 * einem roten Kleid" apart (the dress is hers).
 */
import type { BodyPart } from '../colours';

const garmentsByPart: Readonly<Record<BodyPart, readonly string[]>> = {
  head: [
    'hut', 'hüte', 'hüten', 'hutes', 'mütze', 'mützen', 'helm', 'helme', 'helmen', 'helmes', 'kappe', 'kappen', 'cap', 'caps', 'kapuze', 'kapuzen',
    'stirnband', 'kopftuch', 'kopftüchern', 'haar', 'haare', 'haaren', 'bart', 'maske', 'masken', 'brille', 'brillen', 'sonnenbrille', 'sonnenbrillen',
  ],
  upper: [
    'hemd', 'hemden', 'hemdes', 'shirt', 'shirts', 't-shirt', 't-shirts', 'top', 'tops', 'jacke', 'jacken', 'mantel', 'mänteln', 'pullover', 'pullovern',
    'pulli', 'pullis', 'sweatshirt', 'weste', 'westen', 'trikot', 'trikots', 'schal', 'schals', 'bluse', 'blusen',
  ],
  lower: ['hose', 'hosen', 'shorts', 'jeans', 'rock', 'röcke', 'röcken', 'badehose'],
  feet: ['schuh', 'schuhe', 'schuhen', 'stiefel', 'stiefeln', 'turnschuhe', 'turnschuhen', 'socken', 'sandalen'],
  body: [
    'kleid', 'kleider', 'kleidern', 'kleides', 'anzug', 'anzüge', 'anzügen', 'anzugs', 'uniform', 'uniformen', 'kostüm', 'kostüme', 'kostümen', 'outfit',
    'outfits', 'kleidung', 'bikini', 'bikinis', 'badeanzug', 'overall', 'overalls', 'schürze', 'schürzen', 'gewand', 'ausrüstung', 'montur',
  ],
};

/**
 * Words that end in a garment but are none: "Laptop" is no top, a
 * "Handschuh" is worn on the hand, not the feet.
 */
const notGarments = new Set(['laptop', 'laptops', 'desktop', 'handschuh', 'handschuhe', 'handschuhen', 'baseballhandschuh', 'fingerhut']);

const partByGarment = new Map<string, BodyPart>(
  (Object.entries(garmentsByPart) as [BodyPart, readonly string[]][]).flatMap(([part, words]) => words.map((word): [string, BodyPart] => [word, part])),
);

const longestGarment = Math.max(...[...partByGarment.keys()].map((w) => w.length));

/**
 * Where a garment is worn: the word itself ("Hemd", "hemden") or a compound
 * ending in one ("Sommerkleid", "Fahrradhelm", "Kapuzenpullover"), in any
 * letter case; undefined for anything else.
 */
export function germanGarmentPart(word: string): BodyPart | undefined {
  const lower = word.toLowerCase();
  if (notGarments.has(lower)) return undefined;
  const exact = partByGarment.get(lower);
  if (exact) return exact;
  // The longest garment the word ends in, with at least three letters before it ("Sommer|kleid").
  for (let length = Math.min(longestGarment, lower.length - 3); length >= 2; length--) {
    const part = partByGarment.get(lower.slice(-length));
    if (part) return part;
  }
  return undefined;
}

export function isGermanGarment(word: string): boolean {
  return germanGarmentPart(word) !== undefined;
}
