import { describe, expect, it } from 'vitest';
import { imageToTensor } from '../../src/engine/image/tensor';
import type { TensorSpec } from '../../src/engine/image/tensor';

const identity: TensorSpec = { channelOrder: 'rgb', layout: 'nchw', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] };

/** The resampling written out pixel by pixel, as the engine first had it: the fast path must give the same floats. */
function referenceTensor(image: { width: number; height: number; data: Uint8Array }, tw: number, th: number, spec: TensorSpec, region = { x: 0, y: 0, width: image.width, height: image.height }): Float32Array {
  const out = new Float32Array(3 * tw * th);
  const order = spec.channelOrder === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  for (let ty = 0; ty < th; ty++) {
    const sy = Math.min(Math.max(region.y + (ty + 0.5) * (region.height / th) - 0.5, 0), image.height - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, image.height - 1);
    const fy = sy - y0;
    for (let tx = 0; tx < tw; tx++) {
      const sx = Math.min(Math.max(region.x + (tx + 0.5) * (region.width / tw) - 0.5, 0), image.width - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, image.width - 1);
      const fx = sx - x0;
      const at = (x: number, y: number, c: number) => image.data[(y * image.width + x) * 4 + c]!;
      const w = [(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy] as const;
      const tap = (c: number) => at(x0, y0, c) * w[0] + at(x1, y0, c) * w[1] + at(x0, y1, c) * w[2] + at(x1, y1, c) * w[3];
      const alpha = tap(3) / 255;
      for (let c = 0; c < 3; c++) {
        const value = (tap(order[c]!) * alpha + 255 * (1 - alpha)) * (spec.scale / spec.std[c]!) + -spec.mean[c]! / spec.std[c]!;
        out[spec.layout === 'nchw' ? c * tw * th + ty * tw + tx : (ty * tw + tx) * 3 + c] = value;
      }
    }
  }
  return out;
}

describe('imageToTensor', () => {
  // 2x1 image: a red pixel and a blue one.
  const image = { width: 2, height: 1, data: new Uint8Array([255, 0, 0, 255, 0, 0, 255, 255]) };

  it('lays out NCHW planes and keeps values at the same size', () => {
    expect([...imageToTensor(image, 2, 1, identity)]).toEqual([255, 0, 0, 0, 0, 255]);
  });

  it('swaps to BGR and NHWC when asked', () => {
    expect([...imageToTensor(image, 2, 1, { ...identity, channelOrder: 'bgr', layout: 'nhwc' })]).toEqual([0, 0, 255, 255, 0, 0]);
  });

  it('normalises as (v * scale - mean) / std', () => {
    const spec: TensorSpec = { ...identity, scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };
    const out = imageToTensor(image, 2, 1, spec);
    expect([...out].map((v) => Math.round(v * 1000) / 1000)).toEqual([1, -1, -1, -1, -1, 1]);
  });

  it('interpolates bilinearly with half-pixel centres when upsampling', () => {
    // 2 → 4 pixels: the centres of the target map to -0.25, 0.25, 0.75, 1.25 (clamped).
    const out = imageToTensor(image, 4, 1, identity);
    expect([...out.subarray(0, 4)]).toEqual([255, 191.25, 63.75, 0]);
  });

  it('composites transparent pixels over white', () => {
    const transparent = { width: 1, height: 1, data: new Uint8Array([0, 0, 0, 0]) };
    expect([...imageToTensor(transparent, 1, 1, identity)]).toEqual([255, 255, 255]);
  });

  it('gives exactly the floats of the plain per-pixel formula, for every layout, order and region', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 256;
    const source = { width: 37, height: 23, data: Uint8Array.from({ length: 37 * 23 * 4 }, () => Math.floor(random())) };
    const spec: TensorSpec = { channelOrder: 'bgr', layout: 'nchw', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
    for (const layout of ['nchw', 'nhwc'] as const) {
      for (const channelOrder of ['rgb', 'bgr'] as const) {
        const variant = { ...spec, layout, channelOrder };
        expect(imageToTensor(source, 16, 9, variant)).toEqual(referenceTensor(source, 16, 9, variant));
        expect(imageToTensor(source, 64, 50, variant)).toEqual(referenceTensor(source, 64, 50, variant));
        const region = { x: 5.5, y: 3, width: 20, height: 12.25 };
        expect(imageToTensor(source, 24, 10, variant, region)).toEqual(referenceTensor(source, 24, 10, variant, region));
      }
    }
  });

  it('writes into a given buffer, every value of it, and refuses one of the wrong size', () => {
    const buffer = new Float32Array(3 * 4 * 1).fill(Number.NaN);
    const written = imageToTensor(image, 4, 1, identity, undefined, buffer);
    expect(written).toBe(buffer);
    expect(written).toEqual(imageToTensor(image, 4, 1, identity));
    expect(() => imageToTensor(image, 2, 1, identity, undefined, buffer)).toThrow(/buffer has 12 values/);
  });
});
