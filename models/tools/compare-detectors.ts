/**
 * Crude comparison of the converted COCO detectors on captions-dev: which
 * classes each model finds versus which classes the five reference captions
 * mention, and the time per image in onnxruntime-web (WASM, 1 thread).
 *
 *   npx tsx models/tools/compare-detectors.ts [--count 50] [--data ../shared/data/captions-dev]
 *       [--models centernet,nanodet,nanodet-human] [--thresholds 0.25,0.3,0.35,0.4,0.5]
 *
 * Truth is image-level and word-based (src/eval/objects.ts, the same phrase
 * list the caption evaluation uses): a class counts as present for precision
 * when any caption names it, and as expected for recall when at least two
 * captions do (one caption mentioning a far-off "ball" should not count as a
 * miss).
 */
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { createOrtRuntime, loadOrtForNode } from '../../src/engine/runtime/ort';
import { createDetector, parseDetectorConfig } from '../../src/engine/detect/detector';
import type { Detector, DetectorConfig } from '../../src/engine/detect/detector';
import type { RgbaImage } from '../../src/engine/image/types';
import { mentionedCocoClasses } from '../../src/eval/objects';

interface CaptionsFile {
  images: Array<{ id: number; file_name: string }>;
  annotations: Array<{ image_id: number; caption: string }>;
}

interface ModelVariant {
  name: string;
  config: DetectorConfig;
  model: Uint8Array;
}

interface ImageResult {
  file: string;
  mentionedOnce: Set<string>;
  mentionedTwice: Set<string>;
  /** Best detection score per class, per model. */
  scores: Map<string, Map<string, number>>;
}

function parseArgs(argv: readonly string[]): { count: number; data: string; models: string[]; thresholds: number[] } {
  const value = (flag: string, fallback: string): string => {
    const index = argv.indexOf(flag);
    return index >= 0 && argv[index + 1] ? argv[index + 1]! : fallback;
  };
  return {
    count: Number(value('--count', '50')),
    data: resolve(value('--data', '../shared/data/captions-dev')),
    models: value('--models', 'centernet,nanodet,nanodet-human').split(','),
    thresholds: value('--thresholds', '0.25,0.3,0.35,0.4,0.5').split(',').map(Number),
  };
}

function loadVariant(name: string): ModelVariant {
  const base = name.startsWith('nanodet') ? 'nanodet' : 'centernet';
  const folder = resolve('models/detector');
  const config = parseDetectorConfig(JSON.parse(readFileSync(join(folder, `${base}.json`), 'utf8')));
  if (name === 'nanodet-human') {
    // What Human feeds NanoDet: RGB scaled to 0..1, no mean/std.
    config.input = { ...config.input, channelOrder: 'rgb', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] };
  } else if (name !== base) {
    throw new Error(`unknown model variant ${name}`);
  }
  return { name, config, model: new Uint8Array(readFileSync(join(folder, config.file))) };
}

