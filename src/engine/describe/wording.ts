/**
 * What describe.ts needs from a language, so that English and German (and
 * later languages) share one composition. Only what differs by language is
 * here: `truncateAtWord` works on any language written with spaces and stays
 * shared.
 */
export interface Wording {
  /** BCP 47 tag, e.g. for a `lang` attribute next to the alt text. */
  readonly language: string;
  /** One kind of object, counted: "a dog", "two people" / "ein Hund", "zwei Personen". Counts above `exactUpTo` are "many" / "viele". */
  countPhrase(label: string, count: number, exactUpTo: number): string;
  /** "a, b and c" / "a, b und c". */
  joinList(items: readonly string[]): string;
  /** A phrase as a sentence: capital first letter, full stop. */
  sentence(phrase: string): string;
  /**
   * The read text with its lead-in and quotes. `quoteText('').length` is the
   * overhead describe.ts reserves before cutting the text to fit.
   */
  quoteText(text: string): string;
}

/**
 * English wording for COCO labels: the words people use ("table", not
 * "dining table") and their plurals.
 */
const spokenNames: Record<string, string> = {
  'dining table': 'table',
  'cell phone': 'phone',
  tv: 'TV',
  'sports ball': 'ball',
  'hair drier': 'hair dryer',
  couch: 'sofa',
  skis: 'pair of skis',
  scissors: 'pair of scissors',
};

const irregularPlurals: Record<string, string> = {
  person: 'people',
  mouse: 'mice',
  sheep: 'sheep',
  skis: 'pairs of skis',
  scissors: 'pairs of scissors',
  knife: 'knives',
  bus: 'buses',
  'wine glass': 'wine glasses',
  sandwich: 'sandwiches',
  couch: 'sofas',
  bench: 'benches',
  toothbrush: 'toothbrushes',
  'teddy bear': 'teddy bears',
  'hair drier': 'hair dryers',
  'cell phone': 'phones',
  'dining table': 'tables',
  tv: 'TVs',
  'sports ball': 'balls',
  skateboard: 'skateboards',
};

const numberWords = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

export function spokenName(label: string): string {
  return spokenNames[label] ?? label;
}

export function pluralName(label: string): string {
  const irregular = irregularPlurals[label];
  if (irregular) return irregular;
  const name = spokenName(label);
  if (/(s|x|z|ch|sh)$/.test(name)) return `${name}es`;
  if (/[^aeiou]y$/.test(name)) return `${name.slice(0, -1)}ies`;
  return `${name}s`;
}

export function indefiniteArticle(word: string): 'a' | 'an' {
  // "an umbrella", "an orange", but "a TV" and "a person"; TV is said "tee-vee".
  return /^[aeiou]/i.test(word) && !/^(u[bcfhjkqrstn][aeiou]|one)/i.test(word) ? 'an' : 'a';
}

/**
 * "a dog", "two people", "many cars". Counts above `exactUpTo` are said as
 * "many": detectors miscount crowds, and a wrong number is worse than none.
 */
export function countPhrase(label: string, count: number, exactUpTo: number): string {
  if (count <= 1) {
    const name = spokenName(label);
    return `${indefiniteArticle(name)} ${name}`;
  }
  const plural = pluralName(label);
  if (count > exactUpTo) return `many ${plural}`;
  return `${numberWords[count] ?? String(count)} ${plural}`;
}

/** "a", "a and b", "a, b and c". */
export function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Cuts at the last word boundary that fits, marking the cut with an ellipsis. */
export function truncateAtWord(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  if (maxLength <= 1) return '…'.slice(0, maxLength);
  const room = text.slice(0, maxLength - 1);
  // A word that ends exactly where the room does fits ("aaa bbb ccc" in 8: "aaa bbb…").
  const boundary = text[maxLength - 1] === ' ' ? room.length : room.lastIndexOf(' ');
  const cut = boundary > 0 ? room.slice(0, boundary) : room;
  return `${cut.replace(/[\s,.;:–-]+$/, '')}…`;
}

export const englishWording: Wording = {
  language: 'en',
  countPhrase,
  joinList,
  sentence: (phrase) => `${capitalise(phrase)}.`,
  quoteText: (text) => `Text: "${text}"`,
};
