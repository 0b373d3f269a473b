/**
 * Saves a model as onnxruntime has optimised it, so the engine can load it with
 * `graphOptimization: "disabled"` (the model's config): ort's graph optimiser
 * then does not run in the browser, where its code is still cold WebAssembly
 * on the way to the first caption. 'extended' keeps to the fusions every
 * provider we use has kernels for (FusedConv: the WASM and WebGPU providers);
 * 'all' would add x86-only layouts.
 *
 *   npx tsx models/tools/ort_optimize.ts IN.onnx OUT.onnx [--level extended|basic]
 *
 * Needs onnxruntime-node of the same version as onnxruntime-web (package.json pins both).
 */
import { fileURLToPath } from 'node:url';
import { optimiseModel } from '../../src/engine/node/optimise';

async function main(): Promise<void> {
  const [input, output] = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--level');
  const levelAt = process.argv.indexOf('--level');
  const level = levelAt >= 0 ? process.argv[levelAt + 1] : 'extended';
  if (!input || !output || (level !== 'extended' && level !== 'basic')) {
    throw new Error('usage: ort_optimize.ts IN.onnx OUT.onnx [--level extended|basic]');
  }
  await optimiseModel(input, output, level);
  console.log(`wrote ${output} (${level})`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
