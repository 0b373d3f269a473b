/**
 * npm run bench -- [--images N] [--configs wasm:1,wasm:2,native:1]
 *
 * Per-stage p50/p95 of the engine over dev photos, session creation time and
 * peak memory, for onnxruntime-web (WASM) with 1 and 2 threads and for
 * onnxruntime-node as the native reference. Each configuration runs in its own
 * process so that its memory peak is its own; ratios compare rows of this run.
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
import { createNodeModelStore } from '../src/engine/node/model-store';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '30' },
    configs: { type: 'string', default: 'wasm:1,wasm:2,native:1' },
    child: { type: 'string' },
    repeat: { type: 'string', default: '1' },
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
}

interface ChildReport {
  config: string;
  loadMs: number;
  samples: Sample[];
  peakRssMb: number;
}

if (values.child) {
  const [backend, threads] = values.child.split(':') as [NodeBackend, string];
  const count = Number(values.images);
  const pick = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort().slice(0, count).map((f) => join(dir, f)) : []);
  const sets: [Sample['set'], string[]][] = [
    ['photo', pick(photoDir)],
    ['text', pick(textDir).slice(0, Math.ceil(count / 2))],
  ];
  const engine = createEngine({ runtime: await createNodeRuntime(backend, Number(threads)), store: createNodeModelStore() });
  const loadStart = performance.now();
  await engine.load();
  const loadMs = performance.now() - loadStart;
  await engine.ready();
  const samples: Sample[] = [];
  for (let r = 0; r < Number(values.repeat); r++) {
    for (const [set, files] of sets) {
      for (const file of files) {
        const bytes = new Uint8Array(await readFile(file));
        const start = performance.now();
        const image = await decodeImageNode(bytes);
        const decode = performance.now() - start;
        const result = await engine.describe(image);
        const { detector, ocrDetection, ocrRecognition, ocrLines } = result.ms;
        samples.push({ set, decode, detector, ocrDetection, ocrRecognition, ocrLines, hasText: result.text.length > 0, total: performance.now() - start });
      }
    }
  }
  await engine.release();
  const report: ChildReport = { config: values.child, loadMs, samples, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  console.log(JSON.stringify(report));
  process.exit(0);
}

if (!existsSync(photoDir)) {
  console.log(`bench needs ${photoDir}; not found`);
  process.exit(1);
}

const reports: ChildReport[] = [];
for (const config of values.configs.split(',')) {
  process.stderr.write(`running ${config}...\n`);
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', config, '--images', values.images, '--repeat', values.repeat], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) {
    console.error(`${config} failed:\n${child.stderr}`);
    process.exit(1);
  }
  reports.push(JSON.parse(child.stdout.trim().split('\n').pop()!) as ChildReport);
}

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
  { name: 'total, dev photos', pick: (s) => (s.set === 'photo' ? s.total : undefined) },
  { name: 'total, photos without text', pick: (s) => (s.set === 'photo' && !s.hasText ? s.total : undefined) },
  { name: 'total, scene-text photos', pick: (s) => (s.set === 'text' ? s.total : undefined) },
];
const native = reports.find((r) => r.config.startsWith('native'));
const pad = (text: string, width: number) => text.padEnd(width);
const num = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '-');

console.log(`\nLightCap Alt engine benchmark, ${reports[0]?.samples.length ?? 0} images per configuration (ms)\n`);
console.log(pad('stage', 28) + reports.map((r) => pad(`${r.config} p50`, 14) + pad('p95', 9) + (r === native ? '' : pad('×native', 9))).join(''));
for (const row of rows) {
  const nativeP50 = native ? quantile(native.samples.flatMap((s) => row.pick(s) ?? []), 0.5) : NaN;
  let line = pad(row.name, 28);
  for (const r of reports) {
    const vals = r.samples.flatMap((s) => row.pick(s) ?? []);
    const p50 = quantile(vals, 0.5);
    line += pad(num(p50), 14) + pad(num(quantile(vals, 0.95)), 9) + (r === native ? '' : pad(native ? `${(p50 / nativeP50).toFixed(2)}` : '-', 9));
  }
  console.log(line);
}
console.log(pad('session creation', 28) + reports.map((r) => pad(num(r.loadMs), 23) + (r === native ? '' : pad(native ? (r.loadMs / native.loadMs).toFixed(2) : '-', 9))).join(''));
console.log(pad('peak RSS (MB)', 28) + reports.map((r) => pad(num(r.peakRssMb), 23) + (r === native ? '' : pad(native ? (r.peakRssMb / native.peakRssMb).toFixed(2) : '-', 9))).join(''));
const lines = reports[0]?.samples.filter((s) => s.ocrLines > 0).length ?? 0;
console.log(`\n${lines} images had text lines to recognise; "without text" counts ${reports[0]?.samples.filter((s) => s.set === 'photo' && !s.hasText).length ?? 0} photos.`);
