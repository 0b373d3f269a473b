import type { Point } from '../ocr/geometry';
import { quadArea } from '../ocr/geometry';

/**
 * Whether the text is the picture: a banner, a sign, a poster, a screenshot.
 * Then the text is all there is to say, and a caption can only be wrong (the
 * caption model was trained on photos: it called an "OPEN 24 HOURS" banner
 * "A knife.").
 */
export interface TextPictureEvidence {
  image: { width: number; height: number };
  /** What the reader read, with each line's corners in source-image pixels. */
  text: readonly { text: string; quad: readonly Point[] }[];
  /** Objects the detector is confident of (the ones the description may name). */
  objects: readonly { label: string }[];
}

export interface TextPictureThresholds {
  /** Share of the image covered by text boxes at which text stops being a detail of a photo. */
  minTextCoverage: number;
  /** Fewer characters than this is no text to speak of (a stray glyph read in a texture). */
  minCharacters: number;
}

/**
 * Measured on ../shared/data (reports of `npm run caption -- --json` and a
 * probe of text coverage): scene-text photos without a confident object reach
 * 0.039 (ocr-dev, ICDAR 2015) and 0.024 (captions-dev); banners and posters
 * drawn like tests/fixtures/images start at 0.13 (a single word on a wide
 * strip) and are usually 0.15–0.3. 0.08 sits at twice the photos' highest,
 * and also lets through photos of screens and labels that are mostly text
 * (VizWiz, 0.11–0.18). A caption bar over a photo (0.04–0.06) stays a photo.
 */
export const defaultTextPictureThresholds: TextPictureThresholds = {
  minTextCoverage: 0.08,
  minCharacters: 3,
};

/**
 * COCO objects that carry the text on them: seeing one is no sign of a photo
 * with text in it. A white-on-red "BIG SALE" square is detected as a stop
 * sign, and a screenshot as a TV or laptop.
 */
const textBearingObjects = new Set(['stop sign', 'tv', 'laptop', 'cell phone', 'book', 'parking meter']);

/**
 * The rule: enough text covering enough of the image, and no confident
 * object other than a text-bearing one. Any such object (a person, a cup)
 * makes it a photo that happens to have text, which keeps its caption.
 */
export function textIsThePicture(evidence: TextPictureEvidence, thresholds: TextPictureThresholds = defaultTextPictureThresholds): boolean {
  if (evidence.objects.some((object) => !textBearingObjects.has(object.label))) return false;
  const characters = evidence.text.reduce((sum, line) => sum + line.text.replace(/\s/g, '').length, 0);
  if (characters < thresholds.minCharacters) return false;
  return textCoverage(evidence) >= thresholds.minTextCoverage;
}

/** The share of the image inside text boxes, at most 1 (boxes rarely overlap; when they do, it counts twice). */
export function textCoverage(evidence: Pick<TextPictureEvidence, 'image' | 'text'>): number {
  const imageArea = evidence.image.width * evidence.image.height;
  if (imageArea <= 0) return 0;
  const covered = evidence.text.reduce((sum, line) => sum + quadArea(line.quad), 0);
  return Math.min(1, covered / imageArea);
}