function mentionedClasses(captions: readonly string[], minCaptions: number): Set<string> {
  const counts = new Map<string, number>();
  for (const caption of captions) {
    for (const label of mentionedCocoClasses(caption)) counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return new Set([...counts].filter(([, n]) => n >= minCaptions).map(([label]) => label));
}

async function decode(file: string): Promise<RgbaImage> {
  const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : NaN;
}

function pad(text: string | number, width: number): string {
  return String(text).padStart(width);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const captionsPath = join(args.data, 'captions.json');
  if (!existsSync(captionsPath)) throw new Error(`no captions at ${captionsPath}`);
  const captions = JSON.parse(readFileSync(captionsPath, 'utf8')) as CaptionsFile;
  const byImage = new Map<number, string[]>();
  for (const a of captions.annotations) byImage.set(a.image_id, [...(byImage.get(a.image_id) ?? []), a.caption]);

  const runtime = createOrtRuntime(await loadOrtForNode(), 'wasm', { threads: 1 });
  const variants = args.models.map(loadVariant);
  const detectors = new Map<string, Detector>();
  for (const v of variants) detectors.set(v.name, await createDetector(runtime, v.model, v.config));
  const lowest = Math.min(...args.thresholds);
  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));

  const results: ImageResult[] = [];
  for (const image of captions.images.slice(0, args.count)) {
    const refs = byImage.get(image.id) ?? [];
    const pixels = await decode(join(args.data, 'images', image.file_name));
    const scores = new Map<string, Map<string, number>>();
    // Interleave the models per image so machine noise hits them alike.
    for (const v of variants) {
      const started = performance.now();
      const output = await detectors.get(v.name)!.detect(pixels, { minScore: lowest });
      times.get(v.name)!.push(performance.now() - started);
      const best = new Map<string, number>();
      for (const d of output.detections) best.set(d.label, Math.max(best.get(d.label) ?? 0, d.score));
      scores.set(v.name, best);
    }
    results.push({ file: image.file_name, mentionedOnce: mentionedClasses(refs, 1), mentionedTwice: mentionedClasses(refs, 2), scores });
  }
  for (const detector of detectors.values()) await detector.release();

  console.log(`\n${results.length} images from ${args.data}; truth: precision vs classes named by >=1 caption, recall vs >=2 captions\n`);
  console.log(`${'model'.padEnd(14)} ${'thr'.padStart(5)} ${'pred'.padStart(5)} ${'P'.padStart(6)} ${'R'.padStart(6)}  ${'P(no person)'.padStart(12)} ${'R(no person)'.padStart(12)}`);
  for (const v of variants) {
    for (const threshold of args.thresholds) {
      const all = score(results, v.name, threshold, () => true);
      const others = score(results, v.name, threshold, (label) => label !== 'person');
      console.log(
        `${v.name.padEnd(14)} ${pad(threshold.toFixed(2), 5)} ${pad(all.predicted, 5)} ${pad(all.precision.toFixed(3), 6)} ${pad(all.recall.toFixed(3), 6)}  ${pad(others.precision.toFixed(3), 12)} ${pad(others.recall.toFixed(3), 12)}`,
      );
    }
  }

  const reportThreshold = args.thresholds.includes(0.35) ? 0.35 : args.thresholds[0]!;
  console.log(`\nper class at score >= ${reportThreshold}: images where >=1 caption names it (>=2) | per model: predicted/correct`);
  const labels = new Set<string>();
  for (const r of results) {
    r.mentionedOnce.forEach((l) => labels.add(l));
    for (const s of r.scores.values()) for (const [l, sc] of s) if (sc >= reportThreshold) labels.add(l);
  }
  console.log(`${'class'.padEnd(16)} ${'named'.padStart(9)} ${variants.map((v) => v.name.padStart(15)).join(' ')}`);
  for (const label of [...labels].sort()) {
    const once = results.filter((r) => r.mentionedOnce.has(label)).length;
    const twice = results.filter((r) => r.mentionedTwice.has(label)).length;
    const cells = variants.map((v) => {
      const predicted = results.filter((r) => (r.scores.get(v.name)?.get(label) ?? 0) >= reportThreshold);
      const correct = predicted.filter((r) => r.mentionedOnce.has(label)).length;
      return `${predicted.length}/${correct}`.padStart(15);
    });
    console.log(`${label.padEnd(16)} ${`${once} (${twice})`.padStart(9)} ${cells.join(' ')}`);
  }

  console.log('\ntime per image, detect() incl. resize and post-processing, WASM 1 thread (first image excluded):');
  for (const v of variants) {
    const t = times.get(v.name)!.slice(1);
    console.log(`${v.name.padEnd(14)} median ${median(t).toFixed(0)} ms, min ${Math.min(...t).toFixed(0)} ms`);
  }
}

function score(results: readonly ImageResult[], model: string, threshold: number, keep: (label: string) => boolean) {
  let predicted = 0;
  let truePositives = 0;
  let expected = 0;
  let found = 0;
  for (const r of results) {
    const best = r.scores.get(model) ?? new Map<string, number>();
    for (const [label, s] of best) {
      if (s < threshold || !keep(label)) continue;
      predicted++;
      if (r.mentionedOnce.has(label)) truePositives++;
    }
    for (const label of r.mentionedTwice) {
      if (!keep(label)) continue;
      expected++;
      if ((best.get(label) ?? 0) >= threshold) found++;
    }
  }
  return { predicted, precision: predicted ? truePositives / predicted : NaN, recall: expected ? found / expected : NaN };
}

await main();
