import type { ErrorCode, ImageSource, ReferrerPolicyName } from '../messaging/protocol';
import { elementReferrerPolicy, referrerPolicyOf } from './referrer-policy';
import { markupDigest, serialiseSvg } from './svg-markup';
import { isImageElement, isSvgImage, sourceUrl } from './targets';
import type { CaptionTarget } from './targets';

/**
 * Turns what an element shows into what the engine can read: http(s) and
 * small data:image URLs go as URLs (the engine host fetches them), blob: URLs
 * and inline svg markup only exist in the page, so their bytes go along.
 */

/** Where an element's pixels come from, before encoding. */
export type SourceRef =
  /**
   * `referrerPolicy`: the one the page's request for an http(s) URL ran under, when the page set one.
   * `redraw`: for a blob: URL, the picture as the element shows it, for when the page has revoked the URL.
   */
  | { kind: 'url'; url: string; referrerPolicy?: ReferrerPolicyName; redraw?: () => Promise<Blob | undefined> }
  /** Markup serialised from the page (an inline `<svg>`). */
  | { kind: 'markup'; markup: string; mime: string };

export type SourceError = { error: { code: ErrorCode; message: string } };

export interface SourceOptions {
  /** Largest blob:, data: or markup image whose bytes we send. */
  maxBytes: number;
  /** Reads a blob: URL in the page. */
  fetchBlob(url: string, signal: AbortSignal): Promise<Blob>;
  /** The page's window, for its FileReader. */
  view: (Window & typeof globalThis) | null;
}

/** URLs longer than this are not sent as URLs (and not cached by key). */
export const maxUrlLength = 8192;

export function isSupportedUrl(url: string): boolean {
  return /^(https?|data|blob):/i.test(url);
}

export async function resolveSource(ref: SourceRef, options: SourceOptions, signal: AbortSignal): Promise<ImageSource | SourceError> {
  if (ref.kind === 'markup') return markupToBytes(ref.markup, ref.mime, options.maxBytes);
  const url = ref.url;
  if (/^https?:/i.test(url)) {
    return url.length <= maxUrlLength ? { kind: 'url', url } : { error: { code: 'bad-request', message: 'URL too long' } };
  }
  if (/^data:/i.test(url)) {
    if (/^data:image\//i.test(url) && url.length <= maxUrlLength) return { kind: 'url', url };
    const bytes = dataUrlToBase64(url, options.maxBytes);
    return 'error' in bytes ? bytes : { kind: 'bytes', ...bytes };
  }
  if (/^blob:/i.test(url)) {
    let blob: Blob;
    try {
      blob = await options.fetchBlob(url, signal);
    } catch (error) {
      // Revoked once the picture loaded (as MDN advises for previews): the picture is still on screen.
      const drawn = signal.aborted ? undefined : await ref.redraw?.();
      if (!drawn) throw error;
      blob = drawn;
    }
    if (blob.size > options.maxBytes) return { error: { code: 'image-too-large', message: `${blob.size} bytes` } };
    if (blob.size === 0) return { error: { code: 'empty-input', message: 'empty blob' } };
    return { kind: 'bytes', base64: await blobToBase64(blob, options.view), mime: blob.type || 'application/octet-stream' };
  }
  return { error: { code: 'unsupported-format', message: 'unsupported URL scheme' } };
}

function markupToBytes(markup: string, mime: string, maxBytes: number): ImageSource | SourceError {
  const bytes = new TextEncoder().encode(markup);
  if (bytes.length === 0) return { error: { code: 'empty-input', message: 'empty markup' } };
  if (bytes.length > maxBytes) return { error: { code: 'image-too-large', message: `${bytes.length} bytes of markup` } };
  return { kind: 'bytes', base64: bytesToBase64(bytes), mime };
}

/** Parses a data: URL into base64 bytes; for data: URLs too long or not image/* for the URL form. */
export function dataUrlToBase64(url: string, maxBytes: number): { base64: string; mime: string } | SourceError {
  const comma = url.indexOf(',');
  if (comma < 0) return { error: { code: 'corrupt-image', message: 'malformed data: URL' } };
  const header = url.slice(5, comma);
  const payload = url.slice(comma + 1);
  const parts = header.split(';').map((part) => part.trim());
  const mime = (parts[0] || 'text/plain').toLowerCase().slice(0, 100);
  const isBase64 = parts.slice(1).some((part) => part.toLowerCase() === 'base64');
  if (isBase64) {
    let base64 = payload.replace(/\s+/g, '');
    if (base64.includes('%')) {
      try {
        base64 = decodeURIComponent(base64);
      } catch {
        return { error: { code: 'corrupt-image', message: 'malformed data: URL' } };
      }
    }
    if ((base64.length * 3) / 4 > maxBytes) return { error: { code: 'image-too-large', message: 'data: URL too large' } };
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return { error: { code: 'corrupt-image', message: 'malformed base64' } };
    return { base64, mime };
  }
  let text: string;
  try {
    text = decodeURIComponent(payload);
  } catch {
    text = payload;
  }
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > maxBytes) return { error: { code: 'image-too-large', message: 'data: URL too large' } };
  return { base64: bytesToBase64(bytes), mime };
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let offset = 0; offset < bytes.length; offset += chunk) binary += String.fromCharCode(...bytes.subarray(offset, offset + chunk));
  return btoa(binary);
}

