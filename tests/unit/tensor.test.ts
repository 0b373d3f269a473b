import { describe, expect, it } from 'vitest';
import { imageToTensor } from '../../src/engine/image/tensor';
import type { TensorSpec } from '../../src/engine/image/tensor';

const identity: TensorSpec = { channelOrder: 'rgb', layout: 'nchw', scale: 1, mean: [0, 0, 0], std: [1, 1, 1] };

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
});
