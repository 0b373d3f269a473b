import { priorities } from '../messaging/protocol';
import type { CaptionOutput, ErrorCode, ImageSource, PageStats, Priority, Reply } from '../messaging/protocol';
import { isEnabledFor } from '../settings/schema';
import type { Settings } from '../settings/schema';
import {
  captionTarget,
  domGeometry,
  isImageElement,
  isImageInput,
  isTooSmall,
  markerAttribute,
  nearViewportMargin,
  qualify,
  sourceUrl,
} from './qualify';
import type { CaptionReason, CaptionTarget, Geometry, Proximity, SkipReason, Verdict } from './qualify';
import { createAltWriter } from './writer';
import type { AltWriter } from './writer';
import { raceAbort } from '../shared/abort';

/**
 * Finds the page's images that need alt text, asks for descriptions through
 * an injected client, and writes them back; keeps doing so while the page
 * changes. Knows nothing of browser.* APIs or models: the entrypoint injects
 * the client that talks to the background.
 *
 * Scheduling, in short:
 * - Every qualifying image is requested, visible ones first: the priority is
 *   visible (in the viewport), nearViewport (within 600 px) or background
 *   (further away). Far images are not left for later because screen-reader
 *   users jump between images (graphics navigation) without scrolling.
 *   Scrolling re-prioritises queued requests.
 * - At most `concurrency` requests are in flight per page. Up to
 *   `queueCapacity` more wait in a local priority queue and carry
 *   data-lightcap="pending"; the rest are deferred (same order, no DOM
 *   writes) until there is room or they come near the viewport.
 * - One request per image URL; its result goes to every image showing it,
 *   and a page-local cache answers images that show the URL later.
 * - DOM work runs in slices of about 8 ms, reads before writes, with a
 *   setTimeout between slices, so we never add a long task to the page.
 */

export interface CaptionRequest {
  requestId: string;
  source: ImageSource;
  priority: Priority;
}

/** Sends one caption request to the extension; aborting the signal cancels it. */
export type CaptionClient = (request: CaptionRequest, signal: AbortSignal) => Promise<Reply<CaptionOutput>>;

export interface ViewportWatcher {
  observe(element: Element): void;
  unobserve(element: Element): void;
  disconnect(): void;
}

/** Reports when an observed element moves between visible, near and far. */
export type ViewportWatcherFactory = (document: Document, onChange: (element: Element, proximity: Proximity) => void) => ViewportWatcher;

export interface CaptionLimits {
  /** Requests in flight at once from this page. */
  concurrency: number;
  /** Requests waiting locally with a pending marker; beyond this they are deferred. */
  queueCapacity: number;
  /** Retries after host-unavailable or overloaded. */
  maxRetries: number;
  /** First retry delay; doubles on each retry. */
  retryBaseMs: number;
  /** A request that has not answered by then frees its slot and counts as failed. */
  requestTimeoutMs: number;
  /** Largest blob: or data: image whose bytes we send. */
  maxBytes: number;
  /** DOM work per slice before yielding to the page. */
  sliceBudgetMs: number;
  /** Results remembered per page, by URL. */
  resultCacheSize: number;
  /** After the page overwrites our alt this many times, we leave that image alone. */
  maxAuthorOverrides: number;
  /** Delay before onStats is called after a change; changes in between are batched. */
  statsDelayMs: number;
}

export const defaultCaptionLimits: CaptionLimits = {
  concurrency: 4,
  queueCapacity: 500,
  maxRetries: 3,
  retryBaseMs: 500,
  requestTimeoutMs: 120_000,
  maxBytes: 10 * 1024 * 1024,
  sliceBudgetMs: 8,
  resultCacheSize: 2000,
  maxAuthorOverrides: 3,
  statsDelayMs: 50,
};

export interface PageCaptionerOptions {
  document: Document;
  settings: Settings;
  client: CaptionClient;
  /** The page's hostname, for the per-site switch. */
  hostname: string;
  geometry?: Geometry;
  /** Defaults to two IntersectionObservers (viewport, and viewport + 600 px). */
  viewport?: ViewportWatcherFactory;
  onStats?: (stats: PageStats) => void;
  /** Errors we caught instead of throwing into the page. */
  onError?: (error: unknown) => void;
  limits?: Partial<CaptionLimits>;
  /** Reads a blob: URL in the page. Defaults to the page window's fetch. */
  fetchBlob?: (url: string, signal: AbortSignal) => Promise<Blob>;
  /** Reaches closed shadow roots too where the browser allows it (browser.dom.openOrClosedShadowRoot). */
  shadowRootOf?: (element: Element) => ShadowRoot | null;
  createRequestId?: () => string;
  writer?: AltWriter;
}

