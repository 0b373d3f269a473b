/**
 * What the caption path does differently in each language: how words name
 * COCO classes (guard, gate, colour check), how colour words are read, and
 * how the words become a sentence. The rules themselves are the same.
 */
import type { Language } from '../describe/languages';
import type { RgbaImage } from '../image/types';
import type { ColourCheck, LabelledBox } from './colours';
import { checkCaptionColours } from './colours';
import { englishObjectNames } from './guard';
import type { ObjectNames } from './object-names';
import { tidyCaption } from './tidy';
import { checkGermanCaptionColours } from './de/colours';
import { germanObjectNames } from './de/object-names';
import { tidyGermanCaption } from './de/tidy';
import { genderedWordsDe } from './de/gendered-words';
import type { PlaceWords } from './concept-support';
import { englishPlaces } from './concept-support';
import { germanPlaces } from './de/places';

export interface CaptionLanguage {
  readonly names: ObjectNames;
  /** The colour check (colours.ts) on the model's words. */
  checkColours(words: readonly string[], image: RgbaImage, detections: readonly LabelledBox[]): ColourCheck;
  /** The sentence said, from the checked words. */
  tidy(words: readonly string[], options: { neutral: boolean }): string;
  /** Words of a neutral-worded sentence that still say a gender; such a caption is not said. */
  genderedWords(sentence: string): string[];
  /** Places and things the concept head must have seen for the caption to name them, and how phrases of place read (concept-support.ts). */
  readonly places: PlaceWords;
}

/** English neutral wording (tidy.ts) rewrites every gendered word of the English vocabulary: nothing is left. */
const noneLeft = (): string[] => [];

const captionLanguages: Readonly<Record<Language, CaptionLanguage>> = {
  en: {
    names: englishObjectNames,
    checkColours: (words, image, detections) => checkCaptionColours(words, image, detections),
    tidy: tidyCaption,
    genderedWords: noneLeft,
    places: englishPlaces,
  },
  de: {
    names: germanObjectNames,
    checkColours: (words, image, detections) => checkGermanCaptionColours(words, image, detections),
    tidy: tidyGermanCaption,
    genderedWords: genderedWordsDe,
    places: germanPlaces,
  },
};

export function captionLanguageFor(language: Language): CaptionLanguage {
  return captionLanguages[language];
}
