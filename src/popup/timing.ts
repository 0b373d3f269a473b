/** Small timing helpers for the popup: debounced saves, ordered saves, repeatable announcements. */

export interface Debounced {
  /** (Re)starts the wait. */
  schedule(): void;
  /** Runs now if a run is waiting; used on blur and when the popup closes. */
  flush(): void;
  cancel(): void;
}

export function debounce(run: () => void, waitMs: number): Debounced {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return {
    schedule() {
      cancel();
      timer = setTimeout(() => {
        timer = undefined;
        run();
      }, waitMs);
    },
    flush() {
      if (timer === undefined) return;
      cancel();
      run();
    },
    cancel,
  };
}

/**
 * Settings are saved read-modify-write; two saves in flight at once would let
 * the later one write back a stale copy of the earlier change. Queuing them
 * keeps every change.
 */
export function createSerialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>) => {
    const result = tail.then(task, task);
    tail = result.catch(() => undefined);
    return result;
  };
}

export interface Announcer {
  announce(message: string): void;
  dispose(): void;
}

/**
 * Screen readers speak a live region when its text changes, so saying
 * "Saved" twice in a row needs the region emptied first and refilled a
 * moment later. The message is cleared after `visibleMs` so a stale
 * "Saved" does not linger on screen.
 */
export function createAnnouncer(setText: (text: string) => void, refillMs = 100, visibleMs = 6000): Announcer {
  let refill: ReturnType<typeof setTimeout> | undefined;
  let expire: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    if (refill !== undefined) clearTimeout(refill);
    if (expire !== undefined) clearTimeout(expire);
    refill = expire = undefined;
  };
  return {
    announce(message) {
      stop();
      setText('');
      refill = setTimeout(() => {
        setText(message);
        expire = setTimeout(() => setText(''), visibleMs);
      }, refillMs);
    },
    dispose: stop,
  };
}

/**
 * Runs `task` now and then every `intervalMs`, skipping a tick while the
 * previous run is still waiting, so a slow answer never piles up requests.
 * Returns the function that stops it.
 */
export function poll(task: () => Promise<void>, intervalMs: number): () => void {
  let running = false;
  let stopped = false;
  const tick = async () => {
    if (running || stopped) return;
    running = true;
    try {
      await task();
    } catch {
      // The task reports its own failures; one bad tick must not end polling.
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
