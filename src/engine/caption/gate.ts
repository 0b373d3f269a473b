/**
 * The confidence gate: whether a caption that passed the hallucination guard
 * may be said. A single floor on the mean token log-probability threw away
 * good captions and kept confident wrong ones, so the gate is a small
 * logistic model over several signals, fitted by scripts/fit-gate.ts to
 * "names no object that the references do not mention" on the dev sets, and
 * shipped as models/lightcap/gate.json next to the weights it was fitted for.
 */
import { EngineError } from '../errors';
import { englishObjectNames } from './guard';
import type { ObjectNames } from './object-names';

export const gateSignalNames = [
  /** Mean log-probability of the caption's tokens (the old floor's measure). */
  'meanLogProb',
  /** The weakest token: one unsure word ("a panda" → "a dog") hides in a confident mean. */
  'minTokenLogProb',
  /** Caption length in words. */
  'words',
  /** 1 when the guard had to re-decode: the model's first idea named something unseen. */
  'retried',
  /** The detector's weakest presence among the COCO classes the caption names (1 when it names none). */
  'namedPresence',
  /** Whether the caption names any COCO class at all. */
  'namesObjects',
  /** Share of the caption's words that are among the concept head's top words. */
  'conceptOverlap',
  /** The detector's strongest class presence: is there a clear subject at all? */
  'topPresence',
  /** How sharp the picture is (src/engine/image/sharpness.ts): a caption of a blurred photo is a guess. */
  'sharpness',
] as const;

export type GateSignalName = (typeof gateSignalNames)[number];
export type GateSignals = Record<GateSignalName, number>;

export interface CaptionGate {
  /** The signals, in the order of `mean`, `scale` and `weights`. */
  signals: GateSignalName[];
  /** Standardisation: (signal - mean) / scale. */
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
  /** A caption is said when its probability of naming only real objects is at least this. */
  threshold: number;
}

export interface GateInput {
  words: readonly string[];
  tokenLogProbs: readonly number[];
  meanLogProb: number;
  retried: boolean;
  classPresence: Float32Array;
  labels: readonly string[];
  conceptWords: readonly string[];
  /** The picture's sharpness (src/engine/image/sharpness.ts). */
  sharpness: number;
  /** How the caption's language names COCO classes; English by default. */
  names?: ObjectNames;
}

export function gateSignals(input: GateInput): GateSignals {
  const named = (input.names ?? englishObjectNames).namedClasses(input.words, input.labels).map(({ classIndex }) => input.classPresence[classIndex] ?? 0);
  const concepts = new Set(input.conceptWords);
  let topPresence = 0;
  for (const p of input.classPresence) if (p > topPresence) topPresence = p;
  return {
    meanLogProb: input.meanLogProb,
    minTokenLogProb: input.tokenLogProbs.length > 0 ? Math.min(...input.tokenLogProbs) : input.meanLogProb,
    words: input.words.length,
    retried: input.retried ? 1 : 0,
    namedPresence: named.length > 0 ? Math.min(...named) : 1,
    namesObjects: named.length > 0 ? 1 : 0,
    conceptOverlap: input.words.length > 0 ? input.words.filter((w) => concepts.has(w)).length / input.words.length : 0,
    topPresence,
    sharpness: input.sharpness,
  };
}

/** The gate's probability that the caption names only what is there. */
export function gateProbability(gate: CaptionGate, signals: GateSignals): number {
  let z = gate.bias;
  gate.signals.forEach((name, i) => {
    z += gate.weights[i]! * ((signals[name] - gate.mean[i]!) / gate.scale[i]!);
  });
  return 1 / (1 + Math.exp(-z));
}

/** Validates models/lightcap/gate.json: a malformed gate is a packaging error, not a reason to say every caption. */
export function parseCaptionGate(json: unknown): CaptionGate {
  const fail = (why: string): never => {
    throw new EngineError('model-load', `caption gate: ${why}`);
  };
  if (typeof json !== 'object' || json === null) return fail('not an object');
  const gate = json as Partial<CaptionGate>;
  const signals = gate.signals;
  if (!Array.isArray(signals) || signals.length === 0) return fail('no signals');
  for (const name of signals) if (!(gateSignalNames as readonly string[]).includes(name)) fail(`unknown signal "${String(name)}"`);
  for (const key of ['mean', 'scale', 'weights'] as const) {
    const values = gate[key];
    if (!Array.isArray(values) || values.length !== signals.length || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      fail(`${key} must hold ${signals.length} finite numbers`);
    }
  }
  if (gate.scale!.some((v) => v <= 0)) fail('scale must be positive');
  if (typeof gate.bias !== 'number' || !Number.isFinite(gate.bias)) fail('bias must be a finite number');
  if (typeof gate.threshold !== 'number' || !(gate.threshold >= 0 && gate.threshold <= 1)) fail('threshold must be within 0..1');
  return { signals, mean: gate.mean!, scale: gate.scale!, weights: gate.weights!, bias: gate.bias!, threshold: gate.threshold! };
}
