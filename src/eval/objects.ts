/**
 * Which COCO object classes a caption mentions, and object precision/recall of
 * generated captions against their references. English captions are read
 * through the engine's phrase table (src/engine/caption/coco-phrases.ts), the
 * one its hallucination guard reads model captions with; objects-de.ts reads
 * German ones.
 */
import { cocoClassNames, cocoMentions } from '../engine/caption/coco-phrases';
import { tokenizeCaption } from './tokenize';

export { cocoClassNames, cocoSynonymPhrases } from '../engine/caption/coco-phrases';

/** The COCO classes a caption mentions (longest phrase match over its tokens). */
export function mentionedCocoClasses(caption: string): Set<string> {
  return new Set(cocoMentions(tokenizeCaption(caption)).map((mention) => mention.label));
}

export interface ObjectEvalItem {
  /** Generated caption(s) of the image; a class counts as predicted if any of them mentions it. */
  predicted: readonly string[];
  /** Reference captions; a class counts as present if any of them mentions it. */
  references: readonly string[];
}

export interface ClassCounts {
  tp: number;
  fp: number;
  fn: number;
}

export interface ObjectPrecisionRecall {
  /** Micro-averaged tp / (tp + fp); 0 when nothing was predicted. */
  precision: number;
  /** Micro-averaged tp / (tp + fn); 0 when the references mention nothing. */
  recall: number;
  /** Harmonic mean of precision and recall; 0 when both are 0. */
  f1: number;
  tp: number;
  fp: number;
  fn: number;
  /** Counts for every COCO class (all 80 keys present, in COCO order). */
  perClass: Record<string, ClassCounts>;
}

/** The COCO classes one caption mentions, in the language of the captions scored. */
export type MentionedClasses = (caption: string) => Set<string>;

function mentionedByAny(captions: readonly string[], mentionedIn: MentionedClasses): Set<string> {
  const mentioned = new Set<string>();
  for (const caption of captions) for (const className of mentionedIn(caption)) mentioned.add(className);
  return mentioned;
}

/**
 * Object mention precision/recall: per image, the classes mentioned by the
 * prediction(s) are compared with those mentioned by any reference, and the
 * counts are summed over images (micro average). English by default;
 * objects-de.ts reads German captions.
 */
export function objectPrecisionRecall(items: readonly ObjectEvalItem[], mentionedIn: MentionedClasses = mentionedCocoClasses): ObjectPrecisionRecall {
  const perClass: Record<string, ClassCounts> = {};
  for (const className of cocoClassNames) perClass[className] = { tp: 0, fp: 0, fn: 0 };
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const item of items) {
    const predicted = mentionedByAny(item.predicted, mentionedIn);
    const present = mentionedByAny(item.references, mentionedIn);
    for (const className of cocoClassNames) {
      const counts = perClass[className];
      if (counts === undefined) continue;
      const isPredicted = predicted.has(className);
      const isPresent = present.has(className);
      if (isPredicted && isPresent) {
        counts.tp++;
        tp++;
      } else if (isPredicted) {
        counts.fp++;
        fp++;
      } else if (isPresent) {
        counts.fn++;
        fn++;
      }
    }
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, tp, fp, fn, perClass };
}
