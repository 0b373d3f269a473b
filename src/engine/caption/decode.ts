/**
 * Caption decoding, independent of the model: greedy and beam search over a
 * `step` function, with a length limit and no-repeat n-grams (under-trained
 * captioners loop: "a white shirt and a white shirt").
 */
export interface DecodeStep<State> {
  /**
   * Log-probabilities of the next token for each hypothesis, given the last
   * token of each and their states (the KV cache). Returns the new states.
   */
  (lastTokens: readonly number[], states: readonly State[]): Promise<{ logProbs: Float32Array[]; states: State[] }>;
}

export interface DecodeOptions {
  bos: number;
  eos: number;
  maxTokens: number;
  beamSize: number;
  /** Forbid repeating any n-gram of this size; 0 turns it off. */
  noRepeatNgram: number;
  /** Tokens never emitted (padding, unknown). */
  banned: readonly number[];
  /** Beam scores are divided by length^alpha so short captions do not always win. */
  lengthPenalty: number;
}

export interface Hypothesis {
  tokens: number[];
  /** Sum of log-probabilities. */
  score: number;
}

export async function beamSearch<State>(step: DecodeStep<State>, initial: State, options: DecodeOptions, signal?: AbortSignal): Promise<Hypothesis> {
  interface Beam {
    tokens: number[];
    score: number;
    state: State;
  }
  let beams: Beam[] = [{ tokens: [], score: 0, state: initial }];
  const finished: Hypothesis[] = [];
  const normalised = (h: Hypothesis) => h.score / Math.max(1, h.tokens.length) ** options.lengthPenalty;

  for (let t = 0; t < options.maxTokens && beams.length > 0; t++) {
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    const { logProbs, states } = await step(
      beams.map((b) => b.tokens[b.tokens.length - 1] ?? options.bos),
      beams.map((b) => b.state),
    );
    const candidates: { beam: number; token: number; score: number }[] = [];
    beams.forEach((beam, b) => {
      const scores = logProbs[b]!;
      const blocked = blockedTokens(beam.tokens, options.noRepeatNgram);
      for (const token of options.banned) blocked.add(token);
      // Only the top few tokens of each beam can matter.
      for (const token of topK(scores, options.beamSize * 2, blocked)) {
        candidates.push({ beam: b, token, score: beam.score + scores[token]! });
      }
    });
    candidates.sort((a, b) => b.score - a.score);
    const next: Beam[] = [];
    for (const candidate of candidates) {
      const parent = beams[candidate.beam]!;
      if (candidate.token === options.eos) {
        if (parent.tokens.length > 0) finished.push({ tokens: parent.tokens, score: candidate.score });
      } else {
        next.push({ tokens: [...parent.tokens, candidate.token], score: candidate.score, state: states[candidate.beam]! });
      }
      if (next.length >= options.beamSize) break;
    }
    beams = next;
    // Stop once no open beam can beat the best finished one.
    const best = finished.length > 0 ? Math.max(...finished.map(normalised)) : -Infinity;
    if (finished.length >= options.beamSize && beams.every((b) => normalised(b) < best)) break;
  }
  for (const beam of beams) finished.push({ tokens: beam.tokens, score: beam.score });
  finished.sort((a, b) => normalised(b) - normalised(a));
  return finished[0] ?? { tokens: [], score: -Infinity };
}

/** Tokens that would complete an n-gram already present in `tokens`. */
export function blockedTokens(tokens: readonly number[], n: number): Set<number> {
  const blocked = new Set<number>();
  if (n <= 0 || tokens.length < n - 1) return blocked;
  const prefix = tokens.slice(tokens.length - (n - 1)).join(',');
  for (let i = 0; i + n <= tokens.length; i++) {
    if (tokens.slice(i, i + n - 1).join(',') === prefix) blocked.add(tokens[i + n - 1]!);
  }
  return blocked;
}

function topK(scores: Float32Array, k: number, blocked: ReadonlySet<number>): number[] {
  const best: number[] = [];
  for (let token = 0; token < scores.length; token++) {
    if (blocked.has(token) || !Number.isFinite(scores[token]!)) continue;
    if (best.length < k) {
      best.push(token);
      best.sort((a, b) => scores[b]! - scores[a]!);
    } else if (scores[token]! > scores[best[k - 1]!]!) {
      best[k - 1] = token;
      best.sort((a, b) => scores[b]! - scores[a]!);
    }
  }
  return best;
}
