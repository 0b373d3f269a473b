import type { CaptionOutput } from '../messaging/protocol';

/** What the cache stores for one image: the caption without per-request fields. */
export type CachedCaption = Omit<CaptionOutput, 'cached' | 'ms'>;

export interface CaptionCache {
  get(key: string): Promise<CachedCaption | undefined>;
  put(key: string, value: CachedCaption): Promise<void>;
  clear(): Promise<number>;
  count(): Promise<number>;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Cache key: the model version and the image's content hash. No URL: the
 * same picture anywhere hits, an image replaced at a URL misses, and the
 * cache holds no list of the pages the user visited.
 */
export async function cacheKey(bytes: Uint8Array, modelVersion: string): Promise<string> {
  return `${modelVersion}|${await sha256Hex(bytes)}`;
}

interface Entry {
  key: string;
  value: CachedCaption;
  lastUsed: number;
}

/**
 * IndexedDB cache shared by every extension context and surviving service
 * worker restarts. Least recently used entries go first once `maxEntries` is
 * reached.
 */
export function createIndexedDbCache(options: { name?: string; maxEntries: number; indexedDB?: IDBFactory; now?: () => number }): CaptionCache {
  const { name = 'lightcap-captions', maxEntries, now = () => Date.now() } = options;
  const factory = options.indexedDB ?? indexedDB;
  let opening: Promise<IDBDatabase> | undefined;

  const open = () =>
    (opening ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open(name, 1);
      // If the browser closes the database (storage cleared), open it again next time.
      request.onsuccess = () => {
        request.result.onclose = () => (opening = undefined);
        resolve(request.result);
      };
      request.onupgradeneeded = () => {
        const store = request.result.createObjectStore('captions', { keyPath: 'key' });
        store.createIndex('lastUsed', 'lastUsed');
      };
      request.onerror = () => {
        opening = undefined;
        reject(request.error ?? new Error('could not open the caption cache'));
      };
    }));

  const transaction = async <T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T> | undefined): Promise<T | undefined> => {
    const db = await open();
    return new Promise<T | undefined>((resolve, reject) => {
      const tx = db.transaction('captions', mode);
      const request = work(tx.objectStore('captions'));
      tx.oncomplete = () => resolve(request?.result);
      tx.onerror = () => reject(tx.error ?? new Error('caption cache transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('caption cache transaction aborted'));
    });
  };

  const evict = async () => {
    const db = await open();
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('captions', 'readwrite');
      const store = tx.objectStore('captions');
      const countRequest = store.count();
      countRequest.onsuccess = () => {
        let excess = countRequest.result - maxEntries;
        if (excess <= 0) return;
        const cursorRequest = store.index('lastUsed').openCursor();
        cursorRequest.onsuccess = () => {
          const cursor = cursorRequest.result;
          if (!cursor || excess <= 0) return;
          cursor.delete();
          excess--;
          cursor.continue();
        };
      };
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('caption cache eviction failed'));
    });
  };

  return {
    async get(key) {
      const entry = await transaction<Entry | undefined>('readonly', (store) => store.get(key) as IDBRequest<Entry | undefined>);
      if (!entry) return undefined;
      // Touch without waiting: a slow write must not delay the caption.
      void transaction('readwrite', (store) => store.put({ ...entry, lastUsed: now() })).catch(() => undefined);
      return entry.value;
    },
    async put(key, value) {
      await transaction('readwrite', (store) => store.put({ key, value, lastUsed: now() } satisfies Entry));
      await evict();
    },
    async clear() {
      const count = (await transaction<number>('readonly', (store) => store.count())) ?? 0;
      await transaction('readwrite', (store) => store.clear());
      return count;
    },
    async count() {
      return (await transaction<number>('readonly', (store) => store.count())) ?? 0;
    },
  };
}
