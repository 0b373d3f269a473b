import { priorities } from '../messaging/protocol';
import type { CaptionOutput, ImageSource, PageStats, Priority, ReferrerPolicyName, Reply } from '../messaging/protocol';
import { isEnabledFor } from '../settings/schema';
import type { Settings } from '../settings/schema';
import { createDiscovery } from './discovery';
import { isInEditableContent } from './editable';
import { tallyStats } from './entries';
import type { Entry } from './entries';
import { createDomGeometry } from './geometry';
import type { Geometry, Proximity } from './geometry';
import { createGuard } from './guard';
import type { Cancel } from './guard';
import { createImageLoadWatcher } from './image-loads';
import type { ImageLoadWatcher } from './image-loads';
import { isTooSmall, qualify } from './qualify';
import type { SkipReason, Verdict } from './qualify';
import { createScheduler } from './scheduler';
import type { CaptionResult, SchedulerLimits, Transport } from './scheduler';
import { resolveSource, sourceOfTarget } from './source';
import type { SourceRef, TargetSource } from './source';
import { captionAttributeOf, captionTarget, markerAttribute, sourceUrl, targetKind } from './targets';
import type { CaptionTarget } from './targets';
import { intersectionViewport } from './viewport';
import type { ViewportWatcher, ViewportWatcherFactory } from './viewport';
import { createAltWriter } from './writer';
import type { AltWriter } from './writer';

/**
 * Finds the page's images that need a text alternative, asks for
 * descriptions through an injected client, and writes them back; keeps doing
 * so while the page changes. Knows nothing of browser.* APIs or models: the
 * entrypoint injects the client that talks to the background.
 *
 * This file composes the parts and owns what an element's state means:
 * - discovery.ts finds candidates (document, shadow roots, mutations) and
 *   does DOM work in slices of about 8 ms;
 * - qualify.ts decides whether a candidate gets a description;
 * - scheduler.ts decides which requests go out when (visible images first:
 *   visible, within 600 px, further away; far images are not left for later
 *   because screen-reader users jump between images without scrolling),
 *   with retries, deadlines, a bounded queue and a page-local cache;
 * - source.ts turns what an element shows into what the engine reads;
 * - writer.ts writes and restores alt / aria-label;
 * - viewport.ts and image-loads.ts watch visibility and loading.
 */

export interface CaptionRequest {
  requestId: string;
  source: ImageSource;
  priority: Priority;
  /** The referrer policy the page's own request for a URL source ran under; absent: the browser default. */
  referrerPolicy?: ReferrerPolicyName;
}

/** Sends one caption request to the extension; aborting the signal cancels it. */
export type CaptionClient = (request: CaptionRequest, signal: AbortSignal) => Promise<Reply<CaptionOutput>>;

export interface CaptionLimits extends SchedulerLimits {
  /** Largest blob:, data: or svg image whose bytes we send. */
  maxBytes: number;
  /** DOM work per slice before yielding to the page. */
  sliceBudgetMs: number;
  /** After the page overwrites our text this many times, we leave that image alone. */
  maxAuthorOverrides: number;
  /**
   * An svg image redrawn more often than this within `svgRedrawWindowMs` is
   * animated (a live chart, a spinner): we stop describing it rather than ask
   * for every frame.
   */
  maxSvgRedraws: number;
  svgRedrawWindowMs: number;
  /** Delay before onStats is called after a change; changes in between are batched. */
  statsDelayMs: number;
  /** How often design mode is looked at: turning it on changes no attribute, so no observer sees it. */
  designModeCheckMs: number;
  /**
   * An image whose file changes again within this time of its last change
   * (a 360° viewer, a frame animation) is asked about once it has shown one
   * file this long, not at every frame; a single change (changes within 50 ms
   * of each other, such as src then srcset, count as one) is asked about at once.
   */
  sourceSettleMs: number;
}

