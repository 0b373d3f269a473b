/**
 * Fitting and judging the caption confidence gate (src/engine/caption/gate.ts):
 * ridge-regularised logistic regression by Newton's method, k-fold
 * out-of-fold probabilities, and the curve the gate is judged by: captions
 * said against objects named that no reference mentions.
 */
import type { CaptionGate, GateSignalName } from '../engine/caption/gate';

export interface GateExample {
  /** Signal values, in the order of the fitted gate's `signals`. */
  x: number[];
  /** 1 when the caption names no object that the references leave out. */
  y: 0 | 1;
  /** COCO classes the caption names, and how many of them no reference mentions. */
  named: number;
  wrong: number;
}

export interface LogisticModel {
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
}

/** Standardise, then Newton-Raphson on the L2-penalised log-likelihood (bias not penalised). */
export function fitLogistic(examples: readonly Pick<GateExample, 'x' | 'y'>[], l2 = 1, iterations = 50): LogisticModel {
  const d = examples[0]?.x.length ?? 0;
  const n = examples.length;
  const mean = Array.from({ length: d }, (_, j) => examples.reduce((s, e) => s + e.x[j]!, 0) / n);
  const scale = Array.from({ length: d }, (_, j) => {
    const variance = examples.reduce((s, e) => s + (e.x[j]! - mean[j]!) ** 2, 0) / n;
    return variance > 1e-12 ? Math.sqrt(variance) : 1;
  });
  const rows = examples.map((e) => [1, ...e.x.map((v, j) => (v - mean[j]!) / scale[j]!)]);
  const theta = new Array<number>(d + 1).fill(0);
  for (let iteration = 0; iteration < iterations; iteration++) {
    const gradient = new Array<number>(d + 1).fill(0);
    const hessian = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    rows.forEach((row, i) => {
      const p = sigmoid(dot(theta, row));
      const residual = p - examples[i]!.y;
      const w = Math.max(p * (1 - p), 1e-9);
      for (let a = 0; a <= d; a++) {
        gradient[a]! += residual * row[a]!;
        for (let b = 0; b <= d; b++) hessian[a]![b]! += w * row[a]! * row[b]!;
      }
    });
    for (let a = 1; a <= d; a++) {
      gradient[a]! += l2 * theta[a]!;
      hessian[a]![a]! += l2;
    }
    const step = solve(hessian, gradient);
    let largest = 0;
    for (let a = 0; a <= d; a++) {
      theta[a]! -= step[a]!;
      largest = Math.max(largest, Math.abs(step[a]!));
    }
    if (largest < 1e-9) break;
  }
  return { mean, scale, weights: theta.slice(1), bias: theta[0]! };
}

export function predictLogistic(model: LogisticModel, x: readonly number[]): number {
  let z = model.bias;
  x.forEach((v, j) => {
    z += model.weights[j]! * ((v - model.mean[j]!) / model.scale[j]!);
  });
  return sigmoid(z);
}

/** Each example's probability from a model fitted without its fold (fold = index mod k, so the split is reproducible). */
export function outOfFold(examples: readonly GateExample[], folds: number, l2 = 1): number[] {
  const out = new Array<number>(examples.length).fill(0);
  for (let fold = 0; fold < folds; fold++) {
    const model = fitLogistic(examples.filter((_, i) => i % folds !== fold), l2);
    examples.forEach((e, i) => {
      if (i % folds === fold) out[i] = predictLogistic(model, e.x);
    });
  }
  return out;
}

export interface CurvePoint {
  /** Captions said: every example scoring at least `threshold`. */
  said: number;
  threshold: number;
  named: number;
  wrong: number;
  /** wrong / named: the share of named objects that no reference mentions. */
  wrongShare: number;
}

/** Captions said against wrong objects named, saying the highest-scoring first; one point per distinct score. */
export function gateCurve(examples: readonly GateExample[], scores: readonly number[]): CurvePoint[] {
  const order = examples.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const points: CurvePoint[] = [];
  let named = 0;
  let wrong = 0;
  order.forEach((index, rank) => {
    named += examples[index]!.named;
    wrong += examples[index]!.wrong;
    const next = order[rank + 1];
    if (next !== undefined && scores[next] === scores[index]) return;
    points.push({ said: rank + 1, threshold: scores[index]!, named, wrong, wrongShare: named === 0 ? 0 : wrong / named });
  });
  return points;
}

/** The most captions said without naming more wrong objects than `maxWrong`. */
export function mostSaidWithin(curve: readonly CurvePoint[], maxWrong: number): CurvePoint | undefined {
  let best: CurvePoint | undefined;
  for (const point of curve) if (point.wrong <= maxWrong && (!best || point.said > best.said)) best = point;
  return best;
}

/** The point that says `said` captions, or the first beyond it. */
export function pointAtSaid(curve: readonly CurvePoint[], said: number): CurvePoint | undefined {
  return curve.find((p) => p.said >= said);
}

export function toCaptionGate(signals: GateSignalName[], model: LogisticModel, threshold: number): CaptionGate {
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return {
    signals,
    mean: model.mean.map(round),
    scale: model.scale.map(round),
    weights: model.weights.map(round),
    bias: round(model.bias),
    threshold: round(threshold),
  };
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Gaussian elimination with partial pivoting: A x = b (A is small and positive definite here). */
function solve(matrix: number[][], vector: number[]): number[] {
  const n = vector.length;
  const a = matrix.map((row, i) => [...row, vector[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    if (Math.abs(p) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / p;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  return a.map((row, i) => (Math.abs(row[i]!) < 1e-12 ? 0 : row[n]! / row[i]!));
}
