/**
 * The only module that touches onnxruntime-web. Everything else talks to the
 * small `InferenceRuntime` interface below, which also lets the benchmark plug
 * in onnxruntime-node (same API) as a native reference.
 */
import type * as OrtWeb from 'onnxruntime-web/wasm';
import { EngineError, throwIfAborted } from '../errors';

export type OrtModule = Pick<typeof OrtWeb, 'InferenceSession' | 'Tensor' | 'env'>;

export type TensorType = 'float32' | 'int64' | 'int32' | 'uint8' | 'int8' | 'bool';

export interface PlainTensor {
  readonly type: TensorType;
  readonly data: Float32Array | BigInt64Array | Int32Array | Uint8Array | Int8Array;
  readonly dims: readonly number[];
}

export interface FloatTensor extends PlainTensor {
  readonly type: 'float32';
  readonly data: Float32Array;
}

export function floatTensor(data: Float32Array, dims: readonly number[]): FloatTensor {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected !== data.length) {
    throw new EngineError('internal', `tensor data has ${data.length} values, dims ${dims.join('x')} need ${expected}`);
  }
  return { type: 'float32', data, dims };
}

/** Where a session's model runs: onnxruntime-web's WASM or WebGPU provider, or onnxruntime-node. */
export type ExecutionProvider = 'wasm' | 'webgpu' | 'native';

export interface ModelSession {
  readonly name: string;
  readonly executionProvider: ExecutionProvider;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, PlainTensor>, signal?: AbortSignal): Promise<Record<string, PlainTensor>>;
  release(): Promise<void>;
}

export interface InferenceRuntime {
  /** 'wasm' for onnxruntime-web, 'native' for onnxruntime-node. */
  readonly kind: 'wasm' | 'native';
  /** Threads in use: what was asked for, or 1 once ort found it cannot share memory with workers here. */
  readonly threads: number;
  createSession(name: string, model: Uint8Array, signal?: AbortSignal, options?: SessionCreateOptions): Promise<ModelSession>;
  /** The provider each session created so far runs on, by session name. */
  executionProviders(): Record<string, ExecutionProvider>;
}

/** Per-model session settings, from the model's own config. */
export interface SessionCreateOptions {
  /**
   * ort's graph optimisation level; 'all' when absent. 'disabled' is for a model
   * already in the form ort would give it: the optimiser's cold wasm code then
   * does not run on the way to the first result.
   */
  graphOptimization?: GraphOptimization;
  /**
   * Files the model's external initializers name, by the path the model gives
   * them, with their bytes (made in memory: see src/engine/caption/tables.ts).
   */
  externalData?: readonly ExternalDataFile[];
}

export interface ExternalDataFile {
  path: string;
  data: Uint8Array;
}

export const graphOptimizations = ['disabled', 'basic', 'extended', 'all'] as const;
export type GraphOptimization = (typeof graphOptimizations)[number];

export interface RuntimeOptions {
  /** Explicit, because ort's default depends on isolation and core count. */
  threads: number;
  /** Browser only: URL of the folder holding ort's .mjs/.wasm files. */
  wasmPaths?: string;
  /**
   * Browser only, and only with an ort build that has the WebGPU provider: the
   * sessions to try on the GPU first, and the adapter preference the caller
   * checked (so ort asks for the same adapter). A model whose GPU session
   * cannot be made (an operator WebGPU lacks, no device) runs on WASM instead.
   * A device lost later fails that model's runs until the engine is recreated.
   */
  gpu?: { useFor(sessionName: string): boolean; powerPreference: 'low-power' | 'high-performance' };
}

