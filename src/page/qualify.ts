import type { Settings } from '../settings/schema';

/**
 * Which images get a generated alt. Everything here reads the DOM and never
 * writes it, so the scanner can evaluate a batch of images before touching the
 * page (reads first, then writes, so layout is computed once per batch).
 */

/** Elements whose `alt` attribute we may write. */
export type CaptionTarget = HTMLImageElement | HTMLInputElement;

export type CaptionReason = 'missing-alt' | 'junk-alt';

export type SkipReason =
  /** `alt=""`: the author said the image is decorative. */
  | 'decorative'
  /** The author wrote a real alt. */
  | 'author-alt'
  /** role=presentation or role=none. */
  | 'presentation'
  /** aria-hidden on the image or an ancestor: screen readers never reach it. */
  | 'hidden'
  /** aria-label, aria-labelledby or title already name it. */
  | 'named'
  | 'too-small'
  /** Pixels not there yet; evaluate again on `load`. */
  | 'not-loaded'
  /** display:none, visibility:hidden or no box. */
  | 'not-rendered'
  /** Carries the alt we wrote. */
  | 'ours'
  /** Not an image we can describe. */
  | 'unsupported';

export type Verdict =
  | { kind: 'caption'; reason: CaptionReason; target: CaptionTarget }
  | { kind: 'skip'; reason: SkipReason };

export interface Size {
  width: number;
  height: number;
}

/** Where an element is relative to the viewport; decides request priority. */
export type Proximity = 'visible' | 'near' | 'far';

/**
 * Layout questions, behind an interface because test DOMs have no layout and
 * because the scanner wants one place that knows what "rendered" means.
 */
export interface Geometry {
  /** Rendered size in CSS pixels. */
  rect(element: Element): Size;
  /** False for display:none (itself or an ancestor) and visibility:hidden. */
  isRendered(element: Element): boolean;
  /** Intrinsic pixel size; undefined when the element has none (input type=image). */
  naturalSize(element: Element): Size | undefined;
  /** True once the pixels are decoded (an `<img>` with complete and a natural width). */
  isLoaded(element: Element): boolean;
  proximity(element: Element): Proximity;
}

/** How far beyond the viewport an image counts as "near" (CSS px); matches the scanner's IntersectionObserver rootMargin. */
export const nearViewportMargin = 600;

