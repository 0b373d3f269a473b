/**
 * The LightCap caption model (models/lightcap): an encoder that turns the
 * detector's grid features and class presence into the decoder's memory,
 * and a one-step decoder with an explicit KV cache. Decoding strategy lives
 * in decode.ts; wording in tidy.ts.
 */
import type { FloatTensor, InferenceRuntime, ModelSession, PlainTensor } from '../runtime/ort';
import { floatTensor } from '../runtime/ort';
import type { ModelStore } from '../models';
import { folderOf, readJson } from '../models';
import { EngineError } from '../errors';
import { captionModelFileNames } from './manifest';
import type { CaptionModelManifest } from './manifest';
import { expandTables } from './tables';
import { decodeCaption } from './decode';
import type { CaptionStepper, DecodeOptions, Hypothesis } from './decode';

export interface CaptionInput {
  /** The detector's backbone grid, [1, 480, 16, 16] for CenterNet. */
  features: FloatTensor;
  /** Per-class maximum detector score, one per COCO class. */
  classPresence: Float32Array;
}

export interface CaptionRequest {
  beamSize?: number;
  /** Words the caption must not use (the hallucination guard's second try). */
  bannedWords?: readonly string[];
  signal?: AbortSignal;
}

export interface Concept {
  word: string;
  score: number;
}

export interface RawCaption extends Hypothesis {
  words: string[];
  encoderMs: number;
  decoderMs: number;
}

export interface CaptionModel {
  readonly manifest: CaptionModelManifest;
  readonly vocabulary: readonly string[];
  /** Runs the encoder once; the memory can be decoded several times. */
  encode(input: CaptionInput, signal?: AbortSignal): Promise<CaptionMemory>;
  decode(memory: CaptionMemory, request?: CaptionRequest): Promise<RawCaption>;
  release(): Promise<void>;
}

export interface CaptionMemory {
  readonly keys: FloatTensor;
  readonly values: FloatTensor;
  /**
   * The concept head's words, best first (empty for a model without concepts): the ones
   * the model read as tokens (`readConcepts`), then, from an encoder that reports them all
   * (all_concepts.py), every other concept it scores.
   */
  readonly concepts: Concept[];
  readonly encoderMs: number;
}

/** The concepts the model read as tokens: the first `conceptTokens` of `memory.concepts`. */
export function readConcepts(manifest: Pick<CaptionModelManifest, 'conceptTokens'>, memory: Pick<CaptionMemory, 'concepts'>): Concept[] {
  return memory.concepts.slice(0, manifest.conceptTokens ?? memory.concepts.length);
}

/** The files loadCaptionModel reads after the model's manifest, as models-root paths. */
export async function captionModelFiles(store: ModelStore, manifestPath: string, signal?: AbortSignal): Promise<string[]> {
  const manifest = await readJson<CaptionModelManifest>(store, manifestPath, signal);
  const folder = folderOf(manifestPath);
  return captionModelFileNames(manifest).map((file) => folder + file);
}

