/**
 * Trunk comparison for LightCap: CenterNet's MobileNetV3 (what the captioner uses now)
 * against nsfwjs 4.4.0's MobileNetV2 and InceptionV3, converted to ONNX by
 * models/tools/nsfwjs_to_onnx.py (which drives models/tools/tfjs_to_onnx.py).
 *
 *   npx tsx models/tools/trunk_compare.ts parity   [--count 3]
 *   npx tsx models/tools/trunk_compare.ts features --trunk mobilenet_v2 --data ../shared/data/captions-dev --split dev
 *   npx tsx models/tools/trunk_compare.ts features --trunk mobilenet_v2 --data ../shared/data/flickr8k-train --split train
 *   npx tsx models/tools/trunk_compare.ts features --trunk mobilenet_v2 --data ../shared/data/captions-dev --split dev224 --via 224
 *   npx tsx models/tools/trunk_compare.ts features --trunk mobilenet_v2 --norm keras ...   # [-1,1] input, written as <trunk>-keras
 *   npx tsx models/tools/trunk_compare.ts features --trunk mobilenet_v2 --tokens ...       # also the 8x8 tokens (below)
 *   npx tsx models/tools/trunk_compare.ts latency  --backend wasm|native [--count 20]
 *
 * Models are read from /tmp/trunk-compare/nsfwjs_<trunk>.onnx (see nsfwjs_to_onnx.py)
 * and models/detector/centernet.onnx. Everything is written under --out
 * (default /tmp/trunk-compare), never into the repository.
 *
 * parity:   nsfwjs itself (tfjs 4.22, pure-JS CPU backend) against the ONNX in
 *           onnxruntime-node, on the same 0..255 NHWC tensor: class probabilities
 *           and the feature map. Also nsfwjs's own resize (align-corners bilinear
 *           from the decoded photo) against the engine's imageToTensor (half-pixel).
 * features: per image, the trunk's last feature map [C,H,W] from onnxruntime-node,
 *           1 thread. Writes two nn_baseline.py-compatible folders:
 *             OUT/<trunk>/SPLIT.grid.npy       float16 [N, 1, C]   global average
 *             OUT/<trunk>-2x2/SPLIT.grid.npy   float16 [N, 1, 4C]  2x2 adaptive average grid, flattened (cell-major)
 *             SPLIT.presence.npy float32 [N, 80] zeros; SPLIT.index.json {files, ...}
 *           With --tokens, also OUT/<trunk>-tokens8/SPLIT.aux.npy float16 [N, 64, C], the map on the
 *           caption's 8x8 grid, token-major, for train.py --aux beside lightcap_features.ts's grid (align
 *           rows by file name). Opt-in: held for the whole split, it is 64 vectors per image (3.0 GB of
 *           float32 for InceptionV3's 2,048 channels on flickr8k-train).
 * latency:  median ms per image of ModelSession.run (preprocessed tensor in, outputs out),
 *           createNodeRuntime(backend, 1), models interleaved per image.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { decodeImageNode } from '../../src/engine/node/decode';
import { imageToTensor } from '../../src/engine/image/tensor';
import type { TensorSpec } from '../../src/engine/image/tensor';
import { createNodeRuntime } from '../../src/engine/node/node-engine';
import type { NodeBackend } from '../../src/engine/node/node-engine';
import { floatTensor } from '../../src/engine/runtime/ort';
import type { ModelSession } from '../../src/engine/runtime/ort';
import type { Tensor } from '@tensorflow/tfjs';
import type { RgbaImage } from '../../src/engine/image/types';
import { npyBytes, toHalf } from './npy';

interface CaptionsFile {
  images: Array<{ id: number; file_name: string }>;
}

interface Trunk {
  name: string;
  file: string;
  size: number;
  spec: TensorSpec;
  featureOutput: string;
}

const OUT_DEFAULT = '/tmp/trunk-compare';
const NSFW_SPEC: TensorSpec = { channelOrder: 'rgb', layout: 'nchw', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] };
/** Keras applications' own preprocess_input for MobileNetV2/InceptionV3 ([-1, 1]); an extra variant, not what nsfwjs feeds. */
const IMAGENET_SPEC: TensorSpec = { channelOrder: 'rgb', layout: 'nchw', scale: 2 / 255, mean: [1, 1, 1], std: [1, 1, 1] };
const CENTERNET_SPEC: TensorSpec = { channelOrder: 'rgb', layout: 'nchw', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] };