export interface PageCaptioner {
  /** Starts scanning and observing, if LightCap is on for this site. */
  start(): void;
  /** Disconnects observers and cancels requests; alts already written stay. */
  stop(): void;
  /** Stops, and puts back every alt as the author had it. start() resumes. */
  restoreAll(): void;
  /** Applies new settings live. Turning the site off restores all; turning it on resumes. */
  updateSettings(settings: Settings): void;
  stats(): PageStats;
  /** Scans the whole document again, e.g. after a single-page-app navigation. */
  rescan(): void;
}

type EntryStatus = 'skipped' | 'decorative' | 'pending' | 'captioned' | 'failed';
type FailureReason = ErrorCode | 'not-confident';

interface Entry {
  element: CaptionTarget;
  status: EntryStatus;
  reason?: SkipReason | CaptionReason | FailureReason;
  /** URL of the request or result this entry belongs to. */
  key?: string;
  job?: Job;
  proximity: Proximity;
  /** False while `proximity` is our own estimate, before the viewport watcher reported. */
  watched: boolean;
}

type JobPhase = 'queued' | 'deferred' | 'in-flight' | 'retry-wait';

interface Job {
  key: string;
  entries: Set<Entry>;
  priority: Priority;
  phase: JobPhase;
  /** Requests sent so far. */
  attempts: number;
  controller?: AbortController;
  holdsSlot: boolean;
  timer?: ReturnType<typeof setTimeout>;
  cancelled: boolean;
}

type CachedResult = { kind: 'alt'; alt: string } | { kind: 'nothing' } | { kind: 'error'; code: ErrorCode };

type ScanMode = 'full' | 'shadow-roots';

const retryableErrors: ReadonlySet<ErrorCode> = new Set(['host-unavailable', 'overloaded']);
/** Failures worth another try when the image shows up again on this page. */
const transientErrors: ReadonlySet<ErrorCode> = new Set(['host-unavailable', 'overloaded', 'timeout', 'fetch-failed', 'disabled', 'internal']);
const maxUrlLength = 8192;
const observedAttributes = ['src', 'srcset', 'alt', 'aria-hidden', 'aria-label', 'aria-labelledby', 'role', 'title'];
/** Shadow roots attached after insertion (custom elements defined late) are invisible to MutationObserver; look again at these times. */
const shadowRootSweepDelaysMs = [1000, 5000];
const recordsPerChunk = 100;
/** Longest we hold requests back while images are still being evaluated. */
const maxEvaluationHoldMs = 250;
const elementsPerChunk = 40;

const proximityPriority: Record<Proximity, Priority> = {
  visible: priorities.visible,
  near: priorities.nearViewport,
  far: priorities.background,
};

