/**
 * The hallucination guard. The caption model learned from captions, not from
 * boxes, so it names what usually goes with a scene ("a man throws a frisbee
 * to a dog") even when it is not there. The detector knows the 80 COCO
 * classes; when the caption names one of them and the detector saw nothing
 * of it anywhere in the image, the caption is not trusted as it stands.
 * The caption's words are read through `ObjectNames`, one per language.
 */
import { cocoMentions, cocoWordsOfClasses } from './coco-phrases';
import { inClassOrder } from './object-names';
import type { NamedClass, ObjectNames } from './object-names';
import type { ConceptSupport } from './concept-support';

export interface GuardOptions {
  /**
   * A class named by the caption must have at least this detector score
   * somewhere in the image. Shipped: 0.3, which people and animals do not use
   * (they have floors of their own). Of the things that first captions named
   * on 2,536 flickr30k-extra photos the model never trained on, those the
   * detector scored 0.1–0.2 were in a reference 59 times of 245, 0.2–0.3 49
   * of 107, 0.3–0.4 36 of 53 (captions-dev: 9 of 24 from 0.1 to 0.3, 4 of 4
   * from 0.3 to 0.4).
   */
  minPresence: number;
  /**
   * Stricter floors for classes the detector finds reliably: a person it
   * scores below 0.15 is almost never there (measured on captions-dev).
   */
  minPresenceByClass?: Readonly<Record<string, number>>;
  /**
   * Groups of classes the detector confuses with one another (animals: a real
   * dog is often scored as a cow, a sheep or a bear). A class of a group that
   * the caption names also needs some class of its group, itself or another,
   * at `minPresence` or more: when nothing of the kind scores that high, the
   * caption's animal is usually not there at all (measured on captions-dev
   * and captions-dev-vizwiz).
   */
  groups?: readonly PresenceGroup[];
  /**
   * Classes the detector cannot tell apart in a close-up (a cat's face scored
   * dog 0.35, cat 0.33): a named class is not supported when another class of
   * the set, one the caption does not name, reaches `minPresence` and
   * `ratio` × the named class's presence. Naming either would be a guess.
   */
  confusable?: readonly ConfusableClasses[];
  /**
   * A class of a group that the caption model has no word for (the English
   * model learned from Flickr captions, which never name a zebra or a
   * giraffe). When the detector scores such a class at least `minPresence`
   * and `ratio` × the class the caption named from the same group, the
   * caption's class is the model's stand-in ("two horses" for two zebras)
   * and is not supported. `minPresence` at the objects sentence's floor means
   * the objects sentence, which names the detector's class, takes its place.
   */
  unnameableRival?: UnnameableRival;
  /**
   * Places and things no COCO class names must have been seen by the caption
   * model's concept head (concept-support.ts); when absent, they are not checked.
   */
  conceptSupport?: ConceptSupport;
}

export interface UnnameableRival {
  /**
   * The classes that may outrank the caption's, when the model cannot name
   * them: only animals the detector does not give to other animals. Not the
   * bear, which the German model cannot name: the detector scored a digging
   * dog bear 0.41 (captions-dev 2087640654), and the caption's dog was right.
   */
  classes: readonly string[];
  minPresence: number;
  ratio: number;
}

export interface ConfusableClasses {
  classes: readonly string[];
  minPresence: number;
  ratio: number;
}

export interface PresenceGroup {
  classes: readonly string[];
  /** The highest presence over the group's classes must reach this. */
  minPresence: number;
  /**
   * The floor of each class of the group on its own, instead of the guard's
   * `minPresence`: where the detector mixes the classes up, a class's own
   * score is weak evidence either way (a real dog scored dog 0.05 and horse
   * 0.66), and the group's floor does the checking.
   */
  classMinPresence?: number;
  /**
   * What every class of the group is ("animal"): the objects sentence says
   * this when the detector and the caption model disagree about which class
   * it is (disputed-kind.ts). The wording of each language knows the word.
   */
  kind?: string;
}

export interface UnsupportedObject {
  label: string;
  /** The caption's words that named it. */
  words: string[];
  presence: number;
}

/**
 * COCO classes the caption names but the detector scored below
 * `minPresence` everywhere. `labels[i]` is the detector's name of class i.
 * `unnameable`: the classes the caption model has no word for
 * (`unnameableClasses`), for `options.unnameableRival`.
 */
export function unsupportedObjects(
  words: readonly string[],
  classPresence: Float32Array,
  labels: readonly string[],
  options: GuardOptions,
  names: ObjectNames = englishObjectNames,
  unnameable: ReadonlySet<string> = new Set(),
): UnsupportedObject[] {
  const named = names.namedClasses(words, labels);
  const namedLabels = new Set(named.map((c) => c.label));
  const found: UnsupportedObject[] = [];
  for (const { label, classIndex, words: names } of named) {
    const presence = classPresence[classIndex] ?? 0;
    const floor = options.minPresenceByClass?.[label] ?? groupClassFloor(label, options.groups) ?? options.minPresence;
    const supported =
      presence >= floor &&
      groupSupports(label, classPresence, labels, options.groups) &&
      !closeRival(label, namedLabels, classPresence, labels, options.confusable) &&
      !unnameableRivalOf(label, classPresence, labels, options, unnameable);
    if (!supported) found.push({ label, words: names, presence });
  }
  return found;
}

