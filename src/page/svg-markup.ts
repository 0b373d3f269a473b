import { isShadowRoot } from './aria';
import { markerAttribute, svgNamespace } from './targets';

/**
 * An inline `<svg role=img>` as a standalone SVG document, so the engine can
 * rasterise it like an .svg file.
 */

const xlinkNamespace = 'http://www.w3.org/1999/xlink';
/**
 * Longer side, in px, of the size we give a drawing that has a viewBox: the
 * size the detector reads. Icons are drawn at 16–24 px on the page, which
 * would leave the engine a blur; vector art loses nothing by being drawn
 * bigger. Made from the viewBox only, so the markup (and its key) does not
 * change with layout.
 */
const rasterSide = 512;
/** Icon sprites reference a handful of symbols; a page that chains more is not worth following. */
const maxInlinedReferences = 50;

/**
 * Serialises the svg with what it references elsewhere in its document
 * (`<use href="#icon">` sprites, `url(#gradient)` paints) copied into a
 * `<defs>`, and without our own attributes (`aria-label`, the marker), so the
 * markup (and the key made from it) stays the same once we have written.
 */
export function serialiseSvg(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true);
  if (!isElement(clone)) return '';
  clone.removeAttribute('aria-label');
  clone.removeAttribute(markerAttribute);
  sizeForRaster(clone);
  inlineReferences(clone, svg);
  const view = svg.ownerDocument.defaultView;
  const Serializer = view?.XMLSerializer ?? (typeof XMLSerializer === 'undefined' ? undefined : XMLSerializer);
  if (!Serializer) return '';
  const markup = new Serializer().serializeToString(clone);
  // The XML serialiser declares the namespace itself; this is for one that does not.
  return /^<svg\b[^>]*\sxmlns=/.test(markup) ? markup : markup.replace(/^<svg\b/, `<svg xmlns="${svgNamespace}"`);
}

/** A short, stable key for markup: two 32-bit FNV-1a hashes and the length. */
export function markupDigest(markup: string): string {
  let first = 0x811c9dc5;
  let second = 0x01000193 ^ markup.length;
  for (let index = 0; index < markup.length; index++) {
    const code = markup.charCodeAt(index);
    first = Math.imul(first ^ code, 0x01000193);
    second = Math.imul(second ^ code, 0x5bd1e995);
  }
  const hex = (value: number) => (value >>> 0).toString(16).padStart(8, '0');
  return `svg:${hex(first)}${hex(second)}:${markup.length}`;
}

/**
 * Width and height from the viewBox, scaled to `rasterSide`, in place of the
 * page's (often "100%", "1em" or absent: meaningless in a file of its own).
 * Without a usable viewBox the svg keeps what it has.
 */
function sizeForRaster(svg: Element): void {
  const box = (svg.getAttribute('viewBox') ?? '').trim().split(/[\s,]+/).map(Number);
  const width = box[2];
  const height = box[3];
  if (box.length !== 4 || width === undefined || height === undefined || !(width > 0) || !(height > 0) || !Number.isFinite(width) || !Number.isFinite(height)) return;
  const scale = rasterSide / Math.max(width, height);
  svg.setAttribute('width', String(Math.max(1, Math.round(width * scale))));
  svg.setAttribute('height', String(Math.max(1, Math.round(height * scale))));
}

function isElement(node: Node): node is Element {
  return node.nodeType === 1;
}

/** Copies elements the clone points at by id, but that live outside the svg, into a `<defs>` of the clone. */
function inlineReferences(clone: Element, original: SVGSVGElement): void {
  const scope = original.getRootNode();
  if (!isShadowRoot(scope) && scope.nodeType !== 9) return;
  const lookup = (id: string) => (scope as Document | ShadowRoot).getElementById(id);
  const present = new Set<string>(clone.id ? [clone.id] : []);
  for (const element of clone.querySelectorAll('[id]')) present.add(element.id);

  const toVisit: Element[] = [clone];
  let defs: Element | undefined;
  let inlined = 0;
  while (toVisit.length > 0 && inlined < maxInlinedReferences) {
    const element = toVisit.pop();
    if (!element) break;
    for (const id of referencedIds(element)) {
      if (present.has(id) || inlined >= maxInlinedReferences) continue;
      const referenced = lookup(id);
      // Only svg content from outside this svg (a sprite's <symbol>, a shared gradient): never an HTML
      // element (a link to "#app" would copy the page's text and form values) nor an ancestor of the svg.
      if (!referenced || referenced.namespaceURI !== svgNamespace || original.contains(referenced) || referenced.contains(original)) continue;
      if (!defs) {
        defs = clone.ownerDocument.createElementNS(svgNamespace, 'defs');
        clone.insertBefore(defs, clone.firstChild);
      }
      const copy = referenced.cloneNode(true);
      if (!isElement(copy)) continue;
      defs.append(copy);
      present.add(id);
      inlined += 1;
      toVisit.push(copy);
    }
    for (const child of element.children) toVisit.push(child);
  }
}

/** Ids an element points at: `href="#id"`, `xlink:href="#id"`, `url(#id)` in any attribute. */
function referencedIds(element: Element): string[] {
  const ids: string[] = [];
  const href = element.getAttribute('href') ?? element.getAttributeNS(xlinkNamespace, 'href');
  if (href?.startsWith('#') && href.length > 1) ids.push(href.slice(1));
  for (const attribute of element.attributes) {
    for (const match of attribute.value.matchAll(/url\(\s*['"]?#([^'")\s]+)['"]?\s*\)/g)) if (match[1]) ids.push(match[1]);
  }
  return ids;
}