function trunks(out: string): Record<string, Trunk> {
  return {
    centernet: { name: 'centernet', file: 'models/detector/centernet.onnx', size: 512, spec: CENTERNET_SPEC, featureOutput: 'features' },
    mobilenet_v2: { name: 'mobilenet_v2', file: join(out, 'nsfwjs_mobilenet_v2.onnx'), size: 224, spec: NSFW_SPEC, featureOutput: 'features' },
    inception_v3: { name: 'inception_v3', file: join(out, 'nsfwjs_inception_v3.onnx'), size: 299, spec: NSFW_SPEC, featureOutput: 'features' },
  };
}

function arg(argv: readonly string[], flag: string, fallback: string): string {
  const index = argv.indexOf(flag);
  return index >= 0 && argv[index + 1] !== undefined ? argv[index + 1]! : fallback;
}

function loadImages(data: string, limit: number): CaptionsFile['images'] {
  const captions = JSON.parse(readFileSync(join(data, 'captions.json'), 'utf8')) as CaptionsFile;
  return limit > 0 ? captions.images.slice(0, limit) : captions.images;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

/** Cells of an adaptive average pool to side x side (PyTorch's bins: floor start, ceil end), row-major. */
function adaptiveCells(side: number, H: number, W: number): Array<[number, number, number, number]> {
  const cells: Array<[number, number, number, number]> = [];
  for (let gy = 0; gy < side; gy++) {
    for (let gx = 0; gx < side; gx++) {
      cells.push([Math.floor((gy * H) / side), Math.ceil(((gy + 1) * H) / side), Math.floor((gx * W) / side), Math.ceil(((gx + 1) * W) / side)]);
    }
  }
  return cells;
}

/** The map [C,H,W] averaged over each cell, written cell-major ([cells, C]). */
function poolCells(map: Float32Array, C: number, H: number, W: number, cells: Array<[number, number, number, number]>): Float32Array {
  const out = new Float32Array(cells.length * C);
  for (let c = 0; c < C; c++) {
    const plane = c * H * W;
    cells.forEach(([y0, y1, x0, x1], k) => {
      let s = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) s += map[plane + y * W + x]!;
      out[k * C + c] = s / ((y1 - y0) * (x1 - x0));
    });
  }
  return out;
}

/** Global average and 2x2 adaptive average (PyTorch AdaptiveAvgPool2d cells) of a [C,H,W] map. */
function poolFeatures(map: Float32Array, C: number, H: number, W: number): { global: Float32Array; grid2: Float32Array } {
  return { global: poolCells(map, C, H, W, [[0, H, 0, W]]), grid2: poolCells(map, C, H, W, adaptiveCells(2, H, W)) };
}

/** The vectors as one float16 block, row after row. */
function halfRows(vectors: Float32Array[]): { rows: number; width: number; bytes: Uint8Array } {
  const width = vectors[0]!.length;
  const half = new Uint16Array(vectors.length * width);
  vectors.forEach((v, i) => v.forEach((x, j) => (half[i * width + j] = toHalf(x))));
  return { rows: vectors.length, width, bytes: new Uint8Array(half.buffer) };
}

/** SPLIT.aux.npy float16 [N, 64, C]: the map on LightCap's 8 x 8 caption grid, for train.py --aux (rows in this split's own image order). */
function writeTokens(dir: string, split: string, vectors: Float32Array[], files: string[], meta: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  const { rows, width, bytes } = halfRows(vectors);
  writeFileSync(join(dir, `${split}.aux.npy`), npyBytes('<f2', [rows, 64, width / 64], bytes));
  writeFileSync(join(dir, `${split}.index.json`), JSON.stringify({ split, files, ...meta }));
}