/**
 * The classes of `unnameableRival` that the caption model cannot name: no
 * word of its vocabulary names them on their own. Only these can be the
 * "unnameable rival" of a class the caption names.
 */
export function unnameableClasses(options: GuardOptions, vocabulary: readonly string[], names: ObjectNames = englishObjectNames): Set<string> {
  return new Set((options.unnameableRival?.classes ?? []).filter((label) => names.wordsOfClasses([label], vocabulary).length === 0));
}

/** Whether a class of `label`'s group that the caption model cannot name outscores it clearly (see GuardOptions.unnameableRival). */
function unnameableRivalOf(
  label: string,
  classPresence: Float32Array,
  labels: readonly string[],
  options: GuardOptions,
  unnameable: ReadonlySet<string>,
): boolean {
  const rule = options.unnameableRival;
  if (!rule || unnameable.size === 0) return false;
  return (options.groups ?? []).some(
    (group) => group.classes.includes(label) && outscoredBy(label, group.classes.filter((rival) => unnameable.has(rival)), classPresence, labels, rule),
  );
}

/**
 * The COCO classes an English caption names, in the detector's class order,
 * each with the caption's phrases that name it: read through the phrase table
 * `npm run eval` scores with (coco-phrases.ts), so "a ball player" names a
 * person and no ball, "a dirt bike" a motorcycle, "train tracks" no train.
 */
export function namedClasses(words: readonly string[], labels: readonly string[]): NamedClass[] {
  return inClassOrder(
    cocoMentions(words).map(({ label, phrase }) => ({ label, name: phrase })),
    labels,
  );
}

/** Whether a confusable class the caption does not name scores nearly as high as `label` (see GuardOptions.confusable). */
function closeRival(
  label: string,
  namedLabels: ReadonlySet<string>,
  classPresence: Float32Array,
  labels: readonly string[],
  sets: readonly ConfusableClasses[] | undefined,
): boolean {
  return (sets ?? []).some(
    (set) => set.classes.includes(label) && outscoredBy(label, set.classes.filter((rival) => !namedLabels.has(rival)), classPresence, labels, set),
  );
}

/**
 * Whether a rival's score reaches both `bar.minPresence` and `bar.ratio` ×
 * the other class's score: the test behind the confusable classes, the
 * unnameable rivals and a thing the detector cannot settle (disputed-kind.ts).
 */
export function rivalReaches(rivalScore: number, ownScore: number, bar: { minPresence: number; ratio: number }): boolean {
  return rivalScore >= bar.minPresence && rivalScore >= bar.ratio * ownScore;
}

/** Whether a rival of `label` (any of `rivals` but `label` itself) reaches the bar against `label`'s presence (`rivalReaches`). */
function outscoredBy(
  label: string,
  rivals: readonly string[],
  classPresence: Float32Array,
  labels: readonly string[],
  bar: { minPresence: number; ratio: number },
): boolean {
  const own = presenceOf(label, classPresence, labels);
  return rivals.some((rival) => rival !== label && rivalReaches(presenceOf(rival, classPresence, labels), own, bar));
}

/** The detector's presence for the class named `label` (0 for a name it does not know). */
function presenceOf(label: string, classPresence: Float32Array, labels: readonly string[]): number {
  return classPresence[labels.indexOf(label)] ?? 0;
}

/** The lowest `classMinPresence` of the groups `label` belongs to, if any gives one. */
function groupClassFloor(label: string, groups: readonly PresenceGroup[] | undefined): number | undefined {
  const floors = (groups ?? []).flatMap((group) => (group.classes.includes(label) && group.classMinPresence !== undefined ? [group.classMinPresence] : []));
  return floors.length > 0 ? Math.min(...floors) : undefined;
}

/**
 * Whether every group `label` belongs to has some class at its group floor.
 * A class in no group is always supported here (its own floor still applies).
 */
export function groupSupports(
  label: string,
  classPresence: Float32Array,
  labels: readonly string[],
  groups: readonly PresenceGroup[] | undefined,
): boolean {
  return (groups ?? []).every((group) => {
    if (!group.classes.includes(label)) return true;
    const best = Math.max(...group.classes.map((name) => presenceOf(name, classPresence, labels)));
    return best >= group.minPresence;
  });
}

/**
 * The vocabulary's words that name one of the given classes on their own, to
 * forbid on a second try. A class named only through a phrase whose words
 * also mean something else ("dirt bike") cannot be forbidden without them;
 * a retry that names it again is refused again.
 */
export function wordsOfClasses(labels: readonly string[], vocabulary: readonly string[]): string[] {
  const known = new Set(vocabulary);
  return cocoWordsOfClasses(labels).filter((word) => known.has(word));
}

/** English: the phrase table of coco-phrases.ts over the model's lower-case words. */
export const englishObjectNames: ObjectNames = {
  namedClasses,
  wordsOfClasses,
};
