/**
 * Caption tokenisation for scoring, mimicking coco-caption's
 * `pycocoevalcap/tokenizer/ptbtokenizer.py`.
 *
 * The reference pipeline runs Stanford CoreNLP 3.4.1's PTBTokenizer with
 * `-preserveLines -lowerCase`, then drops every token in
 *   PUNCTUATIONS = ["''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-",
 *                   ".", "?", "!", ",", ":", "-", "--", "...", ";"]
 * and hands the scorers the remaining tokens joined by spaces (the scorers
 * then `split()` on whitespace). We cannot ship a JVM in an extension, so this
 * is a hand-written approximation of the PTB rules that matter for captions:
 *
 * - Text is NFKC-normalised and lowercased (PTB lowercases too).
 * - Sentence punctuation (. , ; : ! ? ... -- quotes brackets) is split off and,
 *   because it is all in PUNCTUATIONS, removed. Commas and colons between two
 *   digits stay inside the token ("1,000", "10:30") as PTB keeps them.
 * - A trailing period is removed unless the token is an abbreviation made of
 *   two or more letter-dot pairs ("u.s.", "t.v.", "e.g.") or a common title
 *   ("mr.", "dr.", "st.", "etc."). PTB's abbreviation list is much longer and
 *   it re-emits a sentence-final "." after an abbreviation; that extra "." is
 *   removed anyway, so only the abbreviation list itself is simplified.
 * - Clitics are split the PTB way: "dog's" -> "dog 's", "don't" -> "do n't",
 *   "can't" -> "ca n't", "they're" -> "they 're"; "cannot" -> "can not",
 *   "gonna" -> "gon na", "gotta" -> "got ta", "wanna" -> "wan na". The clitic
 *   tokens are not in PUNCTUATIONS, so they are kept, as in coco-caption.
 * - "$" and "#" before a word and "%" after one become separate tokens and are
 *   kept (PTB splits them and PUNCTUATIONS does not list them).
 * - Internal hyphens, slashes, ampersands and periods stay inside the token
 *   ("one-north", "a/c", "at&t", "3.5"); a leading/trailing hyphen is removed.
 *
 * Known simplifications: brackets of every kind are dropped (PTB turns "[" into
 * "-LSB-", which is not in PUNCTUATIONS); any token made only of the removed
 * punctuation characters (e.g. "....") is dropped; PTB's handling of URLs,
 * emoticons, and rarer contractions ("'tis", "y'all") is not reproduced.
 */

/** Clitic suffixes that PTB splits off and coco-caption keeps as tokens. */
const CLITIC_SUFFIXES = ["n't", "'s", "'re", "'ve", "'ll", "'d", "'m"] as const;

/** Whole words PTB splits into two tokens. */
const SPLIT_WORDS: ReadonlyMap<string, readonly [string, string]> = new Map([
  ['cannot', ['can', 'not']],
  ['gonna', ['gon', 'na']],
  ['gotta', ['got', 'ta']],
  ['wanna', ['wan', 'na']],
]);

/** Titles PTB keeps with their period; sentence-final periods elsewhere go. */
const TITLE_ABBREVIATIONS = new Set(['mr.', 'mrs.', 'ms.', 'dr.', 'st.', 'jr.', 'sr.', 'vs.', 'etc.']);