export const defaultCaptionLimits: CaptionLimits = {
  concurrency: 4,
  queueCapacity: 500,
  maxRetries: 3,
  retryBaseMs: 500,
  // The engine answers in seconds; a minute means it is stuck, and the slot is worth more to the next image.
  requestTimeoutMs: 60_000,
  maxBytes: 10 * 1024 * 1024,
  sliceBudgetMs: 8,
  resultCacheSize: 2000,
  maxAuthorOverrides: 3,
  maxSvgRedraws: 5,
  svgRedrawWindowMs: 10_000,
  statsDelayMs: 50,
  designModeCheckMs: 2000,
  sourceSettleMs: 300,
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
  /** Defaults to one that listens to load/error and probes `<input type=image>` with the page's image loader. */
  imageLoads?: ImageLoadWatcher;
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
  /** Disconnects observers and cancels requests; texts already written stay. */
  stop(): void;
  /** Stops, and puts back every alt and aria-label as the author had it. start() resumes. */
  restoreAll(): void;
  /** Applies new settings live. Turning the site off restores all; turning it on resumes. */
  updateSettings(settings: Settings): void;
  stats(): PageStats;
  /** Scans the whole document again, e.g. after a single-page-app navigation. */
  rescan(): void;
}

/** What one evaluation read of an element, before anything is written. */
interface Look {
  element: CaptionTarget;
  verdict: Verdict;
  proximity: Proximity;
  /** What it shows, for an element to describe; undefined when there is nothing we can send. */
  source: TargetSource | undefined;
  /** The URL shown by an element carrying our text (not read for svg). */
  shownUrl: string | undefined;
}

/** Longest we hold requests back while images are still being evaluated. */
const maxEvaluationHoldMs = 250;

const proximityPriority: Record<Proximity, Priority> = {
  visible: priorities.visible,
  near: priorities.nearViewport,
  far: priorities.background,
};

