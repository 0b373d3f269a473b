import { readFileSync } from 'node:fs';
import type * as OrtNode from 'onnxruntime-node';

/** ort's offline levels that keep to kernels every provider we use has (see models/tools/ort_optimize.ts). */
export type OfflineLevel = 'extended' | 'basic';

/**
 * Writes `input` as onnxruntime-node optimises it at `level`, for a session
 * that then loads it with the optimiser off. Byte for byte the same for the
 * same input and ort version. onnxruntime-node is a development dependency:
 * only builds, tests and the CLI come here.
 */
export async function optimiseModel(input: string, output: string, level: OfflineLevel = 'extended'): Promise<void> {
  if (input === output) throw new Error('write the optimised model to another file');
  const specifier = 'onnxruntime-node';
  const ort = (await import(/* @vite-ignore */ specifier)) as typeof OrtNode;
  const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(input)), {
    graphOptimizationLevel: level,
    optimizedModelFilePath: output,
    intraOpNumThreads: 1,
  });
  await session.release();
}
