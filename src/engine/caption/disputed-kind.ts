import type { Detection } from '../detect/detector';
import { iou } from '../detect/detector';
import { rivalReaches } from './guard';
import type { ConfusableClasses, PresenceGroup } from './guard';
import type { ObjectNames } from './object-names';

/**
 * The detector and the caption model disagree about which animal is in the
 * picture: the detector scored a dog as a horse, and the caption, not sure
 * enough to be said, called it a dog. The objects sentence then names
 * neither guess but the group's kind: "an animal". Only within a group of
 * classes the detector is known to confuse, only for a group that names its
 * kind, and only when no detection of the group agrees with the caption (a
 * person on a horse with a dog keeps both).
 *
 * `captionLabels`: the COCO classes the unsaid caption names.
 */
export function settleDisputedKinds(objects: readonly Detection[], captionLabels: readonly string[], groups: readonly PresenceGroup[]): Detection[] {
  let settled = [...objects];
  for (const { classes, kind } of groups) {
    if (!kind) continue;
    const inGroup = (label: string) => classes.includes(label);
    const captionSays = captionLabels.filter(inGroup);
    const detected = settled.filter((object) => inGroup(object.label));
    if (captionSays.length === 0 || detected.length === 0 || detected.some((object) => captionSays.includes(object.label))) continue;
    settled = settled.map((object) => (inGroup(object.label) ? { ...object, label: kind } : object));
  }
  return settled;
}

/** Two boxes this much alike are one thing the detector scored as two classes. */
const sameThing = 0.5;

/**
 * The detector cannot tell which of two classes it confuses a thing is, and
 * so names neither: a close-up of a cat's face scored dog 0.354 and cat 0.333
 * on the same box, both under the objects floor, and the picture got no alt
 * at all. Two confusable classes (`confusable`: each at its `minPresence`,
 * the weaker at least `ratio` of the stronger) on one box are one thing of
 * the group's kind: "an animal". Only when nothing of that group is named
 * already.
 *
 * `fainter`: the detections under the objects floor too.
 */
export function unsureKinds(
  nameable: readonly Detection[],
  fainter: readonly Detection[],
  confusable: readonly ConfusableClasses[],
  groups: readonly PresenceGroup[],
): Detection[] {
  const found: Detection[] = [];
  for (const set of confusable) {
    const group = groups.find((g) => g.kind && set.classes.every((label) => g.classes.includes(label)));
    // Named already: by one of the group's classes, or as the kind itself (settleDisputedKinds relabelled it).
    if (!group?.kind || nameable.some((object) => group.classes.includes(object.label) || object.label === group.kind)) continue;
    const inSet = fainter.filter((object) => set.classes.includes(object.label));
    // The stronger of each disputed pair: another class of the set close behind it on the same box (the guard's bar).
    const disputed = inSet.filter((a) =>
      inSet.some((b) => b.label !== a.label && b.score <= a.score && rivalReaches(b.score, a.score, set) && iou(a.box, b.box) >= sameThing),
    );
    const strongest = disputed.reduce<Detection | undefined>((best, d) => (!best || d.score > best.score ? d : best), undefined);
    if (strongest) found.push({ ...strongest, label: group.kind });
  }
  return found;
}

/**
 * The objects the objects sentence may name: the detections, with a kind
 * settled by the caption when the caption is not said, and a kind for a thing
 * the detector could only narrow down to confusable classes (`unsureKinds`).
 * The engine and `npm run eval` (which rebuilds the description at each gate
 * threshold) both go through here, so they follow one rule.
 */
export function objectsToName(
  objects: readonly Detection[],
  caption: { words: readonly string[]; outcome: string } | undefined,
  captionSaid: boolean,
  names: ObjectNames,
  labels: readonly string[],
  guard: { groups?: readonly PresenceGroup[]; confusable?: readonly ConfusableClasses[] },
  fainter: readonly Detection[] = [],
): Detection[] {
  const groups = guard.groups ?? [];
  const settled = settleDisputedKinds(objects, caption && !captionSaid ? captionOpinion(caption, names, labels) : [], groups);
  return [...settled, ...unsureKinds(settled, fainter, guard.confusable ?? [], groups)];
}

/**
 * The classes an unsaid caption names: its opinion of what is there, which
 * settles a kind the detector may have confused. A caption the guard refused
 * named something the detector did not see, and has no say.
 */
function captionOpinion(caption: { words: readonly string[]; outcome: string }, names: ObjectNames, labels: readonly string[]): string[] {
  if (caption.outcome === 'unsupported-object') return [];
  return names.namedClasses(caption.words, labels).map((named) => named.label);
}
