import { describe, expect, it } from 'vitest';
import { createOrtRuntime } from '../../src/engine/runtime/ort';
import type { OrtModule } from '../../src/engine/runtime/ort';

/** An ort module that records the options each session is made with. */
function recordingOrt(): { ort: OrtModule; created: Array<Record<string, unknown>> } {
  const created: Array<Record<string, unknown>> = [];
  const ort = {
    env: { wasm: {}, webgpu: {} },
    Tensor: class {},
    InferenceSession: {
      create: async (_model: Uint8Array, options: Record<string, unknown>) => {
        created.push(options);
        return { inputNames: ['x'], outputNames: ['y'], run: async () => ({}), release: async () => undefined };
      },
    },
  } as unknown as OrtModule;
  return { ort, created };
}

describe('createOrtRuntime', () => {
  it("makes sessions with ort's full graph optimisation unless the model's config asks for another level", async () => {
    const { ort, created } = recordingOrt();
    const runtime = createOrtRuntime(ort, 'wasm', { threads: 1 });
    await runtime.createSession('caption encoder', new Uint8Array(1));
    await runtime.createSession('detector:centernet.onnx', new Uint8Array(1), undefined, { graphOptimization: 'disabled' });
    expect(created).toEqual([
      { executionProviders: ['wasm'], graphOptimizationLevel: 'all' },
      { executionProviders: ['wasm'], graphOptimizationLevel: 'disabled' },
    ]);
  });

  it('refuses a level that is not one of ort\'s four, for any model, before ort is asked', async () => {
    const { ort, created } = recordingOrt();
    const runtime = createOrtRuntime(ort, 'wasm', { threads: 1 });
    const level = 'fast' as unknown as 'all';
    await expect(runtime.createSession('ocr-detection', new Uint8Array(1), undefined, { graphOptimization: level })).rejects.toMatchObject({
      code: 'model-load',
      message: expect.stringMatching(/"ocr-detection".*graphOptimization.*"fast"/),
    });
    expect(created).toEqual([]);
  });

  it('gives onnxruntime-node its threads and the same level', async () => {
    const { ort, created } = recordingOrt();
    await createOrtRuntime(ort, 'native', { threads: 3 }).createSession('ocr-detection', new Uint8Array(1), undefined, { graphOptimization: 'basic' });
    expect(created).toEqual([{ intraOpNumThreads: 3, interOpNumThreads: 1, graphOptimizationLevel: 'basic' }]);
  });
});
