import type { CaptionOutput } from '../messaging/protocol';

/** What the cache stores for one image: the caption without per-request fields. */
export type CachedCaption = Omit<CaptionOutput, 'cached' | 'ms'>;

export interface CacheSize {
  entries: number;
  /** Approximate bytes of the stored records (keys and values as UTF-16 text). */
  bytes: number;
}

export interface CaptionCache {
  get(key: string): Promise<CachedCaption | undefined>;
  put(key: string, value: CachedCaption): Promise<void>;
  clear(): Promise<number>;
  size(): Promise<CacheSize>;
}

export interface CacheBounds {
  maxEntries: number;
  maxBytes: number;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Cache key: the top-level site's partition, the model version and wording,
 * and the image's content hash. No URL: an image replaced at a URL misses,
 * and the cache holds no list of the pages visited. The partition means the
 * same picture on another site misses too, so no site can time what the user
 * saw elsewhere.
 */
export async function cacheKey(bytes: Uint8Array, partition: string, modelVersion: string): Promise<string> {
  return `${partition}|${modelVersion}|${await sha256Hex(bytes)}`;
}

interface Entry {
  key: string;
  value: CachedCaption;
  lastUsed: number;
  bytes: number;
}

function entryBytes(key: string, value: CachedCaption): number {
  return 2 * (key.length + JSON.stringify(value).length);
}

/**
 * IndexedDB cache shared by every extension context and surviving service
 * worker restarts. Bounded in entries and in bytes: least recently used
 * entries go first once either bound is passed.
 */
export function createIndexedDbCache(options: { name?: string; bounds: CacheBounds; indexedDB?: IDBFactory; now?: () => number }): CaptionCache {
  const { name = 'lightcap-captions', bounds, now = () => Date.now() } = options;
  const factory = options.indexedDB ?? indexedDB;
  let opening: Promise<IDBDatabase> | undefined;
  /**
   * The size as of our last write. The popup asks for it every second while
   * open; walking up to 5,000 records each time is work the engine's
   * document should not do. Only this host writes the store.
   */
  let known: CacheSize | undefined;

  const open = () =>
    (opening ??= new Promise<IDBDatabase>((resolve, reject) => {
      // Version 2 added the byte size of each entry; version 1 entries had no partition and are dropped.
      const request = factory.open(name, 2);
      // If the browser closes the database (storage cleared), open it again next time.
      request.onsuccess = () => {
        request.result.onclose = () => (opening = undefined);
        resolve(request.result);
      };
      request.onupgradeneeded = () => {
        const db = request.result;
        if (db.objectStoreNames.contains('captions')) db.deleteObjectStore('captions');
        const store = db.createObjectStore('captions', { keyPath: 'key' });
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

  /** Walks from newest to oldest; whatever lies past either bound is deleted. Returns what is left. */
  const walk = async (evict: boolean): Promise<CacheSize> => {
    const db = await open();
    return new Promise<CacheSize>((resolve, reject) => {
      const tx = db.transaction('captions', evict ? 'readwrite' : 'readonly');
      const size: CacheSize = { entries: 0, bytes: 0 };
      const cursorRequest = tx.objectStore('captions').index('lastUsed').openCursor(null, 'prev');
      cursorRequest.onsuccess = () => {
        const cursor = cursorRequest.result;
        if (!cursor) return;
        const entry = cursor.value as Entry;
        const bytes = Number.isFinite(entry.bytes) ? entry.bytes : entryBytes(entry.key, entry.value);
        if (evict && (size.entries + 1 > bounds.maxEntries || size.bytes + bytes > bounds.maxBytes)) {
          cursor.delete();
        } else {
          size.entries += 1;
          size.bytes += bytes;
        }
        cursor.continue();
      };
      tx.oncomplete = () => resolve(size);
      tx.onerror = () => reject(tx.error ?? new Error('caption cache walk failed'));
    });
  };

  return {
    async get(key) {
      const entry = await transaction<Entry | undefined>('readonly', (store) => store.get(key) as IDBRequest<Entry | undefined>);
      if (!entry) return undefined;
      // Touch without waiting: a slow write must not delay the caption. Read and written in one
      // transaction, and only if the record is still there: a clear() or an eviction that came
      // between this read and the touch must not be undone by writing the record back.
      void transaction('readwrite', (store) => {
        const current = store.get(key) as IDBRequest<Entry | undefined>;
        current.onsuccess = () => {
          if (current.result) store.put({ ...current.result, lastUsed: now() });
        };
        return undefined;
      }).catch(() => undefined);
      return entry.value;
    },
    async put(key, value) {
      const bytes = entryBytes(key, value);
      if (bytes > bounds.maxBytes) return;
      const before = known;
      known = undefined;
      await transaction('readwrite', (store) => store.put({ key, value, lastUsed: now(), bytes } satisfies Entry));
      // Walking every record after every write is O(entries) work per caption; once the size is
      // known, a new entry only adds to it, and the walk (which evicts) runs when a bound is passed.
      // A put that replaced a key over-counts, which at worst starts an early walk that corrects it.
      const after = before && { entries: before.entries + 1, bytes: before.bytes + bytes };
      known = after && after.entries <= bounds.maxEntries && after.bytes <= bounds.maxBytes ? after : await walk(true);
    },
    async clear() {
      const count = (await transaction<number>('readonly', (store) => store.count())) ?? 0;
      known = undefined;
      await transaction('readwrite', (store) => store.clear());
      known = { entries: 0, bytes: 0 };
      return count;
    },
    async size() {
      if (known) return known;
      const measured = await walk(false);
      // A write that finished meanwhile has set the newer figure; keep it.
      known ??= measured;
      return known;
    },
  };
}
