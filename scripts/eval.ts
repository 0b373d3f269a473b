/**
 * npm run eval -- --set <dir> [--set <dir>...] [--limit N] [--threads N] [--out reports/]
 *
 * A COCO-caption folder (captions.json + images/) gets CIDEr-D, BLEU-4 and
 * object precision/recall against the COCO objects its references mention.
 * An OCR folder (labels.json [+ labels_words.json] + images/) gets
 * case-insensitive bag-of-words word recall and precision.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeImageNode } from '../src/engine/node/decode';
import { createNodeEngine } from '../src/engine/node/node-engine';
import type { Engine, EngineResult } from '../src/engine/engine';
import { defaultDescriptionOptions, phraseForObjects } from '../src/engine/describe/describe';
import { EngineError } from '../src/engine/errors';
import { corpusBleu } from '../src/eval/bleu';
import { corpusCiderD } from '../src/eval/cider';
import { objectPrecisionRecall } from '../src/eval/objects';
import { ocrWordScores } from '../src/eval/ocr-metrics';
import { pointInQuad } from '../src/engine/ocr/geometry';
import type { Point } from '../src/engine/ocr/geometry';

const { values } = parseArgs({
  options: {
    set: { type: 'string', multiple: true, default: [] },
    limit: { type: 'string' },
    threads: { type: 'string', default: '1' },
    out: { type: 'string', default: 'reports' },
  },
});

const sets = values.set.length > 0 ? values.set : ['../shared/data/captions-dev', '../shared/data/captions-dev-vizwiz', '../shared/data/ocr-dev'];
const limit = values.limit ? Number(values.limit) : Infinity;
const engine = await createNodeEngine({ threads: Number(values.threads) });
await engine.ready();
await mkdir(values.out, { recursive: true });

for (const setDir of sets) {
  const dir = resolve(setDir);
  if (!existsSync(dir)) {
    console.log(`${setDir}: not found, skipped`);
    continue;
  }
  const report = existsSync(join(dir, 'captions.json')) ? await evalCaptions(engine, dir) : await evalOcr(engine, dir);
  const file = join(values.out, `eval-${basename(dir)}.json`);
  await writeFile(file, JSON.stringify(report, null, 1));
  console.log(`report: ${file}\n`);
}
await engine.release();

interface ImageOutcome {
  file: string;
  result?: EngineResult;
  error?: string;
}

async function runAll(engine: Engine, dir: string, files: string[]): Promise<ImageOutcome[]> {
  const outcomes: ImageOutcome[] = [];
  for (const file of files.slice(0, limit)) {
    try {
      const image = await decodeImageNode(new Uint8Array(await readFile(join(dir, 'images', file))));
      // Sweep thresholds below the default: keep everything the detector offers down to 0.2.
      outcomes.push({ file, result: await engine.describe(image, { reportObjectsFrom: 0.2 }) });
    } catch (error) {
      outcomes.push({ file, error: error instanceof EngineError ? `${error.code}: ${error.message}` : String(error) });
    }
    if (outcomes.length % 25 === 0) process.stderr.write(`  ${outcomes.length} images\n`);
  }
  return outcomes;
}

interface CocoCaptions {
  images: { id: number; file_name: string }[];
  annotations: { image_id: number; caption: string }[];
  quality_issue_images?: { file_name: string }[];
}

async function evalCaptions(engine: Engine, dir: string) {
  const coco = JSON.parse(await readFile(join(dir, 'captions.json'), 'utf8')) as CocoCaptions;
  const refs = new Map<number, string[]>();
  for (const a of coco.annotations) refs.set(a.image_id, [...(refs.get(a.image_id) ?? []), a.caption]);
  const images = coco.images.filter((i) => (refs.get(i.id)?.length ?? 0) > 0);
  const outcomes = await runAll(engine, dir, images.map((i) => i.file_name));
  const scored = outcomes.flatMap((o, index) => (o.result ? [{ o, result: o.result, references: refs.get(images[index]!.id)! }] : []));
  const items = scored.map(({ result, references }) => ({ candidate: result.alt, references }));
  const cider = corpusCiderD(items);
  const bleu = corpusBleu(items);
  const minScores = [0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6];
  const sweep = minScores.map((minScore) => {
    const pr = objectPrecisionRecall(
      scored.map(({ result, references }) => ({
        predicted: [phraseForObjects(result.objects.filter((d) => d.score >= minScore), defaultDescriptionOptions) ?? ''],
        references,
      })),
    );
    return { minScore, precision: pr.precision, recall: pr.recall, tp: pr.tp, fp: pr.fp, fn: pr.fn, perClass: pr.perClass };
  });
  const atDefault = objectPrecisionRecall(scored.map(({ result, references }) => ({ predicted: [result.alt], references })));
  const confident = scored.filter(({ result }) => result.confident).length;

  console.log(`${basename(dir)}: ${scored.length} images (${outcomes.length - scored.length} errors), ${confident} with a confident description`);
  console.log(`  CIDEr-D ${cider.score.toFixed(3)}  BLEU-4 ${bleu.bleu4.toFixed(3)}  BLEU-1 ${bleu.bleu1.toFixed(3)}`);
  console.log(`  objects named in the alt text: precision ${atDefault.precision.toFixed(3)} recall ${atDefault.recall.toFixed(3)} (tp ${atDefault.tp}, fp ${atDefault.fp}, fn ${atDefault.fn})`);
  console.log('  detector threshold sweep (objects named, top 3 kinds):');
  for (const s of sweep) console.log(`    ≥${s.minScore.toFixed(2)}  precision ${s.precision.toFixed(3)}  recall ${s.recall.toFixed(3)}  (tp ${s.tp}, fp ${s.fp}, fn ${s.fn})`);
  const perClass = Object.entries(atDefault.perClass).filter(([, c]) => c.tp + c.fp + c.fn > 0).sort((a, b) => b[1].tp + b[1].fp - (a[1].tp + a[1].fp));
  console.log(`  per class (tp/fp/fn): ${perClass.slice(0, 15).map(([k, c]) => `${k} ${c.tp}/${c.fp}/${c.fn}`).join(', ')}`);

  let qualityIssues: { total: number; nothingConfident: number } | undefined;
  if (coco.quality_issue_images?.length) {
    const q = await runAll(engine, dir, coco.quality_issue_images.map((i) => i.file_name));
    qualityIssues = { total: q.length, nothingConfident: q.filter((o) => o.result && !o.result.confident).length };
    console.log(`  quality-issue images: ${qualityIssues.nothingConfident}/${qualityIssues.total} answered "nothing confident"`);
  }
  return {
    set: basename(dir),
    kind: 'captions',
    images: outcomes.length,
    errors: outcomes.filter((o) => o.error).map((o) => ({ file: o.file, error: o.error })),
    ciderD: cider.score,
    bleu,
    objects: { atDefault: { ...atDefault }, sweep },
    qualityIssues,
    perImage: scored.map(({ o, result }, i) => ({ file: o.file, alt: result.alt, ciderD: cider.perImage[i], objects: result.objects.map((d) => [d.label, round(d.score)]) })),
  };
}

interface WordLabel {
  text: string;
  quad: number[];
  illegible: boolean;
}

async function evalOcr(engine: Engine, dir: string) {
  const labels = JSON.parse(await readFile(join(dir, 'labels.json'), 'utf8')) as Record<string, string>;
  const wordsFile = join(dir, 'labels_words.json');
  const words = existsSync(wordsFile) ? (JSON.parse(await readFile(wordsFile, 'utf8')) as Record<string, WordLabel[]>) : undefined;
  const files = Object.keys(labels);
  const outcomes = await runAll(engine, dir, files);
  const items = outcomes.map((o) => {
    const regions = words?.[o.file] ?? [];
    const dontCare = regions.filter((w) => w.illegible).map((w) => toQuad(w.quad));
    // ICDAR protocol: text read inside a "do not care" region counts neither way.
    const lines = (o.result?.text ?? []).filter((line) => !dontCare.some((quad) => pointInQuad(centre(line.quad), quad)));
    const reference = words ? regions.filter((w) => !w.illegible).map((w) => w.text) : (labels[o.file] ?? '').split(/\s+/);
    return { predicted: lines.map((l) => l.text).join(' '), reference, ignoredLines: (o.result?.text.length ?? 0) - lines.length };
  });
  const scores = ocrWordScores(items);
  const ms = outcomes.flatMap((o) => (o.result ? [o.result.ms] : []));
  console.log(`${basename(dir)}: ${outcomes.length} images, ${outcomes.filter((o) => o.error).length} errors`);
  console.log(`  word recall ${scores.recall.toFixed(3)}  precision ${scores.precision.toFixed(3)}  F1 ${scores.f1.toFixed(3)}  (${scores.matched} matched of ${scores.referenceWords} reference, ${scores.predictedWords} read)`);
  console.log(`  lines ignored in do-not-care regions: ${items.reduce((s, i) => s + i.ignoredLines, 0)}`);
  console.log(`  median ms: OCR detection ${median(ms.map((m) => m.ocrDetection)).toFixed(0)}, recognition ${median(ms.map((m) => m.ocrRecognition)).toFixed(0)}, total ${median(ms.map((m) => m.total)).toFixed(0)}`);
  return {
    set: basename(dir),
    kind: 'ocr',
    images: outcomes.length,
    errors: outcomes.filter((o) => o.error).map((o) => ({ file: o.file, error: o.error })),
    words: scores,
    perImage: outcomes.map((o, i) => ({ file: o.file, read: items[i]!.predicted, reference: items[i]!.reference.join(' '), alt: o.result?.alt })),
  };
}

function toQuad(q: number[]): Point[] {
  return [0, 2, 4, 6].map((i) => ({ x: q[i]!, y: q[i + 1]! }));
}

function centre(quad: readonly Point[]): Point {
  return { x: quad.reduce((s, p) => s + p.x, 0) / quad.length, y: quad.reduce((s, p) => s + p.y, 0) / quad.length };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : NaN;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