/** Layout from the live DOM. */
export const domGeometry: Geometry = {
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
    return isImageElement(element) ? element.complete && element.naturalWidth > 0 : true;
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

export interface QualifyContext {
  geometry?: Geometry;
  /**
   * The alt this extension last wrote on the element, when it remembers one.
   * Lets a `data-lightcap="generated"` marker whose alt the author has since
   * replaced be told apart from our own.
   */
  writtenAlt?: (element: Element) => string | undefined;
}

export const markerAttribute = 'data-lightcap';

export function isImageElement(element: Element): element is HTMLImageElement {
  return element.localName === 'img' && element.namespaceURI === htmlNamespace;
}

export function isImageInput(element: Element): element is HTMLInputElement {
  return element.localName === 'input' && element.namespaceURI === htmlNamespace && (element.getAttribute('type') ?? '').trim().toLowerCase() === 'image';
}

/** The element whose alt would be written: the image itself, or a `<picture>`'s inner `<img>`. */
export function captionTarget(element: Element): CaptionTarget | undefined {
  if (isImageElement(element) || isImageInput(element)) return element;
  if (element.localName === 'picture') {
    for (const child of element.children) if (isImageElement(child)) return child;
  }
  return undefined;
}

export function qualify(element: Element, settings: Pick<Settings, 'replaceJunkAlt' | 'minSize'>, context: QualifyContext = {}): Verdict {
  const geometry = context.geometry ?? domGeometry;
  const target = captionTarget(element);
  if (!target) return skip('unsupported');

  const alt = target.getAttribute('alt');
  if (alt !== null && target.getAttribute(markerAttribute) === 'generated') {
    const written = context.writtenAlt?.(target);
    // Without a memory of what we wrote (another instance of the content
    // script wrote it) the marker is trusted; with one, only an exact match.
    if (written === undefined || written === alt) return skip('ours');
  }

  let reason: CaptionReason = 'missing-alt';
  if (alt !== null) {
    // Whitespace-only alt is read as nothing by screen readers, same as "".
    if (alt.trim() === '') return skip('decorative');
    if (!settings.replaceJunkAlt || !isJunkAlt(alt, sourceUrl(target))) return skip('author-alt');
    reason = 'junk-alt';
  }

  if (hasPresentationRole(target)) return skip('presentation');
  if (isAriaHidden(target)) return skip('hidden');
  if (hasAccessibleName(target, settings.replaceJunkAlt)) return skip('named');

  if (!geometry.isRendered(target)) return skip('not-rendered');
  if (!geometry.isLoaded(target)) return skip('not-loaded');
  const size = geometry.rect(target);
  if (size.width <= 0 || size.height <= 0) return skip('not-rendered');
  if (isTooSmall(target, settings.minSize, geometry)) return skip('too-small');

  return { kind: 'caption', reason, target };
}

/** Below minSize on either rendered side, or a tracking pixel (≤ 2 px natural size on either side). */
export function isTooSmall(target: Element, minSize: number, geometry: Geometry = domGeometry): boolean {
  const size = geometry.rect(target);
  if (size.width < minSize || size.height < minSize) return true;
  const natural = geometry.naturalSize(target);
  return natural !== undefined && (natural.width <= trackerPixelSize || natural.height <= trackerPixelSize);
}

/** The URL the element shows: the chosen srcset candidate when there is one. */
export function sourceUrl(target: CaptionTarget): string {
  if (isImageElement(target)) return target.currentSrc || target.src;
  return target.src;
}

// ---------------------------------------------------------------------------
// Junk alt

const imageExtensions = 'jpe?g|jfif|png|gif|webp|avif|svg|bmp|tiff?|heic|heif|ico';

/** Words that name the medium, not the content. Compared whole, after trimming. */
const placeholderWords = new Set(['image', 'photo', 'picture', 'untitled', 'spacer', 'img', 'graphic', 'blank', 'pic', 'alt', 'alt text', 'undefined', 'null']);

const junkPatterns: readonly RegExp[] = [
  // A file name: no space right before the extension ("my photo.png" is still a file name, "available as .png" is not).
  new RegExp(`^[^\\n]{0,200}[^\\s.]\\.(?:${imageExtensions})$`, 'i'),
  // Camera and phone names: IMG_1234, DSC0042, DSC_0042, DSCN1234, PXL_20240101_123456789, IMG-20240101-WA0001.
  /^(?:img|dsc[nf]?|pxl|mvimg|gopr|cimg|pict?|sam|dcim)[_-]?\d+(?:[_-][a-z]{0,4}\d+)*$/i,
  // Placeholders with a number: "image001", "Image 2", "photo_3".
  /^(?:image|img|photo|picture|pic|graphic)[\s_-]?\d+$/i,
  // Screenshots: "Screenshot 2024-01-01 at 10.00.00", "Screen Shot 2020-…", "Screenshot_20240101-101010".
  /^screen[\s_-]?shot[\s_-]+\d[\d\s_.:,-]*(?:(?:at|um|à|a las)\s+[\d.:\s]+(?:[ap]\.?m\.?)?)?(?:\s*\(\d+\))?$/i,
  // A bare URL.
  /^(?:https?:\/\/|www\.)\S+$/i,
  // Content hashes and UUIDs.
  /^[0-9a-f]{16,}$/i,
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
];

/**
 * True when `alt` says nothing about the image: a file name, a camera
 * default, a hash, or a placeholder word. Precision matters more than
 * recall: replacing a real alt ("Logo", "Jane Doe") would overwrite the
 * author's words with a machine's guess.
 */
export function isJunkAlt(alt: string, src = ''): boolean {
  const value = alt.trim();
  if (value === '') return false;
  if (placeholderWords.has(value.toLowerCase().replace(/[.:…]+$/, ''))) return true;
  if (junkPatterns.some((pattern) => pattern.test(value))) return true;
  return matchesSourceFileName(value, src);
}

/**
 * The alt repeats the src's file name. A plain-words name ("Jane Doe" for
 * "Jane%20Doe.jpg", "logo" for "logo.png") is accepted as the author's text,
 * because people name files after their content; only names with file-name
 * traits (digits, underscores, hyphens or dots between words, no spaces)
 * count as junk.
 */
function matchesSourceFileName(alt: string, src: string): boolean {
  const fileName = lastPathSegment(src);
  if (!fileName) return false;
  const lowerAlt = alt.toLowerCase();
  const lowerName = fileName.toLowerCase();
  const stem = lowerName.replace(/\.[a-z0-9]{1,5}$/, '');
  if (lowerAlt === lowerName && lowerName !== stem) return true;
  if (lowerAlt !== stem) return false;
  return !/\s/.test(alt) && /[\d_.-]/.test(alt);
}

function lastPathSegment(src: string): string | undefined {
  if (!src || /^(data|blob):/i.test(src)) return undefined;
  let path: string;
  try {
    path = new URL(src, 'http://base.invalid/').pathname;
  } catch {
    return undefined;
  }
  const segment = path.slice(path.lastIndexOf('/') + 1);
  if (!segment) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

// ---------------------------------------------------------------------------
// ARIA

const htmlNamespace = 'http://www.w3.org/1999/xhtml';
const trackerPixelSize = 2;

function skip(reason: SkipReason): Verdict {
  return { kind: 'skip', reason };
}

function hasPresentationRole(element: Element): boolean {
  // The first token wins: role is a fallback list.
  const role = (element.getAttribute('role') ?? '').trim().toLowerCase().split(/\s+/)[0];
  return role === 'presentation' || role === 'none';
}

/** aria-hidden=true on the element or any ancestor, crossing shadow boundaries. */
export function isAriaHidden(element: Element): boolean {
  for (let node: Element | undefined = element; node; node = parentAcrossShadow(node)) {
    if ((node.getAttribute('aria-hidden') ?? '').trim().toLowerCase() === 'true') return true;
  }
  return false;
}

function parentAcrossShadow(element: Element): Element | undefined {
  if (element.parentElement) return element.parentElement;
  const parent = element.parentNode;
  return parent && isShadowRoot(parent) ? parent.host : undefined;
}

export function isShadowRoot(node: Node): node is ShadowRoot {
  return node.nodeType === 11 && 'host' in node;
}

/**
 * A name from anything that outranks or stands in for alt. A title that is
 * itself junk does not count: alt outranks title, so writing alt fixes it.
 */
function hasAccessibleName(element: CaptionTarget, ignoreJunkTitle: boolean): boolean {
  if ((element.getAttribute('aria-label') ?? '').trim() !== '') return true;
  if (labelledByText(element) !== '') return true;
  const title = (element.getAttribute('title') ?? '').trim();
  if (title === '') return false;
  return !(ignoreJunkTitle && isJunkAlt(title, sourceUrl(element)));
}

function labelledByText(element: Element): string {
  const ids = (element.getAttribute('aria-labelledby') ?? '').trim().split(/\s+/).filter(Boolean);
  if (ids.length === 0) return '';
  const root = element.getRootNode();
  const lookup = (id: string): Element | null =>
    isShadowRoot(root) || root.nodeType === 9 ? (root as Document | ShadowRoot).getElementById(id) : null;
  return ids
    .map((id) => {
      const label = lookup(id);
      if (!label) return '';
      return (label.getAttribute('aria-label') ?? '').trim() || (label.textContent ?? '').trim();
    })
    .join(' ')
    .trim();
}