/** FileReader encodes off the main thread; the arrayBuffer path is the fallback. */
export async function blobToBase64(blob: Blob, view: (Window & typeof globalThis) | null): Promise<string> {
  const Reader = view?.FileReader ?? (typeof FileReader === 'undefined' ? undefined : FileReader);
  if (Reader) {
    const dataUrl = await new Promise<string>((resolve, reject) => {
      const reader = new Reader();
      reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : '');
      reader.onerror = () => reject(reader.error ?? new Error('read failed'));
      reader.readAsDataURL(blob);
    });
    const comma = dataUrl.indexOf(',');
    if (comma >= 0) return dataUrl.slice(comma + 1);
  }
  return bytesToBase64(new Uint8Array(await blob.arrayBuffer()));
}

/** Longer side of a picture redrawn from the page: more than the engine reads (its text detector's tiles included). */
const maxRedrawSide = 2048;

/**
 * A loaded `<img>` drawn onto a canvas, as JPEG (a PNG of a photo at this
 * size could near the byte cap). A blob: URL is the page's own origin, so the
 * canvas is not tainted; undefined when there is nothing drawn, or when the
 * element shows another file by now (the request may be shared by several).
 */
async function redrawImage(image: HTMLImageElement, url: string): Promise<Blob | undefined> {
  const { naturalWidth: width, naturalHeight: height } = image;
  if (!image.complete || width === 0 || height === 0 || (image.currentSrc || image.src) !== url) return undefined;
  const scale = Math.min(1, maxRedrawSide / Math.max(width, height));
  const canvas = image.ownerDocument.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const context = canvas.getContext('2d');
  if (!context) return undefined;
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve) => canvas.toBlob((blob) => resolve(blob ?? undefined), 'image/jpeg', 0.92));
}

/** A request key (a URL, or a digest of markup) and where its pixels come from. */
export interface TargetSource {
  key: string;
  ref: SourceRef;
}

/**
 * What a target shows, as a request key and a source: its URL, or for an
 * `<svg>` its markup and a digest of it. Undefined when there is nothing we
 * can send (a URL scheme the engine cannot read, markup that will not
 * serialise).
 */
export function sourceOfTarget(target: CaptionTarget): TargetSource | undefined {
  if (isSvgImage(target)) {
    const markup = serialiseSvg(target);
    return markup ? { key: markupDigest(markup), ref: { kind: 'markup', markup, mime: 'image/svg+xml' } } : undefined;
  }
  const url = sourceUrl(target);
  if (!isSupportedUrl(url)) return undefined;
  if (/^blob:/i.test(url) && isImageElement(target)) return { key: url, ref: { kind: 'url', url, redraw: () => redrawImage(target, url) } };
  // Only a network fetch sends a Referer; data: and blob: are read without one.
  const referrerPolicy = /^https?:/i.test(url) ? referrerPolicyOf(target) : undefined;
  if (!referrerPolicy) return { key: url, ref: { kind: 'url', url } };
  // An image whose own policy differs from the document's must not share a fetch made under another.
  const own = elementReferrerPolicy(target);
  return { key: own ? `${url} ${own}` : url, ref: { kind: 'url', url, referrerPolicy } };
}
