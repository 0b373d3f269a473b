import { describe, expect, it } from 'vitest';
import { countRepeatedAnimals } from '../../src/engine/caption/repeated-animals';
import { tidyCaption } from '../../src/engine/caption/tidy';

const words = (caption: string) => caption.split(' ');

describe('countRepeatedAnimals (captions after the colour check took a colour)', () => {
  it('counts two bare phrases of one animal (flickr30k-extra: "a dog and a dog are playing in the snow")', () => {
    expect(countRepeatedAnimals(words('a dog and a dog are playing in the snow')).join(' ')).toBe('two dogs are playing in the snow');
    expect(countRepeatedAnimals(words('a man with a puppy and a puppy')).join(' ')).toBe('a man with two puppies');
  });

  it('says "another" when only the first phrase says more (captions-dev: "a brown dog and a dog")', () => {
    expect(countRepeatedAnimals(words('a brown dog and a dog are playing with a toy')).join(' ')).toBe('a brown dog and another dog are playing with a toy');
  });

  it('leaves phrases that both say something, other animals, and nouns that are no animals', () => {
    for (const caption of ['a black dog and a brown dog are running', 'a dog and a cat', 'a dog and a black dog', 'a ball and a ball', 'the dog and a dog']) {
      expect(countRepeatedAnimals(words(caption)).join(' ')).toBe(caption);
    }
  });

  it('is part of tidying, before the article agrees with its noun', () => {
    expect(tidyCaption(words('a dog and a dog are playing in the snow'), { neutral: true })).toBe('Two dogs are playing in the snow.');
    expect(tidyCaption(words('an old dog and a dog'), { neutral: false })).toBe('An old dog and another dog.');
  });
});
