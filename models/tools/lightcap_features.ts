/**
 * Precomputes the frozen trunk features LightCap trains on: one pass of the
 * shipped CenterNet detector (models/detector/centernet.onnx) per image, with
 * the engine's own decoding and resize code, so the features match what the
 * extension computes at run time.
 *
 *   npx tsx models/tools/lightcap_features.ts --data ../shared/data/flickr8k-train --split train
 *   npx tsx models/tools/lightcap_features.ts --data ../shared/data/captions-dev --split dev
 *   npx tsx models/tools/lightcap_features.ts --data ../shared/data/captions-dev --split dev224 --via 224
 *
 * Options: --out /tmp/lightcap-features (default), --limit N, --threads 1, --detector PATH
 * (default models/detector/centernet.onnx), --input-size N for a detector exported at another
 * input size (tfjs_to_onnx.py --input-size): its features are brought to the 16 x 16 grid
 * with the engine's own resampling (outputs.featuresGrid), as the engine would at run time.
 * `--via 224` first squashes each image to 224x224 with sharp (antialiased, as
 * the Flickr8k training copies were made) before the detector's 512 resize;
 * it exists to measure the train/dev resolution gap, not for production.
 *
 * Writes to OUT (never into the repository):
 *   SPLIT.grid.npy      float16 [N, 64, 480]  features [480,16,16] average-pooled 2x2 to 8x8, token-major (row-major cells)
 *   SPLIT.presence.npy  float32 [N, 80]       per-class max of the sigmoid heatmap (COCO order of centernet.json)
 *                                            (the graph's class_presence output, or computed from its heatmap)
 *   SPLIT.aux.npy       float16 [N, 64, 336]  only when the detector has an `aux` output (models/tools/detector_aux.py):
 *                                            its [336,8,8] map, token-major like the grid
 *   SPLIT.index.json    { split, data, files: [file_name], imageIds: [id], ms }
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { decodeImageNode } from '../../src/engine/node/decode';
import { imageToTensor } from '../../src/engine/image/tensor';
import { classMaxima, parseDetectorConfig } from '../../src/engine/detect/detector';
import { resampleFeatures } from '../../src/engine/detect/resample';
import type { RgbaImage } from '../../src/engine/image/types';
import { npyBytes, toHalf } from './npy';

interface CaptionsFile {
  images: Array<{ id: number; file_name: string }>;
}

function arg(argv: readonly string[], flag: string, fallback: string): string {
  const index = argv.indexOf(flag);
  return index >= 0 && argv[index + 1] !== undefined ? argv[index + 1]! : fallback;
}

async function squashVia(bytes: Uint8Array, side: number): Promise<RgbaImage> {
  const { data, info } = await sharp(bytes)
    .rotate()
    .resize({ width: side, height: side, fit: 'fill' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const data = resolve(arg(argv, '--data', '../shared/data/flickr8k-train'));
  const split = arg(argv, '--split', 'train');
  const out = resolve(arg(argv, '--out', '/tmp/lightcap-features'));
  const limit = Number(arg(argv, '--limit', '0'));
  const via = Number(arg(argv, '--via', '0'));
  const threads = Number(arg(argv, '--threads', '1'));
  const detector = arg(argv, '--detector', 'models/detector/centernet.onnx');
  const inputSize = Number(arg(argv, '--input-size', '0'));
  mkdirSync(out, { recursive: true });

  const shipped = JSON.parse(readFileSync('models/detector/centernet.json', 'utf8')) as { input: { width: number; height: number } };
  if (inputSize > 0) shipped.input = { ...shipped.input, width: inputSize, height: inputSize };
  const config = parseDetectorConfig(shipped);
  const session = await ort.InferenceSession.create(detector, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
  const captions = JSON.parse(readFileSync(join(data, 'captions.json'), 'utf8')) as CaptionsFile;
  const images = limit > 0 ? captions.images.slice(0, limit) : captions.images;
  const n = images.length;
  const C = 480;
  const T = 64;
  const grid = new Uint16Array(n * T * C);
  const presence = new Float32Array(n * 80);
  const auxChannels = session.outputNames.includes('aux') ? 336 : 0;
  const aux = new Uint16Array(n * T * auxChannels);
  const { width, height } = config.input;
  const start = Date.now();
  let modelMs = 0;

  for (let i = 0; i < n; i++) {
    const bytes = new Uint8Array(readFileSync(join(data, 'images', images[i]!.file_name)));
    const image = via > 0 ? await squashVia(bytes, via) : await decodeImageNode(bytes);
    const tensor = new ort.Tensor('float32', imageToTensor(image, width, height, config.input), [1, 3, height, width]);
    const t0 = performance.now();
    const outputs = await session.run({ [config.input.name]: tensor });
    modelMs += performance.now() - t0;
    const raw = { type: 'float32' as const, data: outputs.features!.data as Float32Array, dims: [...outputs.features!.dims] };
    const features = (inputSize > 0 ? resampleFeatures(raw, { height: 16, width: 16 }) : raw).data; // [1,480,16,16]
    if (features.length !== 480 * 256) throw new Error(`unexpected features ${outputs.features!.dims.join()}`);
    // The shipped graph finds its peaks itself and hands back each class's maximum (centernet_peaks.py);
    // a fresh export (tfjs_to_onnx.py, another input size) still has the whole heatmap, [1,80,H/4,W/4].
    if (outputs.class_presence) presence.set(outputs.class_presence.data as Float32Array, i * 80);
    else classMaxima(outputs.heatmap!.data as Float32Array, 80, true, presence.subarray(i * 80, (i + 1) * 80));
    if (auxChannels > 0) {
      const map = outputs.aux!.data as Float32Array; // [1,336,8,8]
      if (outputs.aux!.dims.join() !== `1,${auxChannels},8,8`) throw new Error(`unexpected aux ${outputs.aux!.dims.join()}`);
      const auxBase = i * T * auxChannels;
      for (let c = 0; c < auxChannels; c++) {
        for (let t = 0; t < T; t++) aux[auxBase + t * auxChannels + c] = toHalf(map[c * T + t]!);
      }
    }
    const base = i * T * C;
    for (let c = 0; c < C; c++) {
      const plane = c * 256;
      for (let gy = 0; gy < 8; gy++) {
        for (let gx = 0; gx < 8; gx++) {
          const p = plane + gy * 2 * 16 + gx * 2;
          const mean = (features[p]! + features[p + 1]! + features[p + 16]! + features[p + 17]!) / 4;
          grid[base + (gy * 8 + gx) * C + c] = toHalf(mean);
        }
      }
    }
    if ((i + 1) % 250 === 0 || i + 1 === n) {
      const s = (Date.now() - start) / 1000;
      console.log(`${split}: ${i + 1}/${n} images, ${s.toFixed(0)} s, model ${(modelMs / (i + 1)).toFixed(1)} ms/image`);
    }
  }

  writeFileSync(join(out, `${split}.grid.npy`), npyBytes('<f2', [n, T, C], new Uint8Array(grid.buffer)));
  if (auxChannels > 0) {
    writeFileSync(join(out, `${split}.aux.npy`), npyBytes('<f2', [n, T, auxChannels], new Uint8Array(aux.buffer)));
  }
  writeFileSync(join(out, `${split}.presence.npy`), npyBytes('<f4', [n, 80], new Uint8Array(presence.buffer)));
  writeFileSync(
    join(out, `${split}.index.json`),
    JSON.stringify({
      split,
      data,
      via: via || null,
      inputSize: inputSize || config.input.width,
      files: images.map((im) => im.file_name),
      imageIds: images.map((im) => im.id),
      modelMsPerImage: modelMs / n,
      wallSeconds: (Date.now() - start) / 1000,
    }),
  );
  await session.release();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
