import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gateProbability, gateSignalNames, gateSignals, parseCaptionGate } from '../../src/engine/caption/gate';
import type { CaptionGate } from '../../src/engine/caption/gate';
import { fitLogistic, gateCurve, mostSaidWithin, outOfFold, pointAtSaid, predictLogistic } from '../../src/eval/gate-fit';
import type { GateExample } from '../../src/eval/gate-fit';

const labels = ['person', 'bicycle', 'dog', 'bear'];

function presence(values: Record<string, number>): Float32Array {
  return Float32Array.from(labels, (l) => values[l] ?? 0);
}

describe('gate signals', () => {
  it('reads the weakest token, the named objects and the concept overlap of a real caption', () => {
    const signals = gateSignals({
      words: ['a', 'brown', 'dog', 'is', 'running', 'on', 'the', 'grass'],
      tokenLogProbs: [-0.1, -1.9, -0.4, -0.2, -0.8, -0.6, -0.1, -0.3, -0.05],
      meanLogProb: -0.495,
      retried: true,
      classPresence: presence({ dog: 0.31, bear: 0.62, person: 0.02 }),
      labels,
      conceptWords: ['dog', 'grass', 'brown', 'field'],
      sharpness: 2.4,
    });
    expect(signals).toEqual({
      meanLogProb: -0.495,
      minTokenLogProb: -1.9,
      words: 8,
      retried: 1,
      namedPresence: expect.closeTo(0.31, 5) as number,
      namesObjects: 1,
      conceptOverlap: 3 / 8,
      topPresence: expect.closeTo(0.62, 5) as number,
      sharpness: 2.4,
    });
  });

  it('takes the weakest presence when several objects are named, and 1 when none is', () => {
    const base = { tokenLogProbs: [-0.5], meanLogProb: -0.5, retried: false, labels, conceptWords: [], sharpness: 2 };
    const both = gateSignals({ ...base, words: ['a', 'man', 'rides', 'a', 'bike', 'with', 'his', 'dog'], classPresence: presence({ person: 0.9, bicycle: 0.4, dog: 0.08 }) });
    expect(both.namedPresence).toBeCloseTo(0.08, 5);
    const none = gateSignals({ ...base, words: ['a', 'view', 'of', 'the', 'mountains'], classPresence: presence({}) });
    expect(none).toMatchObject({ namedPresence: 1, namesObjects: 0, topPresence: 0, conceptOverlap: 0 });
  });
});

describe('gate probability and parsing', () => {
  const gate: CaptionGate = { signals: ['meanLogProb', 'namedPresence'], mean: [-1, 0.5], scale: [0.5, 0.25], weights: [2, 1], bias: -0.5, threshold: 0.6 };

  it('is the logistic of the standardised signals', () => {
    const signals = gateSignals({ words: ['a', 'dog'], tokenLogProbs: [-0.5, -0.5, -0.5], meanLogProb: -0.5, retried: false, classPresence: presence({ dog: 0.75 }), labels, conceptWords: [], sharpness: 2 });
    const z = -0.5 + 2 * ((-0.5 + 1) / 0.5) + 1 * ((0.75 - 0.5) / 0.25);
    expect(gateProbability(gate, signals)).toBeCloseTo(1 / (1 + Math.exp(-z)), 6);
  });

  it('accepts the shipped gate and refuses malformed ones', () => {
    const shipped = parseCaptionGate(JSON.parse(readFileSync('models/lightcap/gate.json', 'utf8')));
    expect(shipped.threshold).toBeGreaterThan(0);
    expect(parseCaptionGate(gate)).toEqual(gate);
    expect(() => parseCaptionGate({ ...gate, signals: ['vibes'] })).toThrow(/unknown signal/);
    expect(() => parseCaptionGate({ ...gate, weights: [1] })).toThrow(/weights/);
    expect(() => parseCaptionGate({ ...gate, scale: [0, 1] })).toThrow(/scale/);
    expect(() => parseCaptionGate({ ...gate, threshold: 1.5 })).toThrow(/threshold/);
    expect(() => parseCaptionGate(null)).toThrow(/not an object/);
  });

  it('ships each gate with the signals its training script fits, so npm run model:train reproduces it', () => {
    for (const [script, gatePath] of [
      ['models/lightcap/train_all.sh', 'models/lightcap/gate.json'],
      ['models/lightcap/train_de.sh', 'models/lightcap-de/gate.json'],
    ] as const) {
      // The fit-gate command may continue over several lines.
      const command = readFileSync(script, 'utf8').replace(/\\\n/g, ' ').split('\n').find((line) => line.includes('scripts/fit-gate.ts'));
      expect(command, script).toBeDefined();
      const listed = / --signals ([\w,]+)/.exec(command!)?.[1]?.split(',') ?? [...gateSignalNames];
      expect(parseCaptionGate(JSON.parse(readFileSync(gatePath, 'utf8'))).signals, gatePath).toEqual(listed);
    }
  });
});

describe('gate fitting', () => {
  // One informative signal (wrong captions score low) and one of noise.
  const examples: GateExample[] = Array.from({ length: 200 }, (_, i) => {
    const informative = ((i * 37) % 100) / 100;
    const noise = ((i * 53) % 97) / 97;
    const y = informative + 0.3 * (noise - 0.5) > 0.45 ? 1 : 0;
    return { x: [informative, noise], y, named: 1, wrong: 1 - y };
  });

  it('learns which signal matters and predicts the labels', () => {
    const model = fitLogistic(examples, 0.1);
    expect(Math.abs(model.weights[0]!)).toBeGreaterThan(3 * Math.abs(model.weights[1]!) - 1e-9);
    expect(model.weights[0]).toBeGreaterThan(0);
    const accuracy = examples.filter((e) => (predictLogistic(model, e.x) >= 0.5 ? 1 : 0) === e.y).length / examples.length;
    expect(accuracy).toBeGreaterThan(0.9);
  });

  it('scores every example with a model that did not see it', () => {
    const oof = outOfFold(examples, 5, 0.1);
    expect(oof).toHaveLength(examples.length);
    expect(oof.every((p) => p > 0 && p < 1)).toBe(true);
    const inSample = fitLogistic(examples, 0.1);
    // Out of fold differs from in sample: each fold's model is fitted without it.
    expect(oof.some((p, i) => Math.abs(p - predictLogistic(inSample, examples[i]!.x)) > 1e-6)).toBe(true);
  });

  it('draws the said / wrong curve from the most trusted caption down', () => {
    const small: GateExample[] = [
      { x: [], y: 1, named: 1, wrong: 0 },
      { x: [], y: 0, named: 2, wrong: 1 },
      { x: [], y: 1, named: 0, wrong: 0 },
      { x: [], y: 0, named: 1, wrong: 1 },
    ];
    const curve = gateCurve(small, [0.9, 0.4, 0.7, 0.4]);
    expect(curve).toEqual([
      { said: 1, threshold: 0.9, named: 1, wrong: 0, wrongShare: 0 },
      { said: 2, threshold: 0.7, named: 1, wrong: 0, wrongShare: 0 },
      // Tied scores are said together.
      { said: 4, threshold: 0.4, named: 4, wrong: 2, wrongShare: 0.5 },
    ]);
    expect(mostSaidWithin(curve, 0)?.said).toBe(2);
    expect(mostSaidWithin(curve, 5)?.said).toBe(4);
    expect(pointAtSaid(curve, 3)?.said).toBe(4);
  });
});
