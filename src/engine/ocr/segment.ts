/**
 * Splits words that OCR read without their spaces ("IWANTTOSEEMORE",
 * "LIFTLOBBY2") back into words, so a screen reader says them instead of
 * spelling them. Dynamic programming over a frequency-ranked English word list
 * with Zipf's-law costs (as in the wordninja approach), but conservative: a
 * token is only split when every piece is a common word.
 */
export interface SegmenterOptions {
  /** Only words ranked this high or better may be pieces of a split. */
  maxRank: number;
  /** Tokens shorter than this are never split. */
  minTokenLength: number;
  /** Pieces shorter than this must be one of `shortPieces`. */
  minPieceLength: number;
  shortPieces: readonly string[];
}

export const defaultSegmenterOptions: SegmenterOptions = {
  maxRank: 30_000,
  minTokenLength: 7,
  minPieceLength: 3,
  shortPieces: ['a', 'i', 'an', 'at', 'be', 'by', 'do', 'go', 'he', 'if', 'in', 'is', 'it', 'me', 'my', 'no', 'of', 'on', 'or', 'so', 'to', 'up', 'us', 'we'],
};

export interface Segmenter {
  /** Returns the token's pieces, or the token itself when no confident split exists. */
  split(token: string): string[];
  /**
   * Whether a run of letters is a common word: one the segmenter may split
   * into (ranked within maxRank; a one- or two-letter word only when it is
   * one of `shortPieces`). Case is ignored.
   */
  isCommonWord(letters: string): boolean;
}

export function createSegmenter(wordsByFrequency: readonly string[], options: SegmenterOptions = defaultSegmenterOptions): Segmenter {
  const cost = new Map<string, number>();
  // A token that is a word at any rank ("Assorted", "Colgate") is left whole.
  const known = new Set(wordsByFrequency.map((word) => word.toLowerCase()));
  const logCount = Math.log(wordsByFrequency.length);
  const short = new Set(options.shortPieces);
  let longest = 0;
  wordsByFrequency.slice(0, options.maxRank).forEach((word, rank) => {
    const lower = word.toLowerCase();
    if (cost.has(lower)) return;
    if (lower.length < options.minPieceLength && !short.has(lower)) return;
    cost.set(lower, Math.log((rank + 1) * logCount));
    longest = Math.max(longest, lower.length);
  });

  const splitLetters = (letters: string): string[] | undefined => {
    const lower = letters.toLowerCase();
    if (lower.length < options.minTokenLength || known.has(lower)) return undefined;
    // best[i]: cheapest segmentation of the first i letters.
    const best = new Float64Array(lower.length + 1).fill(Infinity);
    const from = new Int32Array(lower.length + 1).fill(-1);
    best[0] = 0;
    for (let end = 1; end <= lower.length; end++) {
      for (let start = Math.max(0, end - longest); start < end; start++) {
        const pieceCost = cost.get(lower.slice(start, end));
        if (pieceCost === undefined || best[start] === Infinity) continue;
        const total = best[start]! + pieceCost;
        if (total < best[end]!) {
          best[end] = total;
          from[end] = start;
        }
      }
    }
    if (best[lower.length] === Infinity) return undefined;
    const pieces: string[] = [];
    for (let end = lower.length; end > 0; end = from[end]!) pieces.unshift(letters.slice(from[end]!, end));
    return pieces.length > 1 ? pieces : undefined;
  };

  return {
    isCommonWord: (letters) => cost.has(letters.toLowerCase()),
    split(token) {
      // Letters and digits glued together ("3FOR", "BELOW18") part where the letters make a word.
      const runs = token.match(/\p{L}+|\p{N}+|[^\p{L}\p{N}]+/gu) ?? [token];
      const letterRuns = runs.filter((run) => /\p{L}/u.test(run));
      const separable = runs.length > 1 && runs.every((run) => /^(\p{L}+|\p{N}+)$/u.test(run)) && letterRuns.every((run) => run.length >= 3 && (known.has(run.toLowerCase()) || splitLetters(run)));
      const parts = separable ? runs : [token];
      return parts.flatMap((part) => (/^\p{L}+$/u.test(part) ? (splitLetters(part) ?? [part]) : [part]));
    },
  };
}
