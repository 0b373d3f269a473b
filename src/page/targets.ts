/**
 * Which elements are images a screen reader meets, and which attribute of
 * each carries its text alternative. Reads the DOM, never writes it.
 */

/**
 * Elements we may describe:
 * - `<img>` and `<input type=image>`: the description goes into `alt`;
 * - an HTML element with `role="img"` painted by a CSS background image, and
 *   an `<svg role="img">`: the description goes into `aria-label`.
 * (The union collapses to HTMLElement | SVGSVGElement for the compiler; it is
 * spelled out for the reader.)
 */
export type CaptionTarget = HTMLImageElement | HTMLInputElement | HTMLElement | SVGSVGElement;

export type TargetKind = 'img' | 'input' | 'role-img' | 'svg';

/** The attribute that holds the text alternative, per kind of target. */
export type CaptionAttribute = 'alt' | 'aria-label';

const attributeByKind: Record<TargetKind, CaptionAttribute> = {
  img: 'alt',
  input: 'alt',
  'role-img': 'aria-label',
  svg: 'aria-label',
};

/** Marks every element we touched; its value is a `LightcapState`. */
export const markerAttribute = 'data-lightcap';

const htmlNamespace = 'http://www.w3.org/1999/xhtml';
export const svgNamespace = 'http://www.w3.org/2000/svg';

export function isImageElement(element: Element): element is HTMLImageElement {
  return element.localName === 'img' && element.namespaceURI === htmlNamespace;
}

export function isImageInput(element: Element): element is HTMLInputElement {
  return element.localName === 'input' && element.namespaceURI === htmlNamespace && (element.getAttribute('type') ?? '').trim().toLowerCase() === 'image';
}

/** The first token of `role`, lowercased: role is a fallback list, and browsers use the first one they know. */
export function primaryRole(element: Element): string {
  return (element.getAttribute('role') ?? '').trim().toLowerCase().split(/\s+/)[0] ?? '';
}

/** `role="img"` (or its ARIA 1.3 synonym "image"). */
function hasImageRole(element: Element): boolean {
  const role = primaryRole(element);
  return role === 'img' || role === 'image';
}

export function isSvgImage(element: Element): element is SVGSVGElement {
  return element.localName === 'svg' && element.namespaceURI === svgNamespace && hasImageRole(element);
}

/** An HTML element other than img/input that says it is an image; whether it shows one is the background's business. */
export function isRoleImage(element: Element): element is HTMLElement {
  return element.namespaceURI === htmlNamespace && hasImageRole(element) && !isImageElement(element) && !isImageInput(element);
}

export function targetKind(element: Element): TargetKind | undefined {
  if (isImageElement(element)) return 'img';
  if (isImageInput(element)) return 'input';
  if (isSvgImage(element)) return 'svg';
  if (isRoleImage(element)) return 'role-img';
  return undefined;
}

/** The attribute we write on a target; `alt` for anything else, which is never written. */
export function captionAttributeOf(element: Element): CaptionAttribute {
  const kind = targetKind(element);
  return kind ? attributeByKind[kind] : 'alt';
}

/** The element whose text alternative would be written: the image itself, or a `<picture>`'s inner `<img>`. */
export function captionTarget(element: Element): CaptionTarget | undefined {
  if (isImageElement(element) || isImageInput(element) || isSvgImage(element) || isRoleImage(element)) return element;
  if (element.localName === 'picture') {
    for (const child of element.children) if (isImageElement(child)) return child;
  }
  return undefined;
}

/** Selector that finds every possible target (filtered by `targetKind`). */
export const candidateSelector = 'img, input, [role]';

/**
 * The URL the element shows: the chosen srcset candidate for an `<img>`, the
 * first CSS background image of a role=img element, '' for an `<svg>` (its
 * pixels are its own markup).
 */
export function sourceUrl(target: CaptionTarget): string {
  if (isImageElement(target)) return target.currentSrc || target.src;
  if (isImageInput(target)) return target.src;
  if (isRoleImage(target)) return backgroundImageUrl(target) ?? '';
  return '';
}

/**
 * The first `url(...)` of the element's computed `background-image`, made
 * absolute. Gradients and other image functions are skipped: they are not
 * pictures anybody would describe.
 */
export function backgroundImageUrl(element: Element): string | undefined {
  const style = element.ownerDocument.defaultView?.getComputedStyle(element);
  const value = style?.backgroundImage ?? '';
  const match = /url\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^)\s]*))\s*\)/i.exec(value);
  const raw = (match?.[1] ?? match?.[2] ?? match?.[3] ?? '').replace(/\\(.)/g, '$1').trim();
  if (raw === '') return undefined;
  try {
    return new URL(raw, element.baseURI).href;
  } catch {
    return undefined;
  }
}