export async function loadCaptionModel(runtime: InferenceRuntime, store: ModelStore, manifestPath: string, signal?: AbortSignal): Promise<CaptionModel> {
  const manifest = await readJson<CaptionModelManifest>(store, manifestPath, signal);
  const folder = folderOf(manifestPath);
  const vocabulary = await readJson<string[]>(store, folder + manifest.vocabulary, signal);
  if (vocabulary.length !== manifest.vocabSize) {
    throw new EngineError('model-load', `caption vocabulary has ${vocabulary.length} words, the manifest says ${manifest.vocabSize}`);
  }
  const session = async (name: string, file: string) => {
    const tables = manifest.tables?.[file];
    const model = await store.bytes(folder + file, signal);
    const externalData = tables ? [expandTables(await store.bytes(folder + tables.file, signal), tables, folder + tables.file)] : undefined;
    return runtime.createSession(name, model, signal, { graphOptimization: manifest.graphOptimization, externalData });
  };
  const encoder = await session('caption encoder', manifest.encoder);
  const decoder = await session('caption decoder', manifest.decoder);
  const index = new Map(vocabulary.map((word, id) => [word, id]));

  return {
    manifest,
    vocabulary,
    async encode(input, signal) {
      const started = performance.now();
      const out = await encoder.run(
        { features: input.features, class_presence: floatTensor(input.classPresence, [1, input.classPresence.length]) },
        signal,
      );
      const keys = expectFloat(out.memory_keys, 'memory_keys');
      const values = expectFloat(out.memory_values, 'memory_values');
      const concepts: Concept[] = [];
      if (out.concept_ids && out.concept_scores) {
        const ids = out.concept_ids.data;
        const scores = expectFloat(out.concept_scores, 'concept_scores').data;
        for (let i = 0; i < ids.length; i++) concepts.push({ word: vocabulary[Number(ids[i])] ?? '<unk>', score: scores[i]! });
      }
      return { keys, values, concepts, encoderMs: performance.now() - started };
    },
    async decode(memory, request = {}) {
      const started = performance.now();
      const banned = (request.bannedWords ?? []).flatMap((word) => {
        const id = index.get(word);
        return id === undefined ? [] : [id];
      });
      const options: DecodeOptions = {
        bos: manifest.specialTokens.bos,
        eos: manifest.specialTokens.eos,
        maxWords: manifest.decoding.maxWords,
        beamSize: request.beamSize ?? manifest.decoding.beamSize,
        blockRepeatedTrigrams: manifest.decoding.blockRepeatedTrigrams,
        suppress: [...manifest.decoding.suppressTokens, ...banned],
        lengthAlpha: manifest.decoding.lengthAlpha,
      };
      const hypothesis = await decodeCaption(createStepper(decoder, manifest, memory), options, request.signal);
      return {
        ...hypothesis,
        words: hypothesis.tokens.map((id) => vocabulary[id] ?? '<unk>'),
        encoderMs: memory.encoderMs,
        decoderMs: performance.now() - started,
      };
    },
    async release() {
      await Promise.all([encoder.release(), decoder.release()]);
    },
  };
}

/** Keeps the self-attention cache between steps, reordered as beams are kept or dropped. */
function createStepper(decoder: ModelSession, manifest: CaptionModelManifest, memory: CaptionMemory): CaptionStepper {
  const { layers, heads, headDim, vocabSize } = manifest;
  let pastKeys = floatTensor(new Float32Array(0), [layers, 1, heads, 0, headDim]);
  let pastValues = pastKeys;
  // A decoder that returns only the new position (step_cache.py): its keys and values from the last step.
  let lastStep: { keys: FloatTensor; values: FloatTensor } | undefined;
  const tiled = new Map<number, { keys: FloatTensor; values: FloatTensor }>();
  // The next step's cache only lives until ort has copied it in, so steps write it into reused buffers:
  // two pairs in turn when the new cache is made from the one before it.
  const scratch: ({ keys: Float32Array; values: Float32Array } | undefined)[] = [undefined, undefined];
  let turn = 0;
  const scratchFor = (batch: number, length: number) => {
    turn = manifest.decoderReturnsStep ? 1 - turn : 0;
    const current = scratch[turn];
    if (current && current.keys.length >= layers * batch * heads * length * headDim) return current;
    // Room for the longest caption, so a decoding allocates it once.
    const size = layers * batch * heads * Math.max(length, manifest.decoding.maxWords + 1) * headDim;
    return (scratch[turn] = { keys: new Float32Array(size), values: new Float32Array(size) });
  };

  return {
    async step(lastTokens, parents, signal) {
      const batch = lastTokens.length;
      if (parents.length > 0 && lastStep) {
        const into = scratchFor(parents.length, pastKeys.dims[3]! + 1);
        pastKeys = appendStep(pastKeys, lastStep.keys, parents, into.keys);
        pastValues = appendStep(pastValues, lastStep.values, parents, into.values);
      } else if (parents.length > 0) {
        const into = scratchFor(parents.length, pastKeys.dims[3]!);
        pastKeys = selectRows(pastKeys, parents, into.keys);
        pastValues = selectRows(pastValues, parents, into.values);
      }
      let prefix = manifest.decoderBroadcastsMemory ? memory : tiled.get(batch);
      if (!prefix) {
        prefix = { keys: tileRows(memory.keys, batch), values: tileRows(memory.values, batch) };
        tiled.set(batch, prefix);
      }
      const ids: PlainTensor = { type: 'int64', data: BigInt64Array.from(lastTokens, (t) => BigInt(t)), dims: [batch, 1] };
      const out = await decoder.run(
        { input_ids: ids, memory_keys: prefix.keys, memory_values: prefix.values, past_keys: pastKeys, past_values: pastValues },
        signal,
      );
      if (manifest.decoderReturnsStep) {
        lastStep = { keys: expectFloat(out.step_keys, 'step_keys'), values: expectFloat(out.step_values, 'step_values') };
      } else {
        pastKeys = expectFloat(out.present_keys, 'present_keys');
        pastValues = expectFloat(out.present_values, 'present_values');
      }
      const logits = expectFloat(out.logits, 'logits').data;
      return Array.from({ length: batch }, (_, row) => logits.subarray(row * vocabSize, (row + 1) * vocabSize));
    },
  };
}

