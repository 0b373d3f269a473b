/**
 * Parity and end-to-end check of the exported LightCap captioner
 * (models/lightcap/{encoder,decoder}.onnx) against the PyTorch tokens that
 * models/lightcap/export.py stored in its fixture, with greedy and beam
 * decoding written in TypeScript over the decoder's explicit KV cache.
 *
 *   npx tsx models/tools/lightcap_parity.ts [--fixture /tmp/lightcap-run/parity.json] [--runtime node|web]
 *       [--all] [--data ../shared/data/captions-dev] [--model models/lightcap]
 *
 * 1. Same inputs: the fixture's pooled features (nearest-upsampled back to
 *    16x16, which the encoder's 2x2 average pool maps back exactly) -> ONNX
 *    greedy and beam-3 tokens, compared with PyTorch's.
 * 2. End to end: each fixture image decoded with the engine's decoder, run
 *    through the shipped CenterNet detector, then the captioner; tokens compared
 *    with PyTorch's (which used float16-stored features, so rare differences
 *    are expected).
 * 3. --all: end to end over every captions-dev image, scored with src/eval
 *    (CIDEr-D, BLEU-4), with per-image timings.
 */
import { readFileSync } from 'node:fs';
import type * as OrtNode from 'onnxruntime-node';
import { join, resolve } from 'node:path';
import { decodeImageNode } from '../../src/engine/node/decode';
import { imageToTensor } from '../../src/engine/image/tensor';
import { classMaxima, parseDetectorConfig } from '../../src/engine/detect/detector';
import { corpusCiderD } from '../../src/eval/cider';
import { corpusBleu } from '../../src/eval/bleu';
import { loadOrtForNode } from '../../src/engine/runtime/ort';
import type { CaptionModelManifest as Manifest } from '../../src/engine/caption/manifest';

type Ort = typeof OrtNode;
type Session = OrtNode.InferenceSession;
type Tensor = OrtNode.Tensor;


interface Fixture {
  files: string[];
  grid: number[][];
  presence: number[][];
  greedy: number[][];
  beam3: number[][];
  captions: string[];
}

function arg(argv: readonly string[], flag: string, fallback: string): string {
  const index = argv.indexOf(flag);
  return index >= 0 && argv[index + 1] !== undefined ? argv[index + 1]! : fallback;
}

const CLITICS = new Set(["n't", "'s", "'re", "'ve", "'ll", "'d", "'m"]);

export function detokenize(words: readonly string[]): string {
  const out: string[] = [];
  for (const w of words) {
    if (out.length > 0 && CLITICS.has(w)) out[out.length - 1] += w;
    else out.push(w);
  }
  return out.join(' ');
}

/** Tokens that would repeat a trigram already in seq. */
function blockedTokens(seq: readonly number[]): number[] {
  const n = seq.length;
  if (n < 2) return [];
  const a = seq[n - 2]!;
  const b = seq[n - 1]!;
  const out: number[] = [];
  for (let i = 0; i + 2 < n; i++) if (seq[i] === a && seq[i + 1] === b) out.push(seq[i + 2]!);
  return out;
}

class Captioner {
  constructor(
    private readonly ort: Ort,
    private readonly encoder: Session,
    private readonly decoder: Session,
    readonly manifest: Manifest,
  ) {}

  async encode(features: Float32Array, presence: Float32Array): Promise<{ keys: Tensor; values: Tensor }> {
    const out = await this.encoder.run({
      features: new this.ort.Tensor('float32', features, [1, 480, 16, 16]),
      class_presence: new this.ort.Tensor('float32', presence, [1, 80]),
    });
    return { keys: out.memory_keys!, values: out.memory_values! };
  }

  /** Repeats batch-1 memory [L,1,H,P,dh] n times along the batch axis. */
  private tile(t: Tensor, n: number): Tensor {
    if (n === 1) return t;
    const [L, , H, P, dh] = t.dims as number[];
    const src = t.data as Float32Array;
    const block = H! * P! * dh!;
    const dst = new Float32Array(L! * n * block);
    for (let l = 0; l < L!; l++) for (let b = 0; b < n; b++) dst.set(src.subarray(l * block, (l + 1) * block), (l * n + b) * block);
    return new this.ort.Tensor('float32', dst, [L!, n, H!, P!, dh!]);
  }