export function createPageCaptioner(options: PageCaptionerOptions): PageCaptioner {
  const { document, client, hostname } = options;
  const limits: CaptionLimits = { ...defaultCaptionLimits, ...options.limits };
  const view = document.defaultView;
  const onError = options.onError ?? (() => {});
  const guarded = createGuard(onError);
  const writer = options.writer ?? createAltWriter();
  const imageLoads = options.imageLoads ?? createImageLoadWatcher(view);
  const geometry = options.geometry ?? createDomGeometry(imageLoads);
  const viewportFactory = options.viewport ?? intersectionViewport;
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
  let lastPumpAt = 0;

  const entries = new Map<Element, Entry>();
  const authorOverrides = new WeakMap<Element, number>();
  /** When each svg image was last redrawn, the latest maxSvgRedraws + 1 times. */
  const svgRedraws = new WeakMap<Element, number[]>();
  const redrawnTooOften = (element: Element) => {
    const times = svgRedraws.get(element);
    return times !== undefined && times.length > limits.maxSvgRedraws && times.at(-1)! - times[0]! <= limits.svgRedrawWindowMs;
  };
  /** Why an image we could describe is better left without our text, if it is. */
  const reasonToLeaveAlone = (element: Element): SkipReason | undefined => {
    // An animated drawing: no description would stay true for long.
    if (redrawnTooOften(element)) return 'unsupported';
    // The page keeps replacing our text; stop the tug of war.
    if ((authorOverrides.get(element) ?? 0) >= limits.maxAuthorOverrides) return 'author-alt';
    return undefined;
  };
  /** When each image's file last changed, and the time before: two close together make a burst. */
  const sourceChanges = new WeakMap<Element, { previous: number; last: number }>();
  const settleTimers = new Map<Element, ReturnType<typeof setTimeout>>();
  /** How long to wait before asking about an image whose file keeps changing; 0: ask now. */
  const untilSourceSettles = (element: Element): number => {
    const changes = sourceChanges.get(element);
    if (!changes || changes.last - changes.previous >= limits.sourceSettleMs) return 0;
    return Math.max(0, changes.last + limits.sourceSettleMs - performance.now());
  };
  /** Elements waiting for their picture to load, with the address each waits for. */
  const loadWaiters = new Map<Element, { controller: AbortController; url: string }>();
  let viewport: ViewportWatcher | undefined;
  let cancelStats: Cancel | undefined;

  const transport: Transport<SourceRef> = async (ref, priority, signal) => {
    const source = await resolveSource(ref, { maxBytes: limits.maxBytes, fetchBlob, view }, signal);
    if ('error' in source) return source;
    // A blob read that ignored the abort must not start a request nobody can cancel.
    if (signal.aborted) return { cancel: true };
    const referrerPolicy = ref.kind === 'url' ? ref.referrerPolicy : undefined;
    return client({ requestId: createRequestId(), source, priority, ...(referrerPolicy ? { referrerPolicy } : {}) }, signal);
  };

  // -------------------------------------------------------------------------
  // Lifecycle

  const activate = () => {
    active = true;
    lastPumpAt = performance.now();
    viewport = viewportFactory(document, guarded(onProximity));
    discovery.start();
    watchDesignMode();
    scheduleStats();
  };

  /**
   * A page that turns design mode on (an editor in an about:blank frame, a
   * preview whose Edit button makes it editable) must lose our text before
   * the author saves it, and get it back when editing ends: every image is
   * looked at again when the mode changes. A property read every few seconds.
   */
  let designModeTimer: ReturnType<typeof setInterval> | undefined;
  let lastDesignMode = document.designMode;
  const watchDesignMode = () => {
    if (designModeTimer !== undefined) return;
    lastDesignMode = document.designMode;
    designModeTimer = setInterval(
      guarded(() => {
        if (document.designMode === lastDesignMode) return;
        lastDesignMode = document.designMode;
        if (active) discovery.rescan();
      }),
      limits.designModeCheckMs,
    );
  };
  const unwatchDesignMode = () => {
    clearInterval(designModeTimer);
    designModeTimer = undefined;
  };

  /** Stops everything and forgets the page; texts we wrote stay unless restore is asked for. */
  const deactivate = (restore: boolean) => {
    const touched = restore ? elementsWeTouched() : [];
    active = false;
    unwatchDesignMode();
    discovery.stop();
    viewport?.disconnect();
    viewport = undefined;
    for (const waiter of loadWaiters.values()) waiter.controller.abort();
    loadWaiters.clear();
    for (const timer of settleTimers.values()) clearTimeout(timer);
    settleTimers.clear();
    scheduler.cancelAll();
    for (const entry of entries.values()) if (writer.state(entry.element) === 'pending') writer.restore(entry.element);
    for (const element of touched) writer.restore(element);
    entries.clear();
    scheduleStats();
  };

  /** Entries plus any marked element still in the page (one we lost track of after it moved). */
  const elementsWeTouched = (): Element[] => {
    const found = new Set<Element>(entries.keys());
    for (const root of discovery.roots()) {
      for (const element of root.querySelectorAll(`[${markerAttribute}]`)) found.add(element);
    }
    return [...found];
  };

  const pump = () => {
    lastPumpAt = performance.now();
    if (active) scheduler.pump();
  };

  const markDirty = (target: CaptionTarget) => discovery.markDirty(target);

  // -------------------------------------------------------------------------
  // Changes the page makes

  const attributeChanged = (element: Element, name: string) => {
    const kind = targetKind(element);
    // An element that stopped being a target (its role changed) is still ours to clean up.
    const target = kind ? captionTarget(element) : entries.get(element)?.element;
    if (!target) return;
    if (kind && name === captionAttributeOf(target)) {
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
      if (kind === 'img' || kind === 'input') sourceChanged(target);
      return;
    }
    // Styles and classes matter only for the background a role=img element paints.
    if ((name === 'style' || name === 'class') && kind !== 'role-img') return;
    markDirty(target);
  };

  /** A new picture: what we said about the old one is wrong now. */
  const sourceChanged = (target: CaptionTarget) => {
    // Changes within 50 ms of each other are one (a lazy loader setting src, then srcset).
    const changes = sourceChanges.get(target);
    const now = performance.now();
    if (!changes || now - changes.last >= 50) sourceChanges.set(target, { previous: changes?.last ?? -Infinity, last: now });
    // A new picture starts a new count: a virtual list that reuses one <img> for rows with and without
    // an author's alt would otherwise look like a page fighting our text, and be left alone for good.
    authorOverrides.delete(target);
    const entry = entries.get(target);
    if (entry) {
      detachFromJob(entry);
      if (entry.status === 'captioned' || entry.status === 'failed' || entry.status === 'unsure') writer.restore(target);
      entry.status = 'skipped';
      entry.reason = 'not-loaded';
      entry.key = undefined;
    }
    markDirty(target);
  };

  const sweepRemoved = () => {
    for (const entry of [...entries.values()]) if (!entry.element.isConnected) drop(entry);
  };

  /** The element left the page: cancel its share of any request and stop watching it. */
  const drop = (entry: Entry) => {
    detachFromJob(entry);
    loadWaiters.get(entry.element)?.controller.abort();
    loadWaiters.delete(entry.element);
    viewport?.unobserve(entry.element);
    entries.delete(entry.element);
    discovery.forget(entry.element);
  };

  // -------------------------------------------------------------------------
  // Evaluation

  const evaluate = (batch: CaptionTarget[]) => {
    // Reads first, for the whole batch (layout, computed styles, svg
    // markup), so that style and layout are computed once.
    const context = { geometry, writtenAlt: (element: Element) => writer.writtenAlt(element) };
    const looks: Look[] = [];
    for (const element of batch) {
      if (!element.isConnected) {
        const entry = entries.get(element);
        if (entry) drop(entry);
        continue;
      }
      const verdict = qualify(element, settings, context);
      const known = entries.get(element);
      const proximity = known?.watched ? known.proximity : verdict.kind === 'caption' ? geometry.proximity(element) : (known?.proximity ?? 'far');
      const source = verdict.kind === 'caption' ? sourceOfTarget(element) : undefined;
      // An svg's key is a digest of its markup; recomputing it for every look at one we described is not worth it.
      const shownUrl = verdict.kind === 'skip' && verdict.reason === 'ours' && targetKind(element) !== 'svg' ? sourceUrl(element) : undefined;
      looks.push({ element, verdict, proximity, source, shownUrl });
    }
    // Then writes.
    for (const look of looks) apply(look);
  };

  const apply = ({ element, verdict, proximity, source, shownUrl }: Look) => {
    let entry = entries.get(element);
    if (!entry) {
      entry = { element, status: 'skipped', proximity, watched: false };
      entries.set(element, entry);
      viewport?.observe(element);
    } else if (!entry.watched) {
      entry.proximity = proximity;
    }

    if (verdict.kind === 'skip') {
      if (verdict.reason === 'ours' && showsAnotherBackground(entry, shownUrl)) {
        sourceChanged(element);
        return;
      }
      detachFromJob(entry);
      // A copy the page made of an image we described (a quoted message built from the read view's HTML)
      // carries our text but was never written here: ours all the same. In an editor, where taking it
      // back means removing it, only while its text still looks like ours (looksWrittenByUs): the author
      // may have typed their own alt into the copy, and the marker would not say so.
      if (writer.state(element) === undefined && (verdict.reason === 'ours' || (verdict.reason === 'editable' && looksWrittenByUs(element)))) writer.adopt(element);
      const state = writer.state(element);
      // No longer an image at all (its role changed): nothing of ours may stay.
      const noLongerTarget = verdict.reason === 'unsupported' && state !== undefined;
      const carriesOurMarkerOnly = verdict.reason !== 'ours' && (state === 'pending' || state === 'failed' || state === 'unsure');
      // The author named it after we wrote our text (a title, an svg <title>): theirs alone is read.
      const namedSinceOurs = verdict.reason === 'named' && state === 'generated';
      // Now inside an editor: whatever we wrote would be saved with the author's content.
      const editedSinceOurs = verdict.reason === 'editable' && state !== undefined;
      if (noLongerTarget || carriesOurMarkerOnly || namedSinceOurs || editedSinceOurs) writer.restore(element);
      entry.reason = verdict.reason;
      if (verdict.reason === 'ours') {
        entry.status = 'captioned';
        if (shownUrl !== undefined) entry.key = shownUrl;
      } else {
        entry.status = verdict.reason === 'decorative' || verdict.reason === 'presentation' ? 'decorative' : 'skipped';
      }
      if (verdict.reason === 'not-loaded') waitForLoad(element);
      return;
    }

    if (!source) {
      detachFromJob(entry);
      entry.status = 'skipped';
      entry.reason = 'unsupported';
      return;
    }
    const leaveAlone = reasonToLeaveAlone(element);
    if (leaveAlone) {
      detachFromJob(entry);
      if (writer.state(element) !== undefined) writer.restore(element);
      entry.status = 'skipped';
      entry.reason = leaveAlone;
      return;
    }
    const settling = untilSourceSettles(element);
    if (settling > 0) {
      // A frame of an animation: looked at again once the file has stayed put.
      detachFromJob(entry);
      entry.status = 'skipped';
      entry.reason = 'not-loaded';
      if (!settleTimers.has(element)) {
        settleTimers.set(
          element,
          setTimeout(
            guarded(() => {
              settleTimers.delete(element);
              markDirty(element);
            }),
            settling,
          ),
        );
      }
      return;
    }
    if (entry.status === 'pending' && scheduler.keyOf(entry) === source.key) return;
    // The same picture failed (or left the engine unsure) before: asking again would end the same way.
    if ((entry.status === 'failed' || entry.status === 'unsure') && entry.key === source.key) return;

    detachFromJob(entry);
    entry.key = source.key;
    entry.reason = verdict.reason;
    entry.status = 'pending';
    const known = scheduler.request(entry, source.key, source.ref);
    if (known) {
      // The writer writes only over the value it saw when the element was marked pending: that is now.
      writer.markPending(entry.element);
      applyResult(entry, known);
    }
  };

  /** Its text starts with our prefix, or is the very text we wrote on an element showing the same picture (the prefix may be empty, or changed since). */
  const looksWrittenByUs = (element: CaptionTarget) => {
    const text = element.getAttribute(captionAttributeOf(element)) ?? '';
    if (settings.prefix.trim() !== '' && text.startsWith(settings.prefix)) return true;
    const shown = sourceUrl(element);
    for (const { element: other } of entries.values()) if (other !== element && writer.writtenAlt(other) === text && sourceUrl(other) === shown) return true;
    return false;
  };

  /** A role=img element we described now paints another background (a class or style changed). */
  const showsAnotherBackground = (entry: Entry, shownUrl: string | undefined): boolean =>
    targetKind(entry.element) === 'role-img' && entry.key !== undefined && shownUrl !== undefined && entry.key !== shownUrl;

  const waitForLoad = (element: CaptionTarget) => {
    if (!active) return;
    const url = sourceUrl(element);
    const current = loadWaiters.get(element);
    if (current?.url === url) return;
    // It shows another picture now (a web mail's "show images", another background): the old one
    // may never load (the page was refused it), and must not keep this one from being watched.
    current?.controller.abort();
    const waiter = new AbortController();
    loadWaiters.set(element, { controller: waiter, url });
    imageLoads.waitFor(
      element,
      waiter.signal,
      guarded((loaded: boolean) => {
        waiter.abort();
        if (loadWaiters.get(element)?.controller === waiter) loadWaiters.delete(element);
        if (loaded) markDirty(element);
      }),
    );
  };

  const onProximity = (element: Element, proximity: Proximity) => {
    const entry = entries.get(element);
    if (!entry) return;
    entry.watched = true;
    if (entry.proximity === proximity) return;
    entry.proximity = proximity;
    if (entry.status === 'pending') {
      scheduler.reprioritise(entry);
      pump();
    } else if (entry.status === 'skipped' && proximity !== 'far' && (entry.reason === 'not-rendered' || entry.reason === 'too-small')) {
      // Shown, or resized, since we last looked: a carousel slide, an opened tab panel.
      markDirty(entry.element);
    }
  };

  // -------------------------------------------------------------------------
  // Results

  /** Takes the entry out of its request; the scheduler cancels a request nobody waits for any more. */
  const detachFromJob = (entry: Entry) => {
    if (!scheduler.withdraw(entry)) return;
    if (entry.status === 'pending') entry.status = 'skipped';
    if (writer.state(entry.element) === 'pending') writer.restore(entry.element);
  };

  const applyResult = (entry: Entry, result: CaptionResult) => {
    const element = entry.element;
    if (!element.isConnected) {
      drop(entry);
      return;
    }
    if (isInEditableContent(element)) {
      // Made editable while we asked (design mode turned on is seen by no observer): no text, no marker.
      if (writer.state(element) === 'pending') writer.restore(element);
      entry.status = 'skipped';
      entry.reason = 'editable';
      return;
    }
    if (result.kind === 'alt') {
      if (discovery.hasPendingChange(element)) {
        // The page changed the picture or its text since we asked, in records the next slice handles:
        // what we have may describe the old picture. Evaluate the element again (a result for the
        // same picture comes back from the scheduler's results at once).
        if (writer.state(element) === 'pending') writer.restore(element);
        entry.status = 'skipped';
        entry.reason = undefined;
        entry.key = undefined;
        markDirty(element);
        return;
      }
      if (writer.write(element, result.alt, settings.prefix)) {
        entry.status = 'captioned';
        entry.reason = undefined;
      } else {
        // The author wrote their own text while we were working: theirs stands.
        entry.status = 'skipped';
        entry.reason = 'author-alt';
        markDirty(element);
      }
      return;
    }
    if (result.kind === 'unsure') {
      writer.markUnsure(element);
      entry.status = 'unsure';
      entry.reason = 'not-confident';
      return;
    }
    writer.markFailed(element);
    entry.status = 'failed';
    entry.reason = result.code;
  };

  // -------------------------------------------------------------------------
  // Stats

  const computeStats = (): PageStats => tallyStats(entries.values(), isEnabledFor(settings, hostname));

  const scheduleStats = () => {
    if (!options.onStats || cancelStats !== undefined) return;
    const timer = setTimeout(
      guarded(() => {
        cancelStats = undefined;
        options.onStats?.(computeStats());
      }),
      limits.statsDelayMs,
    );
    cancelStats = () => clearTimeout(timer);
  };

  // -------------------------------------------------------------------------
  // The parts

  const scheduler = createScheduler<Entry, SourceRef>({
    limits,
    transport,
    priorityOf: (entry) => proximityPriority[entry.proximity],
    onWaiting: (entry) => writer.markPending(entry.element),
    onResult: applyResult,
    onSettled: scheduleStats,
    onError,
  });

  const discovery = createDiscovery({
    document,
    sliceBudgetMs: limits.sliceBudgetMs,
    shadowRootOf: options.shadowRootOf,
    guard: guarded,
    onError,
    evaluate,
    attributeChanged,
    sourceChanged(target) {
      // Only svg images are redrawn in place (discovery.ts); the others' source changes are new files.
      // Records within 100 ms are one redraw (replacing children can take several).
      if (targetKind(target) === 'svg') {
        const times = svgRedraws.get(target) ?? [];
        const now = performance.now();
        if (times.length === 0 || now - times.at(-1)! > 100) svgRedraws.set(target, [...times, now].slice(-(limits.maxSvgRedraws + 1)));
      }
      sourceChanged(target);
    },
    pruneDisconnected: sweepRemoved,
    afterSlice(moreWork) {
      // Send once everything found so far has a priority, so that DOM order
      // does not beat visibility; a page that never stops changing still gets served.
      if (!moreWork || performance.now() - lastPumpAt > maxEvaluationHoldMs) pump();
      scheduleStats();
    },
  });

  // -------------------------------------------------------------------------
  // Public API

  /** Settings that change the words of a description (the background words each request with them). */
  const wordingChanged = (previous: Settings, next: Settings): boolean =>
    previous.captionModel !== next.captionModel || previous.neutralWording !== next.neutralWording || previous.descriptionLanguage !== next.descriptionLanguage;

  /** Would this captioned image still be captioned under these settings? */
  const stillWanted = (element: CaptionTarget, next: Settings): boolean => {
    const original = writer.originalAlt(element);
    if (typeof original === 'string' && !next.replaceJunkAlt && captionAttributeOf(element) === 'alt') return false;
    return !isTooSmall(element, next.minSize, geometry);
  };

  return {
    start: guarded(() => {
      started = true;
      if (!active && isEnabledFor(settings, hostname)) activate();
    }),

    stop: guarded(() => {
      started = false;
      if (active) deactivate(false);
      imageLoads.dispose();
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
      if (next.enabled !== previous.enabled || next.disabledSites.join('\n') !== previous.disabledSites.join('\n')) {
        // The background refused images for the site in the address bar, which a frame cannot always name itself:
        // the switches changed, so ask again.
        for (const entry of entries.values()) {
          if (entry.status === 'failed' && entry.reason === 'disabled') {
            writer.restore(entry.element);
            entry.status = 'skipped';
            markDirty(entry.element);
          }
        }
      }
      if (wordingChanged(previous, next)) {
        // Describe again in the new wording (a language, neutral words, the caption on or off): the old alts would say the old one.
        scheduler.forgetResults();
        for (const entry of entries.values()) {
          if (entry.status === 'captioned') writer.restore(entry.element);
          // A request in flight was worded the old way; an unsure or failed answer may differ in the new one.
          if (entry.status === 'pending') detachFromJob(entry);
          if (entry.status === 'captioned' || entry.status === 'unsure' || entry.status === 'failed') entry.status = 'skipped';
          markDirty(entry.element);
        }
      } else if (next.replaceJunkAlt !== previous.replaceJunkAlt || next.minSize !== previous.minSize) {
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
      discovery.flushRemovals();
      return computeStats();
    },

    rescan: guarded(() => {
      if (active) discovery.rescan();
    }),
  };
}
