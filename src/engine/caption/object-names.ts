/**
 * How a caption's words name COCO classes, in one language. The
 * hallucination guard, the confidence gate and the colour check read
 * captions through this, so the same rules hold in every language.
 */
export interface NamedClass {
  label: string;
  classIndex: number;
  /** The caption's words that name it. */
  words: string[];
}

export interface ObjectNames {
  /** The COCO classes a caption names, in the detector's class order, each with the caption's words that name it. */
  namedClasses(words: readonly string[], labels: readonly string[]): NamedClass[];
  /**
   * Every word of the given classes the caption model can say, to forbid on
   * a second try. Forbidding works on the model's vocabulary ids, so the
   * words are given as the vocabulary writes them.
   */
  wordsOfClasses(labels: readonly string[], vocabulary: readonly string[]): string[];
}

/**
 * The classes a caption's mentions name, in the detector's class order (`labels`),
 * each with the caption's names for it in caption order, each name once.
 */
export function inClassOrder(mentions: Iterable<{ label: string; name: string }>, labels: readonly string[]): NamedClass[] {
  const namesByLabel = new Map<string, string[]>();
  for (const { label, name } of mentions) {
    const names = namesByLabel.get(label) ?? [];
    if (!names.includes(name)) names.push(name);
    namesByLabel.set(label, names);
  }
  return labels.flatMap((label, classIndex) => {
    const words = namesByLabel.get(label);
    return words ? [{ label, classIndex, words }] : [];
  });
}
