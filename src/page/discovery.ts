import { isControl } from './aria';
import { scheduleWithTimers } from './guard';
import type { Cancel, Guard, Schedule } from './guard';
import { candidateSelector, captionTarget, isSvgImage, svgNamespace, targetKind } from './targets';
import type { CaptionTarget } from './targets';

/**
 * Finds the elements that may need a description, in the document and in
 * shadow roots, now and as the page changes. It turns mutation records into
 * "evaluate these", "this attribute changed", "this picture changed" and
 * "something left the page", and does all DOM work in slices of about
 * `sliceBudgetMs`, with a timer between slices, so it never adds a long task
 * to the page. What a change means for an image is the caller's business.
 */

export type ScanMode =
  /** Every candidate and shadow root under the root. */
  | 'full'
  /** Only shadow roots we have not seen yet (custom elements that attached theirs late). */
  | 'shadow-roots';

export interface DiscoveryHandlers {
  /** Re-check these candidates; called inside a slice, at most a chunk at a time. */
  evaluate(batch: CaptionTarget[]): void;
  /** A watched attribute really changed on an element (a candidate or not: it may have stopped being one). */
  attributeChanged(element: Element, name: string): void;
  /** The image now shows another file (a `<source>` of its `<picture>` changed). */
  sourceChanged(target: CaptionTarget): void;
  /** Elements left the page: forget the ones no longer connected. */
  pruneDisconnected(): void;
  /** A slice ended; `moreWork` when another one is scheduled. */
  afterSlice(moreWork: boolean): void;
}

export interface DiscoveryOptions extends DiscoveryHandlers {
  document: Document;
  sliceBudgetMs: number;
  /** Reaches closed shadow roots too where the browser allows it. */
  shadowRootOf?: (element: Element) => ShadowRoot | null;
  /** Wraps callbacks the browser calls, so nothing throws into the page. */
  guard: Guard;
  onError(error: unknown): void;
  schedule?: Schedule;
  now?: () => number;
}

export interface Discovery {
  /** Observes the document and scans it all, in slices. */
  start(): void;
  /** Disconnects and drops all pending work. */
  stop(): void;
  /** Scans the whole document again. */
  rescan(): void;
  /** Evaluates the target in a coming slice. */
  markDirty(target: CaptionTarget): void;
  /** Drops a target from the work to do. */
  forget(target: CaptionTarget): void;
  /** Runs a pending removal sweep now (so that counts never include removed images). */
  flushRemovals(): void;
  /**
   * Whether the page changed one of the target's observed attributes (its
   * file, its text alternative, what hides or names it) in records not
   * handled yet, including those the observer has not delivered.
   */
  hasPendingChange(target: CaptionTarget): boolean;
  /** The document and every shadow root found so far. */
  roots(): (Document | ShadowRoot)[];
}

/** Attributes that name or hide images, or change their file. */
const observedAttributes = ['src', 'srcset', 'alt', 'aria-hidden', 'aria-label', 'aria-labelledby', 'role', 'title', 'contenteditable'];
/**
 * `style` and `class` can paint a role=img element's background, but on the
 * whole document they fire on every frame of a script animation: they are
 * watched on role=img elements alone.
 */
const paintAttributes = ['style', 'class'];
/** Shadow roots attached after insertion (custom elements defined late) are invisible to MutationObserver; look again at these times. */
const shadowRootSweepDelaysMs = [1000, 5000];
const recordsPerChunk = 100;
const elementsPerChunk = 40;

/** An attribute record whose value did change: a write of the same value (ours or the page's) is no change. */
function valueChanged(record: MutationRecord): boolean {
  return (record.target as Element).getAttribute(record.attributeName ?? '') !== record.oldValue;
}

/** The svg image the element draws part of (itself included), if any. */
function enclosingSvgImage(element: Element): SVGSVGElement | undefined {
  for (let node: Element | null = element; node && node.namespaceURI === svgNamespace; node = node.parentElement) {
    if (isSvgImage(node)) return node;
  }
  return undefined;
}

