import { EngineError } from '../errors';

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'avif' | 'svg' | 'ico';

export interface ImageHeader {
  format: ImageFormat;
  /** Undefined where the format's size is not in a fixed header (SVG, ICO, a damaged AVIF). */
  width?: number;
  height?: number;
}

/** Decoding limits shared by every platform adapter. */
export interface DecodeLimits {
  /** Bytes. Anything larger is rejected before decoding. */
  maxBytes: number;
  /** Width × height from the header. Larger is a likely decompression bomb. */
  maxPixels: number;
  /** Decoded images are downscaled so that their longer side is at most this. */
  maxSide: number;
  /** Images smaller than this on either side carry nothing to describe. */
  minSide: number;
}

export const defaultDecodeLimits: DecodeLimits = {
  maxBytes: 25 * 1024 * 1024,
  maxPixels: 80_000_000,
  maxSide: 2048,
  minSide: 8,
};

/**
 * Reads the format and, where the header holds it, the pixel size, without
 * decoding. This is what lets a 30000×30000 bomb be refused before any
 * decoder allocates 3.6 GB for it.
 */
export function sniffImage(bytes: Uint8Array): ImageHeader {
  if (bytes.length === 0) throw new EngineError('empty-input', 'the image is empty (0 bytes)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (start: number, length: number) =>
    String.fromCharCode(...bytes.subarray(start, Math.min(start + length, bytes.length)));

  if (bytes.length >= 24 && ascii(1, 3) === 'PNG' && bytes[0] === 0x89) {
    return { format: 'png', width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return { format: 'jpeg', ...jpegSize(bytes, view) };
  }
  if (bytes.length >= 10 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) {
    return { format: 'gif', ...gifSize(bytes, view) };
  }
  if (bytes.length >= 16 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') {
    return { format: 'webp', ...webpSize(bytes, view, ascii) };
  }
  if (bytes.length >= 26 && ascii(0, 2) === 'BM') {
    return { format: 'bmp', width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) };
  }
  if (bytes.length >= 12 && ascii(4, 4) === 'ftyp' && /^(avif|avis|mif1)/.test(ascii(8, 4))) {
    const size = avifSize(bytes, view);
    // Every AVIF image item must carry an ispe: one without any size is not one we let a decoder size for us.
    if (size.width === undefined) throw new EngineError('unsupported-format', 'the AVIF file declares no image size (no ispe box, no track header)');
    return { format: 'avif', ...size };
  }
  if (bytes.length >= 4 && view.getUint32(0) === 0x00000100) return { format: 'ico', ...icoSize(bytes, view) };
  if (startsLikeSvg(ascii(0, 512))) return { format: 'svg' };
  throw new EngineError('unsupported-format', 'the data is not an image format we can read (JPEG, PNG, GIF, WebP, BMP, AVIF, SVG, ICO)');
}

/**
 * An XML declaration, comments and an svg doctype, in that order, then
 * `<svg`. Read step by step: a regular expression with a repeated comment
 * group backtracks exponentially over a run of empty comments.
 */
function startsLikeSvg(head: string): boolean {
  let rest = head.replace(/^\uFEFF/, '').trimStart();
  if (rest.startsWith('<?xml')) {
    const end = rest.indexOf('>');
    if (end < 0) return false;
    rest = rest.slice(end + 1).trimStart();
  }
  while (rest.startsWith('<!--')) {
    const end = rest.indexOf('-->', 4);
    if (end < 0) return false;
    rest = rest.slice(end + 3).trimStart();
  }
  if (/^<!DOCTYPE svg/i.test(rest)) {
    const end = rest.indexOf('>');
    if (end < 0) return false;
    rest = rest.slice(end + 1).trimStart();
  }
  return /^<svg[\s>]/i.test(rest);
}

/**
 * The logical screen, grown to hold the first frame: decoders size the canvas
 * so, and a bomb can declare a small screen and a huge frame.
 */
function gifSize(bytes: Uint8Array, view: DataView): { width: number; height: number } {
  let width = view.getUint16(6, true);
  let height = view.getUint16(8, true);
  const packed = bytes[10] ?? 0;
  let offset = 13 + (packed & 0x80 ? 3 * 2 ** ((packed & 0x07) + 1) : 0);
  while (offset + 10 <= bytes.length) {
    const block = bytes[offset];
    if (block === 0x2c) {
      width = Math.max(width, view.getUint16(offset + 1, true) + view.getUint16(offset + 5, true));
      height = Math.max(height, view.getUint16(offset + 3, true) + view.getUint16(offset + 7, true));
      break;
    }
    if (block !== 0x21) break;
    // An extension: its label, then sub-blocks until one of length 0.
    offset += 2;
    while (offset < bytes.length && bytes[offset] !== 0) offset += 1 + bytes[offset]!;
    offset += 1;
  }
  return { width, height };
}

/**
 * The largest image an icon holds (the one a decoder shows at full size):
 * each directory entry points at a PNG, whose header has its size, or at a
 * bitmap whose DIB header has it (height doubled for the mask). The
 * directory's own one-byte sizes cannot say more than 256.
 */
function icoSize(bytes: Uint8Array, view: DataView): { width?: number; height?: number } {
  const count = bytes.length >= 6 ? view.getUint16(4, true) : 0;
  let best: { width: number; height: number } | undefined;
  for (let i = 0; i < count && 6 + 16 * (i + 1) <= bytes.length; i++) {
    const offset = view.getUint32(6 + 16 * i + 12, true);
    let size: { width: number; height: number } | undefined;
    if (offset + 24 <= bytes.length && bytes[offset] === 0x89 && bytes[offset + 1] === 0x50 && bytes[offset + 2] === 0x4e && bytes[offset + 3] === 0x47) {
      size = { width: view.getUint32(offset + 16), height: view.getUint32(offset + 20) };
    } else if (offset + 12 <= bytes.length) {
      size = { width: Math.abs(view.getInt32(offset + 4, true)), height: Math.abs(view.getInt32(offset + 8, true)) / 2 };
    }
    if (size && (!best || size.width * size.height > best.width * best.height)) best = size;
  }
  return best ?? {};
}

function jpegSize(bytes: Uint8Array, view: DataView): { width?: number; height?: number } {
  let offset = 2;
  while (offset + 9 < bytes.length) {
    if (bytes[offset] !== 0xff) {
      offset++;
      continue;
    }
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset++;
      continue;
    }
    // SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: view.getUint16(offset + 5), width: view.getUint16(offset + 7) };
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    offset += 2 + view.getUint16(offset + 2);
  }
  return {};
}