export function createOrtRuntime(ort: OrtModule, kind: 'wasm' | 'native', options: RuntimeOptions): InferenceRuntime {
  if (!Number.isInteger(options.threads) || options.threads < 1) {
    throw new EngineError('invalid-option', `threads must be a positive integer, got ${options.threads}`);
  }
  if (kind === 'wasm') {
    ort.env.wasm.numThreads = options.threads;
    if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
    if (options.gpu) ort.env.webgpu.powerPreference = options.gpu.powerPreference;
  }
  const baseOptions: OrtWeb.InferenceSession.SessionOptions =
    kind === 'wasm' ? { executionProviders: ['wasm'] } : { intraOpNumThreads: options.threads, interOpNumThreads: 1 };
  const providers: Record<string, ExecutionProvider> = {};

  const create = async (
    name: string,
    model: Uint8Array,
    perModel: SessionCreateOptions,
  ): Promise<{ session: OrtWeb.InferenceSession; provider: ExecutionProvider }> => {
    const sessionOptions: OrtWeb.InferenceSession.SessionOptions = {
      ...baseOptions,
      graphOptimizationLevel: perModel.graphOptimization ?? 'all',
      ...(perModel.externalData ? { externalData: [...perModel.externalData] } : {}),
    };
    if (kind === 'wasm' && options.gpu?.useFor(name)) {
      try {
        // Only 'webgpu': with 'wasm' listed too, ort would split the graph and copy tensors between them per operator.
        return { session: await ort.InferenceSession.create(model, { ...sessionOptions, executionProviders: ['webgpu'] }), provider: 'webgpu' };
      } catch {
        // Falls through to WASM for this model; the status shows which provider each model got.
      }
    }
    return { session: await ort.InferenceSession.create(model, sessionOptions), provider: kind };
  };

  return {
    kind,
    get threads() {
      // ort lowers env.wasm.numThreads to 1 when it initialises where threads cannot work.
      return kind === 'wasm' ? ort.env.wasm.numThreads ?? options.threads : options.threads;
    },
    async createSession(name, model, signal, perModel = {}) {
      throwIfAborted(signal);
      // Levels come from model configs (JSON), so the type alone does not hold them to ort's four.
      const level = perModel.graphOptimization;
      if (level !== undefined && !graphOptimizations.includes(level)) {
        throw new EngineError('model-load', `model "${name}": "graphOptimization" must be one of ${graphOptimizations.join(', ')}, got "${String(level)}"`);
      }
      let created: Awaited<ReturnType<typeof create>>;
      try {
        created = await create(name, model, perModel);
      } catch (cause) {
        throw new EngineError('model-load', `could not load model "${name}": ${describeCause(cause)}`, { cause });
      }
      providers[name] = created.provider;
      return wrapSession(ort, name, created.session, created.provider);
    },
    executionProviders: () => ({ ...providers }),
  };
}

function wrapSession(ort: OrtModule, name: string, session: OrtWeb.InferenceSession, executionProvider: ExecutionProvider): ModelSession {
  // ort's wasm backend is not re-entrant per session; serialise calls so that
  // concurrent describe() calls queue instead of failing.
  let tail: Promise<unknown> = Promise.resolve();
  return {
    name,
    executionProvider,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    run(feeds, signal) {
      const result = tail.then(async () => {
        throwIfAborted(signal);
        const ortFeeds: Record<string, OrtWeb.Tensor> = {};
        for (const [key, t] of Object.entries(feeds)) {
          ortFeeds[key] = new ort.Tensor(t.type, t.data, t.dims);
        }
        let out: OrtWeb.InferenceSession.ReturnType;
        try {
          out = await session.run(ortFeeds);
        } catch (cause) {
          throw new EngineError('inference', `model "${name}" failed: ${describeCause(cause)}`, { cause });
        }
        const plain: Record<string, PlainTensor> = {};
        for (const [key, t] of Object.entries(out)) {
          // getData() reads a GPU output back; a CPU tensor returns its data as is.
          const data = executionProvider === 'webgpu' ? await t.getData(true) : t.data;
          plain[key] = { type: t.type as TensorType, data: data as PlainTensor['data'], dims: [...t.dims] };
          t.dispose?.();
        }
        throwIfAborted(signal);
        return plain;
      });
      tail = result.catch(() => undefined);
      return result;
    },
    release: () => session.release(),
  };
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * Node (tests, CLI, bench): the package root resolves to ort's Node build.
 * The specifier is hidden from bundlers so a browser build never pulls it in;
 * the extension loads ort from its own packaged URL instead.
 */
export async function loadOrtForNode(): Promise<OrtModule> {
  const specifier = 'onnxruntime-web';
  return (await import(/* @vite-ignore */ specifier)) as OrtModule;
}

/** Extension pages: ort is copied into the build's ort/ folder, see wxt.config.ts. */
export async function loadOrtFromUrl(moduleUrl: string): Promise<OrtModule> {
  return (await import(/* @vite-ignore */ moduleUrl)) as OrtModule;
}