/**
 * The next step's cache from a decoder that returns only the new position: for each kept row, in
 * order, its [L, ·, H, T, dh] cache followed by its [L, ·, H, 1, dh] new keys (or values), written at
 * the start of `scratch` when one is given (it must be neither input's data).
 */
export function appendStep(past: FloatTensor, step: FloatTensor, rows: readonly number[], scratch?: Float32Array): FloatTensor {
  const [layers, batch, heads, length, headDim] = past.dims as [number, number, number, number, number];
  if (step.dims.join() !== [layers, batch, heads, 1, headDim].join()) {
    throw new EngineError('internal', `the decoder's new position is ${step.dims.join('x')}, its cache ${past.dims.join('x')}`);
  }
  const size = layers * rows.length * heads * (length + 1) * headDim;
  if (scratch && (scratch.length < size || scratch.buffer === past.data.buffer || scratch.buffer === step.data.buffer)) {
    throw new EngineError('internal', `cache scratch of ${scratch.length} values cannot take ${size} values of this cache`);
  }
  const out = scratch ? scratch.subarray(0, size) : new Float32Array(size);
  const span = length * headDim;
  for (let l = 0; l < layers; l++) {
    rows.forEach((row, j) => {
      if (row < 0 || row >= batch) throw new EngineError('internal', `cache row ${row} out of range 0..${batch - 1}`);
      for (let h = 0; h < heads; h++) {
        const from = (l * batch + row) * heads + h;
        const to = ((l * rows.length + j) * heads + h) * (span + headDim);
        out.set(past.data.subarray(from * span, (from + 1) * span), to);
        out.set(step.data.subarray(from * headDim, (from + 1) * headDim), to + span);
      }
    });
  }
  return floatTensor(out, [layers, rows.length, heads, length + 1, headDim]);
}

/** Repeats a batch-1 cache [L, 1, H, T, dh] n times along the batch axis. */
export function tileRows(tensor: FloatTensor, n: number): FloatTensor {
  return selectRows(tensor, Array.from({ length: n }, () => 0));
}

/**
 * Keeps (and repeats, in order) the given batch rows of a [L, B, H, T, dh] cache,
 * written at the start of `scratch` when one is given (it must not be the tensor's own data).
 */
export function selectRows(tensor: FloatTensor, rows: readonly number[], scratch?: Float32Array): FloatTensor {
  const [layers, batch, heads, length, headDim] = tensor.dims as [number, number, number, number, number];
  if (rows.length === batch && rows.every((r, i) => r === i)) return tensor;
  const block = heads * length * headDim;
  const size = layers * rows.length * block;
  if (scratch && (scratch.length < size || scratch.buffer === tensor.data.buffer)) {
    throw new EngineError('internal', `cache scratch of ${scratch.length} values cannot take ${size} values of this tensor`);
  }
  const out = scratch ? scratch.subarray(0, size) : new Float32Array(size);
  for (let l = 0; l < layers; l++) {
    rows.forEach((row, j) => {
      if (row < 0 || row >= batch) throw new EngineError('internal', `cache row ${row} out of range 0..${batch - 1}`);
      out.set(tensor.data.subarray((l * batch + row) * block, (l * batch + row + 1) * block), (l * rows.length + j) * block);
    });
  }
  return floatTensor(out, [layers, rows.length, heads, length, headDim]);
}

function expectFloat(tensor: PlainTensor | undefined, name: string): FloatTensor {
  if (!tensor || tensor.type !== 'float32' || !(tensor.data instanceof Float32Array)) {
    throw new EngineError('inference', `the caption model did not return a float32 "${name}"`);
  }
  return floatTensor(tensor.data, tensor.dims);
}
