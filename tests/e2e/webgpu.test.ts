/**
 * WebGPU, in Debian Chromium with the built extension. This machine has no
 * GPU; Chromium's --enable-unsafe-webgpu offers SwiftShader's software adapter,
 * which computes on the CPU through the real WebGPU stack. So:
 *   - parity: the shipped ort build runs the shipped detector on the WebGPU
 *     provider, inside an extension page, and agrees with its WASM provider;
 *   - choice: the extension itself does not use a software adapter (some 100x
 *     slower than WASM here): its engine reports WASM for every model. On a
 *     machine with a GPU, the detectors report WebGPU instead.
 *
 *   npx vitest run --config vitest.e2e.config.ts tests/e2e/webgpu.test.ts
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { describeViaHook, engineStatus, launchChromium, openExtensionPage } from './extension';
import { runsOnGpu } from '../../src/host/gpu';
import type { ChromiumSession } from './extension';
import { startFixtureServer } from './server';
import type { FixtureServer } from './server';

/** Both providers on the same deterministic picture (a gradient with a bright square, 0..255 as the engine feeds it). */
const parityScript = `(async () => {
  const url = (path) => chrome.runtime.getURL(path);
  // ort's JSPI glue contains one new Function( (embind's emval caller): count whether WebGPU ever reaches it.
  let functionsMade = 0;
  globalThis.Function = new Proxy(Function, { construct: (target, args) => (functionsMade++, Reflect.construct(target, args)), apply: (target, self, args) => (functionsMade++, Reflect.apply(target, self, args)) });
  const adapter = await navigator.gpu?.requestAdapter();
  const ort = await import(url('/ort/ort.jspi.min.mjs'));
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = url('/ort/');
  const config = await (await fetch(url('/models/detector/centernet.json'))).json();
  const model = new Uint8Array(await (await fetch(url('/models/detector/' + config.file))).arrayBuffer());
  const { width, height } = config.input;
  const pixels = new Float32Array(3 * width * height);
  for (let c = 0; c < 3; c++) for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const inSquare = x > width / 4 && x < width / 2 && y > height / 3 && y < (2 * height) / 3;
    pixels[c * width * height + y * width + x] = inSquare ? 230 - 40 * c : (x + y * (c + 1)) % 256;
  }
  const out = [];
  for (const provider of ['webgpu', 'wasm']) {
    const session = await ort.InferenceSession.create(model, { executionProviders: [provider], graphOptimizationLevel: 'all' });
    const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', pixels, [1, 3, height, width]) });
    const run = { provider, dims: {}, data: {}, adapter: adapter?.info?.architecture, functionsMade };
    for (const [name, tensor] of Object.entries(result)) {
      run.dims[name] = [...tensor.dims];
      run.data[name] = Array.from(await tensor.getData(), Number);
    }
    await session.release();
    out.push(run);
  }
  return out;
})()`;

let session: ChromiumSession;
/** The adapter the parity test saw: SwiftShader here, a real GPU on a machine that has one. */
let adapterArchitecture: string | undefined;
let server: FixtureServer;

beforeAll(async () => {
  server = await startFixtureServer();
  session = await launchChromium({ webgpu: true });
}, 120_000);

afterAll(async () => {
  await session?.close();
  await server?.close();
});

interface ProviderRun {
  provider: string;
  /** Function objects constructed from strings so far in the page (CDP's evaluate is exempt from the CSP, so count them). */
  functionsMade: number;
  dims: Record<string, number[]>;
  data: Record<string, number[]>;
  adapter?: string;
}

describe('WebGPU', () => {
  test('the shipped detector on the WebGPU provider matches WASM (SwiftShader adapter)', async () => {
    const page = await openExtensionPage(session);
    // A string, so that vitest leaves the dynamic import() alone: it runs in the page, against the extension's own files.
    const runs = (await page.evaluate(parityScript)) as ProviderRun[];
    await page.close();
    const [gpu, wasm] = runs as [ProviderRun, ProviderRun];
    // The release check lets the glue's one new Function( through because nothing reaches it (scripts/build/release-checks.ts).
    expect(wasm.functionsMade, 'Function constructions while ort ran on WebGPU and WASM').toBe(0);
    expect(gpu.adapter, 'a WebGPU adapter (SwiftShader on a machine without a GPU)').toBeTruthy();
    adapterArchitecture = gpu.adapter;
    expect(Object.keys(gpu.data).sort()).toEqual(Object.keys(wasm.data).sort());
    // The peak search's candidates (models/tools/centernet_peaks.py): the scores are sorted, so they compare
    // value by value below; the cells must be the same wherever a score is clear of its neighbours in the ranking.
    const scores = wasm.data.peak_scores!;
    const clear = (i: number) => (i === 0 || scores[i - 1]! - scores[i]! > 1e-3) && (i === scores.length - 1 || scores[i]! - scores[i + 1]! > 1e-3);
    const clearCells = scores.flatMap((score, i) => (score > 0 && clear(i) ? [i] : []));
    expect(clearCells.length, 'peaks clear of their neighbours').toBeGreaterThan(0);
    for (const i of clearCells) expect(gpu.data.peak_indices![i], `peak ${i}`).toBe(wasm.data.peak_indices![i]);
    console.log(`[webgpu] peak_indices: the same cell for all ${clearCells.length} peaks clear of their neighbours`);
    for (const name of Object.keys(wasm.data)) {
      expect(gpu.dims[name]).toEqual(wasm.dims[name]);
      if (name === 'peak_indices') continue;
      const a = gpu.data[name]!;
      const b = wasm.data[name]!;
      let maxDiff = 0;
      let maxAbs = 0;
      for (let i = 0; i < b.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
        maxAbs = Math.max(maxAbs, Math.abs(b[i]!));
      }
      console.log(`[webgpu] ${name}: ${b.length} values, max |webgpu - wasm| ${maxDiff.toExponential(2)} (max |wasm| ${maxAbs.toFixed(2)})`);
      // Float32 on two backends with different summation orders: agree to 1e-3 of the output's scale.
      expect(maxDiff, name).toBeLessThanOrEqual(1e-3 * Math.max(1, maxAbs));
    }
  }, 300_000);

  test('the extension uses a hardware adapter for the detectors, never a software one', async () => {
    const result = await describeViaHook(session.sw!, { srcUrl: server.url('/images/open-24-hours.png', 'B') });
    expect(result.state).toBe('done');
    const status = await engineStatus(session);
    const providers = status.executionProviders ?? {};
    console.log(`[webgpu] adapter ${adapterArchitecture}; providers ${JSON.stringify(providers)}`);
    expect(Object.keys(providers).length).toBeGreaterThan(0);
    const software = adapterArchitecture === 'swiftshader';
    for (const [model, provider] of Object.entries(providers)) {
      expect(provider, model).toBe(!software && runsOnGpu(model) ? 'webgpu' : 'wasm');
    }
  }, 120_000);
});
