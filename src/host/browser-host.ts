import { browser } from 'wxt/browser';
import { createEngine } from '../engine/engine';
import type { Engine, EngineManifest } from '../engine/engine';
import { createOrtRuntime, loadOrtFromUrl } from '../engine/runtime/ort';
import type { InferenceRuntime } from '../engine/runtime/ort';
import { chooseThreads, currentThreadEnvironment } from './threads';
import { currentAdapter, gpuPowerPreference, isHardwareAdapter, runsOnGpu } from './gpu';
import type { ModelStore } from '../engine/models';
import { readJson } from '../engine/models';
import { EngineError, throwIfAborted } from '../engine/errors';
import { decodeImageBrowser } from '../engine/image/decode-browser';
import { defaultFetchLimits } from '../engine/image/fetch';
import { createEngineCaptioner } from './captioner';
import type { Captioner } from './captioner';
import { createIndexedDbCache } from './cache';
import { createEngineHost } from './engine-host';
import { withDeadline } from './deadline';
import type { NetworkAccess } from './network-access';
import type { EngineHost } from './engine-host';

/** Build-time assets (ort, models) are not in WXT's generated list of public paths. */
export function extensionUrl(path: string): string {
  return (browser.runtime.getURL as (path: string) => string)(path);
}

/** Decoding alone: a decode still running after this is stuck (the whole caption has its own deadline). */
const decodeDeadlineMs = 10_000;

/** Reads the models packaged with the extension (copied in by wxt.config.ts). */
export function createPackagedModelStore(): ModelStore {
  const load = async (path: string, signal?: AbortSignal) => {
    throwIfAborted(signal);
    const response = await fetch(extensionUrl(`/models/${path}`), { signal });
    if (!response.ok) throw new EngineError('model-load', `the packaged model file ${path} is missing (HTTP ${response.status})`);
    return response;
  };
  return {
    bytes: async (path, signal) => new Uint8Array(await (await load(path, signal)).arrayBuffer()),
    text: async (path, signal) => (await load(path, signal)).text(),
  };
}

/**
 * ort's builds in this extension (wxt.config.ts copies them). The JSPI build has the
 * WebGPU provider besides WASM, but on WASM alone it is slower to its first result:
 * in Chromium on the 2-core test machine its first image took 0.70–1.26 s of model
 * time against 0.58–0.80 s for the plain build, in the same hours (README, Speed).
 * So Chrome loads it only when the detectors will run on a GPU; Firefox ships the
 * plain build only.
 */
export function ortEntryFor(gpu: boolean): string {
  return gpu ? 'ort.jspi.min.mjs' : 'ort.wasm.min.mjs';
}

export interface BrowserHostOptions {
  threads?: number;
  /** The user's "Use the GPU when available" setting. */
  allowGpu?: boolean;
}

/**
 * The engine, created on first use: ort and the models load when the host is told a page is coming, or with the first caption.
 * `onRuntime` receives the runtime once it exists, for the status (threads and providers in use).
 */
function createBrowserCaptioner(threads: number, allowGpu: boolean, onRuntime: (runtime: InferenceRuntime) => void): Captioner {
  let engine: Promise<Engine> | undefined;
  const getEngine = () =>
    (engine ??= (async () => {
      const ortFolder = extensionUrl('/ort/');
      const gpu = allowGpu && !import.meta.env.FIREFOX && isHardwareAdapter(await currentAdapter()) ? { useFor: runsOnGpu, powerPreference: gpuPowerPreference } : undefined;
      const ort = await loadOrtFromUrl(`${ortFolder}${ortEntryFor(gpu !== undefined)}`);
      const runtime = createOrtRuntime(ort, 'wasm', { threads, wasmPaths: ortFolder, gpu });
      onRuntime(runtime);
      return createEngine({ runtime, store: createPackagedModelStore() });
    })().catch((error: unknown) => {
      engine = undefined;
      throw error;
    }));
  const decode = (bytes: Uint8Array, signal: AbortSignal) => withDeadline('decoding the image', decodeDeadlineMs, signal, (stage) => decodeImageBrowser(bytes, { signal: stage }));
  return {
    kind: 'engine',
    async load(signal) {
      return createEngineCaptioner(await getEngine(), decode).load(signal);
    },
    async warmUp(signal) {
      return createEngineCaptioner(await getEngine(), decode).warmUp(signal);
    },
    async caption(bytes, signal, style) {
      return createEngineCaptioner(await getEngine(), decode).caption(bytes, signal, style);
    },
  };
}

export function createBrowserEngineHost(networkAccess: NetworkAccess, options: BrowserHostOptions = {}): EngineHost {
  const { threads = chooseThreads(currentThreadEnvironment()), allowGpu = true } = options;
  const store = createPackagedModelStore();
  let runtime: InferenceRuntime | undefined;
  return createEngineHost({
    captioner: createBrowserCaptioner(threads, allowGpu, (created) => (runtime = created)),
    // A caption record is about 0.5 kB: 5,000 of them fit the byte bound with room to spare.
    cache: createIndexedDbCache({ bounds: { maxEntries: 5000, maxBytes: 8 * 1024 * 1024 } }),
    // Read once by the engine host, which forgets a failed read so that the next request tries again
    // (a second memo here used to keep the rejected promise until the document closed).
    modelVersion: () => readJson<EngineManifest>(store, 'manifest.json').then((m) => m.version),
    threads: () => runtime?.threads ?? threads,
    executionProviders: () => runtime?.executionProviders() ?? {},
    // Three: the next two images are fetched and hashed while the engine describes one (each at most fetchLimits.maxBytes).
    queue: { concurrency: 3, maxWaiting: 1000 },
    fetchLimits: defaultFetchLimits,
    networkAccess,
  });
}