export function createPageCaptioner(options: PageCaptionerOptions): PageCaptioner {
  const { document, client, hostname } = options;
  const limits: CaptionLimits = { ...defaultCaptionLimits, ...options.limits };
  const geometry = options.geometry ?? domGeometry;
  const writer = options.writer ?? createAltWriter();
  const viewportFactory = options.viewport ?? intersectionViewport;
  const onError = options.onError ?? (() => {});
  const view = document.defaultView;
  const requestIdPrefix = `lc${Math.random().toString(36).slice(2, 10)}`;
  let requestCounter = 0;
  const createRequestId = options.createRequestId ?? (() => `${requestIdPrefix}-${++requestCounter}`);
  const fetchBlob =
    options.fetchBlob ??
    (async (url: string, signal: AbortSignal) => {
      const fetcher = view?.fetch ?? fetch;
      const response = await fetcher(url, { signal });
      if (!response.ok) throw new Error(`blob fetch ${response.status}`);
      return response.blob();
    });

  let settings = options.settings;
  let started = false;
  let active = false;

  const entries = new Map<CaptionTarget, Entry>();
  const jobs = new Map<string, Job>();
  const queued: [Set<Job>, Set<Job>, Set<Job>] = [new Set(), new Set(), new Set()];
  const deferred: [Set<Job>, Set<Job>, Set<Job>] = [new Set(), new Set(), new Set()];
  const results = new Map<string, CachedResult>();
  const authorOverrides = new WeakMap<Element, number>();
  const shadowRoots = new Set<ShadowRoot>();
  const loadWaiters = new Map<Element, AbortController>();
  let inFlight = 0;
  let lastPumpAt = 0;

  // Work waiting for the next slice.
  let pendingRecords: MutationRecord[] = [];
  let rootsToScan: { root: Node; mode: ScanMode }[] = [];
  const dirty = new Set<CaptionTarget>();
  let sweepNeeded = false;

  let observer: MutationObserver | undefined;
  let viewport: ViewportWatcher | undefined;
  let lifetime: AbortController | undefined;
  let sliceTimer: ReturnType<typeof setTimeout> | undefined;
  let statsTimer: ReturnType<typeof setTimeout> | undefined;
  const sweepTimers = new Set<ReturnType<typeof setTimeout>>();

  /** Runs page-facing callbacks: nothing we do may throw into the page. */
  const guarded =
    <A extends unknown[]>(callback: (...args: A) => void) =>
    (...args: A): void => {
      try {
        callback(...args);
      } catch (error) {
        onError(error);
      }
    };

  // -------------------------------------------------------------------------
  // Lifecycle

  const activate = () => {
    active = true;
    lastPumpAt = performance.now();
    lifetime = new AbortController();
    const Observer = view?.MutationObserver ?? MutationObserver;
    observer = new Observer(
      guarded((records: MutationRecord[]) => {
        // Not push(...records): a big batch would overflow the argument limit.
        for (const record of records) pendingRecords.push(record);
        scheduleSlice();
      }),
    );
    observeRoot(document);
    viewport = viewportFactory(document, guarded(onProximity));
    scan(document, 'full');

    const lookForLateShadowRoots = guarded(() => scan(document, 'shadow-roots'));
    if (document.readyState !== 'complete') view?.addEventListener('load', lookForLateShadowRoots, { once: true, signal: lifetime.signal });
    for (const delay of shadowRootSweepDelaysMs) {
      const timer = setTimeout(() => {
        sweepTimers.delete(timer);
        lookForLateShadowRoots();
      }, delay);
      sweepTimers.add(timer);
    }
    scheduleStats();
  };

  /** Stops everything and forgets the page; alts we wrote stay unless restore is asked for. */
  const deactivate = (restore: boolean) => {
    const touched = restore ? elementsWeTouched() : [];
    active = false;
    observer?.disconnect();
    observer = undefined;
    viewport?.disconnect();
    viewport = undefined;
    lifetime?.abort();
    lifetime = undefined;
    for (const waiter of loadWaiters.values()) waiter.abort();
    loadWaiters.clear();
    if (sliceTimer !== undefined) clearTimeout(sliceTimer);
    sliceTimer = undefined;
    for (const timer of sweepTimers) clearTimeout(timer);
    sweepTimers.clear();
    for (const job of [...jobs.values()]) cancelJob(job);
    for (const entry of entries.values()) if (writer.state(entry.element) === 'pending') writer.restore(entry.element);
    for (const element of touched) writer.restore(element);
    entries.clear();
    shadowRoots.clear();
    pendingRecords = [];
    rootsToScan = [];
    dirty.clear();
    sweepNeeded = false;
    scheduleStats();
  };

  /** Entries plus any marked element still in the page (one we lost track of after it moved). */
  const elementsWeTouched = (): Element[] => {
    const found = new Set<Element>(entries.keys());
    for (const root of [document, ...shadowRoots]) {
      for (const element of root.querySelectorAll(`[${markerAttribute}]`)) found.add(element);
    }
    return [...found];
  };

  const observeRoot = (root: Document | ShadowRoot) => {
    observer?.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: observedAttributes, attributeOldValue: true });
  };

  // -------------------------------------------------------------------------
  // Slices of DOM work

  const scheduleSlice = () => {
    if (!active || sliceTimer !== undefined) return;
    sliceTimer = setTimeout(guarded(runSlice), 0);
  };

  const runSlice = () => {
    sliceTimer = undefined;
    if (!active) return;
    const deadline = performance.now() + limits.sliceBudgetMs;
    try {
      runSteps(deadline);
    } catch (error) {
      // One bad element must not stall the rest: the remaining work is rescheduled below.
      onError(error);
    }
    const moreWork = pendingRecords.length > 0 || sweepNeeded || rootsToScan.length > 0 || dirty.size > 0;
    if (moreWork) scheduleSlice();
    // Send once everything found so far has a priority, so that DOM order
    // does not beat visibility; a page that never stops changing still gets served.
    if (!moreWork || performance.now() - lastPumpAt > maxEvaluationHoldMs) pump();
    scheduleStats();
  };

  /** Records first (removals cancel work), then new roots, then evaluation; until the deadline. */
  const runSteps = (deadline: number) => {
    do {
      if (pendingRecords.length > 0) {
        for (const record of pendingRecords.splice(0, recordsPerChunk)) handleRecord(record);
      } else if (sweepNeeded) {
        sweepNeeded = false;
        sweepRemoved();
      } else if (rootsToScan.length > 0) {
        const next = rootsToScan.shift();
        if (next) collect(next.root, next.mode);
      } else if (dirty.size > 0) {
        const batch: CaptionTarget[] = [];
        for (const element of dirty) {
          batch.push(element);
          dirty.delete(element);
          if (batch.length >= elementsPerChunk) break;
        }
        evaluate(batch);
      } else {
        break;
      }
    } while (performance.now() < deadline);
  };

  const scan = (root: Node, mode: ScanMode) => {
    rootsToScan.push({ root, mode });
    scheduleSlice();
  };

  const markDirty = (element: CaptionTarget) => {
    dirty.add(element);
    scheduleSlice();
  };

  /** Finds images and open shadow roots under `root` (itself included). */
  const collect = (root: Node, mode: ScanMode) => {
    if (root.nodeType !== 1 && root.nodeType !== 9 && root.nodeType !== 11) return;
    const container = root as Element | Document | ShadowRoot;
    if (mode === 'full') {
      if (root.nodeType === 1) {
        const target = captionTarget(root as Element);
        if (target) markDirty(target);
      }
      for (const element of container.querySelectorAll('img, input')) {
        if (isImageElement(element) || isImageInput(element)) markDirty(element);
      }
    }
    const walker = document.createTreeWalker(container, 1 /* NodeFilter.SHOW_ELEMENT */);
    for (let node: Node | null = walker.currentNode; node; node = walker.nextNode()) {
      if (node.nodeType !== 1) continue;
      const shadow = shadowRootOf(node as Element);
      if (!shadow) continue;
      if (!shadowRoots.has(shadow)) {
        shadowRoots.add(shadow);
        observeRoot(shadow);
        scan(shadow, 'full');
      } else if (mode === 'shadow-roots') {
        // Known roots may hold hosts whose own roots came late.
        collect(shadow, 'shadow-roots');
      }
    }
  };

  const shadowRootOf = (element: Element): ShadowRoot | null => {
    try {
      return options.shadowRootOf?.(element) ?? element.shadowRoot;
    } catch {
      return element.shadowRoot;
    }
  };

  const handleRecord = (record: MutationRecord) => {
    if (record.type === 'childList') {
      for (const node of record.addedNodes) collect(node, 'full');
      if (record.removedNodes.length > 0) sweepNeeded = true;
      // A <source> added to or removed from a <picture> can change which file its <img> shows.
      const parent = record.target as Element;
      if (parent.localName === 'picture' && [...record.addedNodes, ...record.removedNodes].some((node) => node.nodeName.toLowerCase() === 'source')) {
        const image = captionTarget(parent);
        if (image) sourceChanged(image);
      }
      return;
    }
    if (record.type !== 'attributes' || record.target.nodeType !== 1) return;
    const element = record.target as Element;
    const name = record.attributeName ?? '';
    const value = element.getAttribute(name);
    if (value === record.oldValue) return;

    const target = isImageElement(element) || isImageInput(element) ? element : undefined;
    if (name === 'alt') {
      if (!target) return;
      const change = writer.noteAltChange(target);
      if (change === 'ours') return;
      if (change === 'author') {
        authorOverrides.set(target, (authorOverrides.get(target) ?? 0) + 1);
        const entry = entries.get(target);
        if (entry) detachFromJob(entry);
      }
      markDirty(target);
      return;
    }
    if (name === 'src' || name === 'srcset') {
      if (target) sourceChanged(target);
      else if (element.localName === 'source' && element.parentElement?.localName === 'picture') {
        const image = captionTarget(element.parentElement);
        if (image) sourceChanged(image);
      }
      return;
    }
    if (target) markDirty(target);
    // aria-hidden hides a whole subtree, shadow trees below it included.
    if (name === 'aria-hidden' && !target) collect(element, 'full');
  };

  /** A new picture: what we said about the old one is wrong now. */
  const sourceChanged = (target: CaptionTarget) => {
    const entry = entries.get(target);
    if (entry) {
      detachFromJob(entry);
      if (entry.status === 'captioned' || entry.status === 'failed') writer.restore(target);
      entry.status = 'skipped';
      entry.reason = 'not-loaded';
      entry.key = undefined;
    }
    markDirty(target);
  };

  const sweepRemoved = () => {
    for (const entry of [...entries.values()]) if (!entry.element.isConnected) drop(entry);
    for (const root of [...shadowRoots]) if (!root.host.isConnected) shadowRoots.delete(root);
  };

  /** The element left the page: cancel its share of any request and stop watching it. */
  const drop = (entry: Entry) => {
    detachFromJob(entry);
    loadWaiters.get(entry.element)?.abort();
    loadWaiters.delete(entry.element);
    viewport?.unobserve(entry.element);
    entries.delete(entry.element);
    dirty.delete(entry.element);
  };

  // -------------------------------------------------------------------------
  // Evaluation

  const evaluate = (batch: CaptionTarget[]) => {
    // Reads first, for the whole batch, so layout is computed once.
    const context = { geometry, writtenAlt: (element: Element) => writer.writtenAlt(element) };
    const verdicts: { element: CaptionTarget; verdict: Verdict; proximity: Proximity }[] = [];
    for (const element of batch) {
      if (!element.isConnected) {
        const entry = entries.get(element);
        if (entry) drop(entry);
        continue;
      }
      const verdict = qualify(element, settings, context);
      const known = entries.get(element);
      const proximity = known?.watched ? known.proximity : verdict.kind === 'caption' ? geometry.proximity(element) : (known?.proximity ?? 'far');
      verdicts.push({ element, verdict, proximity });
    }
    // Then writes.
    for (const { element, verdict, proximity } of verdicts) apply(element, verdict, proximity);
  };

  const apply = (element: CaptionTarget, verdict: Verdict, proximity: Proximity) => {
    let entry = entries.get(element);
    if (!entry) {
      entry = { element, status: 'skipped', proximity, watched: false };
      entries.set(element, entry);
      viewport?.observe(element);
    } else if (!entry.watched) {
      entry.proximity = proximity;
    }

    if (verdict.kind === 'skip') {
      detachFromJob(entry);
      const state = writer.state(element);
      if (verdict.reason !== 'ours' && (state === 'pending' || state === 'failed')) writer.restore(element);
      entry.reason = verdict.reason;
      if (verdict.reason === 'ours') {
        entry.status = 'captioned';
        entry.key = sourceUrl(element);
      } else {
        entry.status = verdict.reason === 'decorative' || verdict.reason === 'presentation' ? 'decorative' : 'skipped';
      }
      if (verdict.reason === 'not-loaded') waitForLoad(element);
      return;
    }

    const url = sourceUrl(element);
    if (!isSupportedUrl(url)) {
      detachFromJob(entry);
      entry.status = 'skipped';
      entry.reason = 'unsupported';
      return;
    }
    if ((authorOverrides.get(element) ?? 0) >= limits.maxAuthorOverrides) {
      // The page keeps replacing our alt; stop the tug of war.
      detachFromJob(entry);
      if (writer.state(element) !== undefined) writer.restore(element);
      entry.status = 'skipped';
      entry.reason = 'author-alt';
      return;
    }
    if (entry.status === 'pending' && entry.job?.key === url) return;
    // The same picture failed before: asking again would fail again.
    if (entry.status === 'failed' && entry.key === url) return;

    detachFromJob(entry);
    entry.key = url;
    entry.reason = verdict.reason;
    const cached = results.get(url);
    if (cached) {
      applyResult(entry, cached);
      return;
    }
    attach(entry, url);
  };

  const waitForLoad = (element: CaptionTarget) => {
    if (loadWaiters.has(element) || !lifetime) return;
    const waiter = new AbortController();
    loadWaiters.set(element, waiter);
    const finish = (loaded: boolean) =>
      guarded(() => {
        waiter.abort();
        loadWaiters.delete(element);
        if (loaded) markDirty(element);
      });
    element.addEventListener('load', finish(true), { signal: waiter.signal });
    element.addEventListener('error', finish(false), { signal: waiter.signal });
  };

  const onProximity = (element: Element, proximity: Proximity) => {
    const entry = entries.get(element as CaptionTarget);
    if (!entry) return;
    entry.watched = true;
    if (entry.proximity === proximity) return;
    entry.proximity = proximity;
    if (entry.status === 'pending' && entry.job) {
      reprioritise(entry.job);
      pump();
    } else if (entry.status === 'skipped' && proximity !== 'far' && (entry.reason === 'not-rendered' || entry.reason === 'too-small')) {
      // Shown, or resized, since we last looked: a carousel slide, an opened tab panel.
      markDirty(entry.element);
    }
  };

  // -------------------------------------------------------------------------
  // Requests

  const attach = (entry: Entry, key: string) => {
    let job = jobs.get(key);
    const isNew = !job;
    if (!job) {
      job = { key, entries: new Set(), priority: priorities.background, phase: 'queued', attempts: 0, holdsSlot: false, cancelled: false };
      jobs.set(key, job);
    }
    job.entries.add(entry);
    entry.job = job;
    entry.status = 'pending';
    if (isNew) {
      job.priority = jobPriority(job);
      enqueue(job);
    } else {
      reprioritise(job);
      if (job.phase !== 'deferred') writer.markPending(entry.element);
    }
  };

  /** Takes the entry out of its request; a request nobody waits for any more is cancelled. */
  const detachFromJob = (entry: Entry) => {
    const job = entry.job;
    if (!job) return;
    entry.job = undefined;
    job.entries.delete(entry);
    if (entry.status === 'pending') entry.status = 'skipped';
    if (writer.state(entry.element) === 'pending') writer.restore(entry.element);
    if (job.entries.size === 0) cancelJob(job);
  };

  const cancelJob = (job: Job) => {
    job.cancelled = true;
    if (jobs.get(job.key) === job) jobs.delete(job.key);
    queued[job.priority].delete(job);
    deferred[job.priority].delete(job);
    if (job.timer !== undefined) clearTimeout(job.timer);
    job.controller?.abort();
    releaseSlot(job);
    for (const entry of job.entries) {
      entry.job = undefined;
      if (entry.status === 'pending') entry.status = 'skipped';
    }
    promoteDeferred();
  };

  const releaseSlot = (job: Job) => {
    if (!job.holdsSlot) return;
    job.holdsSlot = false;
    inFlight -= 1;
  };

  const jobPriority = (job: Job): Priority => {
    let best: Priority = priorities.background;
    for (const entry of job.entries) best = Math.min(best, proximityPriority[entry.proximity]) as Priority;
    return best;
  };

  const queuedCount = () => queued[0].size + queued[1].size + queued[2].size;

  const enqueue = (job: Job) => {
    if (queuedCount() < limits.queueCapacity) {
      job.phase = 'queued';
      queued[job.priority].add(job);
      for (const entry of job.entries) writer.markPending(entry.element);
    } else {
      job.phase = 'deferred';
      deferred[job.priority].add(job);
    }
  };

  const reprioritise = (job: Job) => {
    const priority = jobPriority(job);
    if (priority === job.priority) return;
    const buckets = job.phase === 'queued' ? queued : job.phase === 'deferred' ? deferred : undefined;
    buckets?.[job.priority].delete(job);
    job.priority = priority;
    buckets?.[priority].add(job);
  };

  const promoteDeferred = () => {
    while (active && queuedCount() < limits.queueCapacity) {
      const job = firstOf(deferred);
      if (!job) return;
      deferred[job.priority].delete(job);
      enqueue(job);
    }
  };

  /** The next job to send: best priority first; in a priority, queued before deferred, oldest first. */
  const nextJob = (): Job | undefined => {
    for (const priority of [0, 1, 2] as const) {
      const job = firstOf([queued[priority]]) ?? firstOf([deferred[priority]]);
      if (job) return job;
    }
    return undefined;
  };

  const pump = () => {
    lastPumpAt = performance.now();
    while (active && inFlight < limits.concurrency) {
      const job = nextJob();
      if (!job) break;
      queued[job.priority].delete(job);
      deferred[job.priority].delete(job);
      void send(job);
    }
    promoteDeferred();
  };

  const send = async (job: Job) => {
    job.phase = 'in-flight';
    job.attempts += 1;
    job.holdsSlot = true;
    inFlight += 1;
    for (const entry of job.entries) writer.markPending(entry.element);
    const controller = new AbortController();
    job.controller = controller;
    let timedOut = false;
    const timeout = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, limits.requestTimeoutMs);

    let reply: Reply<CaptionOutput>;
    try {
      // Raced with the signal so that a client that ignores cancellation still frees the slot.
      const source = await untilAborted(resolveSource(job.key, controller.signal), controller.signal);
      reply =
        'cancel' in source || 'error' in source
          ? source
          : await untilAborted(client({ requestId: createRequestId(), source, priority: job.priority }, controller.signal), controller.signal);
    } catch (error) {
      reply = controller.signal.aborted ? { cancel: true } : { error: { code: 'internal', message: String(error) } };
    }
    clearTimeout(timeout);
    if (job.cancelled) return;
    releaseSlot(job);
    job.controller = undefined;
    try {
      if (timedOut) finish(job, { kind: 'error', code: 'timeout' });
      else settle(job, reply);
    } catch (error) {
      onError(error);
    }
    pump();
    scheduleStats();
  };

  const settle = (job: Job, reply: Reply<CaptionOutput>) => {
    if ('output' in reply) {
      const alt = reply.output.alt.trim();
      finish(job, reply.output.confident && alt !== '' ? { kind: 'alt', alt } : { kind: 'nothing' });
      return;
    }
    // A cancel we did not ask for (the background dropped it) is retried like a restart.
    const code: ErrorCode = 'error' in reply ? reply.error.code : 'host-unavailable';
    if (retryableErrors.has(code) && job.attempts <= limits.maxRetries) {
      job.phase = 'retry-wait';
      job.timer = setTimeout(
        guarded(() => {
          job.timer = undefined;
          if (job.cancelled || !active) return;
          enqueue(job);
          pump();
        }),
        limits.retryBaseMs * 2 ** (job.attempts - 1),
      );
      return;
    }
    finish(job, { kind: 'error', code });
  };

  const finish = (job: Job, result: CachedResult) => {
    if (jobs.get(job.key) === job) jobs.delete(job.key);
    if (result.kind !== 'error' || !transientErrors.has(result.code)) remember(job.key, result);
    for (const entry of job.entries) {
      entry.job = undefined;
      applyResult(entry, result);
    }
    job.entries.clear();
  };

  const remember = (key: string, result: CachedResult) => {
    // Long data: URLs would make megabyte-sized keys; they are rarely shown twice.
    if (key.length > maxUrlLength) return;
    results.delete(key);
    results.set(key, result);
    if (results.size > limits.resultCacheSize) {
      const oldest = results.keys().next();
      if (!oldest.done) results.delete(oldest.value);
    }
  };

  const applyResult = (entry: Entry, result: CachedResult) => {
    const element = entry.element;
    if (!element.isConnected) {
      drop(entry);
      return;
    }
    if (result.kind === 'alt') {
      if (writer.write(element, result.alt, settings.prefix)) {
        entry.status = 'captioned';
        entry.reason = undefined;
      } else {
        // The author wrote an alt while we were working: theirs stands.
        entry.status = 'skipped';
        entry.reason = 'author-alt';
        markDirty(element);
      }
      return;
    }
    writer.markFailed(element);
    entry.status = 'failed';
    entry.reason = result.kind === 'nothing' ? 'not-confident' : result.code;
  };

  const resolveSource = async (url: string, signal: AbortSignal): Promise<ImageSource | { error: { code: ErrorCode; message: string } }> => {
    if (/^https?:/i.test(url)) {
      return url.length <= maxUrlLength ? { kind: 'url', url } : { error: { code: 'bad-request', message: 'URL too long' } };
    }
    if (/^data:/i.test(url)) {
      if (/^data:image\//i.test(url) && url.length <= maxUrlLength) return { kind: 'url', url };
      const bytes = dataUrlToBase64(url, limits.maxBytes);
      return 'error' in bytes ? bytes : { kind: 'bytes', ...bytes };
    }
    if (/^blob:/i.test(url)) {
      const blob = await fetchBlob(url, signal);
      if (blob.size > limits.maxBytes) return { error: { code: 'image-too-large', message: `${blob.size} bytes` } };
      if (blob.size === 0) return { error: { code: 'empty-input', message: 'empty blob' } };
      return { kind: 'bytes', base64: await blobToBase64(blob, view), mime: blob.type || 'application/octet-stream' };
    }
    return { error: { code: 'unsupported-format', message: 'unsupported URL scheme' } };
  };

  // -------------------------------------------------------------------------
  // Stats

  const computeStats = (): PageStats => {
    const stats: PageStats = { found: 0, captioned: 0, pending: 0, failed: 0, decorative: 0, enabled: isEnabledFor(settings, hostname) };
    for (const entry of entries.values()) {
      if (!entry.element.isConnected) continue;
      if (entry.status === 'captioned') stats.captioned += 1;
      else if (entry.status === 'pending') stats.pending += 1;
      else if (entry.status === 'failed') stats.failed += 1;
      else if (entry.status === 'decorative') stats.decorative += 1;
    }
    stats.found = stats.captioned + stats.pending + stats.failed;
    return stats;
  };

  const scheduleStats = () => {
    if (!options.onStats || statsTimer !== undefined) return;
    statsTimer = setTimeout(
      guarded(() => {
        statsTimer = undefined;
        options.onStats?.(computeStats());
      }),
      limits.statsDelayMs,
    );
  };

  // -------------------------------------------------------------------------
  // Public API

  return {
    start: guarded(() => {
      started = true;
      if (!active && isEnabledFor(settings, hostname)) activate();
    }),

    stop: guarded(() => {
      started = false;
      if (active) deactivate(false);
    }),

    restoreAll: guarded(() => {
      started = false;
      deactivate(true);
    }),

    updateSettings: guarded((next: Settings) => {
      const previous = settings;
      settings = next;
      const enabled = isEnabledFor(next, hostname);
      if (!started) return;
      if (!enabled) {
        if (active) deactivate(true);
        return;
      }
      if (!active) {
        activate();
        return;
      }
      if (next.prefix !== previous.prefix) {
        for (const entry of entries.values()) if (entry.status === 'captioned') writer.setPrefix(entry.element, next.prefix);
      }
      if (next.replaceJunkAlt !== previous.replaceJunkAlt || next.minSize !== previous.minSize) {
        for (const entry of entries.values()) {
          if (entry.status === 'captioned' && !stillWanted(entry.element, next)) {
            writer.restore(entry.element);
            entry.status = 'skipped';
          }
          markDirty(entry.element);
        }
      }
      scheduleStats();
    }),

    stats: () => {
      if (sweepNeeded) {
        sweepNeeded = false;
        sweepRemoved();
      }
      return computeStats();
    },

    rescan: guarded(() => {
      if (active) scan(document, 'full');
    }),
  };

  /** Would this captioned image still be captioned under these settings? */
  function stillWanted(element: CaptionTarget, next: Settings): boolean {
    const original = writer.originalAlt(element);
    if (typeof original === 'string' && !next.replaceJunkAlt) return false;
    return !isTooSmall(element, next.minSize, geometry);
  }
}

