import { nearViewportMargin } from './geometry';
import type { Proximity } from './geometry';

/**
 * Tells the scanner when an image moves between visible, near the viewport
 * and far from it, so that visible images are described first.
 */

export interface ViewportWatcher {
  observe(element: Element): void;
  unobserve(element: Element): void;
  disconnect(): void;
}

/** Reports when an observed element moves between visible, near and far. */
export type ViewportWatcherFactory = (document: Document, onChange: (element: Element, proximity: Proximity) => void) => ViewportWatcher;

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
