/**
 * "a dog and a dog": the decoder says two animals of one kind as two phrases,
 * and the colour check can make two phrases alike by taking one's colour
 * ("a black dog and a white dog" where the pixels show no white: "a black dog
 * and a dog"). Read aloud, either sounds like a stutter. Two phrases with
 * nothing between article and noun are counted ("two dogs"); when only the
 * first says more, the second is "another" ("a black dog and another dog").
 * Phrases that both say something ("a black dog and a brown dog") stay.
 */

/** Animal nouns of the English caption vocabulary, with their plurals. */
const animalPlurals: Readonly<Record<string, string>> = {
  dog: 'dogs', puppy: 'puppies', cat: 'cats', horse: 'horses', pony: 'ponies', bird: 'birds', duck: 'ducks', cow: 'cows',
  sheep: 'sheep', goat: 'goats', animal: 'animals', bull: 'bulls', camel: 'camels',
};

/** Words that end a noun phrase's modifiers when walking back from its noun. */
const notModifiers = new Set(['a', 'an', 'the', 'and', 'or', 'with', 'of', 'in', 'on', 'is', 'are', 'two', 'three']);

export function countRepeatedAnimals(words: readonly string[]): string[] {
  const out = [...words];
  for (let and = out.indexOf('and'); and > 0; and = out.indexOf('and', and + 1)) {
    const noun = out[and - 1]!;
    const plural = animalPlurals[noun];
    if (plural === undefined || !isIndefinite(out[and + 1]) || out[and + 2] !== noun) continue;
    let article = and - 2;
    while (article >= 0 && article >= and - 4 && !notModifiers.has(out[article]!)) article--;
    if (!isIndefinite(out[article])) continue;
    if (article === and - 2) out.splice(article, 5, 'two', plural);
    else out[and + 1] = 'another';
  }
  return out;
}

function isIndefinite(word: string | undefined): boolean {
  return word === 'a' || word === 'an';
}