export function createDiscovery(options: DiscoveryOptions): Discovery {
  const { document, guard } = options;
  const view = document.defaultView;
  const schedule = options.schedule ?? scheduleWithTimers;
  const now = options.now ?? (() => performance.now());

  let running = false;
  let observer: MutationObserver | undefined;
  let lifetime: AbortController | undefined;
  let cancelSlice: Cancel | undefined;
  const cancelSweeps = new Set<Cancel>();
  const shadowRoots = new Set<ShadowRoot>();

  // Work waiting for the next slice.
  let pendingRecords: MutationRecord[] = [];
  let rootsToScan: { root: Node; mode: ScanMode }[] = [];
  const dirty = new Set<CaptionTarget>();
  let sweepNeeded = false;

  const queueRecords = (records: MutationRecord[]) => {
    // Not push(...records): a big batch would overflow the argument limit.
    for (const record of records) pendingRecords.push(record);
    scheduleSlice();
  };
  const hasWork = () => pendingRecords.length > 0 || sweepNeeded || rootsToScan.length > 0 || dirty.size > 0;

  const scheduleSlice = () => {
    if (!running || cancelSlice !== undefined) return;
    cancelSlice = schedule(guard(runSlice), 0);
  };

  function runSlice() {
    cancelSlice = undefined;
    if (!running) return;
    const deadline = now() + options.sliceBudgetMs;
    try {
      runSteps(deadline);
    } catch (error) {
      // One bad element must not stall the rest: the remaining work is rescheduled below.
      options.onError(error);
    }
    const moreWork = hasWork();
    if (moreWork) scheduleSlice();
    options.afterSlice(moreWork);
  }

  /** Records first (removals cancel work), then new roots, then evaluation; until the deadline. */
  const runSteps = (deadline: number) => {
    do {
      if (pendingRecords.length > 0) {
        for (const record of pendingRecords.splice(0, recordsPerChunk)) handleRecord(record);
      } else if (sweepNeeded) {
        sweepNeeded = false;
        prune();
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
        options.evaluate(batch);
      } else {
        break;
      }
    } while (running && now() < deadline);
  };

  const scan = (root: Node, mode: ScanMode) => {
    rootsToScan.push({ root, mode });
    scheduleSlice();
  };

  /** role=img elements the current observer watches for paint changes; a new observer starts empty. */
  let paintWatched = new WeakSet<Element>();
  const watchPaint = (element: Element) => {
    if (targetKind(element) !== 'role-img' || paintWatched.has(element)) return;
    paintWatched.add(element);
    observer?.observe(element, { attributes: true, attributeFilter: paintAttributes, attributeOldValue: true });
  };
  const markDirty = (target: CaptionTarget) => {
    if (!running) return;
    watchPaint(target);
    dirty.add(target);
    scheduleSlice();
  };

  const observeRoot = (root: Document | ShadowRoot) => {
    observer?.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: observedAttributes, attributeOldValue: true });
  };

  const shadowRootOf = (element: Element): ShadowRoot | null => {
    try {
      return options.shadowRootOf?.(element) ?? element.shadowRoot;
    } catch {
      return element.shadowRoot;
    }
  };

  /** Finds candidates and shadow roots under `root` (itself included). */
  const collect = (root: Node, mode: ScanMode) => {
    if (root.nodeType !== 1 && root.nodeType !== 9 && root.nodeType !== 11) return;
    const container = root as Element | Document | ShadowRoot;
    if (mode === 'full') {
      if (root.nodeType === 1) {
        const target = captionTarget(root as Element);
        if (target) markDirty(target);
      }
      for (const element of container.querySelectorAll(candidateSelector)) {
        const target = captionTarget(element);
        if (target) markDirty(target);
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

  const handleRecord = (record: MutationRecord) => {
    if (record.type === 'childList') {
      for (const node of record.addedNodes) collect(node, 'full');
      if (record.removedNodes.length > 0) sweepNeeded = true;
      if (record.target.nodeType !== 1) return;
      const parent = record.target as Element;
      const changed = [...record.addedNodes, ...record.removedNodes].map((node) => node.nodeName.toLowerCase());
      // A <source> added to or removed from a <picture> can change which file its <img> shows.
      if (parent.localName === 'picture' && changed.includes('source')) {
        const image = captionTarget(parent);
        if (image) options.sourceChanged(image);
      }
      // An svg's <title> child is its name.
      if (isSvgImage(parent) && changed.includes('title')) markDirty(parent);
      // Drawn anew (its shapes replaced, as icon toggles re-render): another picture. Changes to one
      // shape's attributes are not seen: watching every attribute would cost every page too much.
      if (changed.some((name) => name !== 'title' && name !== '#text' && name !== '#comment')) {
        const drawing = enclosingSvgImage(parent);
        if (drawing) options.sourceChanged(drawing);
      }
      return;
    }
    if (record.type !== 'attributes' || record.target.nodeType !== 1 || !valueChanged(record)) return;
    const element = record.target as Element;
    const name = record.attributeName ?? '';

    if ((name === 'src' || name === 'srcset') && element.localName === 'source') {
      if (element.parentElement?.localName === 'picture') {
        const image = captionTarget(element.parentElement);
        if (image) options.sourceChanged(image);
      }
      return;
    }
    if (!targetKind(element)) {
      // aria-hidden hides a whole subtree, shadow trees below it included;
      // a link's or button's own name silences the images inside it; contenteditable makes them part of an editor.
      const reachesSubtree =
        name === 'aria-hidden' || name === 'contenteditable' || ((name === 'aria-label' || name === 'aria-labelledby') && isControl(element));
      if (reachesSubtree) collect(element, 'full');
    }
    // An element that just became role=img may paint its picture with a class or style from now on.
    if (name === 'role') watchPaint(element);
    options.attributeChanged(element, name);
  };

  const prune = () => {
    options.pruneDisconnected();
    for (const root of [...shadowRoots]) if (!root.host.isConnected) shadowRoots.delete(root);
  };

  return {
    start() {
      if (running) return;
      running = true;
      lifetime = new AbortController();
      const Observer = view?.MutationObserver ?? MutationObserver;
      paintWatched = new WeakSet();
      observer = new Observer(guard(queueRecords));
      observeRoot(document);
      scan(document, 'full');

      const lookForLateShadowRoots = guard(() => scan(document, 'shadow-roots'));
      if (document.readyState !== 'complete') view?.addEventListener('load', lookForLateShadowRoots, { once: true, signal: lifetime.signal });
      for (const delay of shadowRootSweepDelaysMs) {
        const cancel = schedule(() => {
          cancelSweeps.delete(cancel);
          lookForLateShadowRoots();
        }, delay);
        cancelSweeps.add(cancel);
      }
    },

    stop() {
      running = false;
      observer?.disconnect();
      observer = undefined;
      lifetime?.abort();
      lifetime = undefined;
      cancelSlice?.();
      cancelSlice = undefined;
      for (const cancel of cancelSweeps) cancel();
      cancelSweeps.clear();
      shadowRoots.clear();
      pendingRecords = [];
      rootsToScan = [];
      dirty.clear();
      sweepNeeded = false;
    },

    rescan() {
      if (running) scan(document, 'full');
    },

    hasPendingChange(target) {
      const undelivered = observer?.takeRecords() ?? [];
      if (undelivered.length > 0) queueRecords(undelivered);
      return pendingRecords.some(
        (record) => record.type === 'attributes' && record.target === target && observedAttributes.includes(record.attributeName ?? '') && valueChanged(record),
      );
    },

    markDirty,

    forget(target) {
      dirty.delete(target);
    },

    flushRemovals() {
      if (!sweepNeeded) return;
      sweepNeeded = false;
      prune();
    },

    roots() {
      return [document, ...shadowRoots];
    },
  };
}
