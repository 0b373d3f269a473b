import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { objectsToName, settleDisputedKinds, unsureKinds } from '../../src/engine/caption/disputed-kind';
import { captionLanguageFor } from '../../src/engine/caption/language';
import type { ConfusableClasses, PresenceGroup } from '../../src/engine/caption/guard';
import type { Detection } from '../../src/engine/detect/detector';
import { describe as describeObjects, defaultDescriptionOptions } from '../../src/engine/describe/describe';
import { wordingFor } from '../../src/engine/describe/languages';

const animals: PresenceGroup = { classes: ['bird', 'cat', 'dog', 'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe'], minPresence: 0.15, kind: 'animal' };
const box = { x: 0, y: 0, width: 100, height: 80 };
const found = (label: string, score = 0.6): Detection => ({ label, classIndex: 0, score, box });

describe('settleDisputedKinds', () => {
  it('says "an animal" when the detector saw a horse and the unsaid caption a dog (captions-dev 1904112245)', () => {
    const settled = settleDisputedKinds([found('horse', 0.525)], ['dog'], [animals]);
    expect(settled.map((d) => d.label)).toEqual(['animal']);
    expect(describeObjects(settled, [], defaultDescriptionOptions, undefined, wordingFor('en')).alt).toBe('An animal.');
    expect(describeObjects(settled, [], defaultDescriptionOptions, undefined, wordingFor('de')).alt).toBe('Ein Tier.');
  });

  it('counts them as animals, in both languages (captions-dev 2075041394: two sheep, the caption a white dog)', () => {
    const settled = settleDisputedKinds([found('sheep', 0.444), found('sheep', 0.417), found('person')], ['dog'], [animals]);
    expect(settled.map((d) => d.label)).toEqual(['animal', 'animal', 'person']);
    expect(describeObjects(settled, [], defaultDescriptionOptions, undefined, wordingFor('en')).alt).toMatch(/two animals/i);
    expect(describeObjects(settled, [], defaultDescriptionOptions, undefined, wordingFor('de')).alt).toMatch(/zwei Tiere/i);
  });

  it('keeps the detector\'s word when the caption agrees with any of its animals, names none, or names only other things', () => {
    const both = [found('horse'), found('dog')];
    expect(settleDisputedKinds(both, ['dog'], [animals])).toEqual(both);
    expect(settleDisputedKinds([found('cow')], ['cow'], [animals]).map((d) => d.label)).toEqual(['cow']);
    expect(settleDisputedKinds([found('horse')], [], [animals]).map((d) => d.label)).toEqual(['horse']);
    expect(settleDisputedKinds([found('horse')], ['person', 'frisbee'], [animals]).map((d) => d.label)).toEqual(['horse']);
    // Outside the group nothing changes: a car the caption calls a truck stays a car.
    expect(settleDisputedKinds([found('car')], ['truck'], [animals]).map((d) => d.label)).toEqual(['car']);
  });

  it('leaves a group alone that does not say what its classes are', () => {
    const { kind: _kind, ...unnamed } = animals;
    expect(settleDisputedKinds([found('horse')], ['dog'], [unnamed]).map((d) => d.label)).toEqual(['horse']);
  });

  it('is enabled by the shipped manifest for the animal group the guard uses', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../models/manifest.json', import.meta.url), 'utf8')) as { caption: { guard: { groups: PresenceGroup[] } } };
    const groups = manifest.caption.guard.groups;
    expect(groups.find((group) => group.classes.includes('dog'))?.kind).toBe('animal');
  });

  it('takes the opinion of a caption that is not said, and of no other (objectsToName, as the engine and the eval call it)', () => {
    const labels = ['person', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe'];
    const names = captionLanguageFor('en').names;
    const unsure = { words: 'a brown dog is jumping over a tree'.split(' '), outcome: 'low-confidence' };
    const label = (caption: typeof unsure | undefined, said: boolean) => objectsToName([found('horse', 0.525)], caption, said, names, labels, { groups: [animals] }).map((d) => d.label);
    expect(label(unsure, false)).toEqual(['animal']);
    // Said, the caption leads and the objects are not named; the guard refused it: it named what the detector did not see.
    expect(label(unsure, true)).toEqual(['horse']);
    expect(label({ ...unsure, outcome: 'unsupported-object' }, false)).toEqual(['horse']);
    expect(label(undefined, false)).toEqual(['horse']);
  });
});