/** Matches tokens consisting only of punctuation coco-caption removes. */
const REMOVED_PUNCTUATION_ONLY = /^[.,?!:;'`"-]+$/;

function isAbbreviation(word: string): boolean {
  return /^(?:\p{L}\.){2,}$/u.test(word) || TITLE_ABBREVIATIONS.has(word);
}

function splitClitic(core: string): string[] {
  const split = SPLIT_WORDS.get(core);
  if (split !== undefined) return [...split];
  for (const suffix of CLITIC_SUFFIXES) {
    if (core.length > suffix.length && core.endsWith(suffix)) {
      return [core.slice(0, -suffix.length), suffix];
    }
  }
  return [core];
}

function tokenizeChunk(chunk: string, out: string[]): void {
  // An already-tokenised clitic ("'s" in "dog 's") must survive re-tokenisation,
  // otherwise pre-tokenised references would lose it.
  if ((CLITIC_SUFFIXES as readonly string[]).includes(chunk)) {
    out.push(chunk);
    return;
  }
  let core = chunk;
  const prefix: string[] = [];
  const suffix: string[] = [];
  for (;;) {
    const first = core[0];
    if (first === "'" || first === '`' || first === '-') {
      core = core.slice(1); // opening quote or dash: a removed token
    } else if (first === '$' || first === '#') {
      prefix.push(first);
      core = core.slice(1);
    } else {
      break;
    }
  }
  for (;;) {
    const last = core.at(-1);
    if (last === '%') {
      suffix.unshift('%');
      core = core.slice(0, -1);
    } else if (last === "'" || last === '`' || last === '-' || last === ',' || last === ':') {
      core = core.slice(0, -1);
    } else if (last === '.' && !isAbbreviation(core)) {
      core = core.slice(0, -1);
    } else {
      break;
    }
  }
  const parts = core === '' ? [] : splitClitic(core);
  for (const token of [...prefix, ...parts, ...suffix]) {
    if (token !== '' && !REMOVED_PUNCTUATION_ONLY.test(token)) out.push(token);
  }
}

/**
 * Tokenises one caption the way coco-caption does before scoring (see the
 * module comment for the PTB rules mirrored and the simplifications).
 */
export function tokenizeCaption(caption: string): string[] {
  const text = caption
    .normalize('NFKC')
    .toLowerCase()
    // Control characters (tabs, newlines, NUL) act as separators.
    .replace(/\p{Cc}/gu, ' ')
    .replace(/[\u2018\u2019\u201B\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u00AB\u00BB]/g, '"')
    .replace(/[\u2012-\u2015]/g, ' -- ')
    .replace(/\.{2,}/g, ' ... ')
    .replace(/-{2,}/g, ' -- ')
    // Always-removed punctuation: split it off by turning it into a space.
    .replace(/["()[\]{};!?]/g, ' ')
    // Commas and colons survive only between digits ("1,000", "10:30").
    .replace(/(?<!\d)[,:]|[,:](?!\d)/g, ' ');

  const tokens: string[] = [];
  for (const chunk of text.split(/\s+/)) {
    if (chunk !== '') tokenizeChunk(chunk, tokens);
  }
  return tokens;
}

/** For captions that are already tokenised: just split on whitespace, as the Python scorers do. */
export function whitespaceTokenize(text: string): string[] {
  return text.split(/\s+/).filter((token) => token !== '');
}

/** Turns caption text into tokens; scorers accept one so pre-tokenised input can bypass PTB rules. */
export type CaptionTokenizer = (text: string) => readonly string[];

/** One image of a caption-scoring corpus: the generated caption and its human references. */
export interface CaptionEvalItem {
  candidate: string;
  references: readonly string[];
}

export interface CaptionScoringOptions {
  /** Defaults to {@link tokenizeCaption}. */
  tokenize?: CaptionTokenizer;
}

/**
 * Counts n-grams of orders 1..maxOrder, like `precook` in both coco-caption
 * scorers. Element k of the result holds the (k+1)-grams, keyed by their
 * tokens joined with a single space (tokens never contain whitespace).
 * Insertion order matches the Python dict order, so float sums accumulate in
 * the same order as the reference implementation.
 */
export function countNgrams(tokens: readonly string[], maxOrder: number): Map<string, number>[] {
  const countsByOrder: Map<string, number>[] = [];
  for (let order = 1; order <= maxOrder; order++) {
    const counts = new Map<string, number>();
    for (let start = 0; start + order <= tokens.length; start++) {
      const ngram = tokens.slice(start, start + order).join(' ');
      counts.set(ngram, (counts.get(ngram) ?? 0) + 1);
    }
    countsByOrder.push(counts);
  }
  return countsByOrder;
}
