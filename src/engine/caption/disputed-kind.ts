import type { Detection } from '../detect/detector';
import type { PresenceGroup } from './guard';
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

/**
 * The objects the objects sentence may name: the detections, with a kind
 * settled by the caption when the caption is not said. The engine and
 * `npm run eval` (which rebuilds the description at each gate threshold)
 * both go through here, so they follow one rule.
 */
export function objectsToName(
  objects: readonly Detection[],
  caption: { words: readonly string[]; outcome: string } | undefined,
  captionSaid: boolean,
  names: ObjectNames,
  labels: readonly string[],
  groups: readonly PresenceGroup[],
): Detection[] {
  return settleDisputedKinds(objects, caption && !captionSaid ? captionOpinion(caption, names, labels) : [], groups);
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
