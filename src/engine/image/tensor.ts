import type { RgbaImage } from './types';
import { EngineError } from '../errors';

/**
 * How a model wants its input tensor laid out. Loaded from the model's JSON
 * config, so a model change never needs a code change here.
 */
export interface TensorSpec {
  /** Channel order of the tensor. PaddleOCR models expect BGR. */
  channelOrder: 'rgb' | 'bgr';
  layout: 'nchw' | 'nhwc';
  /** Applied per channel (in tensor channel order): (pixel * scale - mean) / std. */
  scale: number;
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

export function assertValidImage(image: RgbaImage): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new EngineError('corrupt-image', `image has invalid size ${width}x${height}`);
  }
  if (data.length !== width * height * 4) {
    throw new EngineError('corrupt-image', `image data has ${data.length} bytes, expected ${width * height * 4}`);
  }
}

/**
 * Bilinear resample of an RGBA image (alpha composited over white, because
 * transparent logos and screenshots read as dark-on-light) into a float tensor.
 * Uses half-pixel centres, matching cv2.resize and tf.image.resizeBilinear
 * with half_pixel_centers.
 */
export function imageToTensor(
  image: RgbaImage,
  targetWidth: number,
  targetHeight: number,
  spec: TensorSpec,
  /** Optional region of the source to sample from; defaults to the whole image. */
  region: { x: number; y: number; width: number; height: number } = { x: 0, y: 0, width: image.width, height: image.height },
): Float32Array {
  assertValidImage(image);
  const out = new Float32Array(3 * targetWidth * targetHeight);
  const { data, width: srcW, height: srcH } = image;
  const scaleX = region.width / targetWidth;
  const scaleY = region.height / targetHeight;
  const plane = targetWidth * targetHeight;
  const order = spec.channelOrder === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  const mul = order.map((_, c) => spec.scale / spec.std[c]!);
  const add = order.map((_, c) => -spec.mean[c]! / spec.std[c]!);
  const nchw = spec.layout === 'nchw';

  for (let ty = 0; ty < targetHeight; ty++) {
    const sy = Math.min(Math.max(region.y + (ty + 0.5) * scaleY - 0.5, 0), srcH - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, srcH - 1);
    const fy = sy - y0;
    for (let tx = 0; tx < targetWidth; tx++) {
      const sx = Math.min(Math.max(region.x + (tx + 0.5) * scaleX - 0.5, 0), srcW - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, srcW - 1);
      const fx = sx - x0;
      const i00 = (y0 * srcW + x0) * 4;
      const i01 = (y0 * srcW + x1) * 4;
      const i10 = (y1 * srcW + x0) * 4;
      const i11 = (y1 * srcW + x1) * 4;
      const w00 = (1 - fx) * (1 - fy);
      const w01 = fx * (1 - fy);
      const w10 = (1 - fx) * fy;
      const w11 = fx * fy;
      const alpha =
        (data[i00 + 3]! * w00 + data[i01 + 3]! * w01 + data[i10 + 3]! * w10 + data[i11 + 3]! * w11) / 255;
      const pixel = ty * targetWidth + tx;
      for (let c = 0; c < 3; c++) {
        const src = order[c]!;
        const v = data[i00 + src]! * w00 + data[i01 + src]! * w01 + data[i10 + src]! * w10 + data[i11 + src]! * w11;
        const composited = v * alpha + 255 * (1 - alpha);
        const value = composited * mul[c]! + add[c]!;
        if (nchw) out[c * plane + pixel] = value;
        else out[pixel * 3 + c] = value;
      }
    }
  }
  return out;
}
