import type { ImageLoadWatcher } from './image-loads';
import { isImageElement, isImageInput, isRoleImage } from './targets';

/**
 * Layout questions, behind an interface because test DOMs have no layout and
 * because the scanner wants one place that knows what "rendered" and
 * "loaded" mean.
 */

export interface Size {
  width: number;
  height: number;
}

/** Where an element is relative to the viewport; decides request priority. */
export type Proximity = 'visible' | 'near' | 'far';

export interface Geometry {
  /** Rendered size in CSS pixels. */
  rect(element: Element): Size;
  /** False for display:none (itself or an ancestor) and visibility:hidden. */
  isRendered(element: Element): boolean;
  /** Intrinsic pixel size; undefined when the element has none we can read (input type=image, CSS backgrounds, svg). */
  naturalSize(element: Element): Size | undefined;
  /**
   * True once the pixels are there: an `<img>` complete with a natural
   * width, an `<input type=image>` that fired `load`. CSS backgrounds and
   * inline svg count as loaded (nothing tells us otherwise).
   */
  isLoaded(element: Element): boolean;
  proximity(element: Element): Proximity;
}

/** How far beyond the viewport an image counts as "near" (CSS px); matches the viewport watcher's rootMargin. */
export const nearViewportMargin = 600;

/**
 * Layout from the live DOM. `inputs` says which `<input type=image>` loaded
 * (they have no `complete`); without it none counts as loaded, because
 * describing an image the page could not load means fetching what the
 * browser refused to.
 */
export function createDomGeometry(inputs?: Pick<ImageLoadWatcher, 'inputStatus' | 'backgroundStatus'>): Geometry {
  return {
    rect(element) {
      const box = element.getBoundingClientRect();
      return { width: box.width, height: box.height };
    },
    isRendered(element) {
      if (typeof element.checkVisibility === 'function') return element.checkVisibility({ visibilityProperty: true });
      const style = element.ownerDocument.defaultView?.getComputedStyle(element);
      return !style || (style.display !== 'none' && style.visibility !== 'hidden' && style.visibility !== 'collapse');
    },
    naturalSize(element) {
      return isImageElement(element) ? { width: element.naturalWidth, height: element.naturalHeight } : undefined;
    },
    isLoaded(element) {
      if (isImageElement(element)) return element.complete && element.naturalWidth > 0;
      if (isImageInput(element)) return inputs?.inputStatus(element) === 'loaded';
      // A CSS background is described only once the page's own loader got it (CSP, mixed content, blockers).
      if (isRoleImage(element)) return inputs?.backgroundStatus(element) === 'loaded';
      // Inline SVG: the pixels are the markup itself.
      return true;
    },
    proximity(element) {
      const view = element.ownerDocument.defaultView;
      if (!view) return 'far';
      const box = element.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) return 'far';
      const overlaps = (margin: number) =>
        box.bottom > -margin && box.top < view.innerHeight + margin && box.right > -margin && box.left < view.innerWidth + margin;
      if (overlaps(0)) return 'visible';
      return overlaps(nearViewportMargin) ? 'near' : 'far';
    },
  };
}

/** Layout from the live DOM, with no knowledge of input loads (stateless; the scanner makes its own). */
export const domGeometry: Geometry = createDomGeometry();
