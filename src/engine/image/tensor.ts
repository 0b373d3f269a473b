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
  /** Optional buffer of exactly 3 x targetWidth x targetHeight values to write into (every value is overwritten). */
  into?: Float32Array,
): Float32Array {
  assertValidImage(image);
  if (into && into.length !== 3 * targetWidth * targetHeight) {
    throw new EngineError('internal', `tensor buffer has ${into.length} values, a ${targetWidth}x${targetHeight} image needs ${3 * targetWidth * targetHeight}`);
  }
  const out = into ?? new Float32Array(3 * targetWidth * targetHeight);
  const { data, width: srcW, height: srcH } = image;
  const scaleX = region.width / targetWidth;
  const scaleY = region.height / targetHeight;
  const plane = targetWidth * targetHeight;
  const [s0, s1, s2] = spec.channelOrder === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  const [m0, m1, m2] = [0, 1, 2].map((c) => spec.scale / spec.std[c]!) as [number, number, number];
  const [a0, a1, a2] = [0, 1, 2].map((c) => -spec.mean[c]! / spec.std[c]!) as [number, number, number];
  const nchw = spec.layout === 'nchw';

  // Each column's taps are the same on every row: worked out once (the detector's input is 512 x 512).
  const x0s = new Int32Array(targetWidth);
  const x1s = new Int32Array(targetWidth);
  const fxs = new Float64Array(targetWidth);
  for (let tx = 0; tx < targetWidth; tx++) {
    const sx = Math.min(Math.max(region.x + (tx + 0.5) * scaleX - 0.5, 0), srcW - 1);
    const x0 = Math.floor(sx);
    x0s[tx] = x0;
    x1s[tx] = Math.min(x0 + 1, srcW - 1);
    fxs[tx] = sx - x0;
  }

  for (let ty = 0; ty < targetHeight; ty++) {
    const sy = Math.min(Math.max(region.y + (ty + 0.5) * scaleY - 0.5, 0), srcH - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, srcH - 1);
    const fy = sy - y0;
    const row0 = y0 * srcW;
    const row1 = y1 * srcW;
    for (let tx = 0; tx < targetWidth; tx++) {
      const x0 = x0s[tx]!;
      const x1 = x1s[tx]!;
      const fx = fxs[tx]!;
      const i00 = (row0 + x0) * 4;
      const i01 = (row0 + x1) * 4;
      const i10 = (row1 + x0) * 4;
      const i11 = (row1 + x1) * 4;
      const w00 = (1 - fx) * (1 - fy);
      const w01 = fx * (1 - fy);
      const w10 = (1 - fx) * fy;
      const w11 = fx * fy;
      const alpha = (data[i00 + 3]! * w00 + data[i01 + 3]! * w01 + data[i10 + 3]! * w10 + data[i11 + 3]! * w11) / 255;
      const white = 255 * (1 - alpha);
      const v0 = data[i00 + s0]! * w00 + data[i01 + s0]! * w01 + data[i10 + s0]! * w10 + data[i11 + s0]! * w11;
      const v1 = data[i00 + s1]! * w00 + data[i01 + s1]! * w01 + data[i10 + s1]! * w10 + data[i11 + s1]! * w11;
      const v2 = data[i00 + s2]! * w00 + data[i01 + s2]! * w01 + data[i10 + s2]! * w10 + data[i11 + s2]! * w11;
      const pixel = ty * targetWidth + tx;
      if (nchw) {
        out[pixel] = (v0 * alpha + white) * m0 + a0;
        out[plane + pixel] = (v1 * alpha + white) * m1 + a1;
        out[2 * plane + pixel] = (v2 * alpha + white) * m2 + a2;
      } else {
        out[pixel * 3] = (v0 * alpha + white) * m0 + a0;
        out[pixel * 3 + 1] = (v1 * alpha + white) * m1 + a1;
        out[pixel * 3 + 2] = (v2 * alpha + white) * m2 + a2;
      }
    }
  }
  return out;
}
