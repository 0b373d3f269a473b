/**
 * The inputs export.py feeds PyTorch when it writes golden.json and its
 * parity fixture, rebuilt in TypeScript, and a loader for an exported model
 * folder anywhere on disk. Shared by the parity tool and the tests.
 */
import { basename, dirname } from 'node:path';
import { createNodeModelStore } from '../../src/engine/node/model-store';
import { createNodeRuntime } from '../../src/engine/node/node-engine';
import type { NodeBackend } from '../../src/engine/node/node-engine';
import { loadCaptionModel } from '../../src/engine/caption/model';
import type { CaptionInput, CaptionModel } from '../../src/engine/caption/model';
import { floatTensor } from '../../src/engine/runtime/ort';

/** export.py's --fixture file: dev images with the pooled features PyTorch saw and its tokens. */
export interface ParityFixture {
  files: string[];
  /** Per image, the 8x8 pooled grid as [64 tokens x 480] flattened. */
  grid: number[][];
  presence: number[][];
  greedy: number[][];
  beam3: number[][];
  captions: string[];
}

/** export.py's synthetic golden input: a sparse pattern of 2s on -0.125, and a ramp of class presences. */
export function goldenInput(): CaptionInput {
  const features = new Float32Array(480 * 16 * 16);
  for (let c = 0; c < 480; c++) {
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < 16; x++) features[c * 256 + y * 16 + x] = (c * 31 + y * 17 + x * 7) % 23 === 0 ? 2 : -0.125;
    }
  }
  const classPresence = Float32Array.from({ length: 80 }, (_, k) => ((k * 37) % 80) / 80);
  return { features: floatTensor(features, [1, 480, 16, 16]), classPresence };
}

/**
 * A fixture image's pooled grid ([64 tokens x 480], as PyTorch saw it) back
 * to [1, 480, 16, 16] by nearest upsampling; the encoder's 2x2 average pool
 * maps it back exactly.
 */
export function fixtureInput(grid: readonly number[], presence: readonly number[]): CaptionInput {
  const out = new Float32Array(480 * 256);
  for (let c = 0; c < 480; c++) {
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < 16; x++) out[c * 256 + y * 16 + x] = grid[((y >> 1) * 8 + (x >> 1)) * 480 + c]!;
    }
  }
  return { features: floatTensor(out, [1, 480, 16, 16]), classPresence: Float32Array.from(presence) };
}

/** The engine's caption model, loaded from an exported folder (its manifest.json) with one thread. */
export async function loadExportedCaptionModel(folder: string, backend: NodeBackend = 'wasm'): Promise<CaptionModel> {
  const runtime = await createNodeRuntime(backend, 1);
  return loadCaptionModel(runtime, createNodeModelStore(dirname(folder)), `${basename(folder)}/manifest.json`);
}
