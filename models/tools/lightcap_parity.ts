/**
 * Parity and end-to-end check of the exported LightCap captioner
 * (models/lightcap/{encoder,decoder}.onnx) against the PyTorch tokens that
 * models/lightcap/export.py stored in its fixture, with greedy and beam
 * decoding from the engine (src/engine/caption) over the decoder's explicit KV cache.
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
import { join, resolve } from 'node:path';
import { decodeImageNode } from '../../src/engine/node/decode';
import { repoModelsRoot } from '../../src/engine/node/model-store';
import { createNodeRuntime } from '../../src/engine/node/node-engine';
import { createDetector, parseDetectorConfig } from '../../src/engine/detect/detector';
import { fixtureInput, loadExportedCaptionModel } from './lightcap_fixture';
import type { ParityFixture as Fixture } from './lightcap_fixture';
import type { CaptionMemory, CaptionModel } from '../../src/engine/caption/model';
import { corpusCiderD } from '../../src/eval/cider';
import { corpusBleu } from '../../src/eval/bleu';
import { joinClitics } from '../../src/engine/caption/tidy';

function arg(argv: readonly string[], flag: string, fallback: string): string {
  const index = argv.indexOf(flag);
  return index >= 0 && argv[index + 1] !== undefined ? argv[index + 1]! : fallback;
}

/** The scorer's view of a caption: words joined, clitics attached, no capitals or full stop added. */
const detokenize = (words: readonly string[]): string => joinClitics(words).join(' ');

async function tokens(model: CaptionModel, memory: CaptionMemory, beamSize: number): Promise<number[]> {
  return (await model.decode(memory, { beamSize })).tokens;
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
  const ort = await createNodeRuntime(runtime === 'web' ? 'wasm' : 'native', 1);
  const captioner = await loadExportedCaptionModel(modelDir, runtime === 'web' ? 'wasm' : 'native');
  const { manifest, vocabulary: vocab } = captioner;
  const fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as Fixture;
  const words = (seq: readonly number[]) => detokenize(seq.map((t) => vocab[t]!));

  // 1. Same inputs.
  let greedySame = 0;
  let beamSame = 0;
  for (let i = 0; i < fixture.files.length; i++) {
    const memory = await captioner.encode(fixtureInput(fixture.grid[i]!, fixture.presence[i]!));
    const g = await tokens(captioner, memory, 1);
    const b = await tokens(captioner, memory, 3);
    if (same(g, fixture.greedy[i]!)) greedySame++;
    else console.log(`greedy differs on ${fixture.files[i]}:\n  torch: ${words(fixture.greedy[i]!)}\n  onnx:  ${words(g)}`);
    if (same(b, fixture.beam3[i]!)) beamSame++;
    else console.log(`beam differs on ${fixture.files[i]}:\n  torch: ${words(fixture.beam3[i]!)}\n  onnx:  ${words(b)}`);
  }
  console.log(`same inputs (${runtime}): greedy ${greedySame}/${fixture.files.length} identical, beam-3 ${beamSame}/${fixture.files.length} identical`);

  // 2. End to end from the image files.
  const detConfig = parseDetectorConfig(JSON.parse(readFileSync(join(repoModelsRoot, 'detector/centernet.json'), 'utf8')));
  const detector = await createDetector(ort, new Uint8Array(readFileSync(join(repoModelsRoot, 'detector', detConfig.file))), detConfig);
  const trunk = async (file: string) => {
    const image = await decodeImageNode(new Uint8Array(readFileSync(join(data, 'images', file))));
    const out = await detector.detect(image);
    if (!out.features) throw new Error('the detector config names no features output');
    return { features: out.features, classPresence: out.classPresence };
  };
  let e2eSame = 0;
  for (let i = 0; i < fixture.files.length; i++) {
    const g = await tokens(captioner, await captioner.encode(await trunk(fixture.files[i]!)), 1);
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
    const input = await trunk(image.file_name);
    times.trunk.push(performance.now() - t0);
    t0 = performance.now();
    const memory = await captioner.encode(input);
    times.encoder.push(performance.now() - t0);
    t0 = performance.now();
    const g = words(await tokens(captioner, memory, 1));
    times.greedy.push(performance.now() - t0);
    t0 = performance.now();
    const b = words(await tokens(captioner, memory, manifest.decoding.beamSize));
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
    `median ms/image: detector ${median(times.trunk)} (incl. decode, resize and post-processing), encoder ${median(times.encoder)}, greedy ${median(times.greedy)}, beam ${median(times.beam)}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
