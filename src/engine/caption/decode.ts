/**
 * Caption decoding, independent of the model: greedy and beam search over a
 * step function that owns the KV cache. Both mirror `greedy` and
 * `beam_search` in models/lightcap/model.py token for token, so the parity
 * test can compare the extension's captions with PyTorch's.
 */
import { EngineError, throwIfAborted } from '../errors';

export interface CaptionStepper {
  /**
   * Unnormalised next-token scores for each open hypothesis. `lastTokens[i]`
   * is hypothesis i's last token; `parents[i]` is the row of the previous
   * call's batch that it extends, so the stepper can reorder its cache.
   */
  step(lastTokens: readonly number[], parents: readonly number[], signal?: AbortSignal): Promise<Float32Array[]>;
}

export interface DecodeOptions {
  bos: number;
  eos: number;
  /** Words before the end is forced (beam) or decoding stops (greedy). */
  maxWords: number;
  /** 1 is greedy. */
  beamSize: number;
  /** Under-trained captioners loop ("a white shirt and a white shirt"). */
  blockRepeatedTrigrams: boolean;
  /** Tokens never emitted (padding, start, unknown). */
  suppress: readonly number[];
  /** Beam scores are divided by length^alpha; 0 keeps plain sums. */
  lengthAlpha: number;
}

export interface Hypothesis {
  /** Word tokens, without start and end. */
  tokens: number[];
  /** Sum of the model's log-probabilities of the tokens and of the end. */
  logProb: number;
  /** logProb per emitted token (end included): a length-fair confidence. */
  meanLogProb: number;
  /** Each emitted token's log-probability, then the end's when the caption ended (the confidence gate looks at the weakest). */
  tokenLogProbs: number[];
}

export async function decodeCaption(stepper: CaptionStepper, options: DecodeOptions, signal?: AbortSignal): Promise<Hypothesis> {
  return options.beamSize <= 1 ? greedySearch(stepper, options, signal) : beamSearch(stepper, options, signal);
}

export async function greedySearch(stepper: CaptionStepper, options: DecodeOptions, signal?: AbortSignal): Promise<Hypothesis> {
  const tokens: number[] = [];
  const tokenLogProbs: number[] = [];
  const rules = createTokenRules(options);
  let logProb = 0;
  let ended = false;
  let last = options.bos;
  for (let t = 0; t <= options.maxWords; t++) {
    throwIfAborted(signal);
    const [logits] = await stepper.step([last], t === 0 ? [] : [0], signal);
    const row = expectRow(logits);
    const logZ = logNormaliser(row);
    const next = rules.withBlocked(row, tokens, (excluded) => bestAllowed(row, excluded));
    const logp = row[next]! - logZ;
    logProb += logp;
    tokenLogProbs.push(logp);
    if (next === options.eos) {
      ended = true;
      break;
    }
    tokens.push(next);
    last = next;
  }
  return { tokens, logProb, meanLogProb: logProb / Math.max(1, tokens.length + (ended ? 1 : 0)), tokenLogProbs };
}

export async function beamSearch(stepper: CaptionStepper, options: DecodeOptions, signal?: AbortSignal): Promise<Hypothesis> {
  const { beamSize, eos, maxWords, lengthAlpha } = options;
  let beams: { tokens: number[]; logProb: number; steps: number[] }[] = [{ tokens: [], logProb: 0, steps: [] }];
  let parents: number[] = [];
  const finished: { rank: number; tokens: number[]; logProb: number; steps: number[] }[] = [];
  const rules = createTokenRules(options);

  for (let t = 0; t <= maxWords; t++) {
    throwIfAborted(signal);
    const rows = await stepper.step(
      beams.map((b) => b.tokens[b.tokens.length - 1] ?? options.bos),
      parents,
      signal,
    );
    const candidates: { logProb: number; step: number; beam: number; token: number }[] = [];
    beams.forEach((beam, b) => {
      const row = expectRow(rows[b]);
      const logZ = logNormaliser(row);
      // At the length limit only the end may follow.
      const survivors = rules.withBlocked(row, beam.tokens, (excluded) =>
        t === maxWords ? (excluded[eos] || row[eos] === -Infinity ? [] : [eos]) : topAllowed(row, excluded, beamSize + 1),
      );
      // Only the best beam+1 tokens of a row can survive the cut.
      for (const token of survivors) {
        const logp = row[token]! - logZ;
        candidates.push({ logProb: beam.logProb + logp, step: logp, beam: b, token });
      }
    });
    candidates.sort((a, b) => b.logProb - a.logProb);
    const next: typeof beams = [];
    const nextParents: number[] = [];
    for (const candidate of candidates) {
      const { tokens, steps } = beams[candidate.beam]!;
      if (candidate.token === eos) {
        finished.push({ rank: candidate.logProb / Math.max(1, tokens.length + 1) ** lengthAlpha, tokens, logProb: candidate.logProb, steps: [...steps, candidate.step] });
      } else {
        next.push({ tokens: [...tokens, candidate.token], logProb: candidate.logProb, steps: [...steps, candidate.step] });
        nextParents.push(candidate.beam);
      }
      if (next.length === beamSize) break;
    }
    // With alpha 0 scores only fall: once the best finished caption outscores every open beam,
    // nothing left open can end above it, so the result is already decided.
    if (finished.length > 0 && next.length > 0 && lengthAlpha === 0) {
      const bestDone = Math.max(...finished.map((f) => f.rank));
      if (Math.max(...next.map((b) => b.logProb)) < bestDone) break;
    }
    if (next.length === 0) break;
    beams = next;
    parents = nextParents;
  }
  const pool = finished.length > 0 ? finished : beams.map((b) => ({ rank: b.logProb, tokens: b.tokens, logProb: b.logProb, steps: b.steps }));
  let best = pool[0]!;
  for (const f of pool) if (f.rank > best.rank) best = f;
  const ended = finished.includes(best as (typeof finished)[number]);
  return {
    tokens: best.tokens,
    logProb: best.logProb,
    meanLogProb: best.logProb / Math.max(1, best.tokens.length + (ended ? 1 : 0)),
    tokenLogProbs: best.steps,
  };
}

