/**
 * LightCap training smoke test: the real scripts end to end on synthetic data,
 * in seconds. models/lightcap/smoke_data.py writes a tiny fake training and dev
 * set (captions from a small grammar that the fake features predict),
 * train.py trains a small config for a few epochs (and a student distilled from
 * it, picked by beam-3 score), scst.py fine-tunes it on
 * CIDEr-D for a few steps, export.py exports the result, and onnxruntime-web must reproduce PyTorch's greedy tokens (the
 * golden input and the dev fixture) from the exported encoder and decoder.
 * Then the steps that make the shipped files (int8_matmul.py, ort_optimize.ts,
 * prefold_tables.py, broadcast_memory.py, step_cache.py) must leave the engine's tokens as they were, and
 * all_concepts.py must add every concept's score without changing the ones the model reads.
 *
 * Needs Debian's Python with torch and onnx (/usr/bin/python3; the python3 on
 * PATH may be another one). .ci/run installs them; elsewhere the suite is skipped.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureInput, goldenInput, loadExportedCaptionModel } from '../../models/tools/lightcap_fixture';
import type { ParityFixture as Fixture } from '../../models/tools/lightcap_fixture';
import type { CaptionModelManifest as Manifest } from '../../src/engine/caption/manifest';
import type { CaptionModel, Concept } from '../../src/engine/caption/model';
import { readConcepts } from '../../src/engine/caption/model';
import { optimiseModel } from '../../src/engine/node/optimise';

const PYTHON = '/usr/bin/python3';
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const scripts = join(repoRoot, 'models/lightcap');

const pythonEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', LIGHTCAP_THREADS: '1' };

function missingPython(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, onnx, numpy'], { env: pythonEnv, encoding: 'utf8', timeout: 60_000 });
  if (probe.status === 0) return null;
  const why = probe.error ? probe.error.message : (probe.stderr ?? '').trim().split('\n').pop();
  return `${PYTHON} cannot import torch, onnx and numpy (${why}); install python3-torch python3-onnx python3-numpy libopenblas0-pthread, as .ci/run does`;
}

const skipReason = missingPython();
if (skipReason) console.warn(`LightCap training smoke test skipped: ${skipReason}`);

/** Runs one of the LightCap scripts; throws with its output on failure. */
function python(script: string, args: string[]): string {
  const run = spawnSync(PYTHON, [join(scripts, script), ...args], {
    cwd: repoRoot,
    env: pythonEnv,
    encoding: 'utf8',
    timeout: 150_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) {
    const output = `${run.stdout ?? ''}\n${run.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`${script} ${args.join(' ')} failed (${run.error?.message ?? `exit ${run.status}, signal ${run.signal}`}):\n${output}`);
  }
  return run.stdout;
}

interface EpochLog {
  epoch: number;
  step: number;
  ce: number;
  bce: number;
  greedy: { cider_d: number; bleu4: number };
}
interface Results {
  best_epoch: number;
  parameters: number;
  vocab: number;
  concepts: number;
  use_concepts: boolean;
  splits: Record<string, { greedy: { cider_d: number; bleu4: number }; beam3: { cider_d: number; bleu4: number } }>;
}
interface ScstLog {
  step: number;
  reward: number | null;
  greedy: { cider_d: number };
}
interface Golden {
  greedy: number[];
  memoryKeysSum: number;
}
interface SmokeCaptions {
  images: Array<{ file_name: string; scene: string }>;
}

const EPOCHS = 6;
/** The word each synthetic scene's captions always use (models/lightcap/smoke_data.py). */
const SCENE_WORD: Record<string, string> = { dog: 'dog', bike: 'bike', cat: 'cat', beach: 'child' };

describe.skipIf(skipReason !== null)(`LightCap training smoke test (synthetic data, small config; needs ${PYTHON} with torch and onnx)`, () => {
  let work = '';
  let run = '';
  let scst = '';
  let student = '';
  let exported = '';
  const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'lightcap-smoke-'));
    run = join(work, 'run');
    scst = join(work, 'scst');
    student = join(work, 'student');
    exported = join(work, 'export');
    const data = join(work, 'data');
    python('smoke_data.py', ['--out', data, '--train', '60', '--dev', '12', '--seed', '0']);
    python('train.py', [
      '--features', join(data, 'features'), '--train-data', join(data, 'train'), '--dev-data', join(data, 'dev'), '--out', run,
      '--extra-dev-splits', '', '--hidden', '64', '--layers', '1', '--ffn', '128', '--concepts', '20', '--min-count', '1',
      '--epochs', String(EPOCHS), '--patience', String(EPOCHS), '--batch', '8', '--warmup', '5', '--lr', '3e-3', '--seed', '1',
    ]);
    // Distillation: a student of the trained model, picked by beam-3 dev score (what the product decodes with).
    python('train.py', [
      '--features', join(data, 'features'), '--train-data', join(data, 'train'), '--dev-data', join(data, 'dev'), '--out', student,
      '--extra-dev-splits', '', '--hidden', '64', '--layers', '1', '--ffn', '128', '--concepts', '20', '--min-count', '1',
      '--epochs', '2', '--patience', '2', '--batch', '8', '--warmup', '5', '--lr', '3e-3', '--seed', '2',
      '--teacher', join(run, 'best.pt'), '--kd-weight', '0.5', '--select', 'beam3',
    ]);
    python('scst.py', [
      '--init', join(run, 'best.pt'), '--features', join(data, 'features'), '--train-data', join(data, 'train'), '--dev-data', join(data, 'dev'),
      '--out', scst, '--batch', '8', '--epochs', '2', '--eval-every', '3', '--patience', '100', '--lr', '1e-4', '--seed', '1',
    ]);
    python('export.py', [
      '--ckpt', join(scst, 'best.pt'), '--out', exported, '--features', join(data, 'features'), '--dev-data', join(data, 'dev'),
      '--fixture', join(exported, 'parity.json'), '--no-eval',
    ]);
  }, 180_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('trains: the loss falls and the dev captions name the scene', () => {
    const log = readFileSync(join(run, 'log.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as EpochLog);
    expect(log.map((e) => e.epoch)).toEqual([...Array(EPOCHS).keys()]);
    for (const e of log) {
      expect(Number.isFinite(e.ce) && Number.isFinite(e.bce)).toBe(true);
      expect(e.step).toBe((e.epoch + 1) * Math.floor(60 / 8));
    }
    const first = log[0]!;
    const last = log[log.length - 1]!;
    expect(last.ce).toBeLessThan(0.75 * first.ce);
    expect(last.bce).toBeLessThan(first.bce);
    expect(last.greedy.cider_d).toBeGreaterThan(first.greedy.cider_d);

    const results = readJson<Results>(join(run, 'results.json'));
    expect(results.use_concepts).toBe(true);
    expect(results.concepts).toBe(20);
    expect(results.vocab).toBeGreaterThan(30);
    expect(results.vocab).toBeLessThan(60);
    expect(results.parameters).toBeGreaterThan(100_000);
    expect(results.best_epoch).toBeGreaterThanOrEqual(0);
    expect(results.best_epoch).toBeLessThan(EPOCHS);
    expect(Object.keys(results.splits)).toEqual(['dev']);
    const dev = results.splits.dev!;
    for (const s of [dev.greedy, dev.beam3]) {
      expect(s.cider_d).toBeGreaterThanOrEqual(0);
      expect(s.bleu4).toBeGreaterThanOrEqual(0);
      expect(s.bleu4).toBeLessThanOrEqual(1);
    }
    expect(dev.greedy.cider_d).toBe(Math.max(...log.map((e) => e.greedy.cider_d)));

    // An untrained model says "a a a"; after a few dozen steps the scene's noun must come out.
    const captions = readJson<Record<string, Record<string, string>>>(join(run, 'dev_captions.json'))['dev/greedy']!;
    const images = readJson<SmokeCaptions>(join(work, 'data/dev/captions.json')).images;
    expect(Object.keys(captions).sort()).toEqual(images.map((im) => im.file_name).sort());
    const named = images.filter((im) => captions[im.file_name]!.split(' ').includes(SCENE_WORD[im.scene]!));
    expect(named.length, JSON.stringify(captions, null, 1)).toBeGreaterThanOrEqual(10);
  });

  it('distils: the student learns the teacher\'s distribution and keeps the epoch with the best beam-3 dev score', () => {
    const log = readFileSync(join(student, 'log.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as EpochLog & { kd: number; beam3: { cider_d: number } });
    expect(log.map((e) => e.epoch)).toEqual([0, 1]);
    for (const e of log) {
      expect(Number.isFinite(e.kd) && e.kd > 0).toBe(true);
      expect(e.beam3.cider_d).toBeGreaterThanOrEqual(0);
    }
    // The distillation loss falls as the student learns the teacher's distribution.
    expect(log[1]!.kd).toBeLessThan(log[0]!.kd);
    const results = readJson<Results & { best_epoch: number }>(join(student, 'results.json'));
    const best = log.reduce((a, b) => (b.beam3.cider_d > a.beam3.cider_d ? b : a));
    expect(results.best_epoch).toBe(best.epoch);
    expect(results.splits.dev!.beam3.cider_d).toBeCloseTo(best.beam3.cider_d, 3);
  });

  it('self-critical fine-tuning samples, scores and keeps the best dev checkpoint', () => {
    const log = readFileSync(join(scst, 'log.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as ScstLog);
    // Step 0 is the starting checkpoint; then one evaluation every 3 of the 14 steps (2 epochs of 7 batches).
    expect(log.map((e) => e.step)).toEqual([0, 3, 6, 9, 12, 14]);
    for (const e of log.slice(1)) expect(e.reward).toBeGreaterThan(0);
    const results = readJson<{ best_step: number; dev: { greedy: { cider_d: number } } }>(join(scst, 'results.json'));
    const best = log.reduce((a, b) => (b.greedy.cider_d > a.greedy.cider_d ? b : a));
    expect(results.best_step).toBe(best.step);
    expect(results.dev.greedy.cider_d).toBeCloseTo(best.greedy.cider_d, 3);
  });

  it('exports a manifest, vocabulary and golden tokens for the small config', () => {
    const manifest = readJson<Manifest>(join(exported, 'manifest.json'));
    const vocab = readJson<string[]>(join(exported, manifest.vocabulary));
    const results = readJson<Results>(join(run, 'results.json'));
    expect(vocab.length).toBe(manifest.vocabSize);
    expect(vocab.length).toBe(results.vocab);
    expect(vocab.slice(0, 4)).toEqual(['<pad>', '<bos>', '<eos>', '<unk>']);
    expect([manifest.layers, manifest.heads, manifest.headDim, manifest.prefixLength]).toEqual([1, 4, 16, 64 + 10 + 3]);
    expect(existsSync(join(exported, manifest.encoder))).toBe(true);
    expect(existsSync(join(exported, manifest.decoder))).toBe(true);
    const golden = readJson<Golden>(join(exported, 'golden.json'));
    expect(Number.isFinite(golden.memoryKeysSum)).toBe(true);
    expect(Array.isArray(golden.greedy)).toBe(true);
    for (const t of golden.greedy) expect(t >= 4 && t < vocab.length).toBe(true);
  });

  it('the engine reproduces the PyTorch greedy and beam tokens of the exported model in onnxruntime-web', async () => {
    const manifest = readJson<Manifest>(join(exported, 'manifest.json'));
    const golden = readJson<Golden>(join(exported, 'golden.json'));
    const fixture = readJson<Fixture>(join(exported, 'parity.json'));
    const model = await loadExportedCaptionModel(exported);
    try {
      const memory = await model.encode(goldenInput());
      expect(memory.keys.dims).toEqual([manifest.layers, 1, manifest.heads, manifest.prefixLength, manifest.headDim]);
      const keySum = memory.keys.data.reduce((sum, v) => sum + v, 0);
      expect(Math.abs(keySum - golden.memoryKeysSum)).toBeLessThan(1e-3 * Math.max(1, Math.abs(golden.memoryKeysSum)) + 0.05);
      expect((await model.decode(memory, { beamSize: 1 })).tokens).toEqual(golden.greedy);

      // The dev fixture: real-length captions from the trained grammar, so the comparison is not vacuous.
      expect(fixture.files.length).toBe(8);
      for (let i = 0; i < fixture.files.length; i++) {
        expect(fixture.greedy[i]!.length).toBeGreaterThanOrEqual(4);
        const image = await model.encode(fixtureInput(fixture.grid[i]!, fixture.presence[i]!));
        expect((await model.decode(image, { beamSize: 1 })).tokens, fixture.files[i]).toEqual(fixture.greedy[i]);
        expect((await model.decode(image, { beamSize: 3 })).tokens, fixture.files[i]).toEqual(fixture.beam3[i]);
      }
    } finally {
      await model.release();
    }
  });
  it('the shipped format (int8 weights, then the graphs as ort optimises them, their tables beside them) gives the same tokens', async () => {
    const fixture = readJson<Fixture>(join(exported, 'parity.json'));
    const shipped = join(work, 'shipped');
    cpSync(exported, shipped, { recursive: true });
    python('int8_matmul.py', [shipped]);
    const tokens = async (model: CaptionModel) => {
      try {
        const out: { keys: Float32Array; concepts: Concept[]; greedy: number[]; beam3: number[] }[] = [];
        for (let i = 0; i < fixture.files.length; i++) {
          const memory = await model.encode(fixtureInput(fixture.grid[i]!, fixture.presence[i]!));
          out.push({ keys: memory.keys.data, concepts: memory.concepts, greedy: (await model.decode(memory, { beamSize: 1 })).tokens, beam3: (await model.decode(memory, { beamSize: 3 })).tokens });
        }
        return out;
      } finally {
        await model.release();
      }
    };
    const int8 = await tokens(await loadExportedCaptionModel(shipped));

    const optimised = join(work, 'optimised');
    mkdirSync(optimised);
    const before = readJson<Manifest>(join(shipped, 'manifest.json'));
    for (const graph of [before.encoder, before.decoder]) await optimiseModel(join(shipped, graph), join(optimised, graph));
    python('prefold_tables.py', [shipped, optimised]);
    const manifest = readJson<Manifest>(join(shipped, 'manifest.json'));
    expect(manifest.graphOptimization).toBe('disabled');
    // Every table int8_matmul.py left in-graph (those a Gather or Gemm reads) is stored beside its graph: here the encoder's.
    expect(manifest.tables![manifest.encoder]!.shapes.length).toBeGreaterThanOrEqual(1);
    for (const table of Object.values(manifest.tables!)) {
      const stored = table.shapes.reduce((sum, [rows, columns]) => sum + Math.ceil((rows * columns) / 4) * 4 + columns * 4, 0);
      expect(statSync(join(shipped, table.file)).size).toBe(stored);
    }
    const prefolded = await tokens(await loadExportedCaptionModel(shipped));
    expect(prefolded.map((t) => [t.greedy, t.beam3])).toEqual(int8.map((t) => [t.greedy, t.beam3]));
    // Same arithmetic up to the order ort's fusions sum in: the decoder's memory agrees to float rounding.
    for (let i = 0; i < int8.length; i++) {
      const a = int8[i]!.keys;
      const b = prefolded[i]!.keys;
      expect(b.length).toBe(a.length);
      let worst = 0;
      for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j]! - b[j]!));
      expect(worst).toBeLessThan(1e-4);
    }

    // The decoder repeats the memory for the beams itself: same numbers, so the same tokens.
    python('broadcast_memory.py', [shipped]);
    const broadcasting = readJson<Manifest>(join(shipped, 'manifest.json'));
    expect(broadcasting.decoderBroadcastsMemory).toBe(true);
    const broadcast = await tokens(await loadExportedCaptionModel(shipped));
    expect(broadcast.map((t) => [t.greedy, t.beam3])).toEqual(int8.map((t) => [t.greedy, t.beam3]));

    // The decoder returns only the new position, and the engine writes the next step's cache: the same tokens.
    python('step_cache.py', [shipped]);
    const stepping = readJson<Manifest>(join(shipped, 'manifest.json'));
    expect(stepping.decoderReturnsStep).toBe(true);
    const stepped = await tokens(await loadExportedCaptionModel(shipped));
    expect(stepped.map((t) => [t.greedy, t.beam3])).toEqual(int8.map((t) => [t.greedy, t.beam3]));

    // The encoder reports every concept's score, best first; the first `conceptTokens` are those the model read.
    python('all_concepts.py', [shipped]);
    const reporting = readJson<Manifest>(join(shipped, 'manifest.json'));
    const read = stepped[0]!.concepts.length;
    expect(reporting.conceptTokens).toBe(read);
    const all = await tokens(await loadExportedCaptionModel(shipped));
    expect(all.map((t) => [t.greedy, t.beam3])).toEqual(int8.map((t) => [t.greedy, t.beam3]));
    for (let i = 0; i < all.length; i++) {
      const concepts = all[i]!.concepts;
      expect(concepts).toHaveLength(20);
      expect(new Set(concepts.map((c) => c.word)).size).toBe(20);
      expect(concepts.slice(0, read).map((c) => c.word)).toEqual(stepped[i]!.concepts.map((c) => c.word));
      expect(readConcepts(reporting, { concepts })).toEqual(concepts.slice(0, read));
      for (let j = 1; j < concepts.length; j++) expect(concepts[j]!.score).toBeLessThanOrEqual(concepts[j - 1]!.score);
    }
  });
});
