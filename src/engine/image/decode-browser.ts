import { EngineError, throwIfAborted } from '../errors';
import type { RgbaImage } from './types';
import { checkHeader, checkMinSide, defaultDecodeLimits, fitWithin, sniffImage } from './sniff';
import type { DecodeLimits } from './sniff';
import { checkSvgComplexity, defaultSvgLimits } from './svg';

/**
 * The browser's decoding adapter (offscreen document, Firefox background
 * page): createImageBitmap and an OffscreenCanvas. The header is checked
 * first, so a decompression bomb never reaches the decoder. Animated images
 * decode to their first frame. SVG needs an <img> element to rasterise, so it
 * is only read where a document exists.
 */
export async function decodeImageBrowser(
  bytes: Uint8Array,
  options: { limits?: DecodeLimits; signal?: AbortSignal } = {},
): Promise<RgbaImage> {
  const { limits = defaultDecodeLimits, signal } = options;
  const header = sniffImage(bytes);
  checkHeader(header, bytes.length, limits);
  if (header.format === 'svg') checkSvgComplexity(bytes);
  throwIfAborted(signal);
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mimeOf(header.format) });
  let source: ImageBitmap | HTMLImageElement;
  try {
    source = header.format === 'svg' ? await loadSvg(blob) : await createImageBitmap(blob);
  } catch (cause) {
    throw new EngineError('corrupt-image', `could not decode the ${header.format} image`, { cause });
  }
  try {
    const width = 'naturalWidth' in source ? source.naturalWidth : source.width;
    const height = 'naturalHeight' in source ? source.naturalHeight : source.height;
    if (width * height > limits.maxPixels) {
      throw new EngineError('image-too-large', `the image is ${width}x${height} pixels; the limit is ${limits.maxPixels} pixels`);
    }
    checkMinSide(width, height, limits);
    // Vector art is drawn at the size the models read, never bigger: drawing cost grows with the raster.
    const target = fitWithin(width, height, header.format === 'svg' ? Math.min(limits.maxSide, defaultSvgLimits.rasterSide) : limits.maxSide);
    const canvas = new OffscreenCanvas(target.width, target.height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new EngineError('internal', 'no 2D canvas context');
    context.imageSmoothingQuality = 'high';
    context.drawImage(source, 0, 0, target.width, target.height);
    const pixels = context.getImageData(0, 0, target.width, target.height);
    return { data: pixels.data, width: target.width, height: target.height };
  } finally {
    if ('close' in source) source.close();
  }
}

function mimeOf(format: string): string {
  return format === 'svg' ? 'image/svg+xml' : format === 'ico' ? 'image/x-icon' : `image/${format}`;
}

async function loadSvg(blob: Blob): Promise<HTMLImageElement> {
  if (typeof document === 'undefined') throw new EngineError('unsupported-format', 'SVG needs a document to rasterise');
  const url = URL.createObjectURL(blob);
  try {
    // An SVG in an <img> runs no script and loads no external resources.
    const image = new Image();
    image.src = url;
    await image.decode();
    if (image.naturalWidth === 0) throw new EngineError('corrupt-image', 'the SVG has no intrinsic size');
    return image;
  } finally {
    URL.revokeObjectURL(url);
  }
}
