/**
 * Timing-only reference: a model shaped like Firefox's image captioner
 * "distilvit" (ViT-B/16 encoder + DistilGPT2 decoder with cross-attention),
 * with random weights, exported by models/tools/distilvit_shape.py. Its
 * outputs mean nothing; this only measures how long the architecture takes in
 * a given runtime, so that our captioner can be compared with it.
 *
 * Pure TS: the caller passes `readBytes` (node:fs in scripts, fetch in a page).
 */
import { EngineError } from '../../src/engine/errors';
import { floatTensor } from '../../src/engine/runtime/ort';
import type { FloatTensor, InferenceRuntime, ModelSession, PlainTensor } from '../../src/engine/runtime/ort';

const IMAGE = 224;
const LAYERS = 6;
const HEADS = 12;
const HEAD_DIM = 64;
/** GPT-2's <|endoftext|>, distilvit's decoder_start_token_id. */
const START_TOKEN = 50256;

export interface DistilvitTimingOptions {
  runs: number;
  /** Greedy steps per caption; EOS is ignored, every caption is exactly this long. */
  tokens: number;
  /** Untimed captions before the timed runs (default 0). */
  warmup?: number;
}

export interface DistilvitTimings {
  /** One per run. */
  encoderMs: number[];
  /** One per decoder step, all runs in order (runs × tokens). */
  decoderStepMs: number[];
  /** One per run: encoder plus every step, including the glue between them. */
  captionMs: number[];
  /** Reading and session creation, once, for information. */
  loadMs: { read: number; encoderSession: number; decoderSession: number };
}

export async function timeDistilvitShape(
  runtime: InferenceRuntime,
  folder: string,
  options: DistilvitTimingOptions,
  readBytes: (path: string) => Promise<Uint8Array>,
): Promise<DistilvitTimings> {
  const { runs, tokens } = options;
  const warmup = options.warmup ?? 0;
  for (const [name, value, min] of [['runs', runs, 1], ['tokens', tokens, 1], ['warmup', warmup, 0]] as const) {
    if (!Number.isInteger(value) || value < min) {
      throw new EngineError('invalid-option', `${name} must be an integer ≥ ${min}, got ${value}`);
    }
  }
  const base = folder.endsWith('/') ? folder : `${folder}/`;

  // One file at a time, so that its bytes can be collected once the session holds the model.
  const load = async (file: 'encoder' | 'decoder') => {
    const readStart = performance.now();
    const bytes = await readBytes(`${base}${file}.onnx`);
    const sessionStart = performance.now();
    const session = await runtime.createSession(`distilvit-shape ${file}`, bytes);
    return { session, readMs: sessionStart - readStart, sessionMs: performance.now() - sessionStart };
  };
  const enc = await load('encoder');
  const encoder = enc.session;
  let decoder: ModelSession | undefined;
  try {
    const dec = await load('decoder');
    decoder = dec.session;
    const loadMs = { read: enc.readMs + dec.readMs, encoderSession: enc.sessionMs, decoderSession: dec.sessionMs };
    // The exporter writes one of two variants: cross-attention K/V computed once
    // by the encoder (as transformers.js caches them), or recomputed per step.
    const cachedCross = decoder.inputNames.includes('cross_keys');

    const pixels = floatTensor(randomPixels(0x5eed), [1, 3, IMAGE, IMAGE]);
    const timings: DistilvitTimings = {
      encoderMs: [],
      decoderStepMs: [],
      captionMs: [],
      loadMs,
    };
    for (let run = 0; run < warmup + runs; run++) {
      const timed = run >= warmup;
      const captionStart = performance.now();
      const encoded = await encoder.run({ pixel_values: pixels });
      const encoderEnd = performance.now();
      const cross: Record<string, FloatTensor> = cachedCross
        ? { cross_keys: asFloat(encoded, 'cross_keys'), cross_values: asFloat(encoded, 'cross_values') }
        : { encoder_hidden_states: asFloat(encoded, 'encoder_hidden_states') };
      let pastKeys = floatTensor(new Float32Array(0), [LAYERS, 1, HEADS, 0, HEAD_DIM]);
      let pastValues = pastKeys;
      let token = START_TOKEN;
      const steps: number[] = [];
      for (let step = 0; step < tokens; step++) {
        const input_ids: PlainTensor = { type: 'int64', data: BigInt64Array.of(BigInt(token)), dims: [1, 1] };
        const stepStart = performance.now();
        const out = await decoder.run({ input_ids, ...cross, past_keys: pastKeys, past_values: pastValues });
        steps.push(performance.now() - stepStart);
        token = argmax(asFloat(out, 'logits').data);
        pastKeys = asFloat(out, 'present_keys');
        pastValues = asFloat(out, 'present_values');
      }
      const captionEnd = performance.now();
      if (timed) {
        timings.encoderMs.push(encoderEnd - captionStart);
        timings.decoderStepMs.push(...steps);
        timings.captionMs.push(captionEnd - captionStart);
      }
    }
    return timings;
  } finally {
    await encoder.release();
    await decoder?.release();
  }
}

function asFloat(outputs: Record<string, PlainTensor>, name: string): FloatTensor {
  const t = outputs[name];
  if (!t || t.type !== 'float32' || !(t.data instanceof Float32Array)) {
    throw new EngineError('internal', `distilvit-shape: output "${name}" is missing or not float32`);
  }
  return floatTensor(t.data, t.dims);
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) {
    if (values[i]! > values[best]!) best = i;
  }
  return best;
}

/** A fixed pseudo-random normalised image in [-1, 1] (mulberry32). */
function randomPixels(seed: number): Float32Array {
  const out = new Float32Array(3 * IMAGE * IMAGE);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}
