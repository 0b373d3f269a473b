/**
 * Model files made from an npm package's file and never committed
 * (models/npm-assets.json, "derived"): the text detector as onnxruntime-node
 * optimises it, so that the browser loads it with ort's optimiser off. The
 * extension build and the Node model store make each one on first need, into
 * node_modules/.cache, and make it again when its source or onnxruntime-node
 * changes.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import npmAssets from '../../../models/npm-assets.json' with { type: 'json' };
import { optimiseModel } from './optimise';
import type { OfflineLevel } from './optimise';

export interface DerivedModel {
  /** The models-root path it is made from (an npm asset). */
  from: string;
  level: OfflineLevel;
}

const derived = (npmAssets as unknown as { derived?: Record<string, DerivedModel | string> }).derived ?? {};

export function derivedModel(path: string): DerivedModel | undefined {
  const entry = derived[path];
  return typeof entry === 'object' ? entry : undefined;
}

/** Where a derived file lives, made or not: beside the packages it comes from, so `npm ci` starts it afresh. */
export function derivedModelPath(path: string, modelsRoot: string): string {
  return join(modelsRoot, '../node_modules/.cache/lightcap-alt/models', path);
}

/** What the file was made from: its source's size and time, and the optimiser's version. */
function stampOf(source: string): string {
  const { size, mtimeMs } = statSync(source);
  const ortVersion = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
  return JSON.stringify({ size, mtimeMs, ortVersion });
}

/**
 * Makes the derived file if it is missing or stale, and returns its path.
 * `source` is the npm file it comes from, resolved by the caller. Written to
 * a temporary name and renamed, so a build and a test that make it at the
 * same time never read half a file.
 */
export async function ensureDerivedModel(path: string, source: string, modelsRoot: string): Promise<string> {
  const model = derivedModel(path);
  if (!model) throw new Error(`${path} is not a derived model file`);
  const target = derivedModelPath(path, modelsRoot);
  const stampFile = `${target}.source.json`;
  const stamp = stampOf(source);
  if (existsSync(target) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return target;
  mkdirSync(dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    await optimiseModel(source, temporary, model.level);
    renameSync(temporary, target);
  } finally {
    rmSync(temporary, { force: true });
  }
  writeFileSync(stampFile, stamp);
  return target;
}