// ---------------------------------------------------------------------------
// Helpers

/** Settles with `{ cancel: true }` as soon as the signal aborts, whatever the promise does. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | { cancel: true }> {
  return raceAbort(promise, signal, () => ({ cancel: true }) as const);
}

function firstOf(sets: readonly Set<Job>[]): Job | undefined {
  for (const set of sets) {
    const first = set.values().next();
    if (!first.done) return first.value;
  }
  return undefined;
}

export function isSupportedUrl(url: string): boolean {
  return /^(https?|data|blob):/i.test(url);
}

/** Parses a data: URL into base64 bytes; for data: URLs too long or not image/* for the URL form. */
export function dataUrlToBase64(url: string, maxBytes: number): { base64: string; mime: string } | { error: { code: ErrorCode; message: string } } {
  const comma = url.indexOf(',');
  if (comma < 0) return { error: { code: 'corrupt-image', message: 'malformed data: URL' } };
  const header = url.slice(5, comma);
  const payload = url.slice(comma + 1);
  const parts = header.split(';').map((part) => part.trim());
  const mime = (parts[0] || 'text/plain').toLowerCase().slice(0, 100);
  const isBase64 = parts.slice(1).some((part) => part.toLowerCase() === 'base64');
  if (isBase64) {
    let base64 = payload.replace(/\s+/g, '');
    if (base64.includes('%')) {
      try {
        base64 = decodeURIComponent(base64);
      } catch {
        return { error: { code: 'corrupt-image', message: 'malformed data: URL' } };
      }
    }
    if ((base64.length * 3) / 4 > maxBytes) return { error: { code: 'image-too-large', message: 'data: URL too large' } };
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return { error: { code: 'corrupt-image', message: 'malformed base64' } };
    return { base64, mime };
  }
  let text: string;
  try {
    text = decodeURIComponent(payload);
  } catch {
    text = payload;
  }
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > maxBytes) return { error: { code: 'image-too-large', message: 'data: URL too large' } };
  return { base64: bytesToBase64(bytes), mime };
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let offset = 0; offset < bytes.length; offset += chunk) binary += String.fromCharCode(...bytes.subarray(offset, offset + chunk));
  return btoa(binary);
}

