import type { Detection } from '../detect/detector';

/**
 * How sure the detector must be of an object before the objects sentence
 * names it (models/manifest.json "objects").
 */
export interface ObjectFloors {
  /** The score any object needs. */
  minScore: number;
  /**
   * A small box of a thing (any class but `exceptClasses`: people and
   * animals) needs `minScore` of its own: in a photo about something else, a
   * small cup, bottle or car that the detector half-sees is usually not
   * there. On captions-dev, VizWiz dev and the first 400 flickr30k-extra
   * photos, a thing's best box scored 0.4–0.6 was in a reference for 19 of
   * 70 photos when it covered less than 5 % of the picture, and for 14 of 22
   * when it covered more (from 0.6: 8 of 13 and 9 of 11).
   */
  smallThings?: {
    /** Share of the picture's area below which a box is small. */
    maxAreaShare: number;
    minScore: number;
    exceptClasses: readonly string[];
  };
}

type Located = Pick<Detection, 'label' | 'score' | 'box'>;

/** The score `detection` needs to be named, in a picture of `image`'s size. */
export function objectFloor(floors: ObjectFloors, detection: Located, image: { width: number; height: number }): number {
  const small = floors.smallThings;
  if (!small || small.exceptClasses.includes(detection.label)) return floors.minScore;
  const share = (detection.box.width * detection.box.height) / Math.max(1, image.width * image.height);
  return share < small.maxAreaShare ? Math.max(floors.minScore, small.minScore) : floors.minScore;
}

/** The detections the objects sentence may name, in their order. */
export function nameableObjects<D extends Located>(detections: readonly D[], floors: ObjectFloors, image: { width: number; height: number }): D[] {
  return detections.filter((d) => d.score >= objectFloor(floors, d, image));
}
