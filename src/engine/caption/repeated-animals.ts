/**
 * "a dog and a dog": the decoder says two animals of one kind as two phrases,
 * and the colour check can make two phrases alike by taking one's colour
 * ("a black dog and a white dog" where the pixels show no white: "a black dog
 * and a dog"). Read aloud, either sounds like a stutter. Two phrases with
 * nothing between article and noun are counted ("two dogs"); when only the
 * first says more, the second is "another" ("a black dog and another dog").
 * Phrases that both say something ("a black dog and a brown dog") stay.
 */
import { nounPhraseEndingAt } from './noun-phrases';

/** Animal nouns of the English caption vocabulary, with their plurals. */
const animalPlurals: Readonly<Record<string, string>> = {
  dog: 'dogs', puppy: 'puppies', cat: 'cats', horse: 'horses', pony: 'ponies', bird: 'birds', duck: 'ducks', cow: 'cows',
  sheep: 'sheep', goat: 'goats', animal: 'animals', bull: 'bulls', camel: 'camels',
};

export function countRepeatedAnimals(words: readonly string[]): string[] {
  const out = [...words];
  for (let and = out.indexOf('and'); and > 0; and = out.indexOf('and', and + 1)) {
    const noun = out[and - 1]!;
    const plural = animalPlurals[noun];
    if (plural === undefined || !isIndefinite(out[and + 1]) || out[and + 2] !== noun) continue;
    // Up to two words between article and animal ("a big black dog").
    const first = nounPhraseEndingAt(out, and - 1, 2);
    if (!first || !isIndefinite(out[first.determinerAt])) continue;
    if (first.modifiers.length === 0) out.splice(first.determinerAt, 5, 'two', plural);
    else out[and + 1] = 'another';
  }
  return out;
}

function isIndefinite(word: string | undefined): boolean {
  return word === 'a' || word === 'an';
}
