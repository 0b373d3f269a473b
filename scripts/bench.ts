/**
 * npm run bench -- [--images N] [--configs wasm:1,wasm:2,native:1] [--distilvit DIR]
 *
 * A configuration is backend:threads[:language], e.g. wasm:1:de for German
 * descriptions (the German caption model; same detector and OCR).
 *
 * Per-stage p50/p95 of the engine over dev photos, session creation time and
 * peak memory, for onnxruntime-web (WASM) with 1 and 2 threads and for
 * onnxruntime-node as the native reference. Each configuration runs in its own
 * process so that its memory peak is its own. Ratios compare each
 * configuration with the 1-thread WASM one of the same run (what the extension
 * ran before it used threads). Cold start is session creation plus the first
 * real image, with nothing warmed up. (WebGPU needs a browser: its parity is
 * checked in tests/e2e/webgpu.test.ts.)
 *
 * Each photo is described twice: once as the product does (beam-3 caption,
 * guard, OCR), once with a greedy caption, which gives the caption's own
 * cost. When DIR holds the distilvit-shaped reference exported by
 * models/tools/distilvit_shape.py (ViT-B/16 + DistilGPT2, random weights, the
 * shape of Firefox's captioner), it is timed in WASM with 1 thread in its own
 * process, and compared with our greedy caption.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { decodeImageNode } from '../src/engine/node/decode';
import { createNodeRuntime } from '../src/engine/node/node-engine';
import type { NodeBackend } from '../src/engine/node/node-engine';
import { createEngine } from '../src/engine/engine';
import { isLanguage, languages } from '../src/engine/describe/languages';
import { createNodeModelStore } from '../src/engine/node/model-store';
import { timeDistilvitShape } from '../models/tools/distilvit_reference';
import { describeFreshMemoryCost, freshMemoryCost } from './fresh-memory';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '30' },
    configs: { type: 'string', default: 'wasm:1,wasm:2,native:1' },
    child: { type: 'string' },
    repeat: { type: 'string', default: '1' },
    distilvit: { type: 'string', default: '/tmp/distilvit-shape-int8' },
    'distilvit-tokens': { type: 'string', default: '12' },
  },
});

const photoDir = resolve('../shared/data/captions-dev/images');
const textDir = resolve('../shared/data/ocr-dev/images');

interface Sample {
  set: 'photo' | 'text';
  decode: number;
  detector: number;
  ocrDetection: number;
  ocrRecognition: number;
  ocrLines: number;
  hasText: boolean;
  total: number;
  /** The product's caption: encoder, then beam-3 decoding and any guard retry. */
  captionEncoder: number;
  captionDecoder: number;
  captionUsed: boolean;
  /** Photos only: decode + detector + encoder + greedy decoding, from a second pass. */
  greedyCaption?: number;
  greedyDecoder?: number;
}

interface ChildReport {
  config: string;
  /** Threads and provider as the runtime reports them (ort may lower the threads it was asked for). */
  threads: number;
  executionProvider: string;
  loadMs: number;
  /** The first real image after session creation: compiling, allocating, first runs. */
  firstImageMs: number;
  samples: Sample[];
  peakRssMb: number;
}

interface DistilvitReport {
  config: string;
  loadMs: number;
  encoderMs: number[];
  stepMs: number[];
  captionMs: number[];
  peakRssMb: number;
}