/** Tokens that would repeat a trigram already in `tokens`. */
export function blockedByTrigram(tokens: readonly number[]): number[] {
  const n = tokens.length;
  if (n < 2) return [];
  const blocked: number[] = [];
  for (let i = 0; i + 2 < n; i++) if (tokens[i] === tokens[n - 2] && tokens[i + 1] === tokens[n - 1]) blocked.push(tokens[i + 2]!);
  return blocked;
}

/**
 * The tokens a hypothesis may not emit next, as a mask over the vocabulary:
 * the suppressed ones always, and (when asked) those that would repeat a
 * trigram of its own. One mask per decoding, so a step allocates nothing the
 * size of the vocabulary.
 */
function createTokenRules(options: DecodeOptions) {
  let mask: Uint8Array | undefined;
  return {
    withBlocked<T>(row: Float32Array, tokens: readonly number[], use: (excluded: Uint8Array) => T): T {
      mask ??= suppressionMask(options.suppress, row.length);
      const added = options.blockRepeatedTrigrams ? blockedByTrigram(tokens).filter((token) => mask![token] === 0) : [];
      for (const token of added) mask[token] = 1;
      try {
        return use(mask);
      } finally {
        for (const token of added) mask[token] = 0;
      }
    },
  };
}

/** Every row has the vocabulary's length; a suppressed token past it is kept out of the way rather than dropped. */
function suppressionMask(suppress: readonly number[], vocabulary: number): Uint8Array {
  const mask = new Uint8Array(Math.max(vocabulary, ...suppress.map((token) => token + 1)));
  for (const token of suppress) mask[token] = 1;
  return mask;
}

/**
 * log(sum(exp(logits))), in float64. Each token's log-probability is its
 * logit minus this; the order of the tokens is the order of their logits, so
 * the searches compare logits and normalise only the tokens they keep.
 */
function logNormaliser(logits: Float32Array): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  return max + Math.log(sum);
}

/** The best allowed token; the first one wins ties, and index 0 when none is allowed. */
function bestAllowed(logits: Float32Array, excluded: Uint8Array): number {
  let best = 0;
  let bestValue = excluded[0] ? -Infinity : logits[0]!;
  for (let i = 1; i < logits.length; i++) {
    if (excluded[i]) continue;
    if (logits[i]! > bestValue) {
      best = i;
      bestValue = logits[i]!;
    }
  }
  return best;
}

/** The k best allowed finite entries, best first; ties keep the lower index first (as torch.topk does on CPU in practice). */
function topAllowed(logits: Float32Array, excluded: Uint8Array, k: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i]!;
    if (v === -Infinity || excluded[i]) continue;
    if (top.length < k || v > logits[top[top.length - 1]!]!) {
      let at = top.length;
      while (at > 0 && logits[top[at - 1]!]! < v) at--;
      top.splice(at, 0, i);
      if (top.length > k) top.pop();
    }
  }
  return top;
}

function expectRow(row: Float32Array | undefined): Float32Array {
  if (!row) throw new EngineError('internal', 'the caption decoder returned fewer rows than hypotheses');
  return row;
}