describe('unsureKinds', () => {
  const catOrDog: ConfusableClasses = { classes: ['cat', 'dog'], minPresence: 0.3, ratio: 0.8 };
  const face = { x: 0, y: 5, width: 417, height: 293 };
  const at = (label: string, score: number, where = face): Detection => ({ label, classIndex: 0, score, box: where });
  // What the detector found on tests/fixtures/images/cat.jpg, a close-up of a cat's face: all on one box, none at the objects floor (0.4).
  const catFace = [at('dog', 0.354), at('cat', 0.333), at('person', 0.264), at('bed', 0.248), at('couch', 0.204)];

  it('names the kind of a thing the detector could only narrow down to two confusable classes', () => {
    const unsure = unsureKinds([], catFace, [catOrDog], [animals]);
    expect(unsure).toEqual([{ ...catFace[0], label: 'animal' }]);
    expect(describeObjects(unsure, [], defaultDescriptionOptions, undefined, wordingFor('en')).alt).toBe('An animal.');
    expect(describeObjects(unsure, [], defaultDescriptionOptions, undefined, wordingFor('de')).alt).toBe('Ein Tier.');
  });

  it('needs both classes on the same box, each at the bar and close to the other', () => {
    expect(unsureKinds([], [at('dog', 0.354), at('cat', 0.333, { x: 300, y: 0, width: 100, height: 100 })], [catOrDog], [animals])).toEqual([]);
    expect(unsureKinds([], [at('dog', 0.354), at('cat', 0.29)], [catOrDog], [animals])).toEqual([]);
    expect(unsureKinds([], [at('dog', 0.5), at('cat', 0.33)], [catOrDog], [animals])).toEqual([]);
    expect(unsureKinds([], [at('dog', 0.354), at('dog', 0.34)], [catOrDog], [animals])).toEqual([]);
    // Other classes on the same box are no dispute between confusable ones (cat-240.jpg: teddy bear 0.401, dog 0.329, cat 0.236).
    expect(unsureKinds([], [at('teddy bear', 0.401), at('dog', 0.329), at('person', 0.318), at('cat', 0.236)], [catOrDog], [animals])).toEqual([]);
  });

  it('adds nothing when the group is named already, or has no kind to say', () => {
    expect(unsureKinds([at('dog', 0.6)], catFace, [catOrDog], [animals])).toEqual([]);
    // Named as the kind already: a horse the unsaid caption disputed (settleDisputedKinds) is the one animal, not two.
    expect(unsureKinds([at('animal', 0.5)], catFace, [catOrDog], [animals])).toEqual([]);
    const { kind: _kind, ...unnamed } = animals;
    expect(unsureKinds([], catFace, [catOrDog], [unnamed])).toEqual([]);
  });

  it('is what objectsToName adds, with the shipped guard settings', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../models/manifest.json', import.meta.url), 'utf8')) as {
      caption: { guard: { groups: PresenceGroup[]; confusable: ConfusableClasses[] } };
    };
    const names = captionLanguageFor('en').names;
    const refused = { words: 'a brown dog with a red collar'.split(' '), outcome: 'unsupported-object' };
    const labels = ['person', 'cat', 'dog', 'bed', 'couch'];
    expect(objectsToName([], refused, false, names, labels, manifest.caption.guard, catFace).map((d) => d.label)).toEqual(['animal']);
    expect(objectsToName([], refused, false, names, labels, { groups: manifest.caption.guard.groups }, catFace)).toEqual([]);
  });
});
