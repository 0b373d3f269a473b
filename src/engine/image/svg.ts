import { EngineError } from '../errors';

/** What an SVG may contain before we rasterise it. */
export interface SvgLimits {
  maxBytes: number;
  /** Elements of any kind. */
  maxElements: number;
  /** `<use>` references, which multiply the work of what they point at. */
  maxUses: number;
  /** Longer side of the raster: the detector reads 512 px, OCR a little more. */
  rasterSide: number;
}

export const defaultSvgLimits: SvgLimits = { maxBytes: 1024 * 1024, maxElements: 5000, maxUses: 200, rasterSide: 640 };

/**
 * Refuses SVGs whose rasterisation could take seconds. A 10 kB SVG of
 * stacked filters stalled a renderer's thread for 56 s, and rasterising
 * cannot be interrupted, so filters are refused outright (an image made of
 * filters is rarely a photo worth describing), and elements and `<use>`
 * references are capped.
 */
export function checkSvgComplexity(bytes: Uint8Array, limits: SvgLimits = defaultSvgLimits): void {
  if (bytes.length > limits.maxBytes) throw new EngineError('image-too-large', `the SVG is ${bytes.length} bytes; the limit is ${limits.maxBytes}`);
  const text = new TextDecoder().decode(bytes);
  if (/<(?:[\w-]+:)?(?:filter|fe[A-Z][A-Za-z]*)[\s/>]|[\s;"'{]filter\s*[:=]/.test(text)) {
    throw new EngineError('unsupported-format', 'SVG filters are not rendered (they can take too long)');
  }
  const elements = text.match(/<[A-Za-z]/g)?.length ?? 0;
  if (elements > limits.maxElements) throw new EngineError('image-too-large', `the SVG has ${elements} elements; the limit is ${limits.maxElements}`);
  const uses = text.match(/<(?:[\w-]+:)?use[\s/>]/g)?.length ?? 0;
  if (uses > limits.maxUses) throw new EngineError('image-too-large', `the SVG has ${uses} <use> references; the limit is ${limits.maxUses}`);
}
