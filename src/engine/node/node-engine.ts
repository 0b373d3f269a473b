import { createEngine } from '../engine';
import type { Engine } from '../engine';
import { createOrtRuntime, loadOrtForNode } from '../runtime/ort';
import type { InferenceRuntime, OrtModule } from '../runtime/ort';
import { createNodeModelStore, withManifest } from './model-store';
import type { EngineManifest } from '../engine';

export type NodeBackend = 'wasm' | 'native';

/**
 * 'wasm' is onnxruntime-web, the same runtime the extension uses. 'native' is
 * onnxruntime-node, only as the benchmark's reference point.
 */
export async function createNodeRuntime(backend: NodeBackend, threads: number): Promise<InferenceRuntime> {
  if (backend === 'native') {
    const specifier = 'onnxruntime-node';
    const native = (await import(specifier)) as OrtModule;
    return createOrtRuntime(native, 'native', { threads });
  }
  return createOrtRuntime(await loadOrtForNode(), 'wasm', { threads });
}

export interface NodeEngineOptions {
  backend?: NodeBackend;
  threads?: number;
  /**
   * The engine manifest to use instead of models/manifest.json (the model
   * files still come from models/): fitting a new caption model's gate needs
   * the model in a manifest before the manifest may name it.
   */
  manifest?: EngineManifest;
}

export async function createNodeEngine(options: NodeEngineOptions = {}): Promise<Engine> {
  const runtime = await createNodeRuntime(options.backend ?? 'wasm', options.threads ?? 1);
  const store = createNodeModelStore();
  return createEngine({ runtime, store: options.manifest ? withManifest(store, 'manifest.json', options.manifest) : store });
}