function writeSplit(dir: string, split: string, vectors: Float32Array[], files: string[], meta: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  const { rows, width, bytes } = halfRows(vectors);
  writeFileSync(join(dir, `${split}.grid.npy`), npyBytes('<f2', [rows, 1, width], bytes));
  writeFileSync(join(dir, `${split}.presence.npy`), npyBytes('<f4', [rows, 80], new Uint8Array(new Float32Array(rows * 80).buffer)));
  writeFileSync(join(dir, `${split}.index.json`), JSON.stringify({ split, files, ...meta }));
}

/** As lightcap_features.ts --via: squash to side x side with sharp first (how the Flickr8k training copies were made). */
async function squashVia(bytes: Uint8Array, side: number): Promise<RgbaImage> {
  const { data, info } = await sharp(bytes).rotate().resize({ width: side, height: side, fit: 'fill' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

async function features(argv: string[]): Promise<void> {
  const out = resolve(arg(argv, '--out', OUT_DEFAULT));
  const base = trunks(out)[arg(argv, '--trunk', 'mobilenet_v2')];
  if (!base) throw new Error('--trunk must be centernet, mobilenet_v2 or inception_v3');
  const norm = arg(argv, '--norm', 'nsfwjs');
  if (norm !== 'nsfwjs' && norm !== 'keras') throw new Error('--norm must be nsfwjs (0..1, default) or keras ([-1, 1])');
  const trunk: Trunk = norm === 'keras' ? { ...base, name: `${base.name}-keras`, spec: IMAGENET_SPEC } : base;
  const data = resolve(arg(argv, '--data', '../shared/data/captions-dev'));
  const split = arg(argv, '--split', 'dev');
  const images = loadImages(data, Number(arg(argv, '--limit', '0')));
  const via = Number(arg(argv, '--via', '0'));
  const withTokens = argv.includes('--tokens');
  const runtime = await createNodeRuntime('native', Number(arg(argv, '--threads', '1')));
  const session = await runtime.createSession(trunk.name, new Uint8Array(readFileSync(trunk.file)));
  const globals: Float32Array[] = [];
  const grids: Float32Array[] = [];
  const tokens: Float32Array[] = [];
  let modelMs = 0;
  let dims: readonly number[] = [];
  const start = Date.now();
  for (let i = 0; i < images.length; i++) {
    const bytes = new Uint8Array(readFileSync(join(data, 'images', images[i]!.file_name)));
    const image = via > 0 ? await squashVia(bytes, via) : await decodeImageNode(bytes);
    const input = floatTensor(imageToTensor(image, trunk.size, trunk.size, trunk.spec), [1, 3, trunk.size, trunk.size]);
    const t0 = performance.now();
    const outputs = await session.run({ image: input });
    modelMs += performance.now() - t0;
    const map = outputs[trunk.featureOutput]!;
    dims = map.dims;
    const [, C, H, W] = map.dims as [number, number, number, number];
    const pooled = poolFeatures(map.data as Float32Array, C, H, W);
    globals.push(pooled.global);
    grids.push(pooled.grid2);
    if (withTokens) tokens.push(poolCells(map.data as Float32Array, C, H, W, adaptiveCells(8, H, W)));
    if ((i + 1) % 250 === 0 || i + 1 === images.length) {
      console.log(`${trunk.name} ${split}: ${i + 1}/${images.length}, ${((Date.now() - start) / 1000).toFixed(0)} s, model ${(modelMs / (i + 1)).toFixed(1)} ms/image`);
    }
  }
  const files = images.map((im) => im.file_name);
  const meta = { data, via: via || null, trunk: trunk.name, model: trunk.file, input: trunk.size, spec: trunk.spec, featureDims: dims, modelMsPerImage: modelMs / images.length };
  writeSplit(join(out, trunk.name), split, globals, files, { ...meta, pooling: 'global average' });
  writeSplit(join(out, `${trunk.name}-2x2`), split, grids, files, { ...meta, pooling: '2x2 adaptive average, flattened cell-major' });
  if (withTokens) writeTokens(join(out, `${trunk.name}-tokens8`), split, tokens, files, { ...meta, pooling: '8x8 adaptive average, token-major' });
  await session.release();
}

async function latency(argv: string[]): Promise<void> {
  const out = resolve(arg(argv, '--out', OUT_DEFAULT));
  const backend = arg(argv, '--backend', 'wasm') as NodeBackend;
  const count = Number(arg(argv, '--count', '20'));
  const data = resolve(arg(argv, '--data', '../shared/data/captions-dev'));
  const names = arg(argv, '--trunks', 'centernet,mobilenet_v2,inception_v3').split(',');
  const runtime = await createNodeRuntime(backend, 1);
  const images = loadImages(data, count);
  const decoded = await Promise.all(images.map(async (im) => decodeImageNode(new Uint8Array(readFileSync(join(data, 'images', im.file_name))))));
  const all = trunks(out);
  const sessions: Array<{ trunk: Trunk; session: ModelSession; inputs: ReturnType<typeof floatTensor>[]; times: number[]; firstMs: number }> = [];
  for (const name of names) {
    const trunk = all[name]!;
    const session = await runtime.createSession(trunk.name, new Uint8Array(readFileSync(trunk.file)));
    const inputs = decoded.map((img) => floatTensor(imageToTensor(img, trunk.size, trunk.size, trunk.spec), [1, 3, trunk.size, trunk.size]));
    const t0 = performance.now();
    await session.run({ image: inputs[0]! }); // warm-up (the first WASM run in a process also pays the one-off wasm start)
    const firstMs = performance.now() - t0;
    await session.run({ image: inputs[0]! });
    sessions.push({ trunk, session, inputs, times: [], firstMs });
  }
  for (let i = 0; i < images.length; i++) {
    for (const s of sessions) {
      const t0 = performance.now();
      const outputs = await s.session.run({ image: s.inputs[i]! });
      s.times.push(performance.now() - t0);
      if (!outputs[s.trunk.featureOutput]) throw new Error(`${s.trunk.name}: no ${s.trunk.featureOutput} output`);
    }
  }
  const rows = sessions.map((s) => ({
    trunk: s.trunk.name,
    backend,
    threads: 1,
    input: s.trunk.size,
    onnxBytes: statSync(s.trunk.file).size,
    images: s.times.length,
    p50: Number(median(s.times).toFixed(1)),
    p10: Number(quantile(s.times, 0.1).toFixed(1)),
    p90: Number(quantile(s.times, 0.9).toFixed(1)),
    firstRunMs: Number(s.firstMs.toFixed(0)),
  }));
  for (const r of rows) console.log(JSON.stringify(r));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `latency-${backend}-${Date.now()}.json`), JSON.stringify(rows, null, 1));
  for (const s of sessions) await s.session.release();
}

async function parity(argv: string[]): Promise<void> {
  const out = resolve(arg(argv, '--out', OUT_DEFAULT));
  const count = Number(arg(argv, '--count', '3'));
  const data = resolve(arg(argv, '--data', '../shared/data/captions-dev'));
  const names = arg(argv, '--trunks', 'mobilenet_v2,inception_v3').split(',');
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  const nsfwjs = await import('nsfwjs');
  const runtime = await createNodeRuntime('native', 1);
  const images = loadImages(data, count);
  const endpoints: Record<string, { model: 'MobileNetV2' | 'InceptionV3'; endpoint: string }> = {
    mobilenet_v2: { model: 'MobileNetV2', endpoint: 'out_relu' },
    inception_v3: { model: 'InceptionV3', endpoint: 'mixed10' },
  };
  const report: unknown[] = [];
  for (const name of names) {
    const trunk = trunks(out)[name]!;
    const { model, endpoint } = endpoints[name]!;
    const net = await nsfwjs.load(model);
    const session = await runtime.createSession(name, new Uint8Array(readFileSync(trunk.file)));
    const S = trunk.size;
    for (const im of images) {
      const image = await decodeImageNode(new Uint8Array(readFileSync(join(data, 'images', im.file_name))));
      // One 0..255 NHWC tensor at S x S for both: nsfwjs divides by 255 and skips its resize at this size.
      const nhwc = imageToTensor(image, S, S, { ...NSFW_SPEC, layout: 'nhwc', scale: 1 });
      const nchw = imageToTensor(image, S, S, NSFW_SPEC);
      const input = tf.tensor3d(nhwc, [S, S, 3]);
      const tfProbs = (await (net.infer(input) as Tensor).data()) as Float32Array;
      const tfFeat = net.infer(input, endpoint) as Tensor; // [1,H,W,C]
      const tfFeatData = (await tfFeat.data()) as Float32Array;
      const [, H, W, C] = tfFeat.shape as [number, number, number, number];
      const outputs = await session.run({ image: floatTensor(nchw, [1, 3, S, S]) });
      const onnxProbs = outputs.probs!.data as Float32Array;
      const onnxFeat = outputs.features!.data as Float32Array; // [1,C,H,W]
      let probDiff = 0;
      for (let k = 0; k < 5; k++) probDiff = Math.max(probDiff, Math.abs(tfProbs[k]! - onnxProbs[k]!));
      let featDiff = 0;
      let featMax = 0;
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          for (let c = 0; c < C; c++) {
            const a = tfFeatData[(y * W + x) * C + c]!;
            const b = onnxFeat[c * H * W + y * W + x]!;
            featDiff = Math.max(featDiff, Math.abs(a - b));
            featMax = Math.max(featMax, Math.abs(a));
          }
        }
      }
      // nsfwjs's own path from the decoded photo: RGB tensor at the photo's size, align-corners resize inside infer().
      const rgb = new Float32Array(image.width * image.height * 3);
      for (let p = 0; p < image.width * image.height; p++) for (let c = 0; c < 3; c++) rgb[p * 3 + c] = image.data[p * 4 + c]!;
      const photo = tf.tensor3d(rgb, [image.height, image.width, 3]);
      const ownProbs = (await (net.infer(photo) as Tensor).data()) as Float32Array;
      let resizeDiff = 0;
      for (let k = 0; k < 5; k++) resizeDiff = Math.max(resizeDiff, Math.abs(ownProbs[k]! - onnxProbs[k]!));
      const row = {
        trunk: name,
        image: im.file_name,
        tfjsProbs: Array.from(tfProbs, (v) => Number(v.toFixed(6))),
        onnxProbs: Array.from(onnxProbs, (v) => Number(v.toFixed(6))),
        maxAbsProbDiff: probDiff,
        featureShapeTfjs: tfFeat.shape,
        featureShapeOnnx: outputs.features!.dims,
        maxAbsFeatureDiff: featDiff,
        maxAbsFeature: featMax,
        nsfwjsOwnResizeProbs: Array.from(ownProbs, (v) => Number(v.toFixed(6))),
        maxAbsProbDiffOwnResizeVsEngineResize: resizeDiff,
      };
      console.log(JSON.stringify(row));
      report.push(row);
      tf.dispose([input, tfFeat, photo]);
    }
    try {
      net.dispose();
    } catch {
      // nsfwjs 4.4 disposes layers shared by its intermediate endpoint model twice; harmless here.
    }
    await session.release();
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'parity.json'), JSON.stringify(report, null, 1));
}

async function main(): Promise<void> {
  const [command, ...argv] = process.argv.slice(2);
  if (command === 'features') await features(argv);
  else if (command === 'latency') await latency(argv);
  else if (command === 'parity') await parity(argv);
  else throw new Error('usage: trunk_compare.ts parity|features|latency [options]');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