if (values.child === 'distilvit') {
  const runtime = await createNodeRuntime('wasm', 1);
  const timings = await timeDistilvitShape(runtime, values.distilvit, { runs: 5, tokens: Number(values['distilvit-tokens']), warmup: 1 }, async (path) => new Uint8Array(await readFile(path)));
  const report: DistilvitReport = {
    config: 'distilvit-shape wasm:1',
    loadMs: timings.loadMs.encoderSession + timings.loadMs.decoderSession,
    encoderMs: timings.encoderMs,
    stepMs: timings.decoderStepMs,
    captionMs: timings.captionMs,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
  console.log(JSON.stringify(report));
  process.exit(0);
}

if (values.child) {
  const [backend, threads, language = 'en'] = values.child.split(':') as [NodeBackend, string, string?];
  if (!isLanguage(language)) throw new Error(`unknown language "${language}" in --configs ${values.child}; known: ${languages.join(', ')}`);
  const count = Number(values.images);
  const pick = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort().slice(0, count).map((f) => join(dir, f)) : []);
  const sets: [Sample['set'], string[]][] = [
    ['photo', pick(photoDir)],
    ['text', pick(textDir).slice(0, Math.ceil(count / 2))],
  ];
  const runtime = await createNodeRuntime(backend, Number(threads));
  const engine = createEngine({ runtime, store: createNodeModelStore() });
  const loadStart = performance.now();
  await engine.load();
  const loadMs = performance.now() - loadStart;
  const firstStart = performance.now();
  const firstFile = sets[0]![1][0];
  if (firstFile) await engine.describe(await decodeImageNode(new Uint8Array(await readFile(firstFile))), { language });
  const firstImageMs = performance.now() - firstStart;
  await engine.ready();
  const samples: Sample[] = [];
  for (let r = 0; r < Number(values.repeat); r++) {
    for (const [set, files] of sets) {
      for (const file of files) {
        const bytes = new Uint8Array(await readFile(file));
        const start = performance.now();
        const image = await decodeImageNode(bytes);
        const decode = performance.now() - start;
        const result = await engine.describe(image, { language });
        const total = performance.now() - start;
        const { detector, ocrDetection, ocrRecognition, ocrLines, captionEncoder, captionDecoder } = result.ms;
        const sample: Sample = {
          set, decode, detector, ocrDetection, ocrRecognition, ocrLines, hasText: result.text.length > 0, total,
          captionEncoder, captionDecoder, captionUsed: result.caption?.outcome === 'used',
        };
        if (set === 'photo') {
          const greedy = await engine.describe(image, { language, caption: { beamSize: 1, guard: false } });
          sample.greedyCaption = decode + greedy.ms.detector + greedy.ms.captionEncoder + greedy.ms.captionDecoder;
          sample.greedyDecoder = greedy.ms.captionDecoder;
        }
        samples.push(sample);
      }
    }
  }
  await engine.release();
  const report: ChildReport = { config: values.child, threads: runtime.threads, executionProvider: backend, loadMs, firstImageMs, samples, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  console.log(JSON.stringify(report));
  process.exit(0);
}

if (!existsSync(photoDir)) {
  console.log(`bench needs ${photoDir}; not found`);
  process.exit(1);
}

function runChild<T>(config: string): T {
  process.stderr.write(`running ${config}...\n`);
  const args = ['--child', config, '--images', values.images, '--repeat', values.repeat, '--distilvit', values.distilvit, '--distilvit-tokens', values['distilvit-tokens']];
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (child.status !== 0) {
    console.error(`${config} failed:\n${child.stderr}`);
    process.exit(1);
  }
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as T;
}

// Measured before the children start, so that it competes with none of them.
const machine = freshMemoryCost();
const reports: ChildReport[] = values.configs.split(',').map((config) => runChild<ChildReport>(config));
const distilvit = existsSync(join(values.distilvit, 'decoder.onnx')) ? runChild<DistilvitReport>('distilvit') : undefined;

const quantile = (values: number[], q: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

type Row = { name: string; pick: (s: Sample) => number | undefined };
const rows: Row[] = [
  { name: 'decode', pick: (s) => s.decode },
  { name: 'detector', pick: (s) => s.detector },
  { name: 'OCR detection', pick: (s) => s.ocrDetection },
  { name: 'recognition / line', pick: (s) => (s.ocrLines > 0 ? s.ocrRecognition / s.ocrLines : undefined) },
  { name: 'caption encoder', pick: (s) => s.captionEncoder },
  { name: 'caption decoder, greedy', pick: (s) => s.greedyDecoder },
  { name: 'caption decoder, beam-3+guard', pick: (s) => (s.set === 'photo' ? s.captionDecoder : undefined) },
  { name: 'caption (decode→greedy)', pick: (s) => s.greedyCaption },
  { name: 'total, dev photos', pick: (s) => (s.set === 'photo' ? s.total : undefined) },
  { name: 'total, photos without text', pick: (s) => (s.set === 'photo' && !s.hasText ? s.total : undefined) },
  { name: 'total, scene-text photos', pick: (s) => (s.set === 'text' ? s.total : undefined) },
];
const native = reports.find((r) => r.config.startsWith('native'));
/** The reference row: 1-thread WASM, as the extension ran before it used threads. */
const base = reports.find((r) => r.config === 'wasm:1');
const pad = (text: string, width: number) => text.padEnd(width);
const num = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '-');

console.log(`\nLightCap Alt engine benchmark, ${reports[0]?.samples.length ?? 0} images per configuration (ms)\n`);
console.log(describeFreshMemoryCost(machine));
const ratio = (value: number, reference: number | undefined) => (reference !== undefined && Number.isFinite(value) && reference > 0 ? `${(value / reference).toFixed(2)}` : '-');
console.log(reports.map((r) => `${r.config}: ${r.executionProvider === 'native' ? 'onnxruntime-node' : 'onnxruntime-web WASM'}, ${r.threads} thread(s) in use`).join('; '));
console.log(pad('stage', 32) + reports.map((r) => pad(`${r.config} p50`, 14) + pad('p95', 9) + pad('×wasm:1', 9)).join(''));
for (const row of rows) {
  const baseP50 = base ? quantile(base.samples.flatMap((s) => row.pick(s) ?? []), 0.5) : undefined;
  let line = pad(row.name, 32);
  for (const r of reports) {
    const vals = r.samples.flatMap((s) => row.pick(s) ?? []);
    const p50 = quantile(vals, 0.5);
    line += pad(num(p50), 14) + pad(num(quantile(vals, 0.95)), 9) + pad(ratio(p50, baseP50), 9);
  }
  console.log(line);
}
const single = (name: string, pick: (r: ChildReport) => number) => console.log(pad(name, 32) + reports.map((r) => pad(num(pick(r)), 23) + pad(ratio(pick(r), base ? pick(base) : undefined), 9)).join(''));
single('session creation', (r) => r.loadMs);
single('first image (cold)', (r) => r.firstImageMs);
single('cold start (creation + first)', (r) => r.loadMs + r.firstImageMs);
single('peak RSS (MB)', (r) => r.peakRssMb);
if (native) console.log(`(onnxruntime-node is the native reference: the extension cannot use it.)`);
const lines = reports[0]?.samples.filter((s) => s.ocrLines > 0).length ?? 0;
const photos = reports[0]?.samples.filter((s) => s.set === 'photo') ?? [];
console.log(`\nThe product's description of a photo ("total") is decode, detector, caption encoder, beam-3 decoding (+ a guard retry), and OCR; the caption led ${photos.filter((s) => s.captionUsed).length}/${photos.length} of them.`);
console.log('"caption (decode→greedy)" is what a caption alone costs: decode, the detector pass (our trunk), encoder and greedy decoding.');
if (distilvit) {
  const ours = reports.find((r) => r.config === 'wasm:1');
  const oursCaption = ours ? quantile(ours.samples.flatMap((s) => s.greedyCaption ?? []), 0.5) : NaN;
  const theirs = quantile(distilvit.captionMs, 0.5);
  console.log(`\nDistilvit-shaped reference (${values.distilvit}, ViT-B/16 + DistilGPT2, random weights), WASM 1 thread, ${distilvit.captionMs.length} runs of ${values['distilvit-tokens']} tokens:`);
  console.log(`  encoder p50 ${num(quantile(distilvit.encoderMs, 0.5))} ms, decoder step p50 ${num(quantile(distilvit.stepMs, 0.5))} ms, caption p50 ${num(theirs)} ms, session creation ${num(distilvit.loadMs)} ms, peak RSS ${num(distilvit.peakRssMb)} MB`);
  console.log(`  ratio to our caption (wasm:1, decode→greedy, p50 ${num(oursCaption)} ms): ${(theirs / oursCaption).toFixed(2)}× slower (pixels already decoded and resized for the reference)`);
} else {
  console.log(`\nDistilvit-shaped reference not found in ${values.distilvit}; export it with: /usr/bin/python3 models/tools/distilvit_shape.py --out ${values.distilvit} --int8 dynamic`);
}
console.log(`\n${lines} images had text lines to recognise; "without text" counts ${reports[0]?.samples.filter((s) => s.set === 'photo' && !s.hasText).length ?? 0} photos.`);