  /** Keeps the batch rows `rows` of a [L,B,H,T,dh] cache. */
  private select(t: Tensor, rows: readonly number[]): Tensor {
    const [L, B, H, T, dh] = t.dims as number[];
    const src = t.data as Float32Array;
    const block = H! * T! * dh!;
    const n = rows.length;
    const dst = new Float32Array(L! * n * block);
    for (let l = 0; l < L!; l++) {
      rows.forEach((r, j) => dst.set(src.subarray((l * B! + r) * block, (l * B! + r + 1) * block), (l * n + j) * block));
    }
    return new this.ort.Tensor('float32', dst, [L!, n, H!, T!, dh!]);
  }

  private emptyCache(n: number): Tensor {
    const { layers, heads, headDim } = this.manifest;
    return new this.ort.Tensor('float32', new Float32Array(0), [layers, n, heads, 0, headDim]);
  }

  private async step(ids: readonly number[], keys: Tensor, values: Tensor, pastK: Tensor, pastV: Tensor) {
    const out = await this.decoder.run({
      input_ids: new this.ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [ids.length, 1]),
      memory_keys: keys,
      memory_values: values,
      past_keys: pastK,
      past_values: pastV,
    });
    return { logits: out.logits!.data as Float32Array, presentK: out.present_keys!, presentV: out.present_values! };
  }

  async greedy(memory: { keys: Tensor; values: Tensor }): Promise<number[]> {
    const { bos, eos } = this.manifest.specialTokens;
    const { maxWords, suppressTokens, blockRepeatedTrigrams } = this.manifest.decoding;
    const V = this.manifest.vocabSize;
    let pastK = this.emptyCache(1);
    let pastV = this.emptyCache(1);
    let token = bos;
    const seq: number[] = [];
    for (let t = 0; t <= maxWords; t++) {
      const { logits, presentK, presentV } = await this.step([token], memory.keys, memory.values, pastK, pastV);
      const row = logits.slice(0, V);
      for (const s of suppressTokens) row[s] = -Infinity;
      if (blockRepeatedTrigrams) for (const s of blockedTokens(seq)) row[s] = -Infinity;
      let best = 0;
      for (let i = 1; i < V; i++) if (row[i]! > row[best]!) best = i;
      if (best === eos) break;
      seq.push(best);
      token = best;
      pastK = presentK;
      pastV = presentV;
    }
    return seq;
  }

  /** Mirrors model.beam_search in models/lightcap/model.py. */
  async beam(memory: { keys: Tensor; values: Tensor }, beamSize: number): Promise<number[]> {
    const { bos, eos } = this.manifest.specialTokens;
    const { maxWords, suppressTokens, blockRepeatedTrigrams, lengthAlpha } = this.manifest.decoding;
    const V = this.manifest.vocabSize;
    let beams: Array<{ seq: number[]; score: number }> = [{ seq: [], score: 0 }];
    const finished: Array<{ score: number; seq: number[] }> = [];
    let pastK = this.emptyCache(1);
    let pastV = this.emptyCache(1);
    const tiledK = new Map<number, Tensor>();
    const tiledV = new Map<number, Tensor>();
    for (let t = 0; t <= maxWords; t++) {
      const n = beams.length;
      if (!tiledK.has(n)) {
        tiledK.set(n, this.tile(memory.keys, n));
        tiledV.set(n, this.tile(memory.values, n));
      }
      const { logits, presentK, presentV } = await this.step(
        beams.map((b) => b.seq.at(-1) ?? bos),
        tiledK.get(n)!,
        tiledV.get(n)!,
        pastK,
        pastV,
      );
      const cand: Array<{ score: number; beam: number; token: number }> = [];
      beams.forEach((b, i) => {
        const row = logits.subarray(i * V, (i + 1) * V);
        let max = -Infinity;
        for (let j = 0; j < V; j++) if (row[j]! > max) max = row[j]!;
        let sum = 0;
        for (let j = 0; j < V; j++) sum += Math.exp(row[j]! - max);
        const logZ = max + Math.log(sum);
        const logp = Float64Array.from(row, (x) => x - logZ);
        for (const s of suppressTokens) logp[s] = -Infinity;
        if (blockRepeatedTrigrams) for (const s of blockedTokens(b.seq)) logp[s] = -Infinity;
        if (t === maxWords) {
          const keep = logp[eos]!;
          logp.fill(-Infinity);
          logp[eos] = keep;
        }
        // top (beam + 1) of this row, best first
        const top: number[] = [];
        for (let j = 0; j < V; j++) {
          if (logp[j] === -Infinity) continue;
          if (top.length < beamSize + 1 || logp[j]! > logp[top.at(-1)!]!) {
            top.push(j);
            top.sort((x, y) => logp[y]! - logp[x]!);
            if (top.length > beamSize + 1) top.pop();
          }
        }
        for (const j of top) cand.push({ score: b.score + logp[j]!, beam: i, token: j });
      });
      cand.sort((x, y) => y.score - x.score);
      const next: Array<{ seq: number[]; score: number }> = [];
      const parents: number[] = [];
      for (const c of cand) {
        const seq = beams[c.beam]!.seq;
        if (c.token === eos) {
          const length = Math.max(1, seq.length + 1);
          finished.push({ score: c.score / length ** lengthAlpha, seq });
        } else {
          next.push({ seq: [...seq, c.token], score: c.score });
          parents.push(c.beam);
        }
        if (next.length === beamSize) break;
      }
      if (finished.length >= beamSize && next.length > 0 && lengthAlpha === 0) {
        const bestDone = Math.max(...finished.map((f) => f.score));
        if (Math.max(...next.map((b) => b.score)) < bestDone) break;
      }
      if (next.length === 0) break;
      pastK = this.select(presentK, parents);
      pastV = this.select(presentV, parents);
      beams = next;
    }
    const pool = finished.length > 0 ? finished : beams.map((b) => ({ score: b.score, seq: b.seq }));
    let best = pool[0]!;
    for (const f of pool) if (f.score > best.score) best = f;
    return best.seq;
  }
}

