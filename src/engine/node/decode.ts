import sharp from 'sharp';
import { EngineError } from '../errors';
import type { RgbaImage } from '../image/types';
import { checkHeader, checkMinSide, defaultDecodeLimits, sniffImage } from '../image/sniff';
import type { DecodeLimits } from '../image/sniff';
import { checkSvgComplexity } from '../image/svg';

/**
 * Node's decoding adapter (tests, CLI, eval, bench), built on sharp/libvips.
 * Animated images yield their first frame (sharp's default page 0).
 */
export async function decodeImageNode(bytes: Uint8Array, limits: DecodeLimits = defaultDecodeLimits): Promise<RgbaImage> {
  const header = sniffImage(bytes);
  checkHeader(header, bytes.length, limits);
  if (header.format === 'svg') checkSvgComplexity(bytes);
  try {
    const input = sharp(bytes, {
      limitInputPixels: limits.maxPixels,
      failOn: 'error',
      // Rasterise SVG at its nominal size; sharp/librsvg does not fetch external resources.
      density: 72,
    });
    const meta = await input.metadata();
    const width = meta.width ?? 0;
    const height = meta.pageHeight ?? meta.height ?? 0;
    if (width * height > limits.maxPixels) {
      throw new EngineError('image-too-large', `the image is ${width}x${height} pixels; the limit is ${limits.maxPixels} pixels`);
    }
    checkMinSide(width, height, limits);
    const { data, info } = await input
      .rotate() // honour EXIF orientation, as browsers do
      .resize({ width: limits.maxSide, height: limits.maxSide, fit: 'inside', withoutEnlargement: true })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  } catch (cause) {
    if (cause instanceof EngineError) throw cause;
    const message = cause instanceof Error ? cause.message : String(cause);
    if (/pixel limit/i.test(message)) throw new EngineError('image-too-large', message, { cause });
    throw new EngineError('corrupt-image', `could not decode the ${header.format} image: ${message}`, { cause });
  }
}
