import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nameableObjects, objectFloor } from '../../src/engine/describe/object-floors';
import type { ObjectFloors } from '../../src/engine/describe/object-floors';

const floors: ObjectFloors = { minScore: 0.4, smallThings: { maxAreaShare: 0.05, minScore: 0.6, exceptClasses: ['person', 'dog'] } };
const image = { width: 500, height: 400 };
/** A detection whose box covers `share` of the 500 × 400 picture. */
const found = (label: string, score: number, share: number) => ({ label, score, box: { x: 0, y: 0, width: 500 * share, height: 400 } });

describe('object floors', () => {
  it('holds a small box of a thing to the higher floor, and nothing else', () => {
    expect(objectFloor(floors, found('cup', 0.5, 0.04), image)).toBe(0.6);
    expect(objectFloor(floors, found('cup', 0.5, 0.05), image)).toBe(0.4);
    // People and animals are named from the general floor at any size.
    expect(objectFloor(floors, found('person', 0.5, 0.01), image)).toBe(0.4);
    expect(objectFloor(floors, found('dog', 0.5, 0.01), image)).toBe(0.4);
    expect(objectFloor({ minScore: 0.4 }, found('cup', 0.5, 0.01), image)).toBe(0.4);
  });

  it('names what reaches its floor, in order', () => {
    // tests/fixtures/images/coffee.jpg: a close-up of a cup, scored 0.467, stays "A cup.".
    const detections = [found('cup', 0.467, 0.3), found('bottle', 0.55, 0.02), found('person', 0.41, 0.02), found('car', 0.61, 0.01), found('bench', 0.39, 0.5)];
    expect(nameableObjects(detections, floors, image).map((d) => d.label)).toEqual(['cup', 'person', 'car']);
  });

  it('is what the shipped manifest asks: 0.4, and 0.6 for a thing under 5 % of the picture; people and the guard\'s animals at any size from 0.4', () => {
    const manifest = JSON.parse(readFileSync('models/manifest.json', 'utf8')) as {
      objects: ObjectFloors;
      caption: { guard: { groups: { classes: string[]; kind?: string }[] } };
    };
    const animals = manifest.caption.guard.groups.find((group) => group.kind === 'animal')!.classes;
    expect(manifest.objects.minScore).toBe(0.4);
    expect(manifest.objects.smallThings).toMatchObject({ maxAreaShare: 0.05, minScore: 0.6 });
    expect([...manifest.objects.smallThings!.exceptClasses].sort()).toEqual(['person', ...animals].sort());
  });
});