/**
 * The largest image an AVIF declares. Its size is in an `ispe` (image
 * spatial extents) property box, in meta/iprp/ipco: 4 bytes of version and
 * flags, then width and height; a file has one per image item (a grid and
 * its tiles, a thumbnail), and the largest counts. An image sequence's is in
 * its track headers (moov/trak/tkhd). The boxes of the whole file are walked
 * (a box's place is free, so a small decoy early on must not hide the real
 * size further in); boxes other than these containers are skipped by their
 * size, never searched.
 */
function avifSize(bytes: Uint8Array, view: DataView): { width?: number; height?: number } {
  let best: { width: number; height: number } | undefined;
  let boxesLeft = 10_000;
  const consider = (width: number, height: number) => {
    if (!best || width * height > best.width * best.height) best = { width, height };
  };
  /** Walks the boxes in [start, end); `parent` is the type of the box they are in ('' at the top). */
  const walk = (start: number, end: number, parent: string, depth: number) => {
    for (let offset = start; offset + 8 <= end; ) {
      // A file of more boxes than any real one has could hide its size behind them: refused, not half read.
      if (--boxesLeft < 0) throw new EngineError('unsupported-format', 'the AVIF file has too many boxes to find its size');
      let size = view.getUint32(offset);
      let header = 8;
      if (size === 1) {
        if (offset + 16 > end) return;
        const large = view.getBigUint64(offset + 8);
        size = large > BigInt(end - offset) ? end - offset : Number(large);
        header = 16;
      } else if (size === 0) {
        size = end - offset;
      }
      if (size < header || offset + size > end) return;
      const type = String.fromCharCode(bytes[offset + 4]!, bytes[offset + 5]!, bytes[offset + 6]!, bytes[offset + 7]!);
      const body = offset + header;
      const boxEnd = offset + size;
      if (depth < 6) {
        // meta is a full box (4 bytes of version and flags before its children).
        if (type === 'meta' && parent === '') walk(body + 4, boxEnd, type, depth + 1);
        else if ((type === 'iprp' && parent === 'meta') || (type === 'ipco' && parent === 'iprp') || (type === 'moov' && parent === '') || (type === 'trak' && parent === 'moov')) {
          walk(body, boxEnd, type, depth + 1);
        }
      }
      // Only where a decoder looks: item properties, and track headers.
      if (type === 'ispe' && parent === 'ipco' && body + 12 <= boxEnd) consider(view.getUint32(body + 4), view.getUint32(body + 8));
      if (type === 'tkhd' && parent === 'trak') {
        // Width and height are 16.16 fixed point, after fields whose size depends on the box's version.
        const at = body + (bytes[body] === 1 ? 88 : 76);
        if (at + 8 <= boxEnd) consider(view.getUint32(at) >>> 16, view.getUint32(at + 4) >>> 16);
      }
      offset = boxEnd;
    }
  };
  walk(0, bytes.length, '', 0);
  return best ?? {};
}

function webpSize(
  bytes: Uint8Array,
  view: DataView,
  ascii: (start: number, length: number) => string,
): { width?: number; height?: number } {
  const chunk = ascii(12, 4);
  if (chunk === 'VP8X' && bytes.length >= 30) {
    const width = 1 + (bytes[24]! | (bytes[25]! << 8) | (bytes[26]! << 16));
    const height = 1 + (bytes[27]! | (bytes[28]! << 8) | (bytes[29]! << 16));
    return { width, height };
  }
  if (chunk === 'VP8 ' && bytes.length >= 30) {
    return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  }
  if (chunk === 'VP8L' && bytes.length >= 25) {
    const bits = view.getUint32(21, true);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
  }
  return {};
}

/** Throws the typed error a header deserves, before any decoder sees the data. */
export function checkHeader(header: ImageHeader, byteLength: number, limits: DecodeLimits): void {
  if (byteLength > limits.maxBytes) {
    throw new EngineError('image-too-large', `the image file is ${byteLength} bytes; the limit is ${limits.maxBytes}`);
  }
  const { width, height } = header;
  if (width === undefined || height === undefined) return;
  if (width === 0 || height === 0) throw new EngineError('corrupt-image', `the ${header.format} header says ${width}x${height}`);
  if (width * height > limits.maxPixels) {
    throw new EngineError(
      'image-too-large',
      `the image is ${width}x${height} pixels; the limit is ${limits.maxPixels} pixels`,
    );
  }
  checkMinSide(width, height, limits);
}

export function checkMinSide(width: number, height: number, limits: DecodeLimits): void {
  if (width < limits.minSide || height < limits.minSide) {
    throw new EngineError('image-too-small', `the image is only ${width}x${height} pixels; nothing to describe`);
  }
}

/** Size after the downscale that every adapter applies: longer side at most maxSide. */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