function upsampleGrid(grid: readonly number[]): Float32Array {
  const out = new Float32Array(480 * 256);
  for (let c = 0; c < 480; c++) {
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < 16; x++) out[c * 256 + y * 16 + x] = grid[((y >> 1) * 8 + (x >> 1)) * 480 + c]!;
    }
  }
  return out;
}

const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const modelDir = resolve(arg(argv, '--model', 'models/lightcap'));
  const fixturePath = resolve(arg(argv, '--fixture', '/tmp/lightcap-run/parity.json'));
  const data = resolve(arg(argv, '--data', '../shared/data/captions-dev'));
  const runtime = arg(argv, '--runtime', 'node');
  const all = argv.includes('--all');
  // onnxruntime-web (what the extension runs) through the engine's loader, or the native build.
  const ort = (runtime === 'web' ? await loadOrtForNode() : await import('onnxruntime-node')) as unknown as Ort;
  if (runtime === 'web') (ort.env as unknown as { wasm: { numThreads: number } }).wasm.numThreads = 1;
  const options = runtime === 'web' ? {} : { intraOpNumThreads: 1, interOpNumThreads: 1 };

  const manifest = JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8')) as Manifest;
  const vocab = JSON.parse(readFileSync(join(modelDir, manifest.vocabulary), 'utf8')) as string[];
  const load = (file: string) => ort.InferenceSession.create(new Uint8Array(readFileSync(join(modelDir, file))), options);
  const captioner = new Captioner(ort, await load(manifest.encoder), await load(manifest.decoder), manifest);
  const fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as Fixture;
  const words = (seq: readonly number[]) => detokenize(seq.map((t) => vocab[t]!));

  // 1. Same inputs.
  let greedySame = 0;
  let beamSame = 0;
  for (let i = 0; i < fixture.files.length; i++) {
    const memory = await captioner.encode(upsampleGrid(fixture.grid[i]!), Float32Array.from(fixture.presence[i]!));
    const g = await captioner.greedy(memory);
    const b = await captioner.beam(memory, 3);
    if (same(g, fixture.greedy[i]!)) greedySame++;
    else console.log(`greedy differs on ${fixture.files[i]}:\n  torch: ${words(fixture.greedy[i]!)}\n  onnx:  ${words(g)}`);
    if (same(b, fixture.beam3[i]!)) beamSame++;
    else console.log(`beam differs on ${fixture.files[i]}:\n  torch: ${words(fixture.beam3[i]!)}\n  onnx:  ${words(b)}`);
  }
  console.log(`same inputs (${runtime}): greedy ${greedySame}/${fixture.files.length} identical, beam-3 ${beamSame}/${fixture.files.length} identical`);

  // 2. End to end from the image files.
  const detConfig = parseDetectorConfig(JSON.parse(readFileSync('models/detector/centernet.json', 'utf8')));
  const detector = await ort.InferenceSession.create(new Uint8Array(readFileSync('models/detector/centernet.onnx')), options);
  const { width, height } = detConfig.input;
  const trunk = async (file: string) => {
    const image = await decodeImageNode(new Uint8Array(readFileSync(join(data, 'images', file))));
    const input = new ort.Tensor('float32', imageToTensor(image, width, height, detConfig.input), [1, 3, height, width]);
    const out = await detector.run({ [detConfig.input.name]: input });
    return { features: out.features!.data as Float32Array, presence: classMaxima(out.heatmap!.data as Float32Array, 80, true) };
  };
  let e2eSame = 0;
  for (let i = 0; i < fixture.files.length; i++) {
    const { features, presence } = await trunk(fixture.files[i]!);
    const g = await captioner.greedy(await captioner.encode(features, presence));
    if (same(g, fixture.greedy[i]!)) e2eSame++;
    console.log(`${fixture.files[i]}: ${words(g)}${same(g, fixture.greedy[i]!) ? '' : `   [torch: ${words(fixture.greedy[i]!)}]`}`);
  }
  console.log(`end to end (${runtime}): greedy ${e2eSame}/${fixture.files.length} identical to PyTorch on stored features`);

  if (!all) return;
  // 3. Whole captions-dev, end to end.
  const captions = JSON.parse(readFileSync(join(data, 'captions.json'), 'utf8')) as {
    images: Array<{ id: number; file_name: string }>;
    annotations: Array<{ image_id: number; caption: string }>;
  };
  const refs = new Map<number, string[]>();
  for (const a of captions.annotations) refs.set(a.image_id, [...(refs.get(a.image_id) ?? []), a.caption]);
  const greedyItems = [];
  const beamItems = [];
  const times = { trunk: [] as number[], encoder: [] as number[], greedy: [] as number[], beam: [] as number[] };
  for (const image of captions.images) {
    let t0 = performance.now();
    const { features, presence } = await trunk(image.file_name);
    times.trunk.push(performance.now() - t0);
    t0 = performance.now();
    const memory = await captioner.encode(features, presence);
    times.encoder.push(performance.now() - t0);
    t0 = performance.now();
    const g = words(await captioner.greedy(memory));
    times.greedy.push(performance.now() - t0);
    t0 = performance.now();
    const b = words(await captioner.beam(memory, manifest.decoding.beamSize));
    times.beam.push(performance.now() - t0);
    greedyItems.push({ candidate: g, references: refs.get(image.id)! });
    beamItems.push({ candidate: b, references: refs.get(image.id)! });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(1);
  console.log(
    `captions-dev end to end (${runtime}, ${captions.images.length} images): greedy CIDEr-D ${corpusCiderD(greedyItems).score.toFixed(4)} ` +
      `BLEU-4 ${corpusBleu(greedyItems).bleu4.toFixed(4)}; beam-${manifest.decoding.beamSize} CIDEr-D ${corpusCiderD(beamItems).score.toFixed(4)} ` +
      `BLEU-4 ${corpusBleu(beamItems).bleu4.toFixed(4)}`,
  );
  console.log(
    `median ms/image: detector ${median(times.trunk)} (incl. decode+resize), encoder ${median(times.encoder)}, greedy ${median(times.greedy)}, beam ${median(times.beam)}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
