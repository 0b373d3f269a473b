import { createEngine } from '../engine';
import type { Engine } from '../engine';
import { createOrtRuntime, loadOrtForNode } from '../runtime/ort';
import type { InferenceRuntime, OrtModule } from '../runtime/ort';
import { createNodeModelStore } from './model-store';

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

export async function createNodeEngine(options: { backend?: NodeBackend; threads?: number } = {}): Promise<Engine> {
  const runtime = await createNodeRuntime(options.backend ?? 'wasm', options.threads ?? 1);
  return createEngine({ runtime, store: createNodeModelStore() });
}
