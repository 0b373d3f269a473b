import type { ModelStore } from './models';

/** A model store that can start reading files before they are asked for. */
export interface ReadAheadStore extends ModelStore {
  /** Starts reading these files now; a later bytes() or text() of one takes its read. */
  start(paths: readonly string[]): void;
}

/**
 * Reading the model files (25 MB in the extension) takes as long as making
 * the first session, which compiles ort's wasm; started together, the two
 * overlap. Each read is handed over once and then forgotten, so no file's
 * bytes are held twice, and a read nobody takes fails silently.
 */
export function readAhead(store: ModelStore): ReadAheadStore {
  const started = new Map<string, Promise<Uint8Array>>();
  const take = (path: string): Promise<Uint8Array> | undefined => {
    const read = started.get(path);
    started.delete(path);
    return read;
  };
  return {
    start(paths) {
      for (const path of paths) {
        if (started.has(path)) continue;
        const read = store.bytes(path);
        // Handled here so that a read nobody takes is not an unhandled rejection; the taker still sees the error.
        read.catch(() => undefined);
        started.set(path, read);
      }
    },
    bytes(path, signal) {
      return take(path) ?? store.bytes(path, signal);
    },
    async text(path, signal) {
      const read = take(path);
      return read ? new TextDecoder().decode(await read) : store.text(path, signal);
    },
  };
}