/** FileReader encodes off the main thread; the arrayBuffer path is the fallback. */
async function blobToBase64(blob: Blob, view: (Window & typeof globalThis) | null): Promise<string> {
  const Reader = view?.FileReader ?? (typeof FileReader === 'undefined' ? undefined : FileReader);
  if (Reader) {
    const dataUrl = await new Promise<string>((resolve, reject) => {
      const reader = new Reader();
      reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : '');
      reader.onerror = () => reject(reader.error ?? new Error('read failed'));
      reader.readAsDataURL(blob);
    });
    const comma = dataUrl.indexOf(',');
    if (comma >= 0) return dataUrl.slice(comma + 1);
  }
  return bytesToBase64(new Uint8Array(await blob.arrayBuffer()));
}

/** Visible and near-viewport tracking with two IntersectionObservers. */
export const intersectionViewport: ViewportWatcherFactory = (document, onChange) => {
  const Observer = document.defaultView?.IntersectionObserver;
  if (!Observer) return { observe() {}, unobserve() {}, disconnect() {} };
  const states = new WeakMap<Element, { visible: boolean; near: boolean; reported?: Proximity }>();
  const update = (records: IntersectionObserverEntry[], which: 'visible' | 'near') => {
    for (const record of records) {
      const state = states.get(record.target);
      if (!state) continue;
      state[which] = record.isIntersecting;
      const proximity: Proximity = state.visible ? 'visible' : state.near ? 'near' : 'far';
      if (proximity === state.reported) continue;
      state.reported = proximity;
      onChange(record.target, proximity);
    }
  };
  const visibleObserver = new Observer((records) => update(records, 'visible'));
  const nearObserver = new Observer((records) => update(records, 'near'), { rootMargin: `${nearViewportMargin}px` });
  return {
    observe(element) {
      if (states.has(element)) return;
      states.set(element, { visible: false, near: false });
      visibleObserver.observe(element);
      nearObserver.observe(element);
    },
    unobserve(element) {
      states.delete(element);
      visibleObserver.unobserve(element);
      nearObserver.unobserve(element);
    },
    disconnect() {
      visibleObserver.disconnect();
      nearObserver.disconnect();
    },
  };
};
