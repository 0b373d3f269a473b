import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineError, throwIfAborted } from '../errors';
import type { ModelStore } from '../models';
import npmAssets from '../../../models/npm-assets.json' with { type: 'json' };
import { derivedModel, derivedModelPath, ensureDerivedModel } from './derived-models';

interface NpmAssetFolder {
  package: string;
  folder: string;
  files: string[];
}

export const repoModelsRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../models');

/**
 * Resolves a models-root path to a file: the repo's models/ first, then npm
 * packages, then files derived from them (which may not be made yet: see
 * prepareModelFile).
 */
export function resolveModelPath(path: string, root = repoModelsRoot): string {
  const local = join(root, path);
  if (existsSync(local)) return local;
  if (derivedModel(path)) return derivedModelPath(path, repoModelsRoot);
  const [folder, ...rest] = path.split('/');
  const asset = (npmAssets as unknown as Record<string, NpmAssetFolder | string>)[folder ?? ''];
  if (asset && typeof asset === 'object' && Array.isArray(asset.files) && asset.files.includes(rest.join('/'))) {
    return join(packageDirectory(asset.package), asset.folder, ...rest);
  }
  throw new EngineError('model-load', `model file "${path}" is neither in ${root} nor in a model package`);
}

/** Package exports maps may hide package.json, so look for the folder on the resolver's paths. */
function packageDirectory(packageName: string): string {
  const require = createRequire(import.meta.url);
  for (const base of require.resolve.paths(packageName) ?? []) {
    const candidate = join(base, packageName);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
  }
  throw new EngineError('model-load', `the model package ${packageName} is not installed; run npm ci`);
}

/** resolveModelPath, after making a derived file that is missing or stale. */
export async function prepareModelFile(path: string, root = repoModelsRoot): Promise<string> {
  const derived = existsSync(join(root, path)) ? undefined : derivedModel(path);
  if (!derived) return resolveModelPath(path, root);
  try {
    return await ensureDerivedModel(path, resolveModelPath(derived.from, root), repoModelsRoot);
  } catch (cause) {
    throw new EngineError('model-load', `could not make ${path} from ${derived.from}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export function createNodeModelStore(root = repoModelsRoot): ModelStore {
  return {
    async bytes(path, signal) {
      throwIfAborted(signal);
      const buffer = await readFile(await prepareModelFile(path, root));
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    },
    async text(path, signal) {
      throwIfAborted(signal);
      return readFile(await prepareModelFile(path, root), 'utf8');
    },
  };
}

/** A store that answers `path` with the given manifest and everything else from `store`. */
export function withManifest(store: ModelStore, path: string, manifest: unknown): ModelStore {
  const text = JSON.stringify(manifest);
  return {
    bytes: (file, signal) => (file === path ? Promise.resolve(new TextEncoder().encode(text)) : store.bytes(file, signal)),
    text: (file, signal) => (file === path ? Promise.resolve(text) : store.text(file, signal)),
  };
}
