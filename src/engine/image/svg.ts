import { EngineError } from '../errors';
import { decodeBase64 } from './base64';
import { defaultDecodeLimits, sniffImage } from './sniff';

/** What an SVG may contain before we rasterise it. */
export interface SvgLimits {
  maxBytes: number;
  /** Elements of any kind. */
  maxElements: number;
  /** `<use>` references, which multiply the work of what they point at. */
  maxUses: number;
  /** Longer side of the raster: the detector reads 512 px, OCR a little more. */
  rasterSide: number;
  /** Width × height of each raster image the SVG embeds as a `data:` URL (decoded whole before the SVG is drawn). */
  maxEmbeddedPixels: number;
}

export const defaultSvgLimits: SvgLimits = { maxBytes: 1024 * 1024, maxElements: 5000, maxUses: 200, rasterSide: 640, maxEmbeddedPixels: 16_000_000 };

/**
 * Refuses SVGs whose rasterisation could take seconds. A 10 kB SVG of
 * stacked filters stalled a renderer's thread for 56 s, and rasterising
 * cannot be interrupted, so filters are refused outright (an image made of
 * filters is rarely a photo worth describing), and elements and `<use>`
 * references are capped.
 */
export function checkSvgComplexity(bytes: Uint8Array, limits: SvgLimits = defaultSvgLimits): void {
  if (bytes.length > limits.maxBytes) throw new EngineError('image-too-large', `the SVG is ${bytes.length} bytes; the limit is ${limits.maxBytes}`);
  // Read as UTF-8: an XML declaration naming another encoding (ISO-2022-JP can put escape bytes inside a
  // word) would let the browser's parser read words this check does not see.
  const encoding = /^\s*(?:\uFEFF)?<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']/i.exec(new TextDecoder().decode(bytes.subarray(0, 512)))?.[1];
  if (encoding !== undefined && !asciiCompatibleEncoding.test(encoding.trim())) {
    throw new EngineError('unsupported-format', `an SVG in the ${encoding.slice(0, 40)} encoding is not rendered`);
  }
  // Character references are read as the parser reads them, so "&#102;ilter" is "filter" here too, with
  // any number of leading zeros ("&#00000102;").
  const text = new TextDecoder().decode(bytes).replace(/&#(x[0-9a-f]+|[0-9]+);?/gi, (_, code: string) => String.fromCodePoint(characterReference(code)));
  // Blunt on purpose: any "filter" at all (element, attribute, CSS, any namespace prefix or case),
  // any backslash (a CSS escape, hex or not, could spell one out, or a "data:" URL) and any entity
  // declaration. A false refusal costs one description; a miss stalls the engine.
  if (/filter/i.test(text) || text.includes('\\') || /<!ENTITY/i.test(text)) {
    throw new EngineError('unsupported-format', 'SVG filters are not rendered (they can take too long), nor CSS escapes or entity declarations, which could spell one');
  }
  const elements = text.match(/<[^!?/\s>]/g)?.length ?? 0;
  if (elements > limits.maxElements) throw new EngineError('image-too-large', `the SVG has ${elements} elements; the limit is ${limits.maxElements}`);
  // A prefix stops at the next "<", so a long run of them is not searched again from each one.
  const uses = text.match(/<(?:[^\s>/<]*:)?use[\s/>]/gi)?.length ?? 0;
  if (uses > limits.maxUses) throw new EngineError('image-too-large', `the SVG has ${uses} <use> references; the limit is ${limits.maxUses}`);
  checkEmbeddedImages(text, limits);
}

/** UTF-8, ASCII, and the single-byte encodings that write ASCII's letters as ASCII does. */
const asciiCompatibleEncoding = /^(?:utf-?8|us-ascii|ascii|iso-8859-\d{1,2}|latin-?1|windows-125\d)$/i;

/** The code point of a numeric character reference's digits ("x66" or "102"); beyond Unicode, the last code point. */
function characterReference(code: string): number {
  const value = code[0] === 'x' || code[0] === 'X' ? parseInt(code.slice(1), 16) : parseInt(code, 10);
  return Number.isFinite(value) ? Math.min(0x10ffff, value) : 0x10ffff;
}

/** Raster formats whose header gives their size, so an embedded one can be measured before the browser decodes it. */
const measurableEmbedded: readonly string[] = ['image/png', 'image/jpeg', 'image/jpg', 'image/gif', 'image/webp', 'image/bmp'];
/** Embedded fonts (diagram exports carry them) draw text, nothing of the kind refused here. */
const embeddedFont = /^(?:font\/|application\/(?:x-)?font)/;

/**
 * An SVG shown as an image renders the `data:` URLs it references (an
 * `href`, a CSS `url()`), out of reach of the checks above: an SVG or a
 * style sheet inside it (base64 or percent-encoded) could carry the filters
 * refused here, and a small PNG can declare a picture of billions of pixels.
 * So any embedded `data:` URL but a font or a raster image is refused, and a
 * raster one is held to the pixel limit that a page's own image is held to.
 */
function checkEmbeddedImages(text: string, limits: SvgLimits): void {
  // Wherever one is written (an href, an XHTML <img src> or srcset in a foreignObject, a CSS url(),
  // image-set() or @import "…"): "data:", a media type or none, parameters, a comma. Words in text
  // ("data: 2019, 2020") are no such URL.
  for (const match of text.matchAll(/data:((?:[a-z][a-z0-9.+-]*\/[a-z0-9.+-]+)?)((?:;[^,;"'\s)]*)*),/gi)) {
    const type = (match[1] ?? '').toLowerCase();
    const base64 = /;base64$/i.test(match[2] ?? '');
    if (embeddedFont.test(type)) continue;
    if (!measurableEmbedded.includes(type) || !base64) {
      throw new EngineError('unsupported-format', `an SVG that embeds ${type || 'data'}${base64 ? '' : ' (not base64)'} is not rendered`);
    }
    // The whole payload (the SVG is at most limits.maxBytes): a JPEG's size can sit behind a long EXIF block.
    // Data URLs may wrap their base64 in whitespace.
    const start = (match.index ?? 0) + match[0].length;
    const payload = (/^[A-Za-z0-9+/=\s]*/.exec(text.slice(start))?.[0] ?? '').replace(/\s+/g, '');
    const usable = payload.slice(0, payload.length - (payload.length % 4));
    let header;
    try {
      header = sniffImage(decodeBase64(usable));
    } catch {
      throw new EngineError('unsupported-format', `an image embedded in the SVG (${type}) could not be read`);
    }
    const { width, height } = header;
    if (width === undefined || height === undefined || width * height > Math.min(defaultDecodeLimits.maxPixels, limits.maxEmbeddedPixels)) {
      throw new EngineError('image-too-large', `an image embedded in the SVG is ${width ?? '?'}x${height ?? '?'} pixels; the limit is ${limits.maxEmbeddedPixels}`);
    }
  }
}
