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
  // Character references are read as the parser reads them, so "&#102;ilter" is "filter" here too.
  const text = new TextDecoder()
    .decode(bytes)
    .replace(/&#(x[0-9a-f]{1,6}|[0-9]{1,7});?/gi, (_, code: string) => String.fromCodePoint(Math.min(0x10ffff, code[0] === 'x' || code[0] === 'X' ? parseInt(code.slice(1), 16) : Number(code))));
  // Blunt on purpose: any "filter" at all (element, attribute, CSS, any namespace prefix or case),
  // any CSS escape and any entity declaration, which could spell one out. A false refusal costs
  // one description; a miss stalls the engine.
  if (/filter/i.test(text) || /\\[0-9a-f]/i.test(text) || /<!ENTITY/i.test(text)) {
    throw new EngineError('unsupported-format', 'SVG filters are not rendered (they can take too long)');
  }
  const elements = text.match(/<[^!?/\s>]/g)?.length ?? 0;
  if (elements > limits.maxElements) throw new EngineError('image-too-large', `the SVG has ${elements} elements; the limit is ${limits.maxElements}`);
  const uses = text.match(/<(?:[^\s>/]*:)?use[\s/>]/gi)?.length ?? 0;
  if (uses > limits.maxUses) throw new EngineError('image-too-large', `the SVG has ${uses} <use> references; the limit is ${limits.maxUses}`);
}
