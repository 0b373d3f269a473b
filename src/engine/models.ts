/**
 * Where model files come from. Paths are relative to the models root, e.g.
 * "ocr/ocr.json"; Node reads the repo and node_modules, the extension fetches
 * its own packaged copy.
 */
export interface ModelStore {
  bytes(path: string, signal?: AbortSignal): Promise<Uint8Array>;
  text(path: string, signal?: AbortSignal): Promise<string>;
}

export async function readJson<T>(store: ModelStore, path: string, signal?: AbortSignal): Promise<T> {
  return JSON.parse(await store.text(path, signal)) as T;
}

/** The folder part of a models-root path, for resolving files a config names. */
export function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash + 1);
}
